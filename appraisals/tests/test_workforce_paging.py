"""The PSW's workforce view at scale (issue 19): the dashboard shows all teams together and the
figures by team come a page of teams at a time, so neither grows with the number of teams; the
summary's figures and its suppression are those of the full tables."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisals import workforce
from appraisals.suppression import Relation, suppress
from appraisals.tests.test_workforce import (
    ORGANISATION_URL,
    appraisal_for,
    judge,
    org,  # noqa: F401 (a fixture)
    people_judged,
    practitioner_in,
)
from appraisals.workforce import Cell
from appraisals.workforce_counts import _overall_from
from appraisals.workforce_profile import ALL_TEAMS, _overall, _team, hiding
from capabilities.models import Item
from organisations.factories import MembershipFactory, TeamFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db
TEAMS_URL = reverse("appraisals:organisation-teams")
HIDDEN = Cell.hidden()


@pytest.fixture
def framework(pcf):
    domains = list(Item.objects.filter(version=pcf, kind=Item.Kind.DOMAIN).order_by("sort_order"))
    levels = list(Item.objects.filter(version=pcf, kind=Item.Kind.LEVEL).order_by("sort_order"))
    return domains, levels


def add_teams(org, framework, how_many, *, start=0):  # noqa: F811
    """`how_many` more teams named "Team 00", "Team 01"..., each with 6 people judged."""
    (domain, *_), (level, *_) = framework
    for n in range(start, start + how_many):
        team = TeamFactory(organisation=org["organisation"], name=f"Team {n:02}")
        people_judged(org["template"], team, org["manager"], level, {domain: n % 3}, 6)


def page_cost(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_summary_counts_all_teams_together_from_a_hand_built_organisation(
    client,
    org,  # noqa: F811
    framework,
):
    (domain_1, domain_2, *_), (level, *_) = framework
    template, manager = org["template"], org["manager"]
    north = TeamFactory(organisation=org["organisation"], name="North")
    south = TeamFactory(organisation=org["organisation"], name="South")
    # Domain 1: North 5 people at rating 1 and 5 at rating 2; South 6 at rating 2.
    people_judged(template, north, manager, level, {domain_1: 1}, 5)
    people_judged(template, north, manager, level, {domain_1: 2}, 5)
    people_judged(template, south, manager, level, {domain_1: 2}, 6)
    # Domain 2: South has 3 people judged (a small row): all teams hides its whole row.
    people_judged(template, south, manager, level, {domain_2: 0}, 3)

    profile = workforce.capability_profile(org["organisation"], by_team=False)
    overall = profile.scale().level(level).overall
    assert overall.label == ALL_TEAMS
    assert profile.scale().level(level).teams == []
    row = overall.row(domain_1)
    assert [c.count for c in row.cells] == [0, 5, 11]  # the default scale: three ratings
    assert row.total == Cell(16)
    assert [c.band for c in row.cells] == [0, 2, 3]  # 5 of 16 (up to half), 11 of 16
    row_2 = overall.row(domain_2)
    assert row_2.total == HIDDEN and row_2.cells == [HIDDEN] * 3

    # The same figures as the full profile (the annual report's) gives for all teams.
    full = workforce.capability_profile(org["organisation"]).scale().level(level)
    assert full.overall == overall
    assert [t.label for t in full.teams] == ["North", "South"]

    client.force_login(org["psw"])
    page = client.get(ORGANISATION_URL).content.decode()
    assert "All teams: latest judgements" in page
    assert "North: latest" not in page and "South: latest" not in page
    assert f'href="{TEAMS_URL}"' in page


def test_the_organisations_progress_is_one_row_for_all_teams(org):  # noqa: F811
    rows = workforce.due_overdue_completed(org["organisation"])
    assert workforce.organisation_progress(org["organisation"]) == workforce.progress_totals(rows)


def test_the_figures_by_team_come_a_page_of_ten_teams_at_a_time(
    client,
    org,  # noqa: F811
    framework,
):
    add_teams(org, framework, 11)
    client.force_login(org["psw"])

    first = client.get(TEAMS_URL).content.decode()
    second = client.get(TEAMS_URL, {"page": 2}).content.decode()

    # "Assessment team" and Team 00 to Team 08 on the first page, in name order (never ranked).
    assert "Assessment team" in first and "Team 08: latest" in first
    assert "Team 09" not in first and "Team 10" not in first
    assert "Team 09: latest" in second and "Team 10: latest" in second
    assert "Team 08" not in second
    assert "Page 1 of 2" in first and 'href="?page=2"' in first


@pytest.mark.parametrize("url", [ORGANISATION_URL, TEAMS_URL])
@pytest.mark.parametrize("role", [Role.LINE_MANAGER, Role.PRACTITIONER, Role.ORG_ADMIN])
def test_nobody_but_a_psw_reaches_the_summary_or_the_figures_by_team(
    client,
    org,  # noqa: F811
    role,
    url,
):
    someone = MembershipFactory(
        organisation=org["organisation"], team=org["team"], role=role, mfa=True
    ).user
    client.force_login(someone)
    assert client.get(url).status_code == 404


def test_a_psw_of_another_organisation_cannot_page_through_its_teams(client, org):  # noqa: F811
    other_psw = MembershipFactory(role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True).user
    client.force_login(other_psw)
    response = client.get(TEAMS_URL, {"organisation": org["organisation"].slug})
    assert response.status_code == 404


def test_more_teams_add_no_queries_and_no_rows_to_a_page(client, org, framework):  # noqa: F811
    """12 teams and 24 teams: the summary and a page of teams cost the same queries, and the
    summary's size does not change (the second page of teams holds ten teams either way)."""
    add_teams(org, framework, 11)
    client.force_login(org["psw"])
    client.get(ORGANISATION_URL)
    small_summary, small_page = page_cost(client, ORGANISATION_URL)
    small_teams, small_teams_page = page_cost(client, TEAMS_URL)

    add_teams(org, framework, 12, start=11)
    large_summary, large_page = page_cost(client, ORGANISATION_URL)
    large_teams, large_teams_page = page_cost(client, TEAMS_URL)

    assert small_summary == large_summary
    assert small_teams == large_teams
    assert small_page.count("<tr") == large_page.count("<tr")
    assert small_teams_page.count("<tr") == large_teams_page.count("<tr")
    assert "Page 1 of 2" in small_teams_page and "Page 1 of 3" in large_teams_page


def test_no_team_comes_on_the_last_page(client, org, framework):  # noqa: F811
    (domain, *_), (level, *_) = framework
    for _ in range(5):
        person = practitioner_in(org["organisation"])
        judge(appraisal_for(org["template"], person, org["manager"], level=level), {domain: 1})
    add_teams(org, framework, 10)
    client.force_login(org["psw"])
    assert "No team: latest" not in client.get(TEAMS_URL).content.decode()
    assert "No team: latest" in client.get(TEAMS_URL, {"page": 2}).content.decode()


# ---------------------------------------------------------------------------------------------
# The rule-based suppression is the audit's


def by_suppress(by_team, ratings):
    """Which figures :func:`suppress` hides in a level's table for one domain (the rows and the
    sums the profile had before it was counted in the database)."""
    values = {}
    teams = list(by_team)
    for team in teams:
        for r in range(ratings):
            values[(team, r)] = by_team[team][r]
        values[(team, "total")] = sum(by_team[team])
    for r in range(ratings):
        values[("all", r)] = sum(by_team[t][r] for t in teams)
    values[("all", "total")] = sum(values[("all", r)] for r in range(ratings))
    relations = [
        Relation(tuple((t, r) for r in range(ratings)), (t, "total"), splits_people=True)
        for t in [*teams, "all"]
    ]
    relations += [
        Relation(tuple((t, c) for t in teams), ("all", c)) for c in [*range(ratings), "total"]
    ]
    return suppress(values, relations)


def by_rules(by_team, ratings):
    """What the profile hides: each team's row by its own figures, all teams by its own figures
    and what the teams' rows hide somewhere (as the database reports it)."""
    scale = tuple(str(r) for r in range(ratings))
    domains = {1: (0, workforce.Heading(1, "1", "Domain"))}
    counts = {
        (scale, None, t, 1, r): c for t, cells in by_team.items() for r, c in enumerate(cells)
    }
    everyone, found = _overall_from(counts)
    all_teams = {r: everyone.get((scale, None, None, 1, r), 0) for r in range(ratings)}
    tables = {
        t: _team(scale, {1: dict(enumerate(c))}, [1], domains, str(t), t)
        for t, c in by_team.items()
    }
    tables["all"] = _overall(scale, {1: all_teams}, {1: found[(scale, None, 1)]}, [1], domains)
    hidden = set()
    for key, table in tables.items():
        row = table.rows[0]
        hidden |= {(key, r) for r, cell in enumerate(row.cells) if cell.suppressed}
        if row.total.suppressed:
            hidden.add((key, "total"))
    return hidden


def test_rows_and_all_teams_hide_exactly_what_the_audit_would():
    """Random tables of 1 to 6 teams: what the profile hides by rules 1 to 3 (each team from its
    own figures, all teams from its own and whether a team hides anything) is what the full audit
    of :func:`suppress` hides over the whole table, so no figure shown can be worked out."""
    rng = random.Random(19)
    for _ in range(400):
        ratings = rng.choice([2, 3, 4, 5])
        by_team = {
            t: [rng.choice([0, 0, 1, 2, 4, 5, 6, 9, 12]) for _ in range(ratings)]
            for t in range(rng.randint(1, 6))
        }
        assert by_rules(by_team, ratings) == by_suppress(by_team, ratings), by_team


def test_a_row_is_hidden_whole_when_small_and_by_its_ratings_when_a_rating_is_small():
    assert hiding([0, 0, 0]) == ""
    assert hiding([2, 2, 0]) == "row"
    assert hiding([5, 1, 0]) == "ratings"
    assert hiding([5, 5, 0]) == ""
