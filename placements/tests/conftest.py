"""Fixtures shared by the placement tests: the people and organisations of one placement, and
the audit of a completed placement among them."""

import pytest

from placements import services
from placements.factories import PlacementFactory, placement_world
from placements.models import Audit, Placement


@pytest.fixture
def world(db):
    return placement_world()


@pytest.fixture
def audit(world) -> Audit:
    placement = PlacementFactory(
        cohort=world["cohort"],
        student=world["student"],
        provider_team=world["team"],
        practice_educator=world["pe"],
        onsite_supervisor=world["onsite"],
        hei_tutor=world["tutor"],
        status=Placement.Status.COMPLETED,
        recommendation="pass",
    )
    return services.open_audit(placement)
