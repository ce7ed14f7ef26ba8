"""Fixtures shared by the placement tests: the people and organisations of one placement, and
the audit of a completed placement among them."""

import pytest

from placements.factories import completed_placement_with_audit, placement_world
from placements.models import Audit


@pytest.fixture
def world(db):
    return placement_world()


@pytest.fixture
def audit(world) -> Audit:
    return completed_placement_with_audit(world)
