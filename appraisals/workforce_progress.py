"""Appraisals due, overdue and completed (by team, or for the whole organisation), and where the
ASYE cohort is: counts only, teams in name order, never ranked."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from .models import Appraisal, AppraisalTemplate, Stage
from .workforce_common import NO_TEAM, local_midnight, year_before

ALL_TEAMS = "All teams"


@dataclasses.dataclass(frozen=True)
class TeamProgress:
    team_id: int | None
    name: str
    due: int
    overdue: int
    completed: int


def _counts(today: date) -> dict:
    since = local_midnight(year_before(today))
    in_progress = Q(status=Appraisal.Status.IN_PROGRESS, stages__status=Stage.Status.OPEN)
    return {
        "due": Count("pk", filter=in_progress & Q(stages__due_on__gte=today), distinct=True),
        "overdue": Count("pk", filter=in_progress & Q(stages__due_on__lt=today), distinct=True),
        "completed": Count(
            "pk",
            filter=Q(
                status=Appraisal.Status.COMPLETED,
                completed_at__gte=since,
                completed_at__lt=local_midnight(today) + timedelta(days=1),
            ),
            distinct=True,
        ),
    }


def due_overdue_completed(
    organisation, *, today: date | None = None, teams=None, no_team: bool = True
) -> list[TeamProgress]:
    """Per team (and "No team", when it has any and `no_team`), how many appraisals have a stage
    open and due today or later ("due"), an open stage past its due date ("overdue"), and how
    many were completed in the last 12 months. `teams`: the (pk, name) pairs to list, in their
    order (a page of them); by default every team of the organisation, in name order. Two
    queries (one when `teams` is given)."""
    today = today or timezone.localdate()
    in_teams = Q()
    if teams is None:
        teams = list(organisation.teams.order_by("name", "pk").values_list("pk", "name"))
    else:
        in_teams = Q(team_id__in=[pk for pk, _name in teams])
        if no_team:
            in_teams |= Q(team__isnull=True)
    counts = {
        row["team_id"]: row
        for row in Appraisal.objects.filter(in_teams, organisation=organisation)
        .values("team_id")
        .annotate(**_counts(today))
        .order_by()
    }
    empty = {"due": 0, "overdue": 0, "completed": 0}
    rows = []
    for team_id, name in teams:
        row = counts.get(team_id, empty)
        rows.append(TeamProgress(team_id, name, row["due"], row["overdue"], row["completed"]))
    unassigned = counts.get(None)
    if no_team and unassigned and any(unassigned[k] for k in empty):
        rows.append(
            TeamProgress(
                None, NO_TEAM, unassigned["due"], unassigned["overdue"], unassigned["completed"]
            )
        )
    return rows


def progress_totals(rows: list[TeamProgress]) -> TeamProgress:
    return TeamProgress(
        None,
        ALL_TEAMS,
        sum(r.due for r in rows),
        sum(r.overdue for r in rows),
        sum(r.completed for r in rows),
    )


def organisation_progress(organisation, *, today: date | None = None) -> TeamProgress:
    """The same three counts for the whole organisation, every team and none together: one
    aggregate query, however many teams there are."""
    today = today or timezone.localdate()
    row = Appraisal.objects.filter(organisation=organisation).aggregate(**_counts(today))
    return TeamProgress(None, ALL_TEAMS, row["due"], row["overdue"], row["completed"])


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
