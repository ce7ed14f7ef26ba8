"""What the workforce read models share: the figure (:class:`Cell`), its heat-map band, the
labels of rows with no team or level, and the dates the figures are counted over."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time

from django.utils import timezone

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


def band(count: int, total: int) -> int:
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


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def label(choices, value) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value
