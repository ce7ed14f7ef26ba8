"""Reassigning a participant of an appraisal in progress (issue 14).

The organisation's Principal Social Worker (and, in an ASYE programme, its ASYE coordinator) may
put someone else in the appraiser's, countersigner's or assessor's place, with a reason. The change is kept in the appraisal's history
(`Reassignment`), shown on its page, and logged in the appraisee's access log (who changed whom,
never the reason's text). From then on the new person holds the role, with its access and tasks
(both follow the appraisal's named participants). The person reassigned becomes a former
participant: `rules.role_ended_on` counts the reassignment as the end of their role, so
`former` lets them read the stages they signed, as those stood that day, and nothing new."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import rules
from .models import Appraisal, Participant, Reassignment
from .services import _log_change
from .starting import CHOOSABLE, choosable

ROLES = (Participant.APPRAISER, Participant.COUNTERSIGNER, Participant.ASSESSOR)


def reassigner_organisations(user):
    """Organisations where `user` may reassign participants of every appraisal: their PSWs.
    (ASYE coordinators reassign in the ASYE programmes only: `rules.may_reassign_in`.)"""
    return rules.psw_organisations(user)


def appraisals_reassignable_by(user):
    """Appraisals in progress whose participants `user` may reassign: the PSW's, and the ASYE
    programmes an ASYE coordinator coordinates."""
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(
        rules.may_reassign_in(user), status=Appraisal.Status.IN_PROGRESS
    )


def can_reassign(user, appraisal: Appraisal) -> bool:
    return appraisals_reassignable_by(user).filter(pk=appraisal.pk).exists()


@transaction.atomic
def reassign(*, appraisal: Appraisal, role: str, to, reason: str, by) -> Reassignment:
    """Put `to` in `role` of `appraisal` in place of whoever holds it, because of `reason`."""
    if not can_reassign(by, appraisal):
        raise PermissionDenied(
            "Only the Principal Social Worker (or, in an ASYE, its coordinator) can reassign "
            "in this appraisal."
        )
    errors = {}
    if role not in ROLES:
        errors["role"] = "Choose the role to reassign"
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = "Say why the role is being reassigned"
    if to is None:
        errors["to_user"] = "Choose who takes the role"
    elif role in ROLES:
        current = getattr(appraisal, f"{role}_id")
        if to.pk == appraisal.appraisee_id:
            errors["to_user"] = "The person appraised cannot take part in their own appraisal"
        elif to.pk == current:
            errors["to_user"] = f"{to} already holds this role: choose someone else"
        elif not choosable(appraisal.organisation, role).filter(pk=to.pk).exists():
            kinds = " or ".join(str(r.label).lower() for r in CHOOSABLE[role])
            errors["to_user"] = f"Choose a current {kinds} of {appraisal.organisation}"
    if errors:
        raise ValidationError(errors)
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    before = getattr(appraisal, role)
    setattr(appraisal, role, to)
    appraisal.save(update_fields=[role])
    change = Reassignment.objects.create(
        appraisal=appraisal, role=role, from_user=before, to_user=to, reason=reason, made_by=by
    )
    _log_change(appraisal, by, f"{role}: reassigned", obj=appraisal)
    return change
