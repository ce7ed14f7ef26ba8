"""The placement rules a programme sets: lengths, half days, designations, statutory tasks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from placements import services
from placements.models import PlacementKind, Programme

pytestmark = pytest.mark.django_db

START = timezone.localdate() - timedelta(days=120)


def test_a_programme_starts_with_social_work_englands_numbers(world):
    programme = Programme.objects.create(hei=world["hei"], name="BA Social Work")
    assert programme.first_placement_days == 70
    assert programme.final_placement_days == 100
    assert programme.skills_days == 30
    assert programme.practice_days_total == 200
    assert programme.half_days_allowed is True
    assert programme.final_needs_designation is False
    assert programme.statutory_placement_required is True


@pytest.mark.parametrize(("kind", "days"), [(PlacementKind.FIRST, 60), (PlacementKind.FINAL, 110)])
def test_a_placement_takes_its_length_from_the_programme(world, kind, days):
    world["programme"].first_placement_days = 60
    world["programme"].final_placement_days = 110
    world["programme"].save()
    placement = services.propose_placement(
        by=world["hei_lead"],
        student=world["student"],
        cohort=world["cohort"],
        provider_team=world["team"],
        practice_educator=world["pe"],
        hei_tutor=world["tutor"],
        kind=kind,
        setting_type="la-children",
        starts_on=START,
        ends_on=START + timedelta(days=150),
    )
    assert placement.days_required == days


def test_kind_labels_carry_no_numbers():
    assert all(not any(ch.isdigit() for ch in label) for label in PlacementKind.labels)


def test_the_proposal_form_shows_each_cohorts_lengths(client, world):
    world["programme"].first_placement_days = 65
    world["programme"].save()
    client.force_login(world["hei_lead"])
    page = client.get("/placements/new/")
    assert "first placement 65 days, final 100, 200 in all" in page.content.decode()
