"""The access rule for credentials, in one place.

A credential is seen, downloaded and issued by its holder only (for a designation, held by an
organisation: its placement leads and admins). Its issuer revokes it: the organisation's
Principal Social Workers for an ASYE, the HEI's placement leads for a placement, the awarding
body's members for a designation, and for a PEPS stage the placement leads of the university (or
the members of the awarding body) that awarded it, while their role lasts. Everyone else gets 404. What a holder shares (the public credential page,
the issuer's profile, keys and status list) shows no name or email: the holder is a hashed email.
"""

from django.db.models import Q

from organisations.models import Role
from organisations.selectors import organisations_where
from placements.rules import awarding_bodies_of

from .models import Credential


def credentials_of(user):
    if not user.is_authenticated:
        return Credential.objects.none()
    held = organisations_where(user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN)
    return Credential.objects.filter(
        Q(holder=user) | Q(holder_organisation__in=held)
    ).select_related("issuer", "holder_organisation")


def revocable_by(user):
    if not user.is_authenticated:
        return Credential.objects.none()
    return Credential.objects.filter(
        Q(
            kind=Credential.Kind.ASYE,
            issuer__in=organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER),
        )
        | Q(
            kind=Credential.Kind.PLACEMENT,
            issuer__in=organisations_where(user, Role.PLACEMENT_LEAD),
        )
        | Q(kind=Credential.Kind.DESIGNATION, issuer__in=awarding_bodies_of(user))
        | Q(
            kind=Credential.Kind.PEPS,
            issuer__in=organisations_where(user, Role.PLACEMENT_LEAD),
        )
        | Q(kind=Credential.Kind.PEPS, issuer__in=awarding_bodies_of(user))
    ).select_related("issuer", "holder", "holder_organisation")


def issues_credentials(user) -> bool:
    """Whether `user` holds a role that revokes credentials (the issuer page is linked for them)."""
    roles = organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER, Role.PLACEMENT_LEAD)
    return roles.exists() or awarding_bodies_of(user).exists()
