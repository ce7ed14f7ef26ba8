"""The learning agreement: the meeting at the start of a placement, who was there (chosen from
the placement's people), the learning needs mapped to framework statements at the placement's
level, the supervision arrangements (how often, how long) and the workload.

Rules (steps in `steps.STEPS`):

- the practice educator, the co-assessor or the HEI tutor records it (`learning_agreement`),
  once the placement is agreed and before it ends;
- the student, the practice educator and the HEI tutor each sign it (`sign_learning_agreement`);
  once all three have signed it is locked;
- a change after anyone has signed clears every signature, so all three sign what it now says;
  the change is kept in the student's access log ("signatures re-opened"), and a change to a
  locked agreement counts in `reopened_count`.

Saving it keeps the meeting date on the placement (`Placement.learning_agreement_on`), which
the lifecycle reads (the midpoint review comes after it).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from capabilities.models import FrameworkVersion, Item

from .lifecycle_models import LearningAgreement, SupervisionFrequency
from .models import Placement, PlacementKind
from .steps import EDUCATOR, STUDENT, TUTOR, _check, _iso, _lock, _log_change, roles_in

# The PCF level a placement of each kind is judged against (level slugs of the framework).
LEVEL_SLUGS = {
    PlacementKind.FIRST: "first-placement",
    PlacementKind.FINAL: "last-placement",
    PlacementKind.SKILLS: "readiness",
}
# Who signs, and the agreement's fields for each signature.
SIGNERS = {
    STUDENT: ("student_signed_at", None, "the student"),
    EDUCATOR: ("educator_signed_at", "educator_signed_by", "the practice educator"),
    TUTOR: ("tutor_signed_at", "tutor_signed_by", "the HEI tutor"),
}
SIGNATURE_FIELDS = [
    "student_signed_at",
    "educator_signed_at",
    "educator_signed_by",
    "tutor_signed_at",
    "tutor_signed_by",
]
MAX_SUPERVISION_MINUTES = 480


def placement_level(placement: Placement) -> Item | None:
    """The level of the current PCF this placement is judged against, if the framework has it."""
    version = FrameworkVersion.objects.current("pcf")
    if version is None:
        return None
    return (
        Item.objects.levels()
        .filter(version=version, slug=LEVEL_SLUGS[PlacementKind(placement.kind)])
        .first()
    )


def placement_people(placement: Placement) -> list:
    """The people who may be recorded as present: the student and everyone named on it."""
    people = [
        placement.student,
        placement.practice_educator,
        placement.co_assessor,
        placement.onsite_supervisor,
        placement.hei_tutor,
    ]
    seen, unique = set(), []
    for person in people:
        if person is not None and person.pk not in seen:
            seen.add(person.pk)
            unique.append(person)
    return unique


@transaction.atomic
def save_learning_agreement(
    *,
    placement: Placement,
    by,
    meeting_on: date | None,
    present,
    statements,
    supervision_frequency: str,
    supervision_minutes: int | None,
    workload: str,
    learning_needs: str = "",
) -> LearningAgreement:
    """Record the learning agreement, or change it (which re-opens the signatures). Every
    problem is reported at once, each on its field."""
    _lock(placement)
    roles = _check("learning_agreement", by, placement)
    errors: dict[str, str] = {}
    if not isinstance(meeting_on, date):
        errors["meeting_on"] = "Enter the date of the learning agreement meeting"
    elif meeting_on > placement.ends_on:
        errors["meeting_on"] = "The learning agreement meeting is before the placement ends"
    people = {p.pk: p for p in placement_people(placement)}
    present = list(present or [])
    if not present:
        errors["present"] = "Choose who was at the meeting"
    elif any(person.pk not in people for person in present):
        errors["present"] = "Choose people from this placement"
    statements = list(statements or [])
    level = placement_level(placement)
    if not statements:
        errors["statements"] = "Choose at least one statement the student needs to learn towards"
    elif level is not None and any(item.level_id != level.pk for item in statements):
        errors["statements"] = f"Choose statements at the placement's level ({level.title})"
    if supervision_frequency not in SupervisionFrequency.values:
        errors["supervision_frequency"] = "Choose how often supervision happens"
    if not isinstance(supervision_minutes, int) or supervision_minutes < 1:
        errors["supervision_minutes"] = "Enter how long supervision lasts, in minutes"
    elif supervision_minutes > MAX_SUPERVISION_MINUTES:
        errors["supervision_minutes"] = (
            f"Enter a length of supervision up to {MAX_SUPERVISION_MINUTES} minutes"
        )
    if not (workload or "").strip():
        errors["workload"] = "Describe the student's workload"
    if errors:
        raise ValidationError(errors)

    agreement = LearningAgreement.objects.filter(placement=placement).first()
    change = "learning agreement recorded"
    if agreement is None:
        agreement = LearningAgreement(placement=placement)
    else:
        change = "learning agreement changed"
        if any(
            getattr(agreement, f)
            for f in ("student_signed_at", "educator_signed_at", "tutor_signed_at")
        ):
            change += "; signatures re-opened"
            if agreement.is_locked:
                agreement.reopened_count += 1
            for field in SIGNATURE_FIELDS:
                setattr(agreement, field, None)
    before = placement.learning_agreement_on
    agreement.meeting_on = meeting_on
    agreement.supervision_frequency = supervision_frequency
    agreement.supervision_minutes = supervision_minutes
    agreement.workload = workload.strip()
    agreement.learning_needs = (learning_needs or "").strip()
    agreement.recorded_by = by
    agreement.save()
    agreement.present.set(present)
    agreement.statements.set(statements)
    placement.learning_agreement_on = meeting_on
    placement.save(update_fields=["learning_agreement_on"])
    if before != meeting_on:
        change += f"; meeting: {_iso(before)} → {_iso(meeting_on)}"
    _log_change(placement, by, roles, change, obj=agreement)
    return agreement


def signer_role(user, placement: Placement, roles=None) -> str | None:
    """The role `user` signs the learning agreement in, if any (student, educator or tutor)."""
    roles = roles_in(user, placement) if roles is None else roles
    return next((role for role in SIGNERS if role in roles), None)


def unsigned_by(agreement: LearningAgreement) -> list[str]:
    """Who still has to sign, in words."""
    return [name for field, _by, name in SIGNERS.values() if getattr(agreement, field) is None]


@transaction.atomic
def sign_learning_agreement(*, placement: Placement, by) -> LearningAgreement:
    """Sign the learning agreement as the student, the practice educator or the HEI tutor."""
    _lock(placement)
    roles = roles_in(by, placement)
    role = signer_role(by, placement, roles)
    if role is None:
        raise PermissionDenied(
            "The student, the practice educator and the HEI tutor sign the learning agreement."
        )
    if placement.status not in (Placement.Status.AGREED, Placement.Status.IN_PROGRESS):
        raise ValidationError(
            "The learning agreement is signed once the placement is agreed and before it ends."
        )
    agreement = LearningAgreement.objects.select_for_update().filter(placement=placement).first()
    if agreement is None:
        raise ValidationError("The learning agreement has not been recorded yet.")
    at_field, by_field, name = SIGNERS[role]
    if getattr(agreement, at_field) is not None:
        raise ValidationError(f"The learning agreement is already signed by {name}.")
    setattr(agreement, at_field, timezone.now())
    fields = [at_field]
    if by_field:
        setattr(agreement, by_field, by)
        fields.append(by_field)
    agreement.save(update_fields=fields)
    change = f"learning agreement signed by {name}"
    if agreement.is_locked:
        change += "; signed by all three and locked"
    _log_change(placement, by, roles, change, obj=agreement)
    return agreement
