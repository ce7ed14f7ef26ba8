"""The demo shows the CPD rules: a practitioner whose only peer reflection names nobody is ready
to record, a duplicate pair counted once, a new registrant who owes nothing, activity types."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.demo import DEMO_DOMAIN
from accounts.models import User
from portfolios.cpd import cpd_year_for
from portfolios.demo import late_registration
from portfolios.models import Entry, registration_year_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115


def demo(local):
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def test_priyas_only_peer_reflection_names_nobody_and_her_year_is_ready(seeded, client):
    priya = demo("priya.practitioner")
    year = registration_year_for(datetime.date.today())
    peer = Entry.objects.filter(portfolio__owner=priya).with_peer_reflection()
    assert not peer.exclude(peer_name="", peer_role="", peer_on=None).exists()  # nobody named
    assert peer.in_registration_year(year).count() == 1

    cpd = cpd_year_for(priya, year)
    assert cpd.met and cpd.status_label == "Ready to record with Social Work England"
    assert cpd_year_for(priya, year - 1).met
    assert any(len(piece) == 2 for piece in cpd.treated_as_one)  # the course recorded twice

    client.force_login(priya)
    page = client.get(reverse("portfolios:cpd-year", kwargs={"year": year})).text
    assert "Ready to record with Social Work England" in page
    assert "Records counted as one piece of CPD" in page


def test_alex_is_a_new_registrant_who_owes_no_cpd_for_the_year_they_joined(seeded):
    alex = demo("alex.asye")
    first = late_registration(datetime.date.today())
    assert alex.memberships.filter(first_registered_on=first).exists()
    cpd = cpd_year_for(alex, registration_year_for(first))
    assert not cpd.owed and cpd.status != "not-met"
    assert cpd_year_for(alex, registration_year_for(datetime.date.today())).owed


def test_demo_records_have_a_type_of_cpd_activity(seeded):
    complete = Entry.objects.filter(status=Entry.Status.COMPLETE)
    assert complete.exists() and not complete.filter(activity_type="").exists()


@pytest.mark.parametrize(
    ("today", "first"),
    [
        (datetime.date(2026, 12, 6), datetime.date(2026, 9, 15)),
        (datetime.date(2026, 6, 1), datetime.date(2025, 9, 15)),
        (datetime.date(2026, 11, 30), datetime.date(2025, 9, 15)),
    ],
)
def test_the_late_registration_is_in_last_registration_year(today, first):
    assert late_registration(today) == first
