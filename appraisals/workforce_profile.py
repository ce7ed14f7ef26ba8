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

from django.db import connections
from django.db.models import BigIntegerField, Case, F, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from capabilities import crosswalk
from capabilities.models import Framework, Item

from .models import (
    DEFAULT_RATING_SCALE,
    Appraisal,
    AppraisalTemplate,
    DomainAssessment,
    JudgedBy,
    Stage,
)
from .suppression import is_small
from .workforce_common import NO_LEVEL, NO_TEAM, Cell, band

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
# Reading the judgements

# The items a judgement row names, and where their descriptions come from (for the crosswalk).
JUDGEMENT_ITEMS = {
    "domain_id": {
        "domain__code": "code",
        "domain__title": "title",
        "domain__sort_order": "sort_order",
    },
    "level_id": {"level_code": "code", "level_title": "title", "level_sort": "sort_order"},
}
NEWEST_FIRST = (
    F("stage__locked_at").desc(),
    F("stage__appraisal__starts_on").desc(),
    F("stage__order").desc(),
    F("pk").desc(),
)


# The judgement that decides: the assessor's where the template has the assessor judge (alone,
# or beside the appraiser: the ASYE assessor makes the recommendation), else the appraiser's.
_RATING = Case(
    When(stage__appraisal__template__judged_by=JudgedBy.APPRAISER, then=F("judgement_rating")),
    default=Coalesce("assessor_rating", "judgement_rating"),
)


def _judgements(organisation):
    """The organisation's signed judgements of PCF domains, each with the rating that decides."""
    return (
        DomainAssessment.objects.filter(
            stage__status=Stage.Status.SIGNED,
            stage__appraisal__organisation=organisation,
            # The profile counts PCF domains only: judgements against the post-qualifying
            # standards (or any other framework a template assesses) are not domains.
            domain__kind=Item.Kind.DOMAIN,
            domain__version__framework__kind=Framework.Kind.PCF,
        )
        .exclude(stage__appraisal__status=Appraisal.Status.CANCELLED)
        .annotate(rating=_RATING)
        .filter(rating__isnull=False)
    )


def latest_judgements(organisation) -> list[dict]:
    """The latest signed judgement of each appraisee in each domain, one row per person and
    domain, counted through the crosswalk. One query, then the crosswalk's.

    The database keeps only each appraisee's latest judgement per domain (a window,
    ROW_NUMBER() over appraisee and domain, newest first), so what is read does not grow with
    years of history. Across the crosswalk the latest is then picked in Python among those: the
    judgement that wins for a carried-forward domain is the latest of its own domain too. The
    profile itself counts in the database (:func:`profile_counts`); this is its reference, and
    what it falls back on where an item became several."""
    rows = (
        _judgements(organisation)
        .values(
            "rating",
            "domain_id",
            "domain__code",
            "domain__title",
            "domain__sort_order",
            appraisee=F("stage__appraisal__appraisee_id"),
            team_id=F("stage__appraisal__team_id"),
            team_name=F("stage__appraisal__team__name"),
            level_id=F("stage__appraisal__target_level_id"),
            level_code=F("stage__appraisal__target_level__code"),
            level_title=F("stage__appraisal__target_level__title"),
            level_sort=F("stage__appraisal__target_level__sort_order"),
            scale=F("stage__appraisal__template__rating_scale"),
        )
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("stage__appraisal__appraisee_id"), F("domain_id")],
                order_by=NEWEST_FIRST,
            )
        )
        .filter(newest=1)
        .order_by(*NEWEST_FIRST)
    )
    # A judgement against a domain (or a level) that a newer published version has replaced
    # counts against what replaced it, so the latest is chosen across the crosswalk.
    rows = crosswalk.carry_forward(list(rows), JUDGEMENT_ITEMS)
    latest = {}
    for row in rows:
        latest.setdefault((row["appraisee"], row["domain_id"]), row)
    return list(latest.values())


def _scale_key(scale) -> tuple[str, ...]:
    if isinstance(scale, list | tuple) and scale:
        return tuple(str(label) for label in scale)
    return tuple(DEFAULT_RATING_SCALE)


def _pcf_items() -> tuple[list[int], dict[int, set[int]]]:
    """The PCF's domains (every version's), and what each PCF domain and each level that a
    published version replaced has become. The items, then the crosswalk's hops: as many
    queries as versions in the longest chain, never more with the size of the organisation."""
    pcf_domain = Q(kind=Item.Kind.DOMAIN, version__framework__kind=Framework.Kind.PCF)
    items = list(
        Item.objects.filter(Q(kind=Item.Kind.LEVEL) | pcf_domain)
        .annotate(is_domain=Case(When(pcf_domain, then=Value(True)), default=Value(False)))
        .values_list("pk", "is_domain")
    )
    domains = [pk for pk, is_domain in items if is_domain]
    return domains, crosswalk.successors(pk for pk, _is_domain in items)


def _carried(field: str, replaced: dict[int, int]):
    """`field` (an item's id) as the item it now counts as, in SQL."""
    olds_of = defaultdict(list)
    for old, new in replaced.items():
        olds_of[new].append(old)
    if not olds_of:
        return F(field)
    return Case(
        *(
            When(**{f"{field}__in": sorted(olds)}, then=Value(new))
            for new, olds in sorted(olds_of.items())
        ),
        default=F(field),
        output_field=BigIntegerField(),
    )


# (scale, level id, team id, domain id, rating) -> people
Counts = dict[tuple, int]


def _counts_in_sql(organisation, domains, replaced: dict[int, int], team_ids, no_team):
    """The counts in one statement: the window keeps each person's latest judgement per domain
    (as it now counts, through the crosswalk), the GROUP BY around it counts them."""
    domain = _carried("domain_id", replaced)
    latest = (
        DomainAssessment.objects.filter(
            stage__status=Stage.Status.SIGNED,
            stage__appraisal__organisation=organisation,
            domain_id__in=domains,
        )
        .exclude(stage__appraisal__status=Appraisal.Status.CANCELLED)
        .annotate(rating=_RATING)
        .filter(rating__isnull=False)
        .values(
            "rating",
            current_domain=domain,
            current_level=_carried("stage__appraisal__target_level_id", replaced),
            template=F("stage__appraisal__template_id"),
            team=F("stage__appraisal__team_id"),
            team_name=F("stage__appraisal__team__name"),
        )
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("stage__appraisal__appraisee_id"), domain],
                order_by=NEWEST_FIRST,
            )
        )
        .order_by()
    )
    sql, params = latest.query.sql_with_params()
    where = ""
    if team_ids is not None:
        marks = ", ".join(["%s"] * len(team_ids)) or "NULL"
        where = f' AND ("team" IN ({marks}){' OR "team" IS NULL' if no_team else ""})'
        params = (*params, *team_ids)
    columns = '"template", "current_level", "team", "team_name", "current_domain", "rating"'
    with connections[latest.db].cursor() as cursor:
        cursor.execute(
            f"SELECT {columns}, COUNT(*) FROM ({sql}) latest "  # noqa: S608 (compiled by the ORM)
            f"WHERE newest = 1{where} GROUP BY {columns}",
            params,
        )
        rows = cursor.fetchall()
    scales = {
        pk: _scale_key(scale)
        for pk, scale in AppraisalTemplate.objects.filter(
            pk__in={row[0] for row in rows}
        ).values_list("pk", "rating_scale")
    }
    counts: Counts = defaultdict(int)
    names = {}
    for template, level, team, team_name, current_domain, rating, people in rows:
        counts[(scales[template], level, team, current_domain, rating)] += people
        names[team] = team_name
    return counts, names


def _counts_in_python(organisation, team_filter) -> tuple[Counts, dict]:
    counts: Counts = defaultdict(int)
    names = {}
    for row in latest_judgements(organisation):
        if team_filter is not None and not team_filter(row["team_id"]):
            continue
        key = (_scale_key(row["scale"]), row["level_id"], row["team_id"], row["domain_id"])
        counts[(*key, row["rating"])] += 1
        names[row["team_id"]] = row["team_name"]
    return counts, names


def profile_counts(organisation, *, team_ids=None, no_team=True) -> tuple[Counts, dict]:
    """How many people's latest judgement is at each (scale, level, team, domain, rating), and
    the teams' names. `team_ids`: only those teams (and no team, if `no_team`); by default
    every team. Counted in the database (three queries and the crosswalk's hops), or, while some
    item has become several items (a split: its judgements count on each), in Python."""
    domains, replaced = _pcf_items()
    if team_ids is None:
        team_filter = None
    else:
        team_ids = list(team_ids)

        def team_filter(team):
            return team in team_ids or (no_team and team is None)

    if any(len(new) > 1 for new in replaced.values()):
        counts, names = _counts_in_python(organisation, team_filter)
    else:
        replaced = {old: next(iter(new)) for old, new in replaced.items()}
        counts, names = _counts_in_sql(organisation, domains, replaced, team_ids, no_team)
    # A rating beyond its scale (the scale changed after the judgement) cannot be placed.
    counts = {k: n for k, n in counts.items() if 0 <= k[-1] < len(k[0])}
    return counts, names


# ---------------------------------------------------------------------------------------------
# Shaping and suppressing


def _headings(counts: Counts) -> tuple[dict, dict]:
    """{level id: (sort key, Heading)} and {domain id: (sort key, Heading)}. One query."""
    ids = {k[1] for k in counts if k[1] is not None} | {k[3] for k in counts}
    items = {
        row["pk"]: row
        for row in Item.objects.filter(pk__in=ids).values("pk", "code", "title", "sort_order")
    }

    def heading(pk):
        item = items[pk]
        return (item["sort_order"], item["code"]), Heading(
            pk, item["code"], item["title"] or item["code"]
        )

    levels = {None: ((10**9, ""), Heading(None, "", NO_LEVEL))}
    levels |= {k[1]: heading(k[1]) for k in counts if k[1] is not None}
    return levels, {k[3]: heading(k[3]) for k in counts}


def capability_profile(
    organisation, *, team_ids=None, no_team=True, overall=True, by_team=True
) -> CapabilityProfile:
    """The profile, grouped by rating scale (its labels) and target level. `overall`: with the
    "All teams" table (it is counted from every team, whatever `team_ids` says); `by_team`: with
    a table per team, of the teams `team_ids` names (by default every team, "No team" last).
    Four queries and the crosswalk's hops (two reads of the counts when both a page of teams and
    "All teams" are asked for)."""
    counts, names, team_counts = None, {}, {}
    if overall or (by_team and team_ids is None):
        counts, names = profile_counts(organisation)
    if by_team:
        if team_ids is None:
            team_counts = counts
        else:
            team_counts, names = profile_counts(organisation, team_ids=team_ids, no_team=no_team)
    levels, domains = _headings({**team_counts, **(counts or {})})
    return _shape(counts if overall else None, team_counts, names, levels, domains)


def _shape(overall_counts, team_counts, names, levels, domains) -> CapabilityProfile:
    grids: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    shown: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for source, target in ((overall_counts, grids), (team_counts, shown)):
        for (scale, level, team, domain, rating), people in (source or {}).items():
            target[(scale, level)][team].setdefault(domain, defaultdict(int))[rating] += people

    def scale_order(scale):
        return (scale != tuple(DEFAULT_RATING_SCALE), scale)

    keys = set(grids) | set(shown)
    scales = []
    for scale in sorted({s for s, _ in keys}, key=scale_order):
        level_profiles = []
        for level in sorted((lv for s, lv in keys if s == scale), key=lambda lv: levels[lv][0]):
            everyone, some = grids.get((scale, level), {}), shown.get((scale, level), {})
            domain_ids = sorted(
                {d for t in [*everyone.values(), *some.values()] for d in t},
                key=lambda d: domains[d][0],
            )
            team_ids = sorted(some, key=lambda t: (t is None, names.get(t) or "", t or 0))
            level_profiles.append(
                LevelProfile(
                    level=levels[level][1],
                    overall=_overall(scale, everyone, domain_ids, domains)
                    if overall_counts is not None
                    else None,
                    teams=[
                        _team(scale, some[t], domain_ids, domains, names.get(t) or NO_TEAM, t)
                        for t in team_ids
                    ],
                )
            )
        scales.append(ScaleProfile(scale=scale, levels=level_profiles))
    return CapabilityProfile(scales=scales)


def _hiding(cells: list[int]) -> str:
    """Rules 1 and 2: "row" (a small row, hidden whole), "ratings" (a small rating: the ratings
    hidden, the total shown) or "" (all shown)."""
    if is_small(sum(cells)):
        return "row"
    return "ratings" if any(is_small(c) for c in cells) else ""


def _row(heading, cells: list[int], hiding: str) -> ProfileRow:
    total = sum(cells)
    if hiding:
        hidden_cells = [Cell.hidden() for _ in cells]
        return ProfileRow(heading, hidden_cells, Cell.hidden() if hiding == "row" else Cell(total))
    return ProfileRow(heading, [Cell(count=c, band=band(c, total)) for c in cells], Cell(total))


def _cells(ratings: dict, scale) -> list[int]:
    return [ratings.get(r, 0) for r in range(len(scale))]


def _team(scale, by_domain, domain_ids, domains, label, team_id) -> ProfileTable:
    rows = []
    for domain in domain_ids:
        cells = _cells(by_domain.get(domain, {}), scale)
        rows.append(_row(domains[domain][1], cells, _hiding(cells)))
    return ProfileTable(label=label, rows=rows, team_id=team_id)


def _overall(scale, by_team, domain_ids, domains) -> ProfileTable:
    rows = []
    for domain in domain_ids:
        everyone = [0] * len(scale)
        hidden_by_teams = set()
        for team in by_team.values():
            cells = _cells(team.get(domain, {}), scale)
            everyone = [a + b for a, b in zip(everyone, cells, strict=True)]
            hidden_by_teams.add(_hiding(cells))
        # Rule 3: all teams hides what any team hides, then rules 1 and 2 over its own figures.
        if "row" in hidden_by_teams or is_small(sum(everyone)):
            hiding = "row"
        elif "ratings" in hidden_by_teams or any(is_small(c) for c in everyone):
            hiding = "ratings"
        else:
            hiding = ""
        rows.append(_row(domains[domain][1], everyone, hiding))
    return ProfileTable(label=ALL_TEAMS, rows=rows)
