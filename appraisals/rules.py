"""The access rule for appraisals, in one place.

An appraisal is seen by its participants (appraisee, appraiser, countersigner, assessor) and by
the Principal Social Workers of its organisation, who run the appraisal system and see the
workforce view. Nobody else: not another team's line manager, not an organisation admin, not a
colleague. Views answer 404 for anything `appraisals_visible_to` does not return.
Templates are managed by the organisation's PSWs and admins.
"""

from django.db.models import Q

from organisations.models import Role
from organisations.selectors import organisations_where

from .models import Appraisal, AppraisalTemplate


def psw_organisations(user):
    return organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER)


def template_manager_organisations(user):
    """Organisations whose appraisal templates `user` manages: their PSWs and admins."""
    return organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER, Role.ORG_ADMIN)


def cycle_starter_organisations(user):
    """Organisations where `user` may start appraisal cycles: PSWs and line managers."""
    return organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER, Role.LINE_MANAGER)


def appraisals_visible_to(user):
    if not user.is_authenticated:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(
        Q(appraisee=user)
        | Q(appraiser=user)
        | Q(countersigner=user)
        | Q(assessor=user)
        | Q(organisation__in=psw_organisations(user))
    )


def templates_managed_by(user):
    return AppraisalTemplate.objects.filter(organisation__in=template_manager_organisations(user))


def is_psw_of(user, organisation) -> bool:
    return psw_organisations(user).filter(pk=organisation.pk).exists()
