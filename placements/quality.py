"""A placement provider's quality profile and the feedback students may read, as read models.

The same principles as the Principal Social Worker's workforce view (`appraisals.workforce`):

* these functions count, they never rank: teams come in name order, never by how well they did;
* a student's audit answers are never returned as theirs: student sections are only ever
  aggregated, and a figure behind which fewer than :data:`SUPPRESSION_THRESHOLD` students stand
  is suppressed, with further figures hidden wherever one could be worked out by subtraction
  (the teams of a provider add up to the provider), by the one rule in
  :mod:`appraisals.suppression`;
* the sections other parties complete (practice educator, provider, tutor) are shown as they are;
* student comments are shared only as a list of texts, in an order that says nothing about when
  they were written or by whom, and only once enough students have responded.

Each function runs a fixed number of queries however many placements the provider has.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from datetime import date

from django.db.models import Count, F, Q
from django.utils import timezone

from appraisals.suppression import SUPPRESSION_THRESHOLD, Relation, is_small, suppress
from organisations.models import Organisation, Role

from .audit_results import (
    AcademicYear,
    SectionCatalogue,
    SectionInfo,
    SectionResult,
    Tally,
    _result,
    academic_year_of,
    recent_years,
    section_catalogue,
)
from .models import ActionItem, Audit, AuditPart, AuditParty, Partnership, Placement
from .rules import awarding_bodies_of, organisation_ids_where, organisations_where

__all__ = [
    "SUPPRESSION_THRESHOLD",
    "AcademicYear",
    "ProviderProfile",
    "SectionResult",
    "StudentFeedback",
    "academic_year_of",
    "can_read_feedback",
    "can_read_provider",
    "can_read_quality",
    "current_placements",
    "provider_profile",
    "recent_years",
    "section_catalogue",
    "student_feedback",
]

ALL = "all"


# ---------------------------------------------------------------------------------------------
# Who may read what


def can_read_provider(user, organisation) -> bool:
    """The provider page: the provider's placement leads and admins, and the placement leads and
    tutors of HEIs in a partnership with the provider."""
    if not user.is_authenticated:
        return False
    if organisation.pk in organisation_ids_where(user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN):
        return True
    return Partnership.objects.filter(
        employers=organisation,
        hei__in=organisations_where(user, Role.PLACEMENT_LEAD, Role.HEI_TUTOR),
    ).exists()


def can_read_quality(user, organisation) -> bool:
    """The quality profile: the provider's placement leads, admins and Principal Social Worker,
    the placement leads of partner HEIs, and anyone in an awarding body."""
    if not user.is_authenticated:
        return False
    own_roles = (Role.PLACEMENT_LEAD, Role.ORG_ADMIN, Role.PRINCIPAL_SOCIAL_WORKER)
    if organisation.pk in organisation_ids_where(user, *own_roles):
        return True
    if Partnership.objects.filter(
        employers=organisation, hei__in=organisations_where(user, Role.PLACEMENT_LEAD)
    ).exists():
        return True
    return awarding_bodies_of(user).exists()


def can_read_feedback(user, organisation) -> bool:
    """Students' feedback on a provider: students (active student membership) of an HEI that is
    in a partnership with the provider as one of its employers."""
    if not user.is_authenticated:
        return False
    return Partnership.objects.filter(
        employers=organisation,
        hei__in=organisations_where(user, Role.STUDENT).filter(kind=Organisation.Kind.HEI),
    ).exists()


# ---------------------------------------------------------------------------------------------
# Placements happening now


CURRENT_STATUSES = (Placement.Status.AGREED, Placement.Status.IN_PROGRESS)


def current_placements(placements, today: date | None = None):
    """Of `placements`, those agreed or in progress whose dates include `today`."""
    today = today or timezone.localdate()
    return placements.filter(status__in=CURRENT_STATUSES, starts_on__lte=today, ends_on__gte=today)


# ---------------------------------------------------------------------------------------------
# The provider's quality profile


@dataclasses.dataclass(frozen=True)
class YearFigures:
    year: AcademicYear
    placements: int
    completed: int
    ended_early: int
    withdrawn: int
    cancelled: int
    sections: list[SectionResult]

    @property
    def has_responses(self) -> bool:
        """Whether any section has a response (shown or suppressed)."""
        return any(r.suppressed or r.ratings for r in self.sections)

    @property
    def student_sections(self) -> list[SectionResult]:
        return [r for r in self.sections if r.section.is_student]

    @property
    def other_sections(self) -> list[SectionResult]:
        return [r for r in self.sections if not r.section.is_student]


@dataclasses.dataclass(frozen=True)
class UnitProfile:
    """The whole provider, or one of its teams."""

    team_id: int | None
    name: str
    years: list[YearFigures]
    open_actions: int
    overdue_actions: int


@dataclasses.dataclass(frozen=True)
class TeamYear:
    name: str
    figures: YearFigures


@dataclasses.dataclass(frozen=True)
class ProfileYear:
    """One academic year: the figures for all teams, and for each team in name order."""

    year: AcademicYear
    overall: YearFigures
    teams: list[TeamYear]


@dataclasses.dataclass(frozen=True)
class ProviderProfile:
    organisation: Organisation
    years: list[AcademicYear]
    overall: UnitProfile
    teams: list[UnitProfile]
    catalogue: SectionCatalogue
    threshold: int = SUPPRESSION_THRESHOLD

    @property
    def units(self) -> list[UnitProfile]:
        return [self.overall, *self.teams]

    @property
    def by_year(self) -> list[ProfileYear]:
        return [
            ProfileYear(
                year=year,
                overall=self.overall.years[n],
                teams=[TeamYear(team.name, team.years[n]) for team in self.teams],
            )
            for n, year in enumerate(self.years)
        ]

    @property
    def has_audits(self) -> bool:
        return bool(self.catalogue.sections)


def provider_profile(organisation, *, today: date | None = None) -> ProviderProfile:
    """For the provider and each of its teams (in name order), for each of the last three
    academic years (by the placement's start date): how many placements started, how many were
    completed, and how many ended early, were withdrawn (the HEI took the student off it) or
    were cancelled (called off before it started), each counted apart; the audit results per section; and the open actions
    from audits (with how many are overdue).

    Audit results count submitted parts only. Student sections are aggregated over students:
    a figure from fewer than SUPPRESSION_THRESHOLD students is suppressed, and so are others
    wherever one could be worked out from the provider's figure (a team's 0 counts as shown
    when it had no placements that year: its count of placements gives it away). Five
    queries."""
    today = today or timezone.localdate()
    years = recent_years(today)
    first, last = years[-1].first_day, years[0].last_day
    placements = Placement.objects.filter(
        provider_team__organisation=organisation, starts_on__range=(first, last)
    )

    teams = list(organisation.teams.order_by("name", "pk").values_list("pk", "name"))

    aggregates = {}
    for year in years:
        in_year = Q(starts_on__range=(year.first_day, year.last_day))
        aggregates[f"n_{year.start}"] = Count("pk", filter=in_year)
        aggregates[f"completed_{year.start}"] = Count(
            "pk", filter=in_year & Q(status=Placement.Status.COMPLETED)
        )
        aggregates[f"ended_{year.start}"] = Count(
            "pk", filter=in_year & Q(status=Placement.Status.ENDED_EARLY)
        )
        aggregates[f"withdrawn_{year.start}"] = Count(
            "pk", filter=in_year & Q(status=Placement.Status.WITHDRAWN)
        )
        aggregates[f"cancelled_{year.start}"] = Count(
            "pk", filter=in_year & Q(status=Placement.Status.CANCELLED)
        )
    counts = {
        row["provider_team_id"]: row
        for row in placements.values("provider_team_id").annotate(**aggregates).order_by()
    }

    catalogue = section_catalogue(Audit.objects.filter(placement__in=placements))

    parts = AuditPart.objects.filter(
        audit__placement__in=placements, submitted_at__isnull=False
    ).values(
        "pk",
        "party",
        "ratings",
        template_id=F("audit__template_id"),
        team_id=F("audit__placement__provider_team_id"),
        starts_on=F("audit__placement__starts_on"),
        student_id=F("audit__placement__student_id"),
    )
    tallies: dict[tuple, Tally] = {}
    for part in parts:
        year = academic_year_of(part["starts_on"]).start
        # Students are counted as people; other parties' parts as parts.
        respondent = part["student_id"] if part["party"] == AuditParty.STUDENT else part["pk"]
        for section_id, ratings in catalogue.section_ratings(part).items():
            size = len(catalogue.sections[section_id].scale)
            for scope in (part["team_id"], ALL):
                key = (scope, year, section_id)
                tallies.setdefault(key, Tally(size)).add(respondent, ratings)

    team_ids = [pk for pk, _ in teams]
    student_sections = catalogue.ordered(student=True)
    values = {}
    for scope in [*team_ids, ALL]:
        for year in years:
            for section in student_sections:
                key = (scope, year.start, section.pk)
                values[key] = len(tallies[key].respondents) if key in tallies else 0
    equations = [
        Relation(
            tuple((team, year.start, section.pk) for team in team_ids),
            (ALL, year.start, section.pk),
        )
        for year in years
        for section in student_sections
    ]
    # A team with no placements that year (its count of placements is shown) has no responses
    # for anyone to work out, so hiding its 0 would protect nothing.
    no_placements = {
        (team, year.start, section.pk)
        for team in team_ids
        for year in years
        for section in student_sections
        if not counts.get(team, {}).get(f"n_{year.start}")
    }
    hidden = suppress(values, equations, known=no_placements)

    actions = {
        row["team_id"]: row
        for row in ActionItem.objects.filter(provider=organisation, status=ActionItem.Status.OPEN)
        .values(team_id=F("audit__placement__provider_team_id"))
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by()
    }

    sections = catalogue.ordered()

    def unit(scope, name, count_rows, action_rows) -> UnitProfile:
        year_figures = []
        for year in years:
            year_figures.append(
                YearFigures(
                    year=year,
                    placements=sum(r[f"n_{year.start}"] for r in count_rows),
                    completed=sum(r[f"completed_{year.start}"] for r in count_rows),
                    ended_early=sum(r[f"ended_{year.start}"] for r in count_rows),
                    withdrawn=sum(r[f"withdrawn_{year.start}"] for r in count_rows),
                    cancelled=sum(r[f"cancelled_{year.start}"] for r in count_rows),
                    sections=[
                        _result(
                            section,
                            tallies.get((scope, year.start, section.pk)),
                            hidden=(scope, year.start, section.pk) in hidden,
                        )
                        for section in sections
                    ],
                )
            )
        return UnitProfile(
            team_id=None if scope == ALL else scope,
            name=name,
            years=year_figures,
            open_actions=sum(r["open"] for r in action_rows),
            overdue_actions=sum(r["overdue"] for r in action_rows),
        )

    return ProviderProfile(
        organisation=organisation,
        years=years,
        overall=unit(ALL, "All teams", list(counts.values()), list(actions.values())),
        teams=[
            unit(
                pk,
                name,
                [counts[pk]] if pk in counts else [],
                [actions[pk]] if pk in actions else [],
            )
            for pk, name in teams
        ],
        catalogue=catalogue,
    )


# ---------------------------------------------------------------------------------------------
# What students may read before a placement is agreed


@dataclasses.dataclass(frozen=True)
class Theme:
    """One student section and what students wrote in it."""

    section: SectionInfo
    comments: list[str]


@dataclasses.dataclass(frozen=True)
class StudentFeedback:
    organisation: Organisation
    years: list[AcademicYear]
    enough: bool
    sections: list[SectionResult]
    themes: list[Theme]
    threshold: int = SUPPRESSION_THRESHOLD

    @property
    def comment_count(self) -> int:
        return sum(len(theme.comments) for theme in self.themes)


def _stable_order(organisation, section_id: int, text: str) -> str:
    """A shuffled but stable position: it follows neither when a comment was written nor who
    wrote it."""
    return hashlib.sha256(f"{organisation.pk}:{section_id}:{text}".encode()).hexdigest()


def student_feedback(organisation, *, today: date | None = None) -> StudentFeedback:
    """Students' ratings of the student sections of their audits for placements at this provider
    (started in the last three academic years), aggregated over the provider, with what they
    wrote. A section's figures are suppressed when fewer than SUPPRESSION_THRESHOLD students
    rated it; the comments are shared only when that many students (or more) submitted their
    part, as texts alone, without dates, placements, teams or names. Two queries."""
    today = today or timezone.localdate()
    years = recent_years(today)
    placements = Placement.objects.filter(
        provider_team__organisation=organisation,
        starts_on__range=(years[-1].first_day, years[0].last_day),
    )
    catalogue = section_catalogue(Audit.objects.filter(placement__in=placements))
    sections = catalogue.ordered(student=True)
    parts = AuditPart.objects.filter(
        audit__placement__in=placements,
        party=AuditParty.STUDENT,
        submitted_at__isnull=False,
    ).values(
        "party",
        "ratings",
        "comments",
        template_id=F("audit__template_id"),
        student_id=F("audit__placement__student_id"),
    )
    students = set()
    tallies: dict[int, Tally] = {}
    comments: dict[int, list[str]] = defaultdict(list)
    for part in parts:
        students.add(part["student_id"])
        for section_id, ratings in catalogue.section_ratings(part).items():
            size = len(catalogue.sections[section_id].scale)
            tallies.setdefault(section_id, Tally(size)).add(part["student_id"], ratings)
        for section_id, text in (part["comments"] or {}).items():
            section = catalogue.sections.get(int(section_id)) if str(section_id).isdigit() else None
            if (
                section is None
                or not section.is_student
                or section.template_id != part["template_id"]
                or not isinstance(text, str)
                or not text.strip()
            ):
                continue
            comments[section.pk].append(text.strip())
    enough = len(students) >= SUPPRESSION_THRESHOLD
    results = []
    for section in sections:
        tally = tallies.get(section.pk)
        responses = len(tally.respondents) if tally else 0
        results.append(_result(section, tally, hidden=is_small(responses)))
    themes = []
    if enough:
        for section in sections:
            texts = comments.get(section.pk)
            if texts:
                texts = sorted(texts, key=lambda t, s=section: _stable_order(organisation, s.pk, t))
                themes.append(Theme(section=section, comments=texts))
    return StudentFeedback(
        organisation=organisation,
        years=years,
        enough=enough,
        sections=results,
        themes=themes,
    )
