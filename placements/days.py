"""Days of practice learning: the student logs them, the practice educator, co-assessor or
on-site supervisor confirms them, and only confirmed days count. The HEI may allow more days
(an extension) or need fewer (a reduction), each with its reason. Each step locks the placement
row (SELECT ... FOR UPDATE)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from .models import DaysLog, Placement
from .steps import _check, _day, _lock, _log_change, _required_date

FULL = Decimal("1")
HALF = Decimal("0.5")


def _plural(days) -> str:
    return f"{days} day{'s' if days != 1 else ''}"


def days_logged(placement: Placement) -> Decimal:
    """Every day logged, confirmed or not."""
    return placement.days_log.aggregate(total=Sum("days"))["total"] or Decimal("0")


def days_confirmed(placement: Placement) -> Decimal:
    """The days that count: those a practice educator or on-site supervisor has confirmed."""
    confirmed = placement.days_log.filter(confirmed_at__isnull=False)
    return confirmed.aggregate(total=Sum("days"))["total"] or Decimal("0")


def days_needed(placement: Placement) -> int:
    """Confirmed days needed to complete: the placement's length less any HEI reduction."""
    return max(placement.days_required - placement.reduction_days, 0)


def _parse_days(value, *, halves: bool) -> Decimal:
    try:
        days = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {"days": "Enter the number of days as a number, like 1 or 0.5"}
        ) from None
    if not days.is_finite():
        raise ValidationError({"days": "Enter the number of days as a number, like 1 or 0.5"})
    if days > FULL:
        raise ValidationError({"days": "Enter a number of days up to 1"})
    if days <= 0:
        raise ValidationError({"days": "Enter a number of days more than 0"})
    if days not in (HALF, FULL):
        raise ValidationError({"days": "Enter a whole or a half day: 1 or 0.5"})
    if days == HALF and not halves:
        raise ValidationError(
            {"days": "Enter 1: this programme counts whole days only, not half days"}
        )
    return days


@transaction.atomic
def log_days(*, placement: Placement, by, on: date, days, note: str = "") -> DaysLog:
    """The student logs a day (or half a day, where the programme counts halves). Never more
    than one day on one date, and never more in all than the placement allows (its length plus
    any extension). The day counts once it is confirmed (`confirm_days`)."""
    _lock(placement)
    roles = _check("log_days", by, placement)
    days = _parse_days(days, halves=placement.cohort.programme.half_days_allowed)
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
    _log_change(placement, by, roles, f"logged {_plural(days)} on {on.isoformat()}")
    return entry


@transaction.atomic
def confirm_days(*, placement: Placement, by, entries=None) -> int:
    """The practice educator, co-assessor or on-site supervisor confirms days the student
    logged: the entries given (their ids), or every unconfirmed one. Returns how many."""
    _lock(placement)
    roles = _check("confirm_days", by, placement)
    waiting = placement.days_log.filter(confirmed_at__isnull=True)
    if entries is not None:
        ids = {int(e) for e in entries if str(e).isdigit()}
        if not ids:
            raise ValidationError({"entries": "Choose the days to confirm"})
        waiting = waiting.filter(Q(pk__in=ids))
    total = waiting.aggregate(total=Sum("days"))["total"] or Decimal("0")
    count = waiting.update(confirmed_by=by, confirmed_at=timezone.now())
    if not count:
        raise ValidationError({"entries": "There are no days waiting to be confirmed"})
    _log_change(placement, by, roles, f"confirmed {_plural(total)}")
    return count


def _adjustment(days, reason: str, what: str) -> None:
    errors = {}
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        errors["days"] = f"Enter a whole number of days to {what}"
    if not (reason or "").strip():
        errors["reason"] = (
            f"Say why the placement is being {'extended' if what == 'add' else 'reduced'}"
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def extend(*, placement: Placement, by, days, reason: str) -> Placement:
    """Allow more days than the placement's length (time to make up days): an explicit HEI
    decision, with its reason."""
    _lock(placement)
    roles = _check("extend", by, placement)
    _adjustment(days, reason, "add")
    line = f"{_day(timezone.localdate())}, {_plural(days)} by {by}: {reason.strip()}"
    before = placement.extension_days
    placement.extension_days += days
    placement.extension_reason = "\n".join(filter(None, [placement.extension_reason, line]))
    placement.save(update_fields=["extension_days", "extension_reason"])
    _log_change(placement, by, roles, f"extension days: {before} → {placement.extension_days}")
    return placement


@transaction.atomic
def reduce(*, placement: Placement, by, days, reason: str) -> Placement:
    """Need fewer confirmed days to complete than the placement's length: an explicit HEI
    decision, with its reason (kept with the placement)."""
    _lock(placement)
    roles = _check("reduce", by, placement)
    _adjustment(days, reason, "take off")
    if placement.reduction_days + days > placement.days_required:
        raise ValidationError(
            {
                "days": f"Enter a number of days up to {placement.days_required - placement.reduction_days}"
            }
        )
    line = f"{_day(timezone.localdate())}, {_plural(days)} by {by}: {reason.strip()}"
    before = placement.reduction_days
    placement.reduction_days += days
    placement.reduction_reason = "\n".join(filter(None, [placement.reduction_reason, line]))
    placement.save(update_fields=["reduction_days", "reduction_reason"])
    _log_change(placement, by, roles, f"reduction days: {before} → {placement.reduction_days}")
    return placement
