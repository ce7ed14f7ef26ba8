"""Social Work England's CPD rules as Capable applies them: a peer reflection is what was learnt
(no name needed), new registrants owe nothing for a year they joined late in, the same activity
recorded twice counts once, the form's length limits, and the rules read from settings."""

from datetime import date

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from organisations.factories import MembershipFactory
from organisations.models import Role
from portfolios.cpd import cpd_year_for, same_pieces, send_reminders
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Entry
from portfolios.tasks import _cpd_tasks

pytestmark = pytest.mark.django_db

NEW = "/portfolio/evidence/new/"
JUNE = date(2026, 6, 1)
A_MONTH_BEFORE_THE_END = date(2026, 10, 31)


def registered(first_registered_on=None):
    return MembershipFactory(
        role=Role.PRACTITIONER,
        starts_on=date(2020, 1, 1),
        first_registered_on=first_registered_on,
    ).user


def record(user, **kwargs):
    return EntryFactory(portfolio=PortfolioFactory(owner=user), **kwargs)


def cpd_url(year):
    return reverse("portfolios:cpd-year", kwargs={"year": year})


def form(**overrides):
    data = {
        "action": "complete",
        "activity_type": "group-reflection",
        "entry_type": "supervision",
        "title": "Group supervision on working with fathers",
        "occurred_on_day": "12",
        "occurred_on_month": "3",
        "occurred_on_year": "2026",
        "description": "Our team's monthly group supervision.",
        "learning": "How to invite fathers into planning from the first visit.",
        "impact": "I now ask who else matters to the child at the first visit.",
    }
    data.update(overrides)
    return data


# A peer reflection without a name


def test_a_peer_reflection_without_a_name_counts_through_the_form(client):
    user = registered()
    client.force_login(user)
    response = client.post(
        NEW, form(peer_learning="The group showed me how often fathers are left out.")
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.peer_name == "" and entry.has_peer_reflection
    assert entry.activity_type == "group-reflection"
    record(user, occurred_on=date(2026, 5, 1))

    cpd = cpd_year_for(user, 2026, today=JUNE)
    assert cpd.met and cpd.peer_count == 1
    page = client.get(cpd_url(2026)).text
    assert "Group supervision, team reflection or a discussion with peers" in page
    detail = client.get(entry.get_absolute_url()).text
    assert "name not recorded" not in detail


def test_the_form_asks_for_the_learning_not_the_name(client):
    client.force_login(registered())
    response = client.post(NEW, form(peer_role="Senior practitioner"))
    assert response.status_code == 200
    assert "Enter what you learnt from discussing it" in response.text
    assert "Enter who you discussed it with" not in response.text
    assert "personal data" in client.get(NEW).text


def test_the_export_gives_a_peers_name_only_when_it_was_recorded(client):
    from portfolios.interchange_export import _entry_dict

    user = registered()
    unnamed = record(user, peer_learning="Team reflection helped.")
    named = record(user, peer_name="Sam Peer", peer_learning="Sam helped.")
    assert "name" not in _entry_dict(unnamed)["peer_reflection"]
    assert _entry_dict(named)["peer_reflection"]["name"] == "Sam Peer"


# New registrants


@pytest.mark.parametrize(
    ("first_registered_on", "owed"),
    [
        (None, True),
        (date(2019, 5, 1), True),
        (date(2026, 9, 1), True),  # on the cut-off day: still owed
        (date(2026, 9, 2), False),
        (date(2026, 11, 30), False),
        (date(2027, 1, 10), False),  # not yet registered in this year at all
    ],
)
def test_someone_first_registered_late_in_the_year_owes_no_cpd_for_it(first_registered_on, owed):
    user = registered(first_registered_on)
    cpd = cpd_year_for(user, 2026, today=date(2026, 12, 5))
    assert cpd.owed is owed
    assert cpd.status == ("not-met" if owed else "not-owed")
    assert (cpd.shortfall == []) is not owed


def test_a_new_registrant_gets_no_reminder_no_task_and_no_not_met(client):
    newcomer = registered(date(2026, 9, 15))
    everyone_else = registered(date(2026, 8, 31))

    assert send_reminders(today=A_MONTH_BEFORE_THE_END) == 1
    assert [email.to for email in mail.outbox] == [[everyone_else.email]]
    assert _cpd_tasks(newcomer, A_MONTH_BEFORE_THE_END) == []
    assert _cpd_tasks(everyone_else, A_MONTH_BEFORE_THE_END)

    client.force_login(newcomer)
    page = client.get(cpd_url(2026)).text
    assert "Not met" not in page.split('id="cpd-status"')[1].split("</dd>")[0]
    assert "No CPD needed for this year" in page
    assert "first registered with Social Work England on 15 September 2026" in page
    # Next year is owed as usual.
    assert cpd_year_for(newcomer, 2027, today=date(2027, 6, 1)).owed


@override_settings(CPD_NEW_REGISTRANT_AFTER=(6, 30))
def test_the_cut_off_is_read_from_settings_each_time():
    assert not cpd_year_for(registered(date(2026, 7, 1)), 2026, today=JUNE).owed


def test_the_first_registration_date_is_kept_beside_the_registration_number():
    membership = MembershipFactory(
        registration_number="SW123456", first_registered_on=date(2026, 9, 20)
    )
    membership.full_clean()
    assert not cpd_year_for(membership.user, 2026, today=JUNE).owed


# The same activity recorded twice


def test_the_same_activity_recorded_twice_counts_once(client):
    user = registered()
    first = record(user, title="Course on contextual safeguarding", occurred_on=date(2026, 3, 2))
    again = record(
        user, title="  course on CONTEXTUAL   safeguarding ", occurred_on=date(2026, 3, 2)
    )
    other_day = record(
        user, title="Course on contextual safeguarding", occurred_on=date(2026, 4, 2)
    )

    cpd = cpd_year_for(user, 2026, today=JUNE)
    assert cpd.records_count == 3 and cpd.pieces_count == 2
    assert [[r.pk for r in piece] for piece in cpd.treated_as_one] == [[first.pk, again.pk]]
    assert other_day.pk in [r.pk for r in cpd.records]

    client.force_login(user)
    page = client.get(cpd_url(2026)).text
    assert "Records counted as one piece of CPD" in page
    section = page.split('id="treated-as-one"')[1]
    assert first.get_absolute_url() in section and again.get_absolute_url() in section
    assert other_day.get_absolute_url() not in section.split("</ul>")[0]


def test_a_copy_with_a_new_title_counts_once_and_two_copies_are_not_enough():
    user = registered()
    original = record(user, peer_learning="A colleague helped me see it differently.")
    record(
        user,
        title="Copy of " + original.title,
        occurred_on=date(2026, 5, 5),
        description=original.description,
        learning=original.learning,
        impact=original.impact,
    )
    cpd = cpd_year_for(user, 2026, today=JUNE)
    assert cpd.pieces_count == 1 and cpd.peer_count == 1
    assert not cpd.met
    assert cpd.shortfall == ["Record 1 more piece of CPD"]


def test_reminders_count_different_pieces_too():
    user = registered()
    for _ in range(2):
        record(user, title="Same", occurred_on=date(2026, 3, 2), peer_learning="Learnt.")
    assert send_reminders(today=A_MONTH_BEFORE_THE_END) == 1
    assert "1 different piece" in mail.outbox[0].body


def test_grouping_is_transitive_and_keeps_order():
    class R:
        def __init__(self, title, on, text):
            self.title, self.occurred_on = title, on
            self.description, self.learning, self.impact = text, "", ""

    a, b, c = R("A", 1, "x"), R("B", 2, "x"), R("b", 2, "y")
    assert same_pieces([a, b, c]) == [[a, b, c]]


# Length limits


@override_settings(CPD_FIELD_LIMITS={"title": 200, "learning": 40})
def test_a_record_too_long_for_social_work_englands_form_is_refused_and_kept(client):
    client.force_login(registered())
    long_learning = "I learnt a great deal about listening. " * 3
    response = client.post(NEW, form(learning=long_learning, action="draft"))
    assert response.status_code == 200
    assert not Entry.objects.exists()
    page = response.text
    assert "What I learnt must be 40 characters or fewer" in page
    assert long_learning.strip() in page  # nothing typed is lost
    assert "Our team&#x27;s monthly group supervision." in page
    assert 'data-maxlength="40"' in page
    assert "You can enter up to 40 characters" in page


@override_settings(CPD_FIELD_LIMITS={"learning": 12})
def test_a_line_break_counts_as_one_character(client):
    client.force_login(registered())
    response = client.post(NEW, form(learning="Line one\r\nok"))  # 11 characters as typed
    assert response.status_code == 302


def test_the_form_shows_each_limit(client):
    client.force_login(registered())
    page = client.get(NEW).text
    assert page.count('data-module="govuk-character-count"') == 5
    assert "<script>" not in page


@override_settings(CPD_FIELD_LIMITS={"impact": 10})
def test_the_year_and_entry_pages_warn_before_a_record_is_too_long_to_paste(client):
    user = registered()
    entry = record(user, impact="Much more than ten characters.")
    client.force_login(user)
    for url in (cpd_url(2026), entry.get_absolute_url()):
        page = client.get(url).text
        assert "Too long to paste into Social Work England" in page
        assert "is 30 characters; the form takes 10" in page


# The rules are settings


@override_settings(CPD_REQUIRED_PIECES=3, CPD_REQUIRED_PEER_REFLECTIONS=2)
def test_the_requirement_is_read_from_settings():
    user = registered()
    for _ in range(2):
        record(user, peer_learning="Learnt from a peer.")
    cpd = cpd_year_for(user, 2026, today=JUNE)
    assert not cpd.met
    assert cpd.shortfall == ["Record 1 more piece of CPD"]


@override_settings(CPD_REGISTRATION_YEAR_STARTS=(4, 1))
def test_the_registration_year_is_read_from_settings():
    from portfolios.models import registration_year_bounds, registration_year_for

    assert registration_year_bounds(2026) == (date(2025, 4, 1), date(2026, 3, 31))
    assert registration_year_for(date(2026, 4, 1)) == 2027


# The page opens on the year with something to do


def test_during_a_new_years_first_weeks_last_years_status_is_one_link_away(client):
    from django.utils import timezone

    from portfolios.models import registration_year_bounds, registration_year_for

    user = registered()
    client.force_login(user)
    today = timezone.localdate()
    year = registration_year_for(today)
    response = client.get(reverse("portfolios:cpd"), follow=True)
    assert response.context["cpd"].year == year
    early = today < registration_year_bounds(year)[0] + __import__("datetime").timedelta(weeks=6)
    assert (response.context["previous_cpd"] is not None) is early
    if early:
        assert cpd_url(year - 1) in response.text
    with override_settings(CPD_LAST_YEAR_SHOWN_WEEKS=0):
        assert client.get(cpd_url(year)).context["previous_cpd"] is None


def test_an_import_keeps_a_known_type_of_cpd_and_drops_anything_else():
    from portfolios.interchange_check import _activity_type

    assert _activity_type("course") == "course"
    assert _activity_type("Met Jane Smith at home") == ""
