"""Supervision and protected development time by team, for the Principal Social Worker: counts
of people, never a person.

Each person supervised in the organisation counts once, in one team (the team of their latest
session in the last twelve months, else the team of their current role), in two tables:

* how often they were supervised in the last twelve months (sessions, in bands);
* of those supervised at least once, whether they took protected development time at every
  session, at some, or at none.

Each team's row divides its people by band, as the capability profile's rows divide people by
rating, so the rows are suppressed by the same rule (:mod:`appraisals.suppression`): a row of 1
to 4 people is hidden whole, a larger row with a band of 1 to 4 hides all its bands, and all
teams hides whatever a team hides. Two queries however many records there are.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict

from django.utils import timezone

from appraisals.suppression import SUPPRESSION_THRESHOLD, Relation, suppress
from appraisals.workforce import NO_TEAM, Cell
from organisations.models import Membership

from . import rules
from .models import SupervisionRecord

# Sessions in twelve months: (label, fewest, most). Monthly supervision is the usual standard
# for child and family social workers; fewer than six a year is a prompt to ask why.
FREQUENCY_BANDS = (
    ("None recorded", 0, 0),
    ("1 to 5 sessions", 1, 5),
    ("6 to 11 sessions", 6, 11),
    ("12 or more sessions", 12, None),
)
PROTECTED_BANDS = ("At every session", "At some sessions", "At no session")

ALL = "all"
TOTAL = "total"


@dataclasses.dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    total: Cell


@dataclasses.dataclass(frozen=True)
class Table:
    caption: str
    bands: tuple[str, ...]
    total_label: str
    teams: list[Row]
    overall: Row

    @property
    def rows(self) -> list[Row]:
        return [*self.teams, self.overall]

    def row(self, label: str) -> Row | None:
        return next((r for r in self.rows if r.label == label), None)


@dataclasses.dataclass(frozen=True)
class SupervisionAggregates:
    since: datetime.date
    until: datetime.date
    frequency: Table
    protected: Table
    threshold: int = SUPPRESSION_THRESHOLD

    def __bool__(self) -> bool:
        return bool(self.frequency.teams)

    @property
    def tables(self) -> list[Table]:
        return [self.frequency, self.protected]


def _frequency_band(sessions: int) -> int:
    for index, (_label, fewest, most) in enumerate(FREQUENCY_BANDS):
        if sessions >= fewest and (most is None or sessions <= most):
            return index
    return len(FREQUENCY_BANDS) - 1


def _protected_band(sessions: int, protected: int) -> int:
    if protected == sessions:
        return 0
    return 1 if protected else 2


def _table(caption, bands, total_label, people_bands, team_of, team_names) -> Table:
    """Suppress and shape one table: `people_bands` maps person -> band index."""
    team_ids = sorted({team_of[p] for p in people_bands}, key=lambda t: (t is None, team_names[t]))
    ratings = range(len(bands))
    values: dict = {}
    for team in [*team_ids, ALL]:
        for band in ratings:
            values[(team, band)] = 0
    for person, band in people_bands.items():
        values[(team_of[person], band)] += 1
        values[(ALL, band)] += 1
    for team in [*team_ids, ALL]:
        values[(team, TOTAL)] = sum(values[(team, band)] for band in ratings)
    relations = [
        Relation(tuple((t, b) for b in ratings), (t, TOTAL), splits_people=True)
        for t in [*team_ids, ALL]
    ]
    relations += [
        Relation(tuple((t, column) for t in team_ids), (ALL, column))
        for column in [*ratings, TOTAL]
    ]
    hidden = suppress(values, relations)

    def cell(key):
        return Cell.hidden() if key in hidden else Cell(count=values[key])

    def row(team, label):
        return Row(label, [cell((team, b)) for b in ratings], cell((team, TOTAL)))

    return Table(
        caption=caption,
        bands=tuple(bands),
        total_label=total_label,
        teams=[row(t, team_names[t]) for t in team_ids],
        overall=row(ALL, "All teams"),
    )


def supervision_by_team(organisation, *, today: datetime.date | None = None):
    """The two tables for `organisation` over the twelve months up to `today`."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=365)
    records = (
        SupervisionRecord.objects.filter(
            organisation=organisation, held_on__gt=since, held_on__lte=today
        )
        .order_by("held_on", "pk")
        .values_list("supervisee_id", "team_id", "team__name", "protected_time")
    )
    sessions: dict = defaultdict(int)
    protected: dict = defaultdict(int)
    team_of: dict = {}
    team_names: dict = {None: NO_TEAM}
    for person, team, name, was_protected in records:
        sessions[person] += 1
        protected[person] += bool(was_protected)
        team_of[person] = team  # the latest session's team wins
        team_names[team] = name or NO_TEAM
    # Everyone whose role is supervised counts, with a session recorded or not.
    for person, team, name in (
        Membership.objects.active(today)
        .filter(organisation=organisation, role__in=rules.SUPERVISEE_ROLES)
        .order_by("pk")
        .values_list("user_id", "team_id", "team__name")
    ):
        if person not in team_of:
            team_of[person] = team
            team_names[team] = name or NO_TEAM
    frequency = {person: _frequency_band(sessions.get(person, 0)) for person in team_of}
    protected_time = {
        person: _protected_band(count, protected[person]) for person, count in sessions.items()
    }
    return SupervisionAggregates(
        since=since + datetime.timedelta(days=1),
        until=today,
        frequency=_table(
            "How often people were supervised in the last 12 months",
            [label for label, _f, _m in FREQUENCY_BANDS],
            "People",
            frequency,
            team_of,
            team_names,
        ),
        protected=_table(
            "Protected development time taken, of people supervised in the last 12 months",
            PROTECTED_BANDS,
            "People supervised",
            protected_time,
            team_of,
            team_names,
        ),
    )
