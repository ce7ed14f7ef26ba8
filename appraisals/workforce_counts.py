"""Counting the capability profile in the database: each person's latest signed judgement per
PCF domain (a window, ROW_NUMBER() over the person and the domain as it now counts through the
crosswalk, newest first), counted by rating scale, level, team, domain and rating.

Two readings of the same window: :func:`team_counts`, a few figures per team (all teams, or a
page of them), and :func:`overall_counts`, the figures for all teams together with, for each
domain, whether any team's row is small or holds a small rating (what "All teams" must hide
with it, :mod:`appraisals.workforce_profile`), so that its result does not grow with the
number of teams. Python never reads a row per person, except as the reference
(:func:`latest_judgements`) and while an item has become several (a split: its judgements count
on each), which one CASE cannot say.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.cache import cache
from django.db import connections, router
from django.db.models import BigIntegerField, Case, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber

from capabilities import crosswalk, page_cache
from capabilities.models import Framework, Item

from .models import (
    DEFAULT_RATING_SCALE,
    Appraisal,
    AppraisalTemplate,
    DomainAssessment,
    JudgedBy,
    Stage,
)
from .suppression import SUPPRESSION_THRESHOLD

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
RATING = Case(
    When(stage__appraisal__template__judged_by=JudgedBy.APPRAISER, then=F("judgement_rating")),
    default=Coalesce("assessor_rating", "judgement_rating"),
)

# (scale, level id, team id, domain id, rating) -> people
Counts = dict[tuple, int]


def _signed(organisation):
    return (
        DomainAssessment.objects.filter(
            stage__status=Stage.Status.SIGNED, stage__appraisal__organisation=organisation
        )
        .exclude(stage__appraisal__status=Appraisal.Status.CANCELLED)
        .annotate(rating=RATING)
        .filter(rating__isnull=False)
    )


def latest_judgements(organisation) -> list[dict]:
    """The latest signed judgement of each appraisee in each PCF domain, one row per person and
    domain, counted through the crosswalk. One query, then the crosswalk's.

    The database keeps only each appraisee's latest judgement per domain (a window), so what is
    read does not grow with years of history; across the crosswalk the latest is then picked in
    Python among those (the judgement that wins for a carried-forward domain is the latest of
    its own domain too). The profile counts in the database; this is its reference, and what it
    falls back on while an item has become several."""
    rows = (
        # The profile counts PCF domains only: judgements against the post-qualifying
        # standards (or any other framework a template assesses) are not domains.
        _signed(organisation)
        .filter(
            domain__kind=Item.Kind.DOMAIN,
            domain__version__framework__kind=Framework.Kind.PCF,
        )
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


def scale_key(scale) -> tuple[str, ...]:
    if isinstance(scale, list | tuple) and scale:
        return tuple(str(label) for label in scale)
    return tuple(DEFAULT_RATING_SCALE)


def _pcf_items() -> tuple[list[int], dict[int, set[int]]]:
    """The PCF's domains (every version's), and what each PCF domain and each level that a
    published version replaced has become. The items, then the crosswalk's links (none while
    cached), never more with the size of the organisation."""
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


# (database, generation, organisation, templates by scale) -> the window's (sql, params).
# Compiling its CASEs, one branch per item a newer version replaced, takes the ORM longer than
# the database takes to run them; they change only with the framework data (the generation).
_compiled: dict = {}
COMPILED_KEPT = 64


class _Window:
    """The window as SQL, and the scales its "scale" column numbers. One query (the templates'
    scales) besides the PCF's items and the crosswalk's links (none while cached). The SQL is
    compiled once per organisation, templates' scales and generation of the framework data."""

    def __init__(self, organisation, stamp, domains, replaced: dict[int, int]):
        scales: dict[tuple, int] = {}
        templates_of = defaultdict(list)
        for pk, scale in AppraisalTemplate.objects.values_list("pk", "rating_scale"):
            key = scale_key(scale)
            templates_of[scales.setdefault(key, len(scales))].append(pk)
        self.scales = {number: key for key, number in scales.items()}
        # No PCF or no template: nothing to count (and no SQL for an empty IN).
        self.empty = not domains or not templates_of
        if self.empty:
            return
        self.db = router.db_for_read(DomainAssessment)
        by_scale = tuple(
            (number, self.scales[number], tuple(pks))
            for number, pks in sorted(templates_of.items())
        )
        key = (self.db, stamp, organisation.pk, by_scale)
        try:
            self.sql, self.params = _compiled[key]
            return
        except KeyError:
            pass
        domain = _carried("domain_id", replaced)
        latest = (
            _signed(organisation)
            .filter(domain_id__in=domains)
            .values(
                "rating",
                current_domain=domain,
                current_level=_carried("stage__appraisal__target_level_id", replaced),
                team=F("stage__appraisal__team_id"),
                scale=Case(
                    *(
                        When(stage__appraisal__template_id__in=pks, then=Value(number))
                        for number, pks in sorted(templates_of.items())
                    ),
                    default=Value(-1),
                    output_field=IntegerField(),
                ),
                # A rating beyond its scale (the scale changed after the judgement) cannot be
                # placed: it is not counted.
                places=Case(
                    *(
                        When(
                            stage__appraisal__template_id__in=pks,
                            rating__gte=0,
                            rating__lt=len(self.scales[number]),
                            then=Value(1),
                        )
                        for number, pks in sorted(templates_of.items())
                    ),
                    default=Value(0),
                    output_field=IntegerField(),
                ),
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
        self.sql, self.params = latest.query.get_compiler(using=self.db).as_sql()
        if len(_compiled) >= COMPILED_KEPT:
            _compiled.clear()
        _compiled[key] = (self.sql, self.params)

    def run(self, sql: str, params=()) -> list[tuple]:
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, (*self.params, *params))
            return cursor.fetchall()


COLUMNS = '"scale", "current_level", "team", "current_domain", "rating"'


def _per_team(window: _Window, team_ids, no_team) -> tuple[str, list]:
    where, params = "", []
    if team_ids is not None:
        marks = ", ".join(["%s"] * len(team_ids)) or "NULL"
        where = f' AND ("team" IN ({marks}){' OR "team" IS NULL' if no_team else ""})'
        params = list(team_ids)
    sql = (
        f"SELECT {COLUMNS}, COUNT(*) AS people FROM ({window.sql}) latest "  # noqa: S608
        f"WHERE newest = 1 AND places = 1{where} GROUP BY {COLUMNS}"
    )
    return sql, params


def _prepare():
    """The PCF's domains and {replaced item: what it counts as} (None while an item has become
    several), kept in the cache under the framework data's generation
    (:mod:`capabilities.page_cache`: a version published or any framework item or link changed
    moves it on), with that generation. No query while cached, else the PCF's items and the
    crosswalk's."""
    stamp = page_cache.generation()
    key = f"appraisals:workforce:pcf-items:{stamp}"
    prepared = cache.get(key)
    if prepared is None:
        domains, replaced = _pcf_items()
        if any(len(new) > 1 for new in replaced.values()):
            prepared = (domains, None)
        else:
            prepared = (domains, {old: next(iter(new)) for old, new in replaced.items()})
        cache.set(key, prepared, page_cache.TIMEOUT)
    return (stamp, *prepared)


def _from_python(organisation, team_ids=None, no_team=True) -> Counts:
    counts: Counts = defaultdict(int)
    for row in latest_judgements(organisation):
        team = row["team_id"]
        if team_ids is not None and team not in team_ids and not (no_team and team is None):
            continue
        scale = scale_key(row["scale"])
        if 0 <= row["rating"] < len(scale):
            key = (scale, row["level_id"], team, row["domain_id"], row["rating"])
            counts[key] += 1
    return dict(counts)


def team_counts(organisation, *, team_ids=None, no_team=True) -> Counts:
    """How many people's latest judgement is at each (scale, level, team, domain, rating).
    `team_ids`: only those teams (and no team, if `no_team`); by default every team. The PCF's
    items and the crosswalk's links (none while cached), the templates' scales, the counts."""
    stamp, domains, replaced = _prepare()
    if replaced is None:
        return _from_python(organisation, None if team_ids is None else list(team_ids), no_team)
    window = _Window(organisation, stamp, domains, replaced)
    if window.empty:
        return {}
    sql, params = _per_team(window, None if team_ids is None else list(team_ids), no_team)
    return {
        (window.scales[scale], level, team, domain, rating): people
        for scale, level, team, domain, rating, people in window.run(sql, params)
    }


def overall_counts(organisation) -> tuple[Counts, dict]:
    """How many people's latest judgement is at each (scale, level, domain, rating) in all teams
    together (the team is None in the keys), and for each (scale, level, domain) which of the
    suppression rules a team's row calls for somewhere: "row" (some team has 1 to 4 people
    judged there), "ratings" (some team has 1 to 4 at a rating), or "". As many rows as the
    scales, levels, domains and ratings in use, however many teams."""
    stamp, domains, replaced = _prepare()
    if replaced is None:
        return _overall_from(_from_python(organisation))
    window = _Window(organisation, stamp, domains, replaced)
    if window.empty:
        return {}, {}
    per_team, _params = _per_team(window, None, True)
    small = f"BETWEEN 1 AND {SUPPRESSION_THRESHOLD - 1}"
    rows = window.run(
        f"WITH per_team AS ({per_team}), "  # noqa: S608 (compiled by the ORM)
        '"rows" AS (SELECT "scale", "current_level", "team", "current_domain", '
        f"SUM(people) AS total, MAX(CASE WHEN people {small} THEN 1 ELSE 0 END) AS small_cell "
        'FROM per_team GROUP BY "scale", "current_level", "team", "current_domain"), '
        'flags AS (SELECT "scale", "current_level", "current_domain", '
        f"MAX(CASE WHEN total {small} THEN 1 ELSE 0 END) AS small_row, "
        'MAX(small_cell) AS small_cell FROM "rows" '
        'GROUP BY "scale", "current_level", "current_domain") '
        'SELECT p."scale", p."current_level", p."current_domain", p."rating", '
        "SUM(p.people), MAX(f.small_row), MAX(f.small_cell) FROM per_team p JOIN flags f "
        'ON f."scale" = p."scale" AND f."current_domain" = p."current_domain" AND '
        '(f."current_level" = p."current_level" OR '
        '(f."current_level" IS NULL AND p."current_level" IS NULL)) '
        'GROUP BY p."scale", p."current_level", p."current_domain", p."rating"'
    )
    counts: Counts = {}
    hiding: dict = {}
    for scale, level, domain, rating, people, small_row, small_cell in rows:
        counts[(window.scales[scale], level, None, domain, rating)] = int(people)
        hiding[(window.scales[scale], level, domain)] = (
            "row" if small_row else "ratings" if small_cell else ""
        )
    return counts, hiding


def _overall_from(counts: Counts) -> tuple[Counts, dict]:
    """:func:`overall_counts` from every team's counts (the Python fallback)."""
    from .workforce_profile import hiding  # the rules, on one row

    by_row: dict = defaultdict(dict)
    everyone: Counts = defaultdict(int)
    for (scale, level, team, domain, rating), people in counts.items():
        by_row[(scale, level, team, domain)][rating] = people
        everyone[(scale, level, None, domain, rating)] += people
    flags: dict = defaultdict(set)
    for (scale, level, _team, domain), ratings in by_row.items():
        flags[(scale, level, domain)].add(hiding([ratings.get(r, 0) for r in range(len(scale))]))
    return dict(everyone), {
        key: "row" if "row" in found else "ratings" if "ratings" in found else ""
        for key, found in flags.items()
    }
