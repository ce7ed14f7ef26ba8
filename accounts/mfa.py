"""Who must use multi-factor authentication: anyone the access rules let read another person's
record. Not a list of roles: each app answers the question from its own rules.

An app registers a function `user -> bool` ("does a rule of mine let this person read someone
else's record?") with `register_record_reader_rule`, in its AppConfig.ready(). `requires_mfa`
asks them all, after the cheap checks everyone shares: staff and superusers, and anyone who can
open the Wagtail admin (framework editors and approvers). Each rule is a few EXISTS queries; the
middleware asks once per request, and only people without MFA are asked at all.
"""

from collections.abc import Callable

from allauth.mfa.models import Authenticator

RecordReaderRule = Callable[[object], bool]

_record_reader_rules: list[RecordReaderRule] = []


def register_record_reader_rule(rule: RecordReaderRule) -> RecordReaderRule:
    """Add an app's rule (idempotent); usable as a decorator."""
    if rule not in _record_reader_rules:
        _record_reader_rules.append(rule)
    return rule


def record_reader_rules() -> tuple[RecordReaderRule, ...]:
    return tuple(_record_reader_rules)


def can_access_admin(user) -> bool:
    return bool(user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin"))


def requires_mfa(user) -> bool:
    """Whether `user` can read another person's record (or reach the admin), and so must have
    MFA to use the site, and may not remove their last authenticator."""
    if not getattr(user, "is_authenticated", False):
        return False
    if can_access_admin(user):
        return True
    return any(rule(user) for rule in _record_reader_rules)


# The old name, kept for callers; the answer now comes from the rules, not a list of roles.
role_requires_mfa = requires_mfa


def has_mfa(user) -> bool:
    """A second factor a person can sign in with (recovery codes alone do not count)."""
    return (
        Authenticator.objects.filter(user=user)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def is_last_factor(authenticator: Authenticator) -> bool:
    """Whether removing `authenticator` would leave its owner without a second factor."""
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return False
    return not (
        Authenticator.objects.filter(user_id=authenticator.user_id)
        .exclude(pk=authenticator.pk)
        .exclude(type=Authenticator.Type.RECOVERY_CODES)
        .exists()
    )


def may_remove(authenticator: Authenticator) -> bool:
    """Nobody who can read another person's record removes their last second factor."""
    return not (is_last_factor(authenticator) and requires_mfa(authenticator.user))


CANNOT_REMOVE_MESSAGE = (
    "You cannot turn off your last way of signing in with a second factor: your roles let you "
    "see other people's records, which needs two-factor authentication. Add another "
    "authenticator first if you want to replace this one."
)
