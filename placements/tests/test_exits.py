"""Withdrawn and cancelled beside ended early: each with its reason, each by the right people."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from placements import services
from placements.models import Audit, Placement, PlacementKind

pytestmark = pytest.mark.django_db

START = timezone.localdate() - timedelta(days=120)


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
        "ends_on": START + timedelta(days=150),
    }
    arguments.update(overrides)
    return services.propose_placement(**arguments)


def started(world):
    placement = propose(world)
    services.agree(placement=placement, by=world["provider_lead"])
    services.start(placement=placement, by=world["pe"])
    return placement


def test_cancelling_needs_a_reason_and_keeps_it_without_an_audit(world):
    placement = propose(world)
    with pytest.raises(ValidationError) as error:
        services.cancel(placement=placement, by=world["provider_lead"], reason=" ")
    assert "reason" in error.value.message_dict
    services.cancel(placement=placement, by=world["provider_lead"], reason="Team closed")
    placement.refresh_from_db()
    assert placement.status == Placement.Status.CANCELLED
    assert placement.ended_reason == "Team closed"
    assert not Audit.objects.filter(placement=placement).exists()


def test_a_started_placement_is_not_cancelled_but_can_be_withdrawn(world):
    placement = started(world)
    with pytest.raises(ValidationError):
        services.cancel(placement=placement, by=world["hei_lead"], reason="Too late")
    with pytest.raises(ValidationError) as error:
        services.withdraw(placement=placement, by=world["tutor"], reason="")
    assert "reason" in error.value.message_dict
    audit = services.withdraw(placement=placement, by=world["tutor"], reason="Left the course")
    placement.refresh_from_db()
    assert placement.status == Placement.Status.WITHDRAWN
    assert placement.ended_reason == "Left the course"
    assert audit.parts.count() == 4


@pytest.mark.parametrize("who", ["provider_lead", "pe", "student"])
def test_only_the_hei_withdraws_a_student(world, who):
    placement = started(world)
    with pytest.raises(PermissionDenied):
        services.withdraw(placement=placement, by=world[who], reason="Why")


@pytest.mark.parametrize("who", ["pe", "student", "onsite"])
def test_only_leads_and_the_tutor_cancel(world, who):
    placement = propose(world, onsite_supervisor=world["onsite"])
    with pytest.raises(PermissionDenied):
        services.cancel(placement=placement, by=world[who], reason="Why")


def test_a_stopped_placement_frees_its_dates(world):
    first = propose(world)
    services.cancel(placement=first, by=world["hei_lead"], reason="Not going ahead")
    second = propose(world)
    services.withdraw(placement=second, by=world["hei_lead"], reason="Paused studies")
    assert propose(world).status == Placement.Status.PROPOSED


def test_the_page_cancels_and_withdraws_with_the_reason_shown(client, world):
    placement = started(world)
    client.force_login(world["provider_lead"])
    page = client.get(placement.get_absolute_url()).content.decode()
    assert 'value="withdraw"' not in page and 'value="cancel"' not in page
    client.force_login(world["tutor"])
    page = client.get(placement.get_absolute_url()).content.decode()
    assert 'value="withdraw"' in page and 'value="cancel"' not in page
    response = client.post(
        placement.get_absolute_url(), {"step": "withdraw", "withdraw-reason": ""}
    )
    assert response.status_code == 400
    assert "Say why the student is being withdrawn" in response.content.decode()
    response = client.post(
        placement.get_absolute_url(), {"step": "withdraw", "withdraw-reason": "Left the course"}
    )
    assert response.status_code == 302
    page = client.get(placement.get_absolute_url()).content.decode()
    assert "Withdrawn because" in page and "Left the course" in page
