"""The access rule for credentials, in one place.

A credential is seen, downloaded and issued by its holder only. Its issuer revokes it: the
organisation's Principal Social Workers for an ASYE, the HEI's placement leads for a placement,
while their role lasts. Everyone else gets 404. What a holder shares (the public credential page,
the issuer's profile, keys and status list) shows no name or email: the holder is a hashed email.
"""

from django.db.models import Q

from organisations.models import Role
from organisations.selectors import organisations_where

from .models import Credential


def credentials_of(user):
    if not user.is_authenticated:
        return Credential.objects.none()
    return Credential.objects.filter(holder=user).select_related("issuer")


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
    ).select_related("issuer", "holder")


def issues_credentials(user) -> bool:
    """Whether `user` holds a role that revokes credentials (the issuer page is linked for them)."""
    return organisations_where(user, Role.PRINCIPAL_SOCIAL_WORKER, Role.PLACEMENT_LEAD).exists()
