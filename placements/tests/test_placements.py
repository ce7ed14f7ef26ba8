"""Placement rules (proposing, the lifecycle, days) called directly and through the pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Organisation, PepsStage, Role
from placements import services
from placements.factories import PlacementFactory, put_before_panel
from placements.models import (
    Audit,
    AuditParty,
    AuditTemplate,
    DaysLog,
    Placement,
    PlacementKind,
    StudentUnit,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - timedelta(days=120)
END = START + timedelta(days=150)
DAY = timedelta(days=1)


def propose(world, **overrides):
    arguments = {
        "by": world["hei_lead"],
        "student": world["student"],
        "cohort": world["cohort"],
        "provider_team": world["team"],
        "practice_educator": world["pe"],
        "hei_tutor": world["tutor"],
        "kind": PlacementKind.FIRST,
        "setting_type": "la-children",
        "starts_on": START,
        "ends_on": END,
    }
    arguments.update(overrides)
    return services.propose_placement(**arguments)


def another_student(world):
    student = MembershipFactory(organisation=world["hei"], role=Role.STUDENT).user
    world["cohort"].students.add(student)
    return student


def refused(error_info) -> dict:
    """The fields a ValidationError names."""
    return error_info.value.message_dict


def in_progress(world, **overrides) -> Placement:
    placement = propose(world, **overrides)
    services.agree(placement=placement, by=world["provider_lead"])
    services.start(placement=placement, by=world["pe"])
    return placement


def confirm_all_days(placement, world) -> None:
    """The days the placement needs, logged by the student and confirmed by the educator."""
    DaysLog.objects.bulk_create(
        DaysLog(
            placement=placement,
            on=placement.starts_on + n * DAY,
            days=1,
            recorded_by=world["student"],
            confirmed_by=world["pe"],
            confirmed_at=timezone.now(),
        )
        for n in range(placement.days_required)
    )


def ready_to_complete(world, **overrides) -> Placement:
    placement = in_progress(world, **overrides)
    confirm_all_days(placement, world)
    services.record_learning_agreement(placement=placement, by=world["tutor"], on=START + DAY)
    services.record_midpoint(placement=placement, by=world["pe"], on=START + 40 * DAY)
    services.record_final_report(
        placement=placement, by=world["pe"], text="Ready to practise.", recommendation="pass"
    )
    return placement


# ---------------------------------------------------------------------------------------------
# Proposing


def test_a_placement_lead_of_the_hei_proposes_and_the_educators_stage_is_kept(world):
    placement = propose(world)
    assert placement.status == Placement.Status.PROPOSED
    assert placement.days_required == 70
    assert placement.practice_educator_stage == PepsStage.STAGE_2
    # The stage is a snapshot: a later change to the educator's role does not alter it.
    world["pe"].memberships.update(peps_stage=PepsStage.STAGE_1)
    placement.refresh_from_db()
    assert placement.practice_educator_stage == PepsStage.STAGE_2


def test_a_provider_placement_lead_proposes_too_and_the_final_placement_is_100_days(world):
    placement = propose(world, by=world["provider_lead"], kind=PlacementKind.FINAL)
    assert placement.days_required == 100


@pytest.mark.parametrize("who", ["tutor", "pe", "student", "onsite", "outsider_lead"])
def test_only_placement_leads_of_the_hei_or_provider_propose(world, who):
    if who == "outsider_lead":
        world[who] = MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user
    with pytest.raises(PermissionDenied):
        propose(world, by=world[who])
    assert not Placement.objects.exists()


def test_the_practice_educator_must_hold_a_current_role_with_a_peps_stage(world):
    with pytest.raises(ValidationError) as error:
        propose(world, practice_educator=world["onsite"])
    assert "practice_educator" in refused(error)
    # A practice educator role that has ended no longer counts.
    world["pe"].memberships.update(starts_on=START - 400 * DAY, ends_on=TODAY - DAY)
    with pytest.raises(ValidationError) as error:
        propose(world)
    assert "practice_educator" in refused(error)


def test_a_stage_1_educator_cannot_be_the_sole_assessor_of_a_final_placement(world):
    with pytest.raises(ValidationError) as error:
        propose(world, kind=PlacementKind.FINAL, practice_educator=world["pe1"])
    assert "co_assessor" in refused(error)
    assert "stage 1" in " ".join(refused(error)["co_assessor"])
    # A stage 1 co-assessor does not help.
    other_stage_1 = MembershipFactory(
        organisation=world["provider"], role=Role.PRACTICE_EDUCATOR, peps_stage=1, mfa=True
    ).user
    with pytest.raises(ValidationError) as error:
        propose(
            world,
            kind=PlacementKind.FINAL,
            practice_educator=world["pe1"],
            co_assessor=other_stage_1,
        )
    assert "co_assessor" in refused(error)
    # With a stage 2 co-assessor it is accepted.
    placement = propose(
        world, kind=PlacementKind.FINAL, practice_educator=world["pe1"], co_assessor=world["pe"]
    )
    assert placement.co_assessor == world["pe"]
    assert placement.practice_educator_stage == PepsStage.STAGE_1


def test_a_stage_1_educator_may_take_a_first_placement_alone(world):
    placement = propose(world, practice_educator=world["pe1"])
    assert placement.co_assessor is None


def test_a_student_cannot_have_overlapping_placements(world):
    first = propose(world)
    with pytest.raises(ValidationError) as error:
        propose(world, starts_on=END - 10 * DAY, ends_on=END + 90 * DAY)
    assert "starts_on" in refused(error)
    # Back to back is fine.
    propose(world, starts_on=END + DAY, ends_on=END + 100 * DAY)
    # A placement that ended early no longer blocks its dates.
    services.end_early(placement=first, by=world["hei_lead"], reason="Withdrawn")
    replacement = propose(world, starts_on=START + 30 * DAY, ends_on=END)
    assert replacement.pk


def test_a_student_unit_takes_no_more_students_at_a_time_than_its_capacity(world):
    unit = StudentUnit.objects.create(team=world["team"], head=world["pe"], capacity=2)
    d = START
    a = propose(world, unit=unit, starts_on=d, ends_on=d + 100 * DAY)
    propose(
        world,
        student=another_student(world),
        unit=unit,
        starts_on=d + 120 * DAY,
        ends_on=d + 220 * DAY,
    )
    # Overlaps both, but they never overlap each other: at most two at a time.
    propose(
        world,
        student=another_student(world),
        unit=unit,
        starts_on=d + 50 * DAY,
        ends_on=d + 170 * DAY,
    )
    # Now days 50 to 100 already have two students.
    late = another_student(world)
    with pytest.raises(ValidationError) as error:
        propose(world, student=late, unit=unit, starts_on=d + 60 * DAY, ends_on=d + 80 * DAY)
    assert "unit" in refused(error)
    # Once one of them ends early there is room.
    services.end_early(placement=a, by=world["provider_lead"], reason="Moved team")
    placed = propose(world, student=late, unit=unit, starts_on=d + 60 * DAY, ends_on=d + 80 * DAY)
    assert placed.unit == unit


def test_the_unit_must_be_the_placements_team(world):
    other_team = TeamFactory(organisation=world["provider"])
    unit = StudentUnit.objects.create(team=other_team, head=world["pe"], capacity=5)
    with pytest.raises(ValidationError) as error:
        propose(world, unit=unit)
    assert "unit" in refused(error)


def test_an_off_site_educator_needs_an_on_site_supervisor_from_the_provider(world):
    independent = OrganisationFactory(kind=Organisation.Kind.INDEPENDENT)
    off_site = MembershipFactory(
        organisation=independent, role=Role.PRACTICE_EDUCATOR, peps_stage=2, mfa=True
    ).user
    with pytest.raises(ValidationError) as error:
        propose(world, practice_educator=off_site)
    assert "onsite_supervisor" in refused(error)
    # A supervisor from somewhere else does not count.
    elsewhere = MembershipFactory(organisation=independent, role=Role.ONSITE_SUPERVISOR).user
    with pytest.raises(ValidationError) as error:
        propose(world, practice_educator=off_site, onsite_supervisor=elsewhere)
    assert "onsite_supervisor" in refused(error)
    placement = propose(world, practice_educator=off_site, onsite_supervisor=world["onsite"])
    assert placement.onsite_supervisor == world["onsite"]


def test_the_end_date_comes_after_the_start_date(world):
    with pytest.raises(ValidationError) as error:
        propose(world, ends_on=START)
    assert "ends_on" in refused(error)


def test_the_student_must_be_in_the_cohort_and_the_tutor_at_its_hei(world):
    stranger = MembershipFactory(role=Role.STUDENT).user
    other_tutor = MembershipFactory(role=Role.HEI_TUTOR, mfa=True).user
    with pytest.raises(ValidationError) as error:
        propose(world, student=stranger, hei_tutor=other_tutor)
    assert {"student", "hei_tutor"} <= set(refused(error))


# ---------------------------------------------------------------------------------------------
# The lifecycle


def test_the_lifecycle_runs_in_order_and_completing_opens_the_audit(world):
    placement = propose(world)
    with pytest.raises(ValidationError):
        services.start(placement=placement, by=world["pe"])  # not agreed yet
    services.agree(placement=placement, by=world["provider_lead"])
    with pytest.raises(ValidationError):
        services.agree(placement=placement, by=world["hei_lead"])  # agreed once
    services.start(placement=placement, by=world["pe"])
    assert placement.status == Placement.Status.IN_PROGRESS
    with pytest.raises(ValidationError):
        services.complete(placement=placement, by=world["tutor"])  # no recommendation yet
    with pytest.raises(ValidationError):
        services.record_midpoint(placement=placement, by=world["pe"], on=START + 40 * DAY)
    services.record_learning_agreement(placement=placement, by=world["tutor"], on=START + DAY)
    with pytest.raises(ValidationError):
        services.record_final_report(
            placement=placement, by=world["pe"], text="Good", recommendation="pass"
        )  # the midpoint review comes first
    services.record_midpoint(placement=placement, by=world["pe"], on=START + 40 * DAY)
    with pytest.raises(ValidationError) as error:
        services.record_final_report(
            placement=placement, by=world["pe"], text="Good", recommendation="maybe"
        )
    assert "recommendation" in refused(error)
    services.record_final_report(
        placement=placement, by=world["pe"], text="Good", recommendation="pass"
    )
    confirm_all_days(placement, world)
    audit = services.complete(placement=placement, by=world["tutor"])
    placement.refresh_from_db()
    assert placement.status == Placement.Status.COMPLETED
    assert audit.template == AuditTemplate.objects.get(is_default=True)
    assert sorted(audit.parts.values_list("party", flat=True)) == sorted(AuditParty.values)
    with pytest.raises(ValidationError):
        services.end_early(placement=placement, by=world["tutor"], reason="Too late")
    # The practice assessment panel considers the recommendation before the HEI decides.
    with pytest.raises(ValidationError) as error:
        services.record_hei_decision(placement=placement, by=world["tutor"], decision="pass")
    assert "decision" in refused(error)
    put_before_panel(placement, world)
    services.record_hei_decision(placement=placement, by=world["tutor"], decision="pass")
    with pytest.raises(ValidationError):
        services.record_hei_decision(placement=placement, by=world["hei_lead"], decision="fail")
    placement.refresh_from_db()
    assert placement.hei_decision == "pass"


def test_the_hei_decides_only_once_the_placement_is_over(world):
    placement = in_progress(world)
    with pytest.raises(ValidationError):
        services.record_hei_decision(placement=placement, by=world["tutor"], decision="pass")


def test_ending_early_needs_a_reason_and_opens_the_audit_if_it_had_started(world):
    placement = in_progress(world)
    with pytest.raises(ValidationError) as error:
        services.end_early(placement=placement, by=world["provider_lead"], reason="  ")
    assert "reason" in refused(error)
    audit = services.end_early(placement=placement, by=world["provider_lead"], reason="Illness")
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ENDED_EARLY
    assert placement.ended_reason == "Illness"
    assert audit.parts.count() == 4
    # One that never started has nothing to audit.
    never = propose(world, student=another_student(world))
    assert services.end_early(placement=never, by=world["hei_lead"], reason="Withdrawn") is None
    assert not Audit.objects.filter(placement=never).exists()


WRONG_PEOPLE = [
    ("agree", ["student", "pe", "tutor", "onsite"]),
    ("start", ["student", "onsite"]),
    ("learning_agreement", ["student", "provider_lead", "onsite"]),
    ("midpoint", ["student", "provider_lead"]),
    ("final_report", ["student", "tutor", "provider_lead", "hei_lead", "onsite"]),
    ("complete", ["student", "pe", "onsite"]),
    ("end_early", ["student", "pe"]),
    ("hei_decision", ["student", "pe", "provider_lead"]),
    ("log_days", ["tutor", "provider_lead", "hei_lead", "pe", "onsite"]),
    ("confirm_days", ["student", "tutor", "provider_lead", "hei_lead"]),
    ("extend", ["student", "pe", "provider_lead"]),
]


def take(step, placement, by):
    calls = {
        "agree": lambda: services.agree(placement=placement, by=by),
        "start": lambda: services.start(placement=placement, by=by),
        "learning_agreement": lambda: services.record_learning_agreement(
            placement=placement, by=by, on=START + DAY
        ),
        "midpoint": lambda: services.record_midpoint(placement=placement, by=by, on=START + DAY),
        "final_report": lambda: services.record_final_report(
            placement=placement, by=by, text="Report", recommendation="pass"
        ),
        "complete": lambda: services.complete(placement=placement, by=by),
        "end_early": lambda: services.end_early(placement=placement, by=by, reason="Why"),
        "hei_decision": lambda: services.record_hei_decision(
            placement=placement, by=by, decision="pass"
        ),
        "log_days": lambda: services.log_days(placement=placement, by=by, on=START, days=1),
        "confirm_days": lambda: services.confirm_days(placement=placement, by=by),
        "extend": lambda: services.extend(placement=placement, by=by, days=5, reason="Illness"),
    }
    return calls[step]()


@pytest.mark.parametrize(
    ("step", "who"), [(step, who) for step, people in WRONG_PEOPLE for who in people]
)
def test_each_step_is_refused_to_people_who_do_not_take_it(world, step, who):
    placement = propose(world, onsite_supervisor=world["onsite"])
    # Put the placement where the step could be taken, by the right people.
    status = {
        "agree": Placement.Status.PROPOSED,
        "start": Placement.Status.AGREED,
        "hei_decision": Placement.Status.COMPLETED,
    }.get(step, Placement.Status.IN_PROGRESS)
    Placement.objects.filter(pk=placement.pk).update(
        status=status,
        learning_agreement_on=START + DAY,
        midpoint_review_on=START + 2 * DAY,
        recommendation="pass",
    )
    placement.refresh_from_db()
    before = Placement.objects.values().get(pk=placement.pk)
    with pytest.raises(PermissionDenied):
        take(step, placement, world[who])
    assert Placement.objects.values().get(pk=placement.pk) == before
    assert not DaysLog.objects.exists()


@pytest.mark.parametrize(
    ("step", "who"),
    [
        ("agree", "provider_lead"),
        ("start", "tutor"),
        ("learning_agreement", "pe"),
        ("midpoint", "tutor"),
        ("final_report", "pe"),
        ("complete", "provider_lead"),
        ("end_early", "tutor"),
        ("hei_decision", "hei_lead"),
        ("log_days", "student"),
        ("confirm_days", "onsite"),
        ("extend", "hei_lead"),
    ],
)
def test_and_allowed_to_the_people_who_do(world, step, who):
    """The other side of the test above: the same set-up, the right person."""
    placement = propose(world, onsite_supervisor=world["onsite"])
    status = {
        "agree": Placement.Status.PROPOSED,
        "start": Placement.Status.AGREED,
        "hei_decision": Placement.Status.COMPLETED,
    }.get(step, Placement.Status.IN_PROGRESS)
    Placement.objects.filter(pk=placement.pk).update(
        status=status,
        learning_agreement_on=START + DAY,
        midpoint_review_on=START + 2 * DAY,
        recommendation="pass",
    )
    placement.refresh_from_db()
    if step == "complete":
        confirm_all_days(placement, world)
    if step == "confirm_days":
        services.log_days(placement=placement, by=world["student"], on=START, days=1)
    if step == "hei_decision":
        put_before_panel(placement, world)
    take(step, placement, world[who])  # raises if refused


# ---------------------------------------------------------------------------------------------
# Days


def fill_days(placement, count, by):
    DaysLog.objects.bulk_create(
        DaysLog(placement=placement, on=placement.starts_on + n * DAY, days=1, recorded_by=by)
        for n in range(count)
    )


def test_days_cannot_exceed_the_length_without_an_extension_then_can_up_to_it(world):
    placement = in_progress(world)
    student = world["student"]
    fill_days(placement, 69, student)
    services.log_days(placement=placement, by=student, on=START + 69 * DAY, days=Decimal("0.5"))
    services.log_days(placement=placement, by=student, on=START + 70 * DAY, days="0.5")
    assert services.days_logged(placement) == 70
    with pytest.raises(ValidationError) as error:
        services.log_days(placement=placement, by=student, on=START + 71 * DAY, days=1)
    assert "days" in refused(error)
    # Only the HEI extends, explicitly and with a reason.
    with pytest.raises(PermissionDenied):
        services.extend(placement=placement, by=world["provider_lead"], days=2, reason="Illness")
    with pytest.raises(ValidationError) as error:
        services.extend(placement=placement, by=world["tutor"], days=2, reason="")
    assert "reason" in refused(error)
    services.extend(placement=placement, by=world["tutor"], days=2, reason="Two days of illness")
    assert placement.days_allowed == 72
    assert "Two days of illness" in placement.extension_reason
    services.log_days(placement=placement, by=student, on=START + 71 * DAY, days=1)
    services.log_days(placement=placement, by=student, on=START + 72 * DAY, days=1)
    with pytest.raises(ValidationError):
        services.log_days(placement=placement, by=student, on=START + 73 * DAY, days="0.5")
    assert services.days_logged(placement) == 72


def test_one_date_holds_at_most_one_day_and_days_are_logged_once_they_happen(world):
    placement = in_progress(world)
    services.log_days(placement=placement, by=world["student"], on=START, days="0.5")
    with pytest.raises(ValidationError) as error:
        services.log_days(placement=placement, by=world["student"], on=START, days=1)
    assert "on" in refused(error)
    for bad in ("0", "-1", "1.5", "abc", "0.25"):
        with pytest.raises(ValidationError) as error:
            services.log_days(placement=placement, by=world["student"], on=START + DAY, days=bad)
        assert "days" in refused(error), bad
    with pytest.raises(ValidationError) as error:
        services.log_days(placement=placement, by=world["student"], on=TODAY + DAY, days=1)
    assert "on" in refused(error)
    with pytest.raises(ValidationError) as error:
        services.log_days(placement=placement, by=world["student"], on=START - DAY, days=1)
    assert "on" in refused(error)
    assert services.days_logged(placement) == Decimal("0.5")


def test_days_are_logged_only_while_the_placement_is_in_progress(world):
    placement = propose(world)
    with pytest.raises(ValidationError):
        services.log_days(placement=placement, by=world["student"], on=START, days=1)


# ---------------------------------------------------------------------------------------------
# Pages


def test_people_outside_the_placement_get_404(client, world):
    placement = propose(world)
    other = PlacementFactory()  # another placement, with its own people
    outsiders = [
        MembershipFactory(role=Role.STUDENT).user,  # an unrelated student
        other.practice_educator,  # practice educator of another placement
        MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user,  # lead of an unrelated org
    ]
    for outsider in outsiders:
        client.force_login(outsider)
        for url in (placement.get_absolute_url(), f"{placement.get_absolute_url()}audit/"):
            assert client.get(url).status_code == 404, (outsider, url)
        response = client.post(placement.get_absolute_url(), {"step": "agree"})
        assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED
    for insider in ("student", "pe", "tutor", "provider_lead", "hei_lead"):
        client.force_login(world[insider])
        assert client.get(placement.get_absolute_url()).status_code == 200, insider


def test_reading_a_students_placement_is_logged_for_anyone_but_the_student(client, world):
    placement = propose(world)
    client.force_login(world["student"])
    client.get(placement.get_absolute_url())
    assert not AccessEvent.objects.exists()
    client.force_login(world["tutor"])
    page = client.get(placement.get_absolute_url())
    assert page.status_code == 200
    event = AccessEvent.objects.get()
    assert event.actor == world["tutor"] and event.owner == world["student"]
    assert event.organisation == world["hei"]


def test_the_lifecycle_buttons_work_for_those_allowed_and_not_for_others(client, world):
    placement = propose(world)
    client.force_login(world["student"])
    page = client.get(placement.get_absolute_url()).content.decode()
    assert 'value="agree"' not in page
    client.post(placement.get_absolute_url(), {"step": "agree"})
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED
    client.force_login(world["provider_lead"])
    page = client.get(placement.get_absolute_url()).content.decode()
    assert 'value="agree"' in page
    response = client.post(placement.get_absolute_url(), {"step": "agree"})
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == Placement.Status.AGREED


def test_logging_days_through_the_page_shows_the_rules_errors(client, world):
    placement = in_progress(world)
    fill_days(placement, 70, world["student"])
    client.force_login(world["student"])
    day = START + 80 * DAY
    data = {
        "step": "log_days",
        "days-on_day": day.day,
        "days-on_month": day.month,
        "days-on_year": day.year,
        "days-days": "1",
    }
    response = client.post(placement.get_absolute_url(), data)
    assert response.status_code == 400
    assert "more than the 70" in response.content.decode()
    services.extend(placement=placement, by=world["tutor"], days=1, reason="Sick day")
    response = client.post(placement.get_absolute_url(), data)
    assert response.status_code == 302
    assert services.days_logged(placement) == 71


def test_proposing_through_the_page(client, world):
    client.force_login(world["tutor"])
    assert client.get("/placements/new/").status_code == 404
    client.force_login(world["hei_lead"])
    page = client.get("/placements/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert str(world["pe1"]) in html and str(world["student"]) in html
    stranger = MembershipFactory(role=Role.PRACTICE_EDUCATOR, peps_stage=2).user
    assert str(stranger) not in html  # only people of the HEI and its partners
    membership = {who: world[who].memberships.get().pk for who in ("pe", "pe1", "onsite", "tutor")}
    data = {
        "cohort": world["cohort"].pk,
        "student": world["student"].pk,
        "kind": PlacementKind.FINAL,
        "setting_type": "la-children",
        "provider_team": world["team"].pk,
        "practice_educator": membership["pe1"],
        "hei_tutor": membership["tutor"],
        "starts_on_day": START.day,
        "starts_on_month": START.month,
        "starts_on_year": START.year,
        "ends_on_day": END.day,
        "ends_on_month": END.month,
        "ends_on_year": END.year,
    }
    response = client.post("/placements/new/", data)
    assert response.status_code == 400
    assert "sole assessor" in response.content.decode()
    assert not Placement.objects.exists()
    response = client.post("/placements/new/", {**data, "co_assessor": membership["pe"]})
    placement = Placement.objects.get()
    assert response.status_code == 302 and response.url == placement.get_absolute_url()
    assert placement.co_assessor == world["pe"] and placement.practice_educator == world["pe1"]


def make_placements(world, count):
    """`count` placements, every other one completed with its audit open."""
    for n in range(count):
        placement = PlacementFactory(
            cohort=world["cohort"],
            provider_team=world["team"],
            practice_educator=world["pe"],
            hei_tutor=world["tutor"],
        )
        if n % 2 == 0:
            Placement.objects.filter(pk=placement.pk).update(
                status=Placement.Status.COMPLETED, recommendation="pass", hei_decision="pass"
            )
            services.open_audit(placement)


def list_queries(client, user):
    client.force_login(user)
    client.get("/placements/")  # the first request of a session records it; measure the next
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/placements/")
    assert response.status_code == 200
    return len(queries), response


def test_the_list_groups_by_status_and_its_queries_do_not_grow(client, world):
    make_placements(world, 3)
    few, response = list_queries(client, world["hei_lead"])
    html = response.content.decode()
    assert "Proposed (1)" in html and "Completed (2)" in html
    assert "Quality audit: 4 parts to come" in html
    assert "Propose a placement" in html
    make_placements(world, 17)
    many, response = list_queries(client, world["hei_lead"])
    html = response.content.decode()
    assert "Proposed (9)" in html and "Completed (11)" in html
    assert few == many


def test_the_list_shows_only_your_placements_and_no_propose_link_to_others(client, world):
    mine = propose(world)
    PlacementFactory()
    client.force_login(world["student"])
    html = client.get("/placements/").content.decode()
    assert mine.get_absolute_url() in html
    assert "Proposed (1)" in html
    assert "Propose a placement" not in html


def test_the_student_shares_their_portfolio_with_the_people_who_assess_the_placement(client):
    from portfolios.factories import EntryFactory, PortfolioFactory
    from portfolios.models import Share

    placement = PlacementFactory()
    entry = EntryFactory(portfolio=PortfolioFactory(owner=placement.student))
    client.force_login(placement.practice_educator)
    assert client.get(entry.get_absolute_url()).status_code == 404
    client.force_login(placement.student)
    response = client.post(placement.get_absolute_url(), {"step": "share-portfolio"})
    assert response.status_code == 302
    shares = Share.objects.filter(portfolio__owner=placement.student)
    assert {s.reader for s in shares} >= {placement.practice_educator, placement.hei_tutor}
    assert all(s.can_comment and s.expires_on > placement.ends_on for s in shares)
    client.force_login(placement.practice_educator)
    assert client.get(entry.get_absolute_url()).status_code == 200
    # Doing it again adds nobody twice; nobody else can do it for the student.
    client.force_login(placement.student)
    client.post(placement.get_absolute_url(), {"step": "share-portfolio"})
    assert Share.objects.filter(portfolio__owner=placement.student).count() == shares.count()
    client.force_login(placement.hei_tutor)
    client.post(placement.get_absolute_url(), {"step": "share-portfolio"})
    assert not Share.objects.filter(portfolio__owner=placement.hei_tutor).exists()
