"""The end of a placement: completing it, ending it early, and the HEI's decision, which waits
for the practice assessment panel (`panel`). The final report is in `final_report`. Completing or ending a started placement opens its quality audit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import AccessEvent

from .audits import open_audit
from .days import days_confirmed, days_needed
from .final_report import record_final_report  # noqa: F401 (its module since issue 15)
from .models import (
    Audit,
    Placement,
)
from .panel import refuse_decision_before_panel
from .steps import Status, _check, _lock, _log_change, _status_change


@transaction.atomic
def complete(*, placement: Placement, by) -> Audit:
    """Complete the placement and open its quality audit (returned)."""
    _lock(placement)
    roles = _check("complete", by, placement)
    if not placement.recommendation:
        raise ValidationError(
            "The practice educator must record the final report and recommendation first."
        )
    confirmed, needed = days_confirmed(placement), days_needed(placement)
    if confirmed < needed:
        raise ValidationError(
            {
                "days": f"{confirmed} of the {needed} days needed are confirmed. The practice "
                "educator or on-site supervisor confirms the days logged; the HEI can reduce "
                "the days needed, with a reason."
            }
        )
    before = placement.status
    placement.status = Status.COMPLETED
    placement.save(update_fields=["status"])
    _log_change(placement, by, roles, _status_change(placement, before))
    return open_audit(placement)


def _stop(
    *, placement: Placement, by, reason: str, step: str, status: str, why: str
) -> Audit | None:
    """Stop the placement before it is completed, with a reason. A placement that had started
    gets a quality audit (returned); one that never started does not."""
    _lock(placement)
    roles = _check(step, by, placement)
    if not (reason or "").strip():
        raise ValidationError({"reason": why})
    had_started = placement.status == Status.IN_PROGRESS
    before = placement.status
    placement.status = status
    placement.ended_reason = reason.strip()
    placement.save(update_fields=["status", "ended_reason"])
    _log_change(
        placement,
        by,
        roles,
        f"{_status_change(placement, before)}; reason given",
        action=AccessEvent.Action.END,
    )
    return open_audit(placement) if had_started else None


@transaction.atomic
def end_early(*, placement: Placement, by, reason: str) -> Audit | None:
    """End the placement before its time (the setting can no longer offer it, illness...)."""
    return _stop(
        placement=placement,
        by=by,
        reason=reason,
        step="end_early",
        status=Status.ENDED_EARLY,
        why="Say why the placement is ending early",
    )


@transaction.atomic
def withdraw(*, placement: Placement, by, reason: str) -> Audit | None:
    """The HEI withdraws the student from the placement (they leave or pause the programme, or
    the HEI removes them), before or during it."""
    return _stop(
        placement=placement,
        by=by,
        reason=reason,
        step="withdraw",
        status=Status.WITHDRAWN,
        why="Say why the student is being withdrawn",
    )


@transaction.atomic
def cancel(*, placement: Placement, by, reason: str) -> None:
    """Call the placement off before it starts (either side)."""
    _stop(
        placement=placement,
        by=by,
        reason=reason,
        step="cancel",
        status=Status.CANCELLED,
        why="Say why the placement is being cancelled",
    )


@transaction.atomic
def record_hei_decision(*, placement: Placement, by, decision: str) -> Placement:
    _lock(placement)
    roles = _check("hei_decision", by, placement)
    if placement.hei_decision:
        raise ValidationError("The HEI's decision has already been recorded.")
    if decision not in Placement.Recommendation.values:
        raise ValidationError({"decision": "Choose pass, fail or refer"})
    refuse_decision_before_panel(placement)
    placement.hei_decision = decision
    placement.save(update_fields=["hei_decision"])
    _log_change(placement, by, roles, f"HEI decision: none → {decision}")
    return placement
