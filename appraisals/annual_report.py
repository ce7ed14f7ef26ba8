"""The Principal Social Worker's annual report for senior leaders and the board: one data
structure for an organisation and a registration year (1 December to 30 November), and two
renderers, CSV here and PDF in :mod:`appraisals.report_pdf`.

Every figure comes from the read models the workforce page uses (:mod:`appraisals.workforce`,
:mod:`supervision.aggregates`), so what the page suppresses the report suppresses too; the one
new count (ASYE panel decisions) goes through the same rule (:func:`suppression.suppress`).
Munro (2011) recommendation 4: performance information read with judgement, never a league
table; so the report counts, never ranks, never names anyone, and says what it cannot say.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime
import io

from django.db.models import Count
from django.utils import timezone

from supervision.aggregates import supervision_by_team

from . import workforce
from .models import Appraisal, AppraisalTemplate, PracticeVoiceNote
from .suppression import SUPPRESSION_THRESHOLD, Relation, suppress
from .voice_models import VoiceReply
from .workforce import Cell

NOT_SHOWN = "not shown (to protect privacy)"
NOT_SHOWN_CSV = "not shown"
YEARS_OFFERED = 5

CANNOT_SAY = (
    "What these figures cannot say. They are counts, not scores, and they are not a league table: "
    "teams are listed by name, never ranked, and nobody is named. A team with more overdue "
    "appraisals may be carrying vacancies or unusually complex work; a capability profile shows "
    "what appraisers judged, not how well children and families were helped; supervision counts "
    "say how often people met, not whether the supervision was good. Figures from fewer than "
    f"{SUPPRESSION_THRESHOLD} people are withheld to protect privacy, so small teams may show "
    "little. Appraisals "
    "due and overdue and the capability profile are as recorded when the report was made; "
    "completions, supervision and ASYE decisions are for the year. Read these figures with the "
    "people who do the work, as questions to ask rather than answers (Munro review of child "
    "protection, 2011, recommendation 4)."
)


@dataclasses.dataclass(frozen=True)
class Table:
    caption: str
    columns: list[str]  # the first names the row labels
    rows: list[tuple[str, list]]  # (label, values): int, str, or Cell


@dataclasses.dataclass(frozen=True)
class Section:
    title: str
    intro: str = ""
    tables: list[Table] = dataclasses.field(default_factory=list)
    lines: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class AnnualReport:
    organisation: str
    since: datetime.date
    until: datetime.date
    made_on: datetime.date
    sections: list[Section]
    cannot_say: str = CANNOT_SAY

    @property
    def title(self) -> str:
        return f"Annual workforce report {self.since.year} to {self.until.year}"


# ---------------------------------------------------------------------------------------------
# The period


def year_ending(year: int) -> tuple[datetime.date, datetime.date]:
    """The registration year ending on 30 November `year`."""
    return datetime.date(year - 1, 12, 1), datetime.date(year, 11, 30)


def last_complete_year(today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today >= datetime.date(today.year, 12, 1) else today.year - 1


def years_offered(today: datetime.date | None = None) -> list[int]:
    last = last_complete_year(today)
    return [last - n for n in range(YEARS_OFFERED)]


# ---------------------------------------------------------------------------------------------
# Assembling


def _progress(organisation, until) -> Section:
    rows = workforce.due_overdue_completed(organisation, today=until)
    totals = workforce.progress_totals(rows)
    return Section(
        "Appraisal completion",
        "Appraisals with a stage open and due, open and overdue, and completed in the 12 months "
        "to the end of the year, by team (in name order).",
        [
            Table(
                "Appraisals by team",
                ["Team", "Due", "Overdue", "Completed"],
                [(r.name, [r.due, r.overdue, r.completed]) for r in [*rows, totals]],
            )
        ],
    )


def _asye(organisation, since, until) -> Section:
    cohort = workforce.asye_cohort(organisation, today=until)
    outcomes = dict(
        Appraisal.objects.filter(
            organisation=organisation,
            template__kind=AppraisalTemplate.Kind.ASYE,
            panel_confirmed_at__gte=workforce._local_midnight(since),
            panel_confirmed_at__lt=workforce._local_midnight(until + datetime.timedelta(days=1)),
        )
        .exclude(panel_decision="")
        .values("panel_decision")
        .annotate(n=Count("pk"))
        .values_list("panel_decision", "n")
        .order_by()
    )
    decisions = [value for value, _label in Appraisal.Recommendation.choices]
    values = {d: outcomes.get(d, 0) for d in decisions}
    values["total"] = sum(values.values())
    hidden = suppress(values, [Relation(tuple(decisions), "total", splits_people=True)])

    def cell(key):
        return Cell.hidden() if key in hidden else Cell(count=values[key])

    labels = dict(Appraisal.Recommendation.choices)
    return Section(
        "ASYE",
        "Where the ASYE programmes in progress are, and the panel's decisions in the year.",
        [
            Table(
                "ASYE programmes in progress, by review point",
                ["Review point", "In progress", "Overdue"],
                [(p.name, [p.count, p.overdue]) for p in cohort.points]
                + [("All review points", [cohort.total, cohort.overdue])],
            ),
            Table(
                "ASYE panel decisions in the year",
                ["Decision", "People"],
                [(labels[d], [cell(d)]) for d in decisions] + [("All decisions", [cell("total")])],
            ),
        ],
    )


def _profile(organisation) -> Section:
    tables = []
    for scale in workforce.capability_profile(organisation):
        for level in scale.levels:
            for table in level.tables:
                tables.append(
                    Table(
                        f"{table.label}: latest judgements {level.level.judged_against}",
                        ["Domain", *scale.scale, "People judged"],
                        [(r.domain.title, [*r.cells, r.total]) for r in table.rows],
                    )
                )
    return Section(
        "Workforce capability profile",
        "For each domain: how many people's most recent signed-off judgement was at each point "
        "of the rating scale, by the level they were judged against.",
        tables,
        [] if tables else ["No judgements have been signed off yet."],
    )


def _supervision(organisation, until) -> Section:
    aggregates = supervision_by_team(organisation, today=until)
    tables = [
        Table(
            t.caption,
            ["Team", *t.bands, t.total_label],
            [(r.label, [*r.cells, r.total]) for r in t.rows],
        )
        for t in aggregates.tables
    ]
    return Section(
        "Supervision and protected development time",
        "People supervised in the organisation, by team: counts of people, never a person.",
        tables if aggregates else [],
        [] if aggregates else ["Nobody has supervision recorded."],
    )


def _voice(organisation, since, until) -> Section:
    counts = {
        theme: {"helps": 0, "hinders": 0}
        for theme in PracticeVoiceNote.objects.filter(
            organisation=organisation, month__gte=since, month__lte=until
        )
        .values_list("theme", flat=True)
        .distinct()
        .order_by()
    }
    for theme, kind, n in (
        PracticeVoiceNote.objects.filter(
            organisation=organisation, month__gte=since, month__lte=until
        )
        .values("theme", "kind")
        .annotate(n=Count("pk"))
        .values_list("theme", "kind", "n")
        .order_by()
    ):
        counts[theme]["helps" if kind == PracticeVoiceNote.Kind.HELPS else "hinders"] += n
    rows = sorted(
        (workforce._label(PracticeVoiceNote.Theme, theme), [c["helps"], c["hinders"]])
        for theme, c in counts.items()
    )
    replies = VoiceReply.objects.filter(
        organisation=organisation,
        status=VoiceReply.Status.PUBLISHED,
        published_at__gte=workforce._local_midnight(since),
        published_at__lt=workforce._local_midnight(until + datetime.timedelta(days=1)),
    ).order_by("published_at", "pk")
    lines = [f"{r.title}. You said: {r.you_said}. We did: {r.we_did}." for r in replies]
    return Section(
        "Practice voice",
        "Anonymous notes by theme (how many say something helps good practice and how many that "
        "it gets in the way), and the \u201cYou said, we did\u201d replies published in the year.",
        [Table("Practice voice notes by theme", ["Theme", "Helps", "Gets in the way"], rows)]
        if rows
        else [],
        lines or ["No \u201cYou said, we did\u201d replies were published in the year."],
    )


def annual_report(organisation, *, year: int | None = None, today=None) -> AnnualReport:
    """The report for `organisation` over the registration year ending 30 November `year`
    (by default the last complete one)."""
    today = today or timezone.localdate()
    since, until = year_ending(year or last_complete_year(today))
    return AnnualReport(
        organisation=organisation.name,
        since=since,
        until=until,
        made_on=today,
        sections=[
            _progress(organisation, until),
            _asye(organisation, since, until),
            _profile(organisation),
            _supervision(organisation, until),
            _voice(organisation, since, until),
        ],
    )


# ---------------------------------------------------------------------------------------------
# Rendering as CSV


def shown(value, hidden: str = NOT_SHOWN) -> str:
    if isinstance(value, Cell):
        return hidden if value.suppressed else str(value.count)
    return str(value)


class _SafeWriter:
    """csv.writer that keeps a spreadsheet from reading a cell as a formula."""

    def __init__(self, out):
        self.writer = csv.writer(out)

    def writerow(self, row):
        self.writer.writerow(
            ["'" + c if isinstance(c, str) and c[:1] in ("=", "+", "-", "@") else c for c in row]
        )


def render_csv(report: AnnualReport) -> str:
    """One file: a heading row per section and per table, then its rows."""
    out = io.StringIO()
    writer = _SafeWriter(out)
    writer.writerow([report.title, report.organisation])
    writer.writerow(["Period", report.since.isoformat(), report.until.isoformat()])
    writer.writerow(["Made on", report.made_on.isoformat()])
    for section in report.sections:
        writer.writerow([])
        writer.writerow([f"## {section.title}"])
        for table in section.tables:
            writer.writerow([table.caption])
            writer.writerow(table.columns)
            for label, values in table.rows:
                writer.writerow([label, *(shown(v, NOT_SHOWN_CSV) for v in values)])
        for line in section.lines:
            writer.writerow([line])
    writer.writerow([])
    writer.writerow(["## What these figures cannot say"])
    writer.writerow([report.cannot_say])
    return out.getvalue()
