"""Pre-placement checks: the DBS check, occupational health clearance, the suitability
declaration and the induction date. Each is confirmed once, with who confirmed it and when; the
programme says which it requires (`Programme.required_checks`), and `progress.start` refuses to
start a placement until those are confirmed, naming each one missing.

Who confirms (the `confirm_check` and `confirm_induction` steps in `steps.STEPS`):

- the DBS check, occupational health and the suitability declaration are the university's to
  confirm: the HEI tutor or the HEI's placement lead, who hold the student's records;
- the induction date is the provider's: its placement lead or the practice educator, who
  arrange the student's first days in the team.

Checks are confirmed while the placement is proposed, agreed or in progress (a check the
programme adds late can still be recorded). A confirmation is final; confirming again is
refused, so the record keeps who first confirmed it.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .lifecycle_models import CheckKind, PlacementCheck
from .models import Placement
from .steps import _check, _day, _lock, _log_change

# The step that confirms each kind of check.
STEP_FOR = {
    CheckKind.DBS: "confirm_check",
    CheckKind.OCCUPATIONAL_HEALTH: "confirm_check",
    CheckKind.SUITABILITY: "confirm_check",
    CheckKind.INDUCTION: "confirm_induction",
}


def missing_checks(placement: Placement) -> list[str]:
    """The programme's required checks not yet confirmed on this placement, as `CheckKind`
    values, in the order the programme lists them."""
    required = placement.cohort.programme.required_checks()
    if not required:
        return []
    done = set(placement.checks.values_list("kind", flat=True))
    return [kind for kind in required if kind not in done]


def check_rows(placement: Placement, steps) -> list[dict]:
    """Each kind of check: whether the programme requires it, its confirmation if any, and
    whether the person (with `steps`) may confirm it now."""
    required = set(placement.cohort.programme.required_checks())
    done = {c.kind: c for c in placement.checks.select_related("confirmed_by")}
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "required": kind.value in required,
            "check": done.get(kind.value),
            "can_confirm": kind.value not in done and STEP_FOR[kind] in steps,
        }
        for kind in CheckKind
    ]


@transaction.atomic
def confirm_check(
    *, placement: Placement, by, kind: str, induction_on: date | None = None
) -> PlacementCheck:
    """Confirm one pre-placement check. The induction date needs the date itself."""
    if kind not in CheckKind.values:
        raise ValidationError({"kind": "Choose which check you are confirming"})
    _lock(placement)
    roles = _check(STEP_FOR[CheckKind(kind)], by, placement)
    label = CheckKind(kind).label
    if placement.checks.filter(kind=kind).exists():
        raise ValidationError({"kind": f"The {label[0].lower()}{label[1:]} is already confirmed"})
    if kind == CheckKind.INDUCTION:
        if not isinstance(induction_on, date):
            raise ValidationError({"induction_on": "Enter the date of the induction"})
        if induction_on > placement.ends_on:
            raise ValidationError(
                {"induction_on": "The induction date must be before the placement ends"}
            )
    else:
        induction_on = None
    check = PlacementCheck.objects.create(
        placement=placement,
        kind=kind,
        induction_on=induction_on,
        confirmed_by=by,
        confirmed_at=timezone.now(),
    )
    change = f"pre-placement check confirmed: {label.lower()}"
    if induction_on:
        change += f" ({_day(induction_on)})"
    _log_change(placement, by, roles, change, obj=check)
    return check


def refuse_start_without_checks(placement: Placement) -> None:
    """The start rule: the programme's required checks are all confirmed."""
    missing = missing_checks(placement)
    if missing:
        names = [CheckKind(kind).label.lower() for kind in missing]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        raise ValidationError(
            {
                "checks": f"The placement cannot start until its pre-placement checks are "
                f"confirmed: {listed} {'is' if len(names) == 1 else 'are'} still to confirm"
            }
        )
