"""What quality audits say, section by section, for the read models of `quality` and
`registers`: academic years (1 September to 31 August), the catalogue of audit sections and
whose part each is in, and each section's tally of ratings, suppressed where too few students
stand behind it (`appraisals.suppression`)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from .models import AuditCriterion, AuditParty

YEARS_SHOWN = 3


# ---------------------------------------------------------------------------------------------
# Academic years


@dataclasses.dataclass(frozen=True, order=True)
class AcademicYear:
    """1 September to 31 August, named by the calendar year it starts in."""

    start: int

    @property
    def first_day(self) -> date:
        return date(self.start, 9, 1)

    @property
    def last_day(self) -> date:
        return date(self.start + 1, 8, 31)

    @property
    def label(self) -> str:
        return f"{self.start} to {self.start + 1}"

    @property
    def slug(self) -> str:
        return f"{self.start}-{self.start + 1}"

    def __str__(self) -> str:
        return self.label


def academic_year_of(day: date) -> AcademicYear:
    return AcademicYear(day.year if day.month >= 9 else day.year - 1)


def recent_years(today: date, count: int = YEARS_SHOWN) -> list[AcademicYear]:
    """The academic year `today` falls in and the ones before it, newest first."""
    current = academic_year_of(today).start
    return [AcademicYear(current - n) for n in range(count)]


# ---------------------------------------------------------------------------------------------
# Audit sections and their results


@dataclasses.dataclass(frozen=True)
class SectionInfo:
    pk: int
    title: str
    party: str
    order: int
    template_id: int
    template_name: str
    template_is_default: bool
    scale: tuple[str, ...]

    @property
    def party_label(self) -> str:
        return AuditParty(self.party).label

    @property
    def is_student(self) -> bool:
        return self.party == AuditParty.STUDENT

    @property
    def sort_key(self) -> tuple:
        return (not self.template_is_default, self.template_name, self.template_id, self.order)


@dataclasses.dataclass
class SectionCatalogue:
    sections: dict[int, SectionInfo]
    criterion_section: dict[str, int]

    def ordered(self, *, student: bool | None = None) -> list[SectionInfo]:
        sections = sorted(self.sections.values(), key=lambda s: s.sort_key)
        if student is None:
            return sections
        return [s for s in sections if s.is_student == student]

    @property
    def several_templates(self) -> bool:
        return len({s.template_id for s in self.sections.values()}) > 1

    def section_ratings(self, part: dict) -> dict[int, list[int]]:
        """The ratings (scale indexes) of one part, by section: only criteria of the part's own
        party's sections in the audit's template, and only ratings on the scale."""
        by_section: dict[int, list[int]] = defaultdict(list)
        for criterion, rating in (part["ratings"] or {}).items():
            section = self.sections.get(self.criterion_section.get(str(criterion)))
            if (
                section is None
                or section.party != part["party"]
                or section.template_id != part["template_id"]
            ):
                continue
            if isinstance(rating, bool) or not isinstance(rating, int):
                continue
            if 0 <= rating < len(section.scale):
                by_section[section.pk].append(rating)
        return by_section


def _scale(value) -> tuple[str, ...]:
    if isinstance(value, list | tuple) and value:
        return tuple(str(label) for label in value)
    return ()


def section_catalogue(audits) -> SectionCatalogue:
    """The sections (with at least one criterion) of the templates used by `audits` (a queryset
    of Audit). One query."""
    rows = AuditCriterion.objects.filter(section__template__in=audits.values("template")).values(
        "pk",
        "section_id",
        "section__title",
        "section__party",
        "section__order",
        "section__template_id",
        "section__template__name",
        "section__template__is_default",
        "section__template__scale",
    )
    sections: dict[int, SectionInfo] = {}
    criterion_section: dict[str, int] = {}
    for row in rows:
        scale = _scale(row["section__template__scale"])
        if not scale:
            continue
        criterion_section[str(row["pk"])] = row["section_id"]
        if row["section_id"] not in sections:
            sections[row["section_id"]] = SectionInfo(
                pk=row["section_id"],
                title=row["section__title"],
                party=row["section__party"],
                order=row["section__order"],
                template_id=row["section__template_id"],
                template_name=row["section__template__name"],
                template_is_default=row["section__template__is_default"],
                scale=scale,
            )
    return SectionCatalogue(sections=sections, criterion_section=criterion_section)


class Tally:
    """The ratings given in one section, and by whom (people, or parts)."""

    def __init__(self, size: int):
        self.counts = [0] * size
        self.respondents: set = set()

    def add(self, respondent, ratings: list[int]) -> None:
        if not ratings:
            return
        self.respondents.add(respondent)
        for rating in ratings:
            self.counts[rating] += 1


@dataclasses.dataclass(frozen=True)
class SectionResult:
    """The ratings of one section: how many responded, the mean on the scale (1 for its first
    point), and how many ratings were given at each point. Suppressed results carry no figures."""

    section: SectionInfo
    responses: int | None
    mean: float | None
    distribution: tuple[int, ...]
    suppressed: bool = False

    @property
    def points(self) -> list[tuple[int, str, int]]:
        """(position from 1, label, number of ratings) for each point of the scale."""
        return [
            (n, label, count)
            for n, (label, count) in enumerate(
                zip(self.section.scale, self.distribution, strict=True), start=1
            )
        ]

    @property
    def ratings(self) -> int:
        return sum(self.distribution)


def _result(section: SectionInfo, tally: Tally | None, *, hidden: bool) -> SectionResult:
    if hidden:
        return SectionResult(section, None, None, (), suppressed=True)
    counts = tally.counts if tally else [0] * len(section.scale)
    total = sum(counts)
    mean = round(sum(n * c for n, c in enumerate(counts, start=1)) / total, 1) if total else None
    return SectionResult(
        section=section,
        responses=len(tally.respondents) if tally else 0,
        mean=mean,
        distribution=tuple(counts),
    )
