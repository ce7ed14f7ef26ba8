"""An admin ending someone's role, or reading the members page, is in each person's access log."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessEvent
from organisations import services
from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_ending_a_role_is_logged_for_its_holder_with_the_dates(client, org, admin):
    membership = MembershipFactory(organisation=org, role=Role.PRACTITIONER)
    client.force_login(admin)
    last_day = TODAY + timedelta(days=7)
    response = client.post(
        f"/organisations/{org.slug}/memberships/{membership.uuid}/end/",
        {
            "ends_on_day": last_day.day,
            "ends_on_month": last_day.month,
            "ends_on_year": last_day.year,
        },
    )
    assert response.status_code == 302
    event = AccessEvent.objects.get(action=AccessEvent.Action.END)
    assert (event.actor, event.owner, event.organisation) == (admin, membership.user, org)
    assert event.change == f"role practitioner: last day none → {last_day.isoformat()}"

    client.force_login(membership.user)
    html = client.get("/people/me/access-log/").content.decode()
    assert "Ended" in html and f"last day none → {last_day.isoformat()}" in html


def test_an_admin_ending_their_own_extra_role_logs_nothing(org, admin):
    second = MembershipFactory(user=admin, organisation=org, role=Role.ORG_ADMIN)
    services.end_membership(membership=second, ended_by=admin)
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.END).exists()


def test_reading_the_members_page_is_a_read_of_each_listed_persons_record(client, org, admin):
    people = [MembershipFactory(organisation=org, role=Role.PRACTITIONER).user for _ in range(3)]
    MembershipFactory(organisation=org, role=Role.STUDENT, user=people[0])  # listed twice
    client.force_login(admin)
    assert client.get(f"/organisations/{org.slug}/").status_code == 200
    events = AccessEvent.objects.all()
    assert sorted(e.owner_id for e in events) == sorted(p.pk for p in people)
    assert {(e.actor, e.action, e.organisation) for e in events} == {(admin, "read", org)}
    assert all(e.path == f"/organisations/{org.slug}/" for e in events)
