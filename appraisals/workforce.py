"""The Principal Social Worker's view of the workforce, as plain read models.

Munro (2011) asked that performance information be read with professional judgement and never
turned into a league table (recommendation 4), and that Principal Social Workers stay close to
practice and hear from practitioners (recommendation 14). So these functions:

* count, they never rank: rows come in the order of team names or of the framework, never by
  how well anyone did;
* never return a person: no names, no per-person rows, no objective texts;
* suppress small numbers by the one rule in :mod:`appraisals.suppression`: any count from
  fewer than :data:`SUPPRESSION_THRESHOLD` people is returned as
  ``Cell(count=None, suppressed=True)``; in the capability profile whole rows are hidden
  (zeros included) and all teams hides what any team hides, so that neither subtraction nor
  knowing the rule can give a hidden figure away.

Each function runs a fixed number of queries however many appraisals the organisation has.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from capabilities.crosswalk import carry_forward
from capabilities.models import Framework, Item

from .models import (
    DEFAULT_RATING_SCALE,
    Appraisal,
    AppraisalTemplate,
    DomainAssessment,
    JudgedBy,
    Objective,
    PracticeVoiceNote,
    Stage,
)

# SUPPRESSION_THRESHOLD is re-exported: pages and registers read it from here.
from .suppression import SUPPRESSION_THRESHOLD as SUPPRESSION_THRESHOLD
from .suppression import Relation, is_small, suppress

NO_TEAM = "No team"
NO_LEVEL = "No target level set"
NOT_MAPPED = "Not mapped"


@dataclasses.dataclass(frozen=True)
class Cell:
    """One figure: a count, or ``count=None, suppressed=True`` when it must not be shown.

    ``band`` (0 to 4) shades a heat map; it does not take part in comparisons."""

    count: int | None
    suppressed: bool = False
    band: int = dataclasses.field(default=0, compare=False)

    @classmethod
    def hidden(cls) -> Cell:
        return cls(count=None, suppressed=True)


def _band(count: int, total: int) -> int:
    """Heat-map shading from the share of the row: none, up to a quarter, half, three quarters,
    more."""
    if not count or not total:
        return 0
    share = count / total
    if share <= 0.25:
        return 1
    if share <= 0.5:
        return 2
    if share <= 0.75:
        return 3
    return 4


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# ---------------------------------------------------------------------------------------------
# Due, overdue and completed appraisals, by team


@dataclasses.dataclass(frozen=True)
class TeamProgress:
    team_id: int | None
    name: str
    due: int
    overdue: int
    completed: int


def due_overdue_completed(organisation, *, today: date | None = None) -> list[TeamProgress]:
    """Per team (and "No team", when it has any), how many appraisals have a stage open and due
    today or later ("due"), an open stage past its due date ("overdue"), and how many were
    completed in the last 12 months. Every team of the organisation is listed, in name order.
    Two queries."""
    today = today or timezone.localdate()
    since = _local_midnight(_year_before(today))
    in_progress = Q(status=Appraisal.Status.IN_PROGRESS, stages__status=Stage.Status.OPEN)
    counts = {
        row["team_id"]: row
        for row in Appraisal.objects.filter(organisation=organisation)
        .values("team_id")
        .annotate(
            due=Count("pk", filter=in_progress & Q(stages__due_on__gte=today), distinct=True),
            overdue=Count("pk", filter=in_progress & Q(stages__due_on__lt=today), distinct=True),
            completed=Count(
                "pk",
                filter=Q(
                    status=Appraisal.Status.COMPLETED,
                    completed_at__gte=since,
                    completed_at__lt=_local_midnight(today) + timedelta(days=1),
                ),
                distinct=True,
            ),
        )
        .order_by()
    }
    empty = {"due": 0, "overdue": 0, "completed": 0}
    rows = []
    for team_id, name in organisation.teams.order_by("name", "pk").values_list("pk", "name"):
        row = counts.get(team_id, empty)
        rows.append(TeamProgress(team_id, name, row["due"], row["overdue"], row["completed"]))
    no_team = counts.get(None)
    if no_team and (no_team["due"] or no_team["overdue"] or no_team["completed"]):
        rows.append(
            TeamProgress(None, NO_TEAM, no_team["due"], no_team["overdue"], no_team["completed"])
        )
    return rows


def progress_totals(rows: list[TeamProgress]) -> TeamProgress:
    return TeamProgress(
        None,
        "All teams",
        sum(r.due for r in rows),
        sum(r.overdue for r in rows),
        sum(r.completed for r in rows),
    )


# ---------------------------------------------------------------------------------------------
# The ASYE cohort


@dataclasses.dataclass(frozen=True)
class ReviewPoint:
    name: str
    count: int
    overdue: int


@dataclasses.dataclass(frozen=True)
class AsyeCohort:
    points: list[ReviewPoint]
    total: int
    overdue: int


def asye_cohort(organisation, *, today: date | None = None) -> AsyeCohort:
    """For the ASYE programmes in progress: how many are at each review point (the name of the
    open stage, in template order) and how many of those are overdue. Counts only. One query."""
    today = today or timezone.localdate()
    rows = (
        Stage.objects.filter(
            status=Stage.Status.OPEN,
            appraisal__organisation=organisation,
            appraisal__status=Appraisal.Status.IN_PROGRESS,
            appraisal__template__kind=AppraisalTemplate.Kind.ASYE,
        )
        .values("template_stage__name")
        .annotate(
            count=Count("appraisal", distinct=True),
            overdue=Count("appraisal", filter=Q(due_on__lt=today), distinct=True),
            position=Min("template_stage__order"),
        )
        .order_by("position", "template_stage__name")
    )
    points = [ReviewPoint(r["template_stage__name"], r["count"], r["overdue"]) for r in rows]
    return AsyeCohort(
        points=points,
        total=sum(p.count for p in points),
        overdue=sum(p.overdue for p in points),
    )


# ---------------------------------------------------------------------------------------------
# The workforce capability profile


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

    def row(self, domain) -> ProfileRow | None:
        """The row of a domain, given the Item, its pk or its title."""
        key = getattr(domain, "pk", domain)
        return next((r for r in self.rows if key in (r.domain.pk, r.domain.title)), None)


@dataclasses.dataclass
class LevelProfile:
    level: Heading
    overall: ProfileTable
    teams: list[ProfileTable]

    @property
    def tables(self) -> list[ProfileTable]:
        """All teams first, then each team in name order ("No team" last)."""
        return [self.overall, *self.teams]

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


# The items a judgement row names, and where their descriptions come from (for the crosswalk).
JUDGEMENT_ITEMS = {
    "domain_id": {
        "domain__code": "code",
        "domain__title": "title",
        "domain__sort_order": "sort_order",
    },
    "level_id": {"level_code": "code", "level_title": "title", "level_sort": "sort_order"},
}


def latest_judgements(organisation) -> list[dict]:
    """The latest signed judgement of each appraisee in each domain, with what the profile
    needs to place it, counted through the crosswalk (`capabilities.crosswalk`). One query, the
    crosswalk's (one when nothing was replaced).

    The database keeps only each appraisee's latest judgement per domain (a window,
    ROW_NUMBER() over appraisee and domain in the order below), so what is read does not grow
    with years of history. Across the crosswalk the latest is then picked in Python among those:
    the judgement that wins for a carried-forward domain is the latest of its own domain too
    (every judgement of one domain is carried to the same items), so nothing it needs is lost."""
    newest_first = (
        F("stage__locked_at").desc(),
        F("stage__appraisal__starts_on").desc(),
        F("stage__order").desc(),
        F("pk").desc(),
    )
    rows = (
        DomainAssessment.objects.filter(
            stage__status=Stage.Status.SIGNED,
            stage__appraisal__organisation=organisation,
            # The profile counts PCF domains only: judgements against the post-qualifying
            # standards (or any other framework a template assesses) are not domains.
            domain__kind=Item.Kind.DOMAIN,
            domain__version__framework__kind=Framework.Kind.PCF,
        )
        .exclude(stage__appraisal__status=Appraisal.Status.CANCELLED)
        # The judgement that decides: the assessor's where the template has the assessor judge
        # (alone, or beside the appraiser: the ASYE assessor makes the recommendation), else
        # the appraiser's.
        .annotate(
            rating=Case(
                When(
                    stage__appraisal__template__judged_by=JudgedBy.APPRAISER,
                    then=F("judgement_rating"),
                ),
                default=Coalesce("assessor_rating", "judgement_rating"),
            )
        )
        .filter(rating__isnull=False)
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
                order_by=newest_first,
            )
        )
        .filter(newest=1)
        .order_by(*newest_first)
    )
    # A judgement against a domain (or a level) that a newer published version has replaced
    # counts against what replaced it, so the latest is chosen across the crosswalk.
    rows = carry_forward(list(rows), JUDGEMENT_ITEMS)
    latest = {}
    for row in rows:
        latest.setdefault((row["appraisee"], row["domain_id"]), row)
    return list(latest.values())


def _scale_key(scale) -> tuple[str, ...]:
    if isinstance(scale, list | tuple) and scale:
        return tuple(str(label) for label in scale)
    return tuple(DEFAULT_RATING_SCALE)


def capability_profile(organisation) -> CapabilityProfile:
    """For each rating scale in use (grouped by its labels), each target level and each domain:
    how many people's latest signed judgement is each rating, by team and for all teams.

    Suppressed in whole rows (:mod:`appraisals.suppression`): a row of 1 to 4 people judged is
    hidden whole, zeros and its total included; a larger row with a rating from 1 to 4 hides all
    its ratings; all teams hides each figure that a team hides, so that nothing can be
    subtracted out. Which figures are hidden says no more than "a small number is here". Two
    queries (the judgements, the crosswalk), more only while following a crosswalk.
    """
    judgements = latest_judgements(organisation)
    # (scale, level) -> team -> domain -> rating -> set of people
    grid: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(set))))
    domains: dict[int, tuple] = {}
    levels: dict = {}
    teams: dict = {}
    for row in judgements:
        scale = _scale_key(row["scale"])
        rating = row["rating"]
        if not 0 <= rating < len(scale):
            continue  # the scale changed after the judgement: it cannot be placed
        level = row["level_id"]
        if level is None:
            levels[level] = ((10**9, ""), Heading(None, "", NO_LEVEL))
        else:
            levels[level] = (
                (row["level_sort"], row["level_code"]),
                Heading(level, row["level_code"], row["level_title"] or row["level_code"]),
            )
        domains[row["domain_id"]] = (
            (row["domain__sort_order"], row["domain__code"]),
            Heading(
                row["domain_id"], row["domain__code"], row["domain__title"] or row["domain__code"]
            ),
        )
        team = row["team_id"]
        teams[team] = (1, "") if team is None else (0, row["team_name"])
        grid[(scale, level)][team][row["domain_id"]][rating].add(row["appraisee"])

    def scale_order(scale):
        return (scale != tuple(DEFAULT_RATING_SCALE), scale)

    scales = []
    for scale in sorted({s for s, _ in grid}, key=scale_order):
        level_profiles = []
        for level in sorted((lv for s, lv in grid if s == scale), key=lambda lv: levels[lv][0]):
            by_team = grid[(scale, level)]
            team_ids = sorted(by_team, key=lambda t: (*teams[t], t or 0))
            domain_ids = sorted(
                {d for team in by_team.values() for d in team}, key=lambda d: domains[d][0]
            )
            level_profiles.append(
                _level_profile(
                    level=levels[level][1],
                    scale=scale,
                    by_team=by_team,
                    team_ids=team_ids,
                    team_names={t: teams[t][1] or NO_TEAM for t in team_ids},
                    domain_ids=domain_ids,
                    domains={d: domains[d][1] for d in domain_ids},
                )
            )
        scales.append(ScaleProfile(scale=scale, levels=level_profiles))
    return CapabilityProfile(scales=scales)


ALL = "all"
TOTAL = "total"


def _level_profile(*, level, scale, by_team, team_ids, team_names, domain_ids, domains):
    ratings = range(len(scale))
    values: dict[tuple, int] = {}
    for domain in domain_ids:
        everyone = defaultdict(set)
        for team in team_ids:
            people = by_team[team].get(domain, {})
            for rating in ratings:
                values[(team, domain, rating)] = len(people.get(rating, ()))
                everyone[rating] |= people.get(rating, set())
            values[(team, domain, TOTAL)] = sum(values[(team, domain, r)] for r in ratings)
        for rating in ratings:
            values[(ALL, domain, rating)] = len(everyone[rating])
        values[(ALL, domain, TOTAL)] = sum(values[(ALL, domain, r)] for r in ratings)

    columns = [*ratings, TOTAL]
    equations = []
    for domain in domain_ids:
        for table in [*team_ids, ALL]:
            # The ratings divide the people judged by what was concluded about them.
            equations.append(
                Relation(
                    tuple((table, domain, r) for r in ratings),
                    (table, domain, TOTAL),
                    splits_people=True,
                )
            )
        # A person has one latest judgement per domain, in one team: teams add up to all teams.
        for column in columns:
            equations.append(
                Relation(tuple((team, domain, column) for team in team_ids), (ALL, domain, column))
            )
    hidden = suppress(values, equations)

    def cell(key, total_key):
        if key in hidden:
            return Cell.hidden()
        total = values[total_key] if total_key not in hidden else 0
        return Cell(count=values[key], band=_band(values[key], total))

    def table(label, key):
        rows = []
        for domain in domain_ids:
            total_key = (key, domain, TOTAL)
            rows.append(
                ProfileRow(
                    domain=domains[domain],
                    cells=[cell((key, domain, r), total_key) for r in ratings],
                    total=Cell.hidden() if total_key in hidden else Cell(count=values[total_key]),
                )
            )
        return ProfileTable(label=label, rows=rows)

    return LevelProfile(
        level=level,
        overall=table("All teams", ALL),
        teams=[table(team_names[team], team) for team in team_ids],
    )


# ---------------------------------------------------------------------------------------------
# Common development needs


@dataclasses.dataclass(frozen=True)
class StatementNeed:
    code: str
    text: str
    count: Cell


@dataclasses.dataclass(frozen=True)
class DomainNeed:
    code: str
    title: str
    count: Cell
    statements: list[StatementNeed]


@dataclasses.dataclass(frozen=True)
class DevelopmentNeeds:
    domains: list[DomainNeed]
    not_mapped: Cell

    def __bool__(self) -> bool:
        return bool(self.domains) or self.not_mapped.suppressed or bool(self.not_mapped.count)


def _live_objectives(organisation):
    """Agreed objectives and carried ones, each counted once: a carried objective is counted in
    the cycle it was carried into, not also in the one it came from."""
    return (
        Objective.objects.filter(
            appraisal__organisation=organisation,
            status__in=[Objective.Status.AGREED, Objective.Status.CARRIED],
        )
        .exclude(appraisal__status=Appraisal.Status.CANCELLED)
        .exclude(Exists(Objective.objects.filter(carried_from=OuterRef("pk"))))
    )


OBJECTIVE_ITEMS = {
    "item_id": {
        "item__kind": "kind",
        "item__code": "code",
        "item__title": "title",
        "item__full_statement": "full_statement",
        "item__sort_order": "sort_order",
        "item__domain_id": "domain_id",
        "item__domain__code": "domain__code",
        "item__domain__title": "domain__title",
        "item__domain__sort_order": "domain__sort_order",
    }
}


def development_needs(organisation) -> DevelopmentNeeds:
    """The organisation's agreed (and carried) objectives, counted by framework domain and by
    capability statement. Objective texts are never returned: they could identify people. Any
    group of fewer than 5 objectives is suppressed; where the statements of a domain add up to
    its count and one of them is suppressed, the domain's count is suppressed too (so a
    suppressed statement always means fewer than 5). Objectives linked to replaced statements
    count on their replacements. Three queries (more only while following a crosswalk)."""
    objectives = _live_objectives(organisation)
    links = Objective.statements.through.objects.filter(objective__in=objectives).values(
        "objective_id",
        "item_id",
        "item__kind",
        "item__code",
        "item__title",
        "item__full_statement",
        "item__sort_order",
        "item__domain_id",
        "item__domain__code",
        "item__domain__title",
        "item__domain__sort_order",
    )
    # An objective linked to a statement that has been replaced (a post-qualifying standard by
    # an early career standard, a statement by its next version) counts on its replacement.
    links = carry_forward(list(links), OBJECTIVE_ITEMS)
    not_mapped = objectives.filter(statements__isnull=True).count()

    domain_info: dict = {}
    statement_info: dict = {}
    by_domain: dict = defaultdict(set)
    by_statement: dict = defaultdict(set)
    for link in links:
        item = link["item_id"]
        if link["item__domain_id"]:
            domain = link["item__domain_id"]
            domain_info[domain] = (
                (link["item__domain__sort_order"], link["item__domain__code"]),
                link["item__domain__code"],
                link["item__domain__title"] or link["item__domain__code"],
            )
        elif link["item__kind"] == "domain":
            domain = item
            domain_info[domain] = (
                (link["item__sort_order"], link["item__code"]),
                link["item__code"],
                link["item__title"] or link["item__code"],
            )
        else:
            domain = None
            domain_info[None] = ((10**9, ""), "", "Other framework items")
        by_domain[domain].add(link["objective_id"])
        if domain != item:
            by_statement[(domain, item)].add(link["objective_id"])
            statement_info[item] = (
                (link["item__sort_order"], link["item__code"]),
                link["item__code"],
                link["item__title"] or link["item__full_statement"],
            )

    values: dict = {("domain", d): len(objs) for d, objs in by_domain.items()}
    values.update({("statement", k): len(objs) for k, objs in by_statement.items()})
    equations = []
    for domain in by_domain:
        parts = [("statement", k) for k in by_statement if k[0] == domain]
        # Only when each objective in the domain is mapped to one statement there do the
        # statement counts add up to the domain's.
        if parts and sum(values[p] for p in parts) == values[("domain", domain)]:
            equations.append(Relation(tuple(parts), ("domain", domain)))
    hidden = suppress(values, equations, prefer_total=True)

    def cell(key):
        return Cell.hidden() if key in hidden else Cell(count=values[key])

    domains = []
    for domain in sorted(by_domain, key=lambda d: domain_info[d][0]):
        statements = [
            StatementNeed(
                code=statement_info[item][1],
                text=statement_info[item][2],
                count=cell(("statement", (domain, item))),
            )
            for (d, item) in sorted(
                (k for k in by_statement if k[0] == domain),
                key=lambda k: statement_info[k[1]][0],
            )
        ]
        domains.append(
            DomainNeed(
                code=domain_info[domain][1],
                title=domain_info[domain][2],
                count=cell(("domain", domain)),
                statements=statements,
            )
        )
    return DevelopmentNeeds(
        domains=domains,
        not_mapped=Cell.hidden() if is_small(not_mapped) else Cell(count=not_mapped),
    )


# ---------------------------------------------------------------------------------------------
# Practice voice


@dataclasses.dataclass(frozen=True)
class VoiceNote:
    kind: str
    kind_label: str
    text: str
    month: date


@dataclasses.dataclass(frozen=True)
class ThemeNotes:
    theme: str
    label: str
    helps: int
    hinders: int
    notes: list[VoiceNote]

    @property
    def total(self) -> int:
        return self.helps + self.hinders


def practice_voice(organisation) -> list[ThemeNotes]:
    """The organisation's practice voice notes by theme (in the order of the themes' labels),
    with how many say something helps and how many that it gets in the way, and the notes
    themselves: they carry no author, so their texts are shown. Within a theme, newest month
    first and then in the order of the text, never in the order they were sent. One query."""
    by_theme: dict[str, list[VoiceNote]] = defaultdict(list)
    notes = (
        PracticeVoiceNote.objects.filter(organisation=organisation)
        .order_by("-month", "text")
        .values_list("theme", "kind", "text", "month")
    )
    for theme, kind, text, month in notes:
        by_theme[theme].append(VoiceNote(kind, _label(PracticeVoiceNote.Kind, kind), text, month))
    groups = [
        ThemeNotes(
            theme=theme,
            label=_label(PracticeVoiceNote.Theme, theme),
            helps=sum(n.kind == PracticeVoiceNote.Kind.HELPS for n in items),
            hinders=sum(n.kind == PracticeVoiceNote.Kind.HINDERS for n in items),
            notes=items,
        )
        for theme, items in by_theme.items()
    ]
    return sorted(groups, key=lambda g: g.label)


def _label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value
