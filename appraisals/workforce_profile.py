"""The workforce capability profile: for each rating scale in use, each target level and each
domain, how many people's latest signed judgement is at each rating, for all teams and by team.

The database does the counting: a window keeps each person's latest judgement per domain
(counted through the crosswalk, :mod:`capabilities.crosswalk`) and a GROUP BY counts them by
team, domain and rating, so what Python reads is a few figures per team, never a row per
person. The organisation-wide table ("All teams") is read in full; the teams' tables can be
read a page of teams at a time.

Suppressed in whole rows (:mod:`appraisals.suppression`, rules 1 to 3): a row of 1 to 4 people
judged is hidden whole, zeros and its total included; a larger row with a rating from 1 to 4
hides all its ratings; "All teams" hides each figure that any team hides (all its ratings where
any team hides a rating, the whole row where any team's row is hidden whole), so that nothing
can be subtracted out. In these tables the audit of :func:`suppression.suppress` never hides
more than those rules (tested against it), so a team's table depends on its own figures only,
and "All teams" on its own and on whether some team hides something.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from capabilities.models import Item
from organisations.models import Team

from .models import DEFAULT_RATING_SCALE
from .suppression import is_small
from .workforce_common import NO_LEVEL, NO_TEAM, Cell, band
from .workforce_counts import Counts, _overall_from, overall_counts, team_counts

ALL_TEAMS = "All teams"


@dataclasses.dataclass(frozen=True)
class Heading:
    """A domain or level as the profile shows it (no database object needed)."""

    pk: int | None
    code: str
    title: str

    @property
    def judged_against(self) -> str:
        """How a level reads after "judgements": "against Social Worker", or, for judgements
        made with no level chosen, "with no target level set"."""
        if self.pk is None:
            return "with no target level set"
        return f"against {self.title}"


@dataclasses.dataclass
class ProfileRow:
    domain: Heading
    cells: list[Cell]
    total: Cell


@dataclasses.dataclass
class ProfileTable:
    label: str
    rows: list[ProfileRow]
    team_id: int | None = None

    def row(self, domain) -> ProfileRow | None:
        """The row of a domain, given the Item, its pk or its title."""
        key = getattr(domain, "pk", domain)
        return next((r for r in self.rows if key in (r.domain.pk, r.domain.title)), None)


@dataclasses.dataclass
class LevelProfile:
    level: Heading
    overall: ProfileTable | None
    teams: list[ProfileTable]

    @property
    def tables(self) -> list[ProfileTable]:
        """All teams first, then each team in name order ("No team" last)."""
        return [t for t in [self.overall, *self.teams] if t is not None]

    def team(self, name: str) -> ProfileTable | None:
        return next((t for t in self.teams if t.label == name), None)


@dataclasses.dataclass
class ScaleProfile:
    scale: tuple[str, ...]
    levels: list[LevelProfile]

    def level(self, level) -> LevelProfile | None:
        """The profile at a level, given the Item, its pk, its title, or None for no level."""
        key = getattr(level, "pk", level)
        return next((p for p in self.levels if key in (p.level.pk, p.level.title)), None)


@dataclasses.dataclass
class CapabilityProfile:
    scales: list[ScaleProfile]

    def __bool__(self) -> bool:
        return bool(self.scales)

    def __iter__(self):
        return iter(self.scales)

    def scale(self, labels=None) -> ScaleProfile | None:
        if labels is None:
            return self.scales[0] if self.scales else None
        labels = tuple(labels)
        return next((s for s in self.scales if s.scale == labels), None)


# ---------------------------------------------------------------------------------------------
# Shaping and suppressing


def capability_profile(
    organisation, *, team_ids=None, no_team=True, overall=True, by_team=True
) -> CapabilityProfile:
    """The profile, grouped by rating scale (its labels) and target level. `overall`: with the
    "All teams" table (counted from every team, whatever `team_ids` says); `by_team`: with a
    table per team, of the teams `team_ids` names (by default every team, "No team" last, as the
    annual report has them). All teams alone reads as many rows however many teams there are."""
    teams: Counts = {}
    if by_team:
        teams = team_counts(organisation, team_ids=team_ids, no_team=no_team)
    everyone = None
    if overall:
        everyone = _overall_from(teams) if by_team and team_ids is None else None
        everyone = everyone or overall_counts(organisation)
    ids = {key[2] for key in teams} - {None}
    names = dict(Team.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    levels, domains = _headings({**teams, **(everyone[0] if everyone else {})})
    return _shape(everyone, teams, names, levels, domains)


def _headings(counts: Counts) -> tuple[dict, dict]:
    """{level id: (sort key, Heading)} and {domain id: (sort key, Heading)}. One query."""
    ids = {k[1] for k in counts if k[1] is not None} | {k[3] for k in counts}
    items = {
        row["pk"]: row
        for row in Item.objects.filter(pk__in=ids).values("pk", "code", "title", "sort_order")
    }

    def heading(pk):
        item = items[pk]
        title = item["title"] or item["code"]
        return (item["sort_order"], item["code"]), Heading(pk, item["code"], title)

    levels = {None: ((10**9, ""), Heading(None, "", NO_LEVEL))}
    levels |= {k[1]: heading(k[1]) for k in counts if k[1] is not None}
    return levels, {k[3]: heading(k[3]) for k in counts}


def _shape(everyone, teams: Counts, names, levels, domains) -> CapabilityProfile:
    # (scale, level) -> team (None: no team) -> domain -> rating -> people
    overall: dict = defaultdict(lambda: defaultdict(dict))
    by_team: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for (scale, level, _none, domain, rating), people in (everyone[0] if everyone else {}).items():
        overall[(scale, level)][domain][rating] = people
    for (scale, level, team, domain, rating), people in teams.items():
        by_team[(scale, level)][team][domain][rating] = people

    def scale_order(scale):
        return (scale != tuple(DEFAULT_RATING_SCALE), scale)

    keys = set(overall) | set(by_team)
    scales = []
    for scale in sorted({s for s, _ in keys}, key=scale_order):
        level_profiles = []
        for level in sorted((lv for s, lv in keys if s == scale), key=lambda lv: levels[lv][0]):
            all_teams, some = overall.get((scale, level), {}), by_team.get((scale, level), {})
            domain_ids = sorted(
                set(all_teams) | {d for team in some.values() for d in team},
                key=lambda d: domains[d][0],
            )
            team_ids = sorted(some, key=lambda t: (t is None, names.get(t) or "", t or 0))
            table = None
            if everyone is not None:
                hidden = {d: everyone[1].get((scale, level, d), "") for d in domain_ids}
                table = _overall(scale, all_teams, hidden, domain_ids, domains)
            level_profiles.append(
                LevelProfile(
                    level=levels[level][1],
                    overall=table,
                    teams=[
                        _team(scale, some[t], domain_ids, domains, names.get(t) or NO_TEAM, t)
                        for t in team_ids
                    ],
                )
            )
        scales.append(ScaleProfile(scale=scale, levels=level_profiles))
    return CapabilityProfile(scales=scales)


def hiding(cells: list[int]) -> str:
    """Rules 1 and 2 on one row: "row" (a small row, hidden whole), "ratings" (a small rating:
    the ratings hidden, the total shown) or "" (all shown)."""
    if is_small(sum(cells)):
        return "row"
    return "ratings" if any(is_small(c) for c in cells) else ""


def _row(heading, cells: list[int], hidden: str) -> ProfileRow:
    total = sum(cells)
    if hidden:
        hidden_cells = [Cell.hidden() for _ in cells]
        return ProfileRow(heading, hidden_cells, Cell.hidden() if hidden == "row" else Cell(total))
    return ProfileRow(heading, [Cell(count=c, band=band(c, total)) for c in cells], Cell(total))


def _cells(ratings: dict, scale) -> list[int]:
    return [ratings.get(r, 0) for r in range(len(scale))]


def _team(scale, by_domain, domain_ids, domains, label, team_id) -> ProfileTable:
    rows = []
    for domain in domain_ids:
        cells = _cells(by_domain.get(domain, {}), scale)
        rows.append(_row(domains[domain][1], cells, hiding(cells)))
    return ProfileTable(label=label, rows=rows, team_id=team_id)


def _overall(scale, by_domain, by_teams: dict, domain_ids, domains) -> ProfileTable:
    """All teams: `by_teams` says, per domain, what the teams' rows hide somewhere (rule 3: all
    teams hides it too), then rules 1 and 2 over its own figures."""
    rows = []
    for domain in domain_ids:
        cells = _cells(by_domain.get(domain, {}), scale)
        own = hiding(cells)
        found = {own, by_teams.get(domain, "")}
        hidden = "row" if "row" in found else "ratings" if "ratings" in found else ""
        rows.append(_row(domains[domain][1], cells, hidden))
    return ProfileTable(label=ALL_TEAMS, rows=rows)
