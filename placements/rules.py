"""The access rule for placements, audits, designations and partnerships, in one place.

A placement is seen by the people in it (student, practice educator, co-assessor, on-site
supervisor, HEI tutor) and by the placement leads of the provider organisation and of the HEI
that runs the student's programme. Nobody else. Audit parts are completed only by their party;
a provider sees students' answers only in aggregate. Designations are seen by the employer's
placement leads and admins and by the awarding body's people. Views answer 404 for anything these
functions do not return. Every role-based path (leads, admins, awarding bodies) asks
`organisations_where`, so it follows the person's *active* memberships and ends with the role.
"""

from django.db.models import Q

from organisations.models import Organisation, Role
from organisations.selectors import organisations_where

from .models import AuditParty, Designation, Partnership, Placement


def awarding_bodies_of(user):
    """Awarding bodies where `user` holds any role."""
    return organisations_where(user).filter(kind=Organisation.Kind.AWARDING_BODY)


def placement_lead_organisations(user):
    return organisations_where(user, Role.PLACEMENT_LEAD)


def placements_visible_to(user):
    if not user.is_authenticated:
        return Placement.objects.none()
    leads = placement_lead_organisations(user)
    return Placement.objects.filter(
        Q(student=user)
        | Q(practice_educator=user)
        | Q(co_assessor=user)
        | Q(onsite_supervisor=user)
        | Q(hei_tutor=user)
        | Q(provider_team__organisation__in=leads)
        | Q(cohort__programme__hei__in=leads)
    ).distinct()


def audit_parties_of(user, placement) -> list[str]:
    """The audit parts `user` completes for this placement."""
    parties = []
    if placement.student_id == user.pk:
        parties.append(AuditParty.STUDENT)
    if user.pk in (placement.practice_educator_id, placement.onsite_supervisor_id):
        parties.append(AuditParty.EDUCATOR)
    if (
        placement_lead_organisations(user)
        .filter(pk=placement.provider_team.organisation_id)
        .exists()
    ):
        parties.append(AuditParty.PROVIDER)
    if placement.hei_tutor_id == user.pk:
        parties.append(AuditParty.TUTOR)
    return parties


def is_hei_lead_for(user, placement) -> bool:
    """The HEI's placement lead moderates the audit."""
    return placement_lead_organisations(user).filter(pk=placement.cohort.programme.hei_id).exists()


def sees_students_individually(user, placement) -> bool:
    """Whether `user` may read the student's own audit part as theirs: the student, and the HEI
    (tutor and placement lead). The provider's people never do."""
    return (
        placement.student_id == user.pk
        or placement.hei_tutor_id == user.pk
        or is_hei_lead_for(user, placement)
    )


def designations_visible_to(user):
    if not user.is_authenticated:
        return Designation.objects.none()
    employer = organisations_where(
        user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN, Role.PRINCIPAL_SOCIAL_WORKER
    )
    awarding = awarding_bodies_of(user)
    return Designation.objects.filter(Q(organisation__in=employer) | Q(awarding_body__in=awarding))


def partnerships_of(user):
    """Partnerships whose reviews `user` takes part in: placement leads and admins of the HEI or
    of an employer in the partnership."""
    orgs = organisations_where(user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN)
    return Partnership.objects.filter(Q(hei__in=orgs) | Q(employers__in=orgs)).distinct()


def others_records_readable_by(user) -> list:
    """For MFA (`accounts.mfa`): what lets `user` read someone else's placement record. Any
    role in a placement but the student's, a placement lead's role, any role at an awarding body."""
    return [
        Placement.objects.filter(
            Q(practice_educator=user)
            | Q(co_assessor=user)
            | Q(onsite_supervisor=user)
            | Q(hei_tutor=user)
        ).exclude(student=user),
        placement_lead_organisations(user),
        awarding_bodies_of(user),
    ]
