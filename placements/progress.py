"""During the placement: starting it (once the programme's pre-placement checks are confirmed,
see `checks`), the dates of the learning agreement and the midpoint review, and the
student sharing their portfolio with assessors (days are in `days`). Each step locks the
placement row (SELECT ... FOR UPDATE)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from . import rules
from .checks import refuse_start_without_checks
from .models import (
    Placement,
)
from .steps import Status, _check, _iso, _lock, _log_change, _required_date, _status_change


@transaction.atomic
def start(*, placement: Placement, by) -> Placement:
    _lock(placement)
    roles = _check("start", by, placement)
    refuse_start_without_checks(placement)
    before = placement.status
    placement.status = Status.IN_PROGRESS
    placement.save(update_fields=["status"])
    _log_change(placement, by, roles, _status_change(placement, before))
    return placement


@transaction.atomic
def record_learning_agreement(*, placement: Placement, by, on: date) -> Placement:
    """The learning agreement meeting's date alone. The pages record the structured agreement
    (`learning.save_learning_agreement`, which sets this date too); this stays for placements
    recorded before it and for the demo's past placements."""
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
    """The midpoint review's date alone; the pages record the judgements per domain
    (`midpoint.record_midpoint_review`, which sets this date too)."""
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
