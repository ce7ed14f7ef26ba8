"""The capability profile gives nobody away, zeros included: with one, two and four people
judged and with several teams, no figure the page hides can be worked out from those it shows
(checked by `disclosure.worked_out`, which tries every row, column and total)."""

import pytest
from django.urls import reverse

from appraisals import workforce
from appraisals.factories import team_with_people, two_stage_template
from appraisals.suppression import Relation, suppress
from appraisals.tests.disclosure import profile_figures, run_backwards, small_groups, worked_out
from appraisals.tests.test_workforce import ORGANISATION_URL, people_judged
from capabilities.models import Item
from organisations.factories import OrganisationFactory, TeamFactory

SUPPRESSED = 'not shown<span class="govuk-visually-hidden"> (to protect privacy)</span>'


@pytest.fixture
def setting(pcf):
    organisation = OrganisationFactory(name="Northshire Council")
    team, _, manager, psw = team_with_people(organisation)
    team.name = "Assessment team"
    team.save()
    domains = list(Item.objects.filter(version=pcf, kind=Item.Kind.DOMAIN).order_by("sort_order"))
    levels = list(Item.objects.filter(version=pcf, kind=Item.Kind.LEVEL).order_by("sort_order"))
    return {
        "organisation": organisation,
        "team": team,
        "manager": manager,
        "psw": psw,
        "template": two_stage_template(organisation),
        "domains": domains,
        "level": levels[0],
    }


def level_profile(setting):
    profile = workforce.capability_profile(setting["organisation"])
    return profile.scale().level(setting["level"])


def rerun(values, relations):
    """The rule itself, as the page applies it, for a reader who knows it."""
    return suppress(values, [Relation(tuple(parts), *rest) for parts, *rest in relations])


def given_away_to_a_reader_who_knows_the_rule(level, judged: list[int]) -> dict:
    """`judged`: how many people each table (all teams, then the teams) had judged in every
    domain of it, which the reader knows from the appraisals completed, shown on the page."""
    figures, relations = profile_figures(level)
    known = {
        (t, r, len(row.cells)): judged[t]
        for t, table in enumerate(level.tables)
        for r, row in enumerate(table.rows)
    }
    return run_backwards(figures, relations, rerun, known=known)


def assert_nothing_can_be_worked_out(level):
    figures, relations = profile_figures(level)
    assert any(value is None for value in figures.values()), "nothing was suppressed"
    assert worked_out(figures, relations) == {}
    assert small_groups(figures, relations) == []
    assert run_backwards(figures, relations, rerun) == {}


def hidden_in(row) -> int:
    return sum(cell.suppressed for cell in [*row.cells, row.total])


@pytest.mark.parametrize("how_many", [1, 2, 4])
def test_people_all_judged_the_same_cannot_be_read_off(setting, how_many):
    """Today the row shows 0, not shown, 0 (and the total not shown): the one hidden rating
    holds everyone judged, so whoever knows who was judged knows their rating."""
    domain_1, domain_2, _ = setting["domains"]
    people_judged(
        setting["template"],
        setting["team"],
        setting["manager"],
        setting["level"],
        {domain_1: 1, domain_2: 2},
        how_many,
    )

    level = level_profile(setting)

    assert_nothing_can_be_worked_out(level)
    for table in level.tables:
        for domain in (domain_1, domain_2):
            # The whole row: every rating, zeros included, and the people judged.
            assert hidden_in(table.row(domain)) == 4


def test_one_person_judged_differently_in_each_domain(setting):
    domains = setting["domains"]
    people_judged(
        setting["template"],
        setting["team"],
        setting["manager"],
        setting["level"],
        {domain: n for n, domain in enumerate(domains)},
        1,
    )

    assert_nothing_can_be_worked_out(level_profile(setting))


def test_four_people_split_across_ratings(setting):
    domain_1, domain_2, domain_3 = setting["domains"]
    args = (setting["template"], setting["team"], setting["manager"], setting["level"])
    people_judged(*args, {domain_1: 0, domain_2: 1, domain_3: 2}, 3)
    people_judged(*args, {domain_1: 2, domain_2: 1, domain_3: 2}, 1)

    assert_nothing_can_be_worked_out(level_profile(setting))


def test_several_teams_mixing_large_small_and_zero_figures(setting):
    """Today team A's three people beside zeros can be read off, and so can what the zeros of
    other teams and the figures for all teams leave over."""
    domain_1, domain_2, domain_3 = setting["domains"]
    organisation, template, manager, level = (
        setting["organisation"],
        setting["template"],
        setting["manager"],
        setting["level"],
    )
    team_a = TeamFactory(organisation=organisation, name="A team")
    team_b = TeamFactory(organisation=organisation, name="B team")
    team_c = TeamFactory(organisation=organisation, name="C team")
    people_judged(template, team_a, manager, level, {domain_1: 1, domain_2: 0}, 3)
    people_judged(template, team_b, manager, level, {domain_1: 0, domain_2: 0}, 6)
    people_judged(template, team_b, manager, level, {domain_1: 2, domain_2: 1}, 5)
    people_judged(template, team_c, manager, level, {domain_1: 0, domain_3: 2}, 7)
    people_judged(template, team_c, manager, level, {domain_1: 1, domain_3: 0}, 1)

    profile = level_profile(setting)

    assert_nothing_can_be_worked_out(profile)
    # Team A's three people: not a single hidden figure among zeros.
    assert hidden_in(profile.team("A team").row(domain_1)) >= 3
    # Figures nobody needs to hide stay shown, zeros among them.
    row = profile.team("B team").row(domain_1)
    assert [cell.count for cell in [*row.cells, row.total]] == [6, 0, 5, 11]
    row = profile.team("B team").row(domain_2)
    assert [cell.count for cell in [*row.cells, row.total]] == [6, 5, 0, 11]
    # C team's 8 people with one judged differently: the ratings go, the total stays.
    row = profile.team("C team").row(domain_1)
    assert [cell.suppressed for cell in row.cells] == [True] * 3
    assert row.total.count == 8
    # All teams follows the teams: A team's row could otherwise be subtracted out of it.
    assert hidden_in(profile.overall.row(domain_2)) == 4


def test_the_page_says_not_shown_for_each_hidden_figure_and_explains_zeros(client, setting):
    domain_1, *_ = setting["domains"]
    people_judged(
        setting["template"],
        setting["team"],
        setting["manager"],
        setting["level"],
        {domain_1: 1},
        1,
    )
    level = level_profile(setting)
    hidden = sum(hidden_in(row) for row in level.overall.rows)
    hidden_by_team = sum(hidden_in(row) for table in level.teams for row in table.rows)
    assert hidden and hidden_by_team

    client.force_login(setting["psw"])
    page = client.get(ORGANISATION_URL).content.decode()
    # The capability profile's part of the page (the supervision figures below hide their own):
    # all teams together here, each team's table on the figures by team.
    profile = page[page.index('id="profile"') : page.index('id="needs"')]
    teams = client.get(reverse("appraisals:organisation-teams")).content.decode()
    teams_profile = teams[teams.index('id="profile"') : teams.index('id="supervision"')]

    assert profile.count(SUPPRESSED) == hidden
    assert teams_profile.count(SUPPRESSED) == hidden_by_team
    assert "whole row is not shown: every rating, the zeros too" in page
    organisation = setting["organisation"]
    explained = client.get(reverse("appraisals:profile-explained", args=[organisation.slug]))
    text = explained.content.decode()
    assert "sometimes a 0 is not shown" in text
    assert "the whole row is not shown" in text
    assert "A zero is shown as 0" not in text
    # The reason is given once, above the tables, and each hidden figure says it briefly.
    assert profile.count("to protect privacy") == hidden + 1


@pytest.mark.parametrize("how_many", [1, 2, 4])
def test_a_reader_who_knows_the_rule_cannot_run_it_backwards(setting, how_many):
    """Found by a PSW on the demo: a row with one person judged hid its total, their rating and
    always "Not yet at level" beside 0s. Whoever knows how the second figure is picked tries
    each table that fits what is shown and keeps those the rule would publish the same way:
    the figure picked to hide is known to be 0, and the rating is the other one."""
    domain_1, domain_2, domain_3 = setting["domains"]
    people_judged(
        setting["template"],
        setting["team"],
        setting["manager"],
        setting["level"],
        {domain_1: 1, domain_2: 2, domain_3: 0},
        how_many,
    )

    level = level_profile(setting)

    assert given_away_to_a_reader_who_knows_the_rule(level, [how_many, how_many]) == {}
    for table in level.tables:
        for domain in setting["domains"]:
            assert hidden_in(table.row(domain)) == 4


def test_a_small_team_beside_a_large_one_cannot_be_run_backwards(setting):
    """One team with one person judged (its completed appraisal shows elsewhere on the page)
    beside a team of six: neither the team's row nor all teams gives the one rating away."""
    domain_1, domain_2, _ = setting["domains"]
    args = (setting["template"], setting["team"], setting["manager"], setting["level"])
    people_judged(*args, {domain_1: 1, domain_2: 2}, 1)
    large = TeamFactory(organisation=setting["organisation"], name="Large team")
    people_judged(setting["template"], large, *args[2:], {domain_1: 0, domain_2: 1}, 6)

    profile = level_profile(setting)

    assert_nothing_can_be_worked_out(profile)
    assert given_away_to_a_reader_who_knows_the_rule(profile, [7, 1, 6]) == {}
    row = profile.team("Large team").row(domain_1)
    assert [cell.count for cell in [*row.cells, row.total]] == [6, 0, 0, 6]
    assert hidden_in(profile.team("Assessment team").row(domain_1)) == 4
    assert hidden_in(profile.overall.row(domain_1)) == 4


def test_judgements_with_no_target_level_are_headed_in_plain_words(client, setting):
    domain_1, *_ = setting["domains"]
    args = (setting["template"], setting["team"], setting["manager"])
    people_judged(*args, None, {domain_1: 0}, 5)

    client.force_login(setting["psw"])
    page = client.get(ORGANISATION_URL).content.decode()

    assert "All teams: latest judgements with no target level set" in page
    assert "Judged with no target level set" in page
    assert "against No target level set" not in page
