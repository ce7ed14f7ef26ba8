"""During the placement: starting it, the learning agreement, the midpoint review, the days of
practice learning and any extension, and the student sharing their portfolio with assessors.
Each step locks the placement row (SELECT ... FOR UPDATE)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from . import rules
from .models import (
    DaysLog,
    Placement,
)
from .steps import Status, _check, _day, _iso, _lock, _log_change, _required_date, _status_change


@transaction.atomic
def start(*, placement: Placement, by) -> Placement:
    _lock(placement)
    roles = _check("start", by, placement)
    before = placement.status
    placement.status = Status.IN_PROGRESS
    placement.save(update_fields=["status"])
    _log_change(placement, by, roles, _status_change(placement, before))
    return placement


@transaction.atomic
def record_learning_agreement(*, placement: Placement, by, on: date) -> Placement:
    _lock(placement)
    roles = _check("learning_agreement", by, placement)
    on = _required_date(on, "on", "learning agreement meeting")
    if on > placement.ends_on:
        raise ValidationError({"on": "The learning agreement is made before the placement ends"})
    before = placement.learning_agreement_on
    placement.learning_agreement_on = on
    placement.save(update_fields=["learning_agreement_on"])
    _log_change(placement, by, roles, f"learning agreement: {_iso(before)} → {_iso(on)}")
    return placement


@transaction.atomic
def record_midpoint(*, placement: Placement, by, on: date) -> Placement:
    _lock(placement)
    roles = _check("midpoint", by, placement)
    on = _required_date(on, "on", "midpoint review")
    if not placement.learning_agreement_on:
        raise ValidationError("Record the learning agreement before the midpoint review.")
    if on < placement.learning_agreement_on:
        raise ValidationError({"on": "The midpoint review comes after the learning agreement"})
    before = placement.midpoint_review_on
    placement.midpoint_review_on = on
    placement.save(update_fields=["midpoint_review_on"])
    _log_change(placement, by, roles, f"midpoint review: {_iso(before)} → {_iso(on)}")
    return placement


# ---------------------------------------------------------------------------------------------
# Days


def days_logged(placement: Placement) -> Decimal:
    return placement.days_log.aggregate(total=Sum("days"))["total"] or Decimal("0")


@transaction.atomic
def log_days(*, placement: Placement, by, on: date, days, note: str = "") -> DaysLog:
    """Log days of practice learning. Never more than one day on one date, and never more in
    all than the placement allows (its length plus any extension)."""
    _lock(placement)
    roles = _check("log_days", by, placement)
    try:
        days = Decimal(str(days))
    except (InvalidOperation, ValueError):
        raise ValidationError({"days": "Enter the number of days, like 1 or 0.5"}) from None
    if not days.is_finite() or days <= 0 or days > 1 or days != days.quantize(Decimal("0.1")):
        raise ValidationError({"days": "Log up to one day for each date, like 1 or 0.5"})
    on = _required_date(on, "on", "day")
    if on < placement.starts_on:
        raise ValidationError({"on": "That date is before the placement started"})
    if on > timezone.localdate():
        raise ValidationError({"on": "Days are logged once they have happened"})
    that_day = placement.days_log.filter(on=on).aggregate(total=Sum("days"))["total"] or 0
    if that_day + days > 1:
        raise ValidationError({"on": f"{_day(on)} already has {that_day} days logged"})
    total = days_logged(placement) + days
    if total > placement.days_allowed:
        raise ValidationError(
            {
                "days": f"That would make {total} days, more than the {placement.days_allowed} "
                "this placement allows. Only the HEI tutor can extend it."
            }
        )
    entry = DaysLog.objects.create(
        placement=placement, on=on, days=days, note=(note or "").strip()[:200], recorded_by=by
    )
    _log_change(
        placement, by, roles, f"logged {days} day{'s' if days != 1 else ''} on {on.isoformat()}"
    )
    return entry


@transaction.atomic
def extend(*, placement: Placement, by, days, reason: str) -> Placement:
    """Allow more days than the placement's length: an explicit decision, with its reason."""
    _lock(placement)
    roles = _check("extend", by, placement)
    errors = {}
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        errors["days"] = "Enter a whole number of days to add"
    if not (reason or "").strip():
        errors["reason"] = "Say why the placement is being extended"
    if errors:
        raise ValidationError(errors)
    line = f"{_day(timezone.localdate())}, {days} day{'s' if days != 1 else ''} by {by}: "
    line += reason.strip()
    before = placement.extension_days
    placement.extension_days += days
    placement.extension_reason = "\n".join(filter(None, [placement.extension_reason, line]))
    placement.save(update_fields=["extension_days", "extension_reason"])
    _log_change(placement, by, roles, f"extension days: {before} → {placement.extension_days}")
    return placement


# ---------------------------------------------------------------------------------------------
# The student's portfolio evidence


@transaction.atomic
def share_portfolio_with_assessors(*, placement: Placement, by) -> list:
    """The student shares their portfolio (read and comment) with the people who assess the
    placement: practice educator, co-assessor, on-site supervisor and HEI tutor, until a month
    after it ends; someone whose role has ended (`rules.named_roles_in`) is left out. Uses the
    portfolio's own sharing, so the student sees and revokes it there."""
    from portfolios.models import Share
    from portfolios.rules import active_shares_for
    from portfolios.services import share_portfolio

    if by.pk != placement.student_id:
        raise PermissionDenied("Only the student shares their portfolio.")
    readers = {
        placement.practice_educator: Share.Relationship.PRACTICE_EDUCATOR,
        placement.co_assessor: Share.Relationship.ASSESSOR,
        placement.onsite_supervisor: Share.Relationship.SUPERVISOR,
        placement.hei_tutor: Share.Relationship.TUTOR,
    }
    until = max(placement.ends_on, timezone.localdate()) + timedelta(days=30)
    made = []
    for reader, relationship in readers.items():
        if reader is None or not rules.named_roles_in(reader, placement):
            continue
        already = active_shares_for(reader).filter(
            portfolio__owner=by, whole_portfolio=True, can_comment=True
        )
        if already.exists():
            continue
        made.append(
            share_portfolio(
                owner=by,
                reader=reader,
                relationship=relationship,
                whole_portfolio=True,
                can_comment=True,
                expires_on=until,
            )
        )
    return made
