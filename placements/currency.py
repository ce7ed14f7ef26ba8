"""Currency on the register of practice educators (`educators` explains it): whether a practice
educator was awarded a stage, or supported a placement, within the programme's currency period
before a day; judged for one person (`currency_of`) or many at once (`currencies_of`)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from django.db.models import Q
from django.utils import timezone

from .models import EducatorAward, Placement, Programme
from .steps import _day

# Placements that were practice education: under way or over (ended early included).
PRACTICE_STATUSES = (
    Placement.Status.IN_PROGRESS,
    Placement.Status.COMPLETED,
    Placement.Status.ENDED_EARLY,
)
DEFAULT_CURRENCY_YEARS = Programme._meta.get_field("peps_currency_years").default

CURRENT = "current"
LAPSED = "lapsed"
NOT_RECORDED = "not-recorded"
STATUS_LABELS = {CURRENT: "Current", LAPSED: "Lapsed", NOT_RECORDED: "Award not recorded"}


def years_from(day: date, years: int) -> date:
    """The same day `years` later (or earlier, if negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _plural_years(years: int) -> str:
    return f"{years} year{'' if years == 1 else 's'}"


# ---------------------------------------------------------------------------------------------
# Currency


@dataclasses.dataclass(frozen=True)
class Currency:
    status: str
    years: int
    awarded_on: date | None = None
    last_practice_on: date | None = None
    current_until: date | None = None

    @property
    def is_lapsed(self) -> bool:
        return self.status == LAPSED

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def detail(self) -> str:
        if self.status == NOT_RECORDED:
            return "No PEPS award is on the register."
        since = (
            f"practice education last on {_day(self.last_practice_on)}"
            if self.last_practice_on
            else "no practice education recorded"
        )
        if self.status == CURRENT:
            return f"Current until {_day(self.current_until)} ({since})."
        return f"Lapsed on {_day(self.current_until)} ({since})."


def supported_placements(educator_ids):
    """Placements where these people are the practice educator or the co-assessor."""
    return Placement.objects.filter(
        Q(practice_educator__in=educator_ids) | Q(co_assessor__in=educator_ids)
    )


def last_practice(placements, educator_id, on: date) -> date | None:
    """The last day on or before `on` this educator did practice education, from `placements`
    (already fetched: anything with practice_educator_id, co_assessor_id, status and dates)."""
    days = [
        min(p.ends_on, on)
        for p in placements
        if educator_id in (p.practice_educator_id, p.co_assessor_id)
        and p.status in PRACTICE_STATUSES
        and p.starts_on <= on
    ]
    return max(days, default=None)


def judge(*, awards, last_practice_on: date | None, years: int, on: date) -> Currency:
    """Currency from the person's awards and last practice education (no query)."""
    if not awards:
        return Currency(NOT_RECORDED, years)
    awarded_on = max(a.awarded_on for a in awards)
    basis = max(d for d in (awarded_on, last_practice_on) if d is not None)
    until = years_from(basis, years)
    status = CURRENT if on <= until else LAPSED
    return Currency(status, years, awarded_on, last_practice_on, until)


def currency_of(educator, *, years: int = DEFAULT_CURRENCY_YEARS, on: date | None = None):
    """The educator's currency on `on` (today) under a period of `years`. Two queries."""
    on = on or timezone.localdate()
    awards = list(EducatorAward.objects.filter(educator=educator))
    if not awards:
        return Currency(NOT_RECORDED, years)
    placements = list(
        supported_placements([educator.pk])
        .filter(status__in=PRACTICE_STATUSES, starts_on__lte=on)
        .only("practice_educator_id", "co_assessor_id", "status", "starts_on", "ends_on")
    )
    return judge(
        awards=awards,
        last_practice_on=last_practice(placements, educator.pk, on),
        years=years,
        on=on,
    )


def judge_many(educator_ids, periods, *, on: date | None = None) -> dict:
    """{person id: {years: Currency}} under each period in `periods`, for everyone in
    `educator_ids` (ids, or a subquery of them) with an award on the register. Two queries,
    whatever their number."""
    on = on or timezone.localdate()
    awards = defaultdict(list)
    for award in EducatorAward.objects.filter(educator__in=educator_ids).only(
        "educator_id", "awarded_on"
    ):
        awards[award.educator_id].append(award)
    placements = list(
        supported_placements(
            EducatorAward.objects.filter(educator__in=educator_ids).values("educator")
        )
        .filter(status__in=PRACTICE_STATUSES, starts_on__lte=on)
        .only("practice_educator_id", "co_assessor_id", "status", "starts_on", "ends_on")
    )
    judged = {}
    for pk, held in awards.items():
        last = last_practice(placements, pk, on)
        judged[pk] = {
            years: judge(awards=held, last_practice_on=last, years=years, on=on)
            for years in periods
        }
    return judged


def currencies_of(educator_ids, *, years: int = DEFAULT_CURRENCY_YEARS, on: date | None = None):
    """{person id: Currency} under one period, for those with an award (see `judge_many`)."""
    return {pk: by[years] for pk, by in judge_many(educator_ids, [years], on=on).items()}


def lapse_refusal(educator, programme: Programme, on: date | None = None) -> str | None:
    """Why `educator` may not be a sole assessor for `programme`, or None if they may."""
    currency = currency_of(educator, years=programme.peps_currency_years, on=on)
    if not currency.is_lapsed:
        return None
    return (
        f"{educator} has lapsed as a practice educator: no practice education in the "
        f"{_plural_years(currency.years)} {programme.name} asks for (since "
        f"{_day(currency.last_practice_on or currency.awarded_on)}), so cannot be the sole "
        "assessor: add a current co-assessor"
    )
