"""Reasonable adjustments: the student's learning-support plan on a placement, and who they share
it with.

- Only the student writes and changes their plan. Its text passes the identifying-information
  guard in the form, as every text a student writes does.
- The student shares it, one person at a time, with the people holding the placement's
  practice educator, co-assessor and on-site supervisor roles (`SupportReaderRole`), and with
  nobody else. Each consent records who gave it and when; the student revokes it at any time,
  and the revocation is recorded too. The reader loses access on their next request: the rule
  (`rules.support_plans_visible_to`) reads the live consents each time. Consents are never
  deleted, so the plan keeps its sharing history.
- A consent is for a person in a role: if the placement's practice educator changes, the new one
  reads nothing until the student shares with them; someone who loses the role loses the plan.
- Nothing here writes to the placement's change log, which others on the placement read: that
  a student has a plan is theirs to tell. Reads by others are logged in the student's own access
  log (`support_views`), with no organisation, so no organisation's log shows them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Placement
from .support_models import SupportConsent, SupportPlan, SupportReaderRole

NOT_YOURS = "Only the student writes and shares their learning-support plan."


def _check_student(placement: Placement, by) -> None:
    if placement.student_id != by.pk:
        raise PermissionDenied(NOT_YOURS)


def people_to_share_with(placement: Placement) -> list[tuple[str, object]]:
    """(role, person) for each role of the placement the student may share with that someone
    holds, in `SupportReaderRole` order."""
    return [
        (role, person)
        for role in SupportReaderRole.values
        if (person := getattr(placement, role)) is not None
    ]


def plan_of(placement: Placement) -> SupportPlan | None:
    return SupportPlan.objects.filter(placement=placement).first()


@transaction.atomic
def save_plan(*, placement: Placement, by, text: str) -> SupportPlan:
    """Write or change the student's plan."""
    _check_student(placement, by)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the support and adjustments you need"})
    plan, created = SupportPlan.objects.select_for_update().get_or_create(
        placement=placement, defaults={"text": text}
    )
    if not created and plan.text != text:
        plan.text = text
        plan.save(update_fields=["text", "updated_at"])
    return plan


@transaction.atomic
def give_consent(*, placement: Placement, by, role: str) -> SupportConsent:
    """The student shares their plan with whoever holds `role` on the placement now."""
    _check_student(placement, by)
    plan = SupportPlan.objects.select_for_update().filter(placement=placement).first()
    if plan is None:
        raise ValidationError({"text": "Write your learning-support plan before you share it"})
    if role not in SupportReaderRole.values:
        raise ValidationError(
            {"reader": "Choose the practice educator, co-assessor or on-site supervisor"}
        )
    reader = getattr(placement, role)
    label = SupportReaderRole(role).label.lower()
    if reader is None:
        raise ValidationError({"reader": f"This placement has no {label} to share with"})
    if plan.consents.live().filter(reader=reader, role=role).exists():
        raise ValidationError({"reader": f"Your plan is already shared with the {label}"})
    return SupportConsent.objects.create(
        plan=plan, reader=reader, role=role, given_by=by, given_at=timezone.now()
    )


@transaction.atomic
def revoke_consent(*, consent: SupportConsent, by) -> SupportConsent:
    """The student stops sharing with one person: recorded, and effective on their next
    request."""
    consent = (
        SupportConsent.objects.select_for_update()
        .select_related("plan__placement")
        .get(pk=consent.pk)
    )
    _check_student(consent.plan.placement, by)
    if consent.revoked_at is not None:
        raise ValidationError({"consent": "You have already stopped sharing with this person"})
    consent.revoked_at = timezone.now()
    consent.revoked_by = by
    consent.save(update_fields=["revoked_at", "revoked_by"])
    return consent
