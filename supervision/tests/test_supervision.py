"""Supervision records: who sees them (supervisee and supervisor only; 404 for anyone else), the
guard on agreed actions, writes in the supervisee's access log, and the PSW's aggregates by team,
suppressed below five people."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Role
from portfolios.guard import check_fields
from supervision import aggregates, rules, services
from supervision.demo import demo_texts
from supervision.models import SupervisionRecord

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LIST_URL = reverse("supervision:index")
CREATE_URL = reverse("supervision:create")
ORGANISATION_URL = reverse("appraisals:organisation")
NHS = "943 476 5919"


def member(organisation, role, team=None, **kwargs):
    return MembershipFactory(
        organisation=organisation,
        team=team,
        role=role,
        mfa=role not in (Role.PRACTITIONER, Role.STUDENT),
        starts_on=datetime.date(2020, 1, 1),
        **kwargs,
    )


@pytest.fixture
def people(db):
    organisation = OrganisationFactory(name="Northshire Council")
    team = TeamFactory(organisation=organisation, name="Assessment")
    other_team = TeamFactory(organisation=organisation, name="Family help")
    return {
        "organisation": organisation,
        "team": team,
        "supervisee": member(organisation, Role.PRACTITIONER, team),
        "supervisor": member(organisation, Role.LINE_MANAGER, team).user,
        "colleague": member(organisation, Role.PRACTITIONER, team).user,
        "other_manager": member(organisation, Role.LINE_MANAGER, other_team).user,
        "other_practitioner": member(organisation, Role.PRACTITIONER, other_team),
        "psw": member(organisation, Role.PRINCIPAL_SOCIAL_WORKER).user,
        "admin": member(organisation, Role.ORG_ADMIN).user,
    }


def posted(membership=None, **changes):
    data = {
        "held_on_day": str(TODAY.day),
        "held_on_month": str(TODAY.month),
        "held_on_year": str(TODAY.year),
        "minutes": "60",
        "kind": "individual",
        "protected_time": "on",
        "cases_held": "14",
        "agreed_actions": "Book the court skills course.",
    }
    if membership is not None:
        data["supervisee"] = str(membership.uuid)
    data.update(changes)
    return data


def record_for(people, **fields):
    values = {
        "held_on": TODAY - datetime.timedelta(days=3),
        "minutes": 60,
        "kind": SupervisionRecord.Kind.INDIVIDUAL,
        "protected_time": True,
        "cases_held": 12,
        "agreed_actions": "Read the neglect guidance.",
    }
    values.update(fields)
    return services.record_supervision(
        supervisor=people["supervisor"], supervisee_membership=people["supervisee"], **values
    )


# ---------------------------------------------------------------------------------------------
# Who supervises whom, and who sees a record


def test_the_team_line_manager_supervises_the_team_and_nobody_else(people):
    supervised = {m.user for m in rules.supervisee_memberships(people["supervisor"])}
    assert supervised == {people["supervisee"].user, people["colleague"]}
    assert not rules.supervisee_memberships(people["supervisee"].user).exists()
    assert not rules.supervisee_memberships(people["psw"]).exists()


def test_a_team_without_its_own_supervisor_is_supervised_by_the_organisations(people):
    unmanaged = TeamFactory(organisation=people["organisation"], name="Children in care")
    newcomer = member(people["organisation"], Role.PRACTITIONER, unmanaged, asye=True)
    assert rules.supervisee_memberships(people["supervisor"]).filter(pk=newcomer.pk).exists()
    # The other team has a manager of its own: its people are not this manager's.
    assert (
        not rules.supervisee_memberships(people["supervisor"])
        .filter(pk=people["other_practitioner"].pk)
        .exists()
    )


def test_the_supervisor_records_a_session_and_the_supervisee_reads_it(client, people):
    client.force_login(people["supervisor"])
    page = client.get(CREATE_URL).content.decode()
    assert str(people["supervisee"].user) in page
    assert str(people["other_practitioner"].user) not in page

    response = client.post(CREATE_URL, posted(people["supervisee"]))

    assert response.status_code == 302
    record = SupervisionRecord.objects.get()
    assert (record.supervisee, record.supervisor, record.team) == (
        people["supervisee"].user,
        people["supervisor"],
        people["team"],
    )
    assert (record.minutes, record.kind, record.protected_time, record.cases_held) == (
        60,
        "individual",
        True,
        14,
    )
    client.force_login(people["supervisee"].user)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Book the court skills course." in page
    assert "Change this record" not in page
    assert client.get(reverse("supervision:edit", args=[record.uuid])).status_code == 404
    assert "Book the court skills course" not in client.get(LIST_URL).content.decode()
    assert record.get_absolute_url() in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize("who", ["colleague", "other_manager", "psw", "admin"])
def test_anyone_else_gets_404(client, people, who):
    record = record_for(people)
    client.force_login(people[who])
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.get(reverse("supervision:edit", args=[record.uuid])).status_code == 404
    assert record.get_absolute_url() not in client.get(LIST_URL).content.decode()


def test_only_supervisors_can_record_and_only_for_their_own_people(client, people):
    for who in ("colleague", "psw", "admin"):
        client.force_login(people[who])
        assert client.get(CREATE_URL).status_code == 404
    client.force_login(people["supervisor"])
    response = client.post(CREATE_URL, posted(people["other_practitioner"]))
    assert response.status_code == 400
    assert "Choose one of the people you supervise" in response.content.decode()
    assert not SupervisionRecord.objects.exists()


def test_a_supervisor_whose_role_ended_loses_the_record_and_the_supervisee_keeps_it(client, people):
    record = record_for(people)
    manager_role = people["supervisor"].memberships.get()
    manager_role.ends_on = TODAY - datetime.timedelta(days=1)
    manager_role.save()
    client.force_login(people["supervisor"])
    assert client.get(record.get_absolute_url()).status_code == 404
    client.force_login(people["supervisee"].user)
    assert client.get(record.get_absolute_url()).status_code == 200


# ---------------------------------------------------------------------------------------------
# The guard, and the access log


def test_agreed_actions_go_through_the_guard(client, people):
    client.force_login(people["supervisor"])

    response = client.post(
        CREATE_URL, posted(people["supervisee"], agreed_actions=f"Call the GP about NHS {NHS}")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Remove the NHS number from this text" in page
    assert f"NHS {NHS}" in page  # what was typed is kept
    assert not SupervisionRecord.objects.exists()

    named = posted(people["supervisee"], agreed_actions="Visit the mother, Jane Smith, again.")
    response = client.post(CREATE_URL, named)
    assert response.status_code == 400
    assert "confirm that it does not identify a child or family" in response.content.decode()
    assert not SupervisionRecord.objects.exists()


def test_the_supervisors_writes_and_reads_are_logged_for_the_supervisee(client, people):
    client.force_login(people["supervisor"])
    client.post(CREATE_URL, posted(people["supervisee"]))
    record = SupervisionRecord.objects.get()
    created = AccessEvent.objects.get()
    assert (created.actor, created.owner, created.action) == (
        people["supervisor"],
        people["supervisee"].user,
        AccessEvent.Action.CREATE,
    )

    edit = reverse("supervision:edit", args=[record.uuid])
    page = client.get(edit).content.decode()
    assert "Book the court skills course." in page and 'name="supervisee"' not in page
    response = client.post(edit, posted(minutes="90", agreed_actions="A different plan."))
    assert response.status_code == 302
    changed = AccessEvent.objects.filter(action=AccessEvent.Action.CHANGE).get()
    assert "minutes: 60 → 90" in changed.change
    assert "agreed actions" in changed.change
    assert "different plan" not in changed.change

    client.get(record.get_absolute_url())
    assert AccessEvent.objects.filter(action=AccessEvent.Action.READ).count() == 1
    # The supervisee reading their own record logs nothing.
    client.force_login(people["supervisee"].user)
    client.get(record.get_absolute_url())
    assert AccessEvent.objects.filter(actor=people["supervisee"].user).count() == 0


def test_the_demo_texts_pass_the_guard():
    for text in demo_texts():
        assert not check_fields({"text": text}), text


# ---------------------------------------------------------------------------------------------
# The PSW's aggregates


def sessions(people_memberships, supervisor, count, *, protected=True):
    for membership in people_memberships:
        for day in range(count):
            services.record_supervision(
                supervisor=supervisor,
                supervisee_membership=membership,
                held_on=TODAY - datetime.timedelta(days=10 + day * 20),
                minutes=60,
                kind=SupervisionRecord.Kind.INDIVIDUAL,
                protected_time=protected,
                cases_held=10,
            )


def test_aggregates_hide_a_team_of_fewer_than_five_whole(people):
    organisation, team = people["organisation"], people["team"]
    # Assessment: the supervisee and colleague, and two more: four people.
    extra = [member(organisation, Role.PRACTITIONER, team) for _ in range(2)]
    sessions([people["supervisee"], *extra], people["supervisor"], 12)
    # Family help: six people, all supervised monthly with protected time.
    other_team = people["other_practitioner"].team
    big = [people["other_practitioner"]] + [
        member(organisation, Role.PRACTITIONER, other_team) for _ in range(5)
    ]
    sessions(big, people["other_manager"], 12)

    result = aggregates.supervision_by_team(organisation)

    small = result.frequency.row("Assessment")
    assert small.total.suppressed and all(cell.suppressed for cell in small.cells)
    shown = result.frequency.row("Family help")
    assert shown.total.count == 6
    assert [cell.count for cell in shown.cells] == [0, 0, 0, 6]
    overall = result.frequency.overall
    # All teams hides what a team hides, so Assessment cannot be worked out by subtraction.
    assert all(cell.suppressed for cell in overall.cells)
    protected = result.protected.row("Family help")
    assert [cell.count for cell in protected.cells] == [6, 0, 0]
    assert result.protected.row("Assessment").total.suppressed


def test_a_row_with_fewer_than_five_in_a_band_hides_every_band(people):
    organisation, team = people["organisation"], people["team"]
    everyone = [people["supervisee"]] + [
        member(organisation, Role.PRACTITIONER, team) for _ in range(5)
    ]
    # Five supervised monthly; one more and the colleague never: two "none recorded".
    sessions(everyone[:5], people["supervisor"], 12)
    result = aggregates.supervision_by_team(organisation)
    row = result.frequency.row("Assessment")
    assert row.total.count == 7  # the six above and the colleague
    assert all(cell.suppressed for cell in row.cells)


def test_the_psw_sees_counts_by_team_and_never_a_person(client, people):
    organisation, team = people["organisation"], people["team"]
    everyone = [people["supervisee"]] + [
        member(organisation, Role.PRACTITIONER, team) for _ in range(4)
    ]
    sessions(everyone, people["supervisor"], 12)
    people["colleague"].memberships.update(ends_on=TODAY - datetime.timedelta(days=1))
    record_for(people, agreed_actions="Keep this between us.")
    client.force_login(people["psw"])

    page = client.get(ORGANISATION_URL).content.decode()

    assert "Supervision and protected time" in page
    assert "How often people were supervised in the last 12 months" in page
    assert "Keep this between us" not in page
    for membership in everyone:
        assert str(membership.user) not in page
    assert "/supervision/" not in page.split('id="supervision"', 1)[1].split('id="voice"')[0]
    result = aggregates.supervision_by_team(organisation)
    assert result.frequency.row("Assessment").total.count == 5
    assert [c.count for c in result.frequency.row("Assessment").cells] == [0, 0, 0, 5]
