"""Who must use multi-factor authentication: anyone whose role lets them see other people's data."""

from allauth.mfa.models import Authenticator


def role_requires_mfa(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    from organisations.models import Membership

    return Membership.objects.active().staff().filter(user=user).exists()


def has_mfa(user) -> bool:
    """A second factor a person can sign in with (recovery codes alone do not count)."""
    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )
