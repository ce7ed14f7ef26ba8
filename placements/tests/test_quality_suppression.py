"""A provider's quality profile follows the same suppression rule as the workforce profile
(appraisals.suppression): no hidden figure can be worked out from the page, zeros included."""

import pytest
from django.urls import reverse

from appraisals.tests.disclosure import small_groups, worked_out
from organisations.factories import TeamFactory
from placements import quality
from placements.models import AuditParty
from placements.tests.test_quality import SUPPRESSED_CELL, World, section_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = World()
    world.team_c = TeamFactory(organisation=world.provider, name="Cedar team")
    return world


def student_figures(profile):
    """Students responding to the student section this year, as the page shows them (None
    when not shown), with the relation a reader knows: the teams add up to all teams."""
    units = [profile.overall.years[0], *(team.years[0] for team in profile.teams)]
    figures = {}
    for n, year in enumerate(units):
        result = section_result(year, AuditParty.STUDENT)
        figures[n] = None if result.suppressed else result.responses
    return figures, [(tuple(range(1, len(units))), 0, False)]


def test_a_teams_zero_does_not_hide_a_small_figure(world):
    world.audited(3, team=world.team_a)
    world.placement(team=world.team_b)  # a placement, but no student has responded
    world.audited(6, team=world.team_c)

    profile = quality.provider_profile(world.provider)

    figures, relations = student_figures(profile)
    # Hiding Birch's 0 beside Alder's 3 would leave all teams less Cedar: the same 3 students.
    assert figures == {0: 9, 1: None, 2: 0, 3: None}
    assert worked_out(figures, relations) == {}
    assert small_groups(figures, relations) == []


def test_a_team_with_no_placements_is_known_to_have_no_responses(world):
    world.audited(3, team=world.team_a)
    world.audited(6, team=world.team_c)

    profile = quality.provider_profile(world.provider)

    figures, relations = student_figures(profile)
    # Birch's 0 follows from its 0 placements: hiding it would protect nothing.
    assert figures == {0: 9, 1: None, 2: 0, 3: None}
    assert worked_out(figures, relations) == {}
    assert small_groups(figures, relations) == []


def test_every_hidden_figure_on_the_page_reads_the_same(client, world):
    world.audited(3, team=world.team_a)
    world.placement(team=world.team_b)
    world.audited(6, team=world.team_c)
    client.force_login(world.lead())

    html = client.get(reverse("placements:quality", args=[world.provider.slug])).content.decode()

    assert html.count(SUPPRESSED_CELL) == 2  # Alder's 3 and Cedar's 6
    assert "fewer than 5 responses" not in html
