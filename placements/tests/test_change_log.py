"""Changes to a student's placement by anyone else are in the student's access log, with what
changed and through which organisation; the student's own changes log nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AccessEvent
from placements import services
from placements.factories import completed_placement_with_audit
from placements.models import AuditParty, PlacementKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - timedelta(days=120)
DAY = timedelta(days=1)
Action = AccessEvent.Action


@pytest.fixture
def placement(world):
    placement = services.propose_placement(
        by=world["hei_lead"],
        student=world["student"],
        cohort=world["cohort"],
        provider_team=world["team"],
        practice_educator=world["pe"],
        hei_tutor=world["tutor"],
        kind=PlacementKind.FIRST,
        setting_type="la-children",
        starts_on=START,
        ends_on=START + 150 * DAY,
    )
    services.agree(placement=placement, by=world["provider_lead"])
    services.start(placement=placement, by=world["pe"])
    return placement


def latest():
    return AccessEvent.objects.order_by("-pk").first()


def test_lifecycle_steps_are_logged_as_changes(world, placement):
    agreed, started = AccessEvent.objects.order_by("pk")
    assert (agreed.actor, agreed.owner, agreed.action) == (
        world["provider_lead"],
        world["student"],
        Action.CHANGE,
    )
    assert agreed.change == "agreed for the provider; status: proposed → agreed"
    assert agreed.organisation == world["provider"]
    assert started.change == "status: agreed → in progress"
    assert started.ip_address is None and started.path == ""  # no request in a service

    services.record_learning_agreement(placement=placement, by=world["tutor"], on=START + DAY)
    event = latest()
    assert event.actor == world["tutor"] and event.organisation == world["hei"]
    assert event.change == f"learning agreement: none → {(START + DAY).isoformat()}"

    services.extend(placement=placement, by=world["tutor"], days=3, reason="Illness in March")
    assert latest().change == "extension days: 0 → 3"
    assert "Illness" not in latest().change

    services.end_early(placement=placement, by=world["hei_lead"], reason="Moved away")
    assert (latest().action, latest().change) == (
        Action.END,
        "status: in progress → ended early; reason given",
    )


def test_confirming_days_is_a_change_of_the_students_record(client, world, placement):
    on = START + 3 * DAY
    services.log_days(placement=placement, by=world["student"], on=on, days="0.5")
    before = AccessEvent.objects.count()
    client.force_login(world["pe"])
    response = client.post(placement.get_absolute_url(), {"step": "confirm_days"})
    assert response.status_code == 302
    assert placement.days_log.get().confirmed_by == world["pe"]
    event = AccessEvent.objects.exclude(action=Action.READ).order_by("-pk").first()
    assert AccessEvent.objects.count() == before + 1
    assert (event.actor, event.owner, event.action) == (
        world["pe"],
        world["student"],
        Action.CHANGE,
    )
    assert event.change == "confirmed 0.5 days"
    assert event.organisation == world["provider"]


def test_the_students_own_changes_log_nothing(world, placement):
    before = AccessEvent.objects.count()
    services.log_days(placement=placement, by=world["student"], on=START, days=1)
    assert AccessEvent.objects.count() == before


def test_audit_parts_and_moderation_are_logged_without_what_was_written(world):
    audit = completed_placement_with_audit(world, onsite=False)
    for who, party in (
        ("student", AuditParty.STUDENT),
        ("pe", AuditParty.EDUCATOR),
        ("provider_lead", AuditParty.PROVIDER),
        ("tutor", AuditParty.TUTOR),
    ):
        sections = audit.template.sections.filter(party=party).prefetch_related("criteria")
        services.submit_audit_part(
            audit=audit,
            by=world[who],
            party=party,
            ratings={c.pk: 1 for s in sections for c in s.criteria.all()},
            comments={s.pk: "Laptop on day one" for s in sections},
        )
    services.moderate(
        audit=audit,
        by=world["hei_lead"],
        notes="Good placement",
        actions=[
            {
                "text": "Give students a desk",
                "owner": world["provider_lead"],
                "due_on": TODAY + 30 * DAY,
            }
        ],
    )
    events = list(AccessEvent.objects.order_by("pk"))
    assert [e.actor for e in events] == [
        world["pe"],
        world["provider_lead"],
        world["tutor"],
        world["hei_lead"],
    ]  # the student's own part logs nothing
    assert {e.owner for e in events} == {world["student"]}
    assert (
        events[0].change == f"submitted the {AuditParty.EDUCATOR.label.lower()} part of the audit"
    )
    assert (events[-1].action, events[-1].change) == (
        Action.MODERATE,
        "status: open → moderated; 1 action",
    )
    assert events[-1].organisation == world["hei"]
    assert not any("Laptop" in e.change or "desk" in e.change for e in events)
