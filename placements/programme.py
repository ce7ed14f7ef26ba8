"""Programme-level checks for one student: whether their placements together meet what their
programme asks for. Each rule is read from the programme's settings:

* days: the confirmed days across all their placements on the programme (days confirmed on a
  placement that later ended early or was withdrawn still happened, and count), plus their
  skills days up to the programme's limit, against the programme's total (200 by default, of
  which at most 30 may be skills days). Skills days are the university's, logged on the
  programme (`skills`); days of an older "skills days" placement count as skills days too;
* contrasting settings: at least two different kinds of setting among their completed
  placements (skills days are not a setting);
* statutory tasks: where the programme requires it, a completed placement in a statutory
  setting.

Placements that are under way are listed beside the checks but do not meet them until they are
completed. Cancelled placements are left out altogether.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum

from .models import STATUTORY_SETTINGS, Placement, PlacementKind, Programme, SettingType
from .skills import skills_days_of

Status = Placement.Status

# Contrasting settings the programme asks for.
CONTRASTING_SETTINGS = 2


@dataclass(frozen=True)
class Check:
    label: str
    met: bool
    detail: str


@dataclass
class ProgrammeStatus:
    programme: Programme
    student: object
    placements: list = field(default_factory=list)
    days_confirmed: Decimal = Decimal("0")
    placement_days: Decimal = Decimal("0")
    skills_days_logged: Decimal = Decimal("0")
    skills_days_counted: Decimal = Decimal("0")
    skills_days: list = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return all(check.met for check in self.checks)


def _plural(count, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def programme_status(*, student, programme: Programme) -> ProgrammeStatus:
    """The student's standing against the programme's placement rules (three queries)."""
    placements = list(
        Placement.objects.filter(student=student, cohort__programme=programme)
        .exclude(status=Status.CANCELLED)
        .select_related("provider_team__organisation")
        .annotate(confirmed=Sum("days_log__days", filter=Q(days_log__confirmed_at__isnull=False)))
        .order_by("starts_on", "pk")
    )
    skills_days = list(skills_days_of(student=student, programme=programme))
    zero = Decimal("0")
    in_practice = sum(
        (p.confirmed or zero for p in placements if p.kind != PlacementKind.SKILLS), start=zero
    )
    skills_logged = sum((d.days for d in skills_days), start=zero) + sum(
        (p.confirmed or zero for p in placements if p.kind == PlacementKind.SKILLS), start=zero
    )
    skills_counted = min(skills_logged, Decimal(programme.skills_days))
    total = in_practice + skills_counted
    skills_note = f"{_days(skills_counted)} of skills"
    if skills_logged > skills_counted:
        skills_note += f" ({_days(skills_logged)} logged; up to {programme.skills_days} count)"
    else:
        skills_note += f" (up to {programme.skills_days} count)"
    completed = [
        p for p in placements if p.status == Status.COMPLETED and p.kind != PlacementKind.SKILLS
    ]
    settings = {p.setting_type for p in completed if p.setting_type}
    checks = [
        Check(
            "Days of practice learning",
            total >= programme.practice_days_total,
            f"{_days(total)} of {programme.practice_days_total} confirmed: "
            f"{_days(in_practice)} in placements and {skills_note}",
        ),
        Check(
            "Contrasting settings",
            len(settings) >= CONTRASTING_SETTINGS,
            (
                f"{_plural(len(settings), 'kind')} of setting in completed placements"
                + (
                    f": {'; '.join(sorted(SettingType(s).label for s in settings))}"
                    if settings
                    else ""
                )
                + f" (at least {CONTRASTING_SETTINGS} needed)"
            ),
        ),
    ]
    if programme.statutory_placement_required:
        statutory = [p for p in completed if p.setting_type in STATUTORY_SETTINGS]
        checks.append(
            Check(
                "A placement with statutory tasks",
                bool(statutory),
                "Completed in a statutory setting"
                if statutory
                else "No completed placement in a statutory setting yet",
            )
        )
    return ProgrammeStatus(
        programme=programme,
        student=student,
        placements=placements,
        days_confirmed=total,
        placement_days=in_practice,
        skills_days_logged=skills_logged,
        skills_days_counted=skills_counted,
        skills_days=skills_days,
        checks=checks,
    )


def _days(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value else "0"
    return f"{text} day{'' if value == 1 else 's'}"


def programmes_of(student):
    """The programmes the student is on (through their cohorts)."""
    return Programme.objects.filter(cohorts__students=student).select_related("hei").distinct()
