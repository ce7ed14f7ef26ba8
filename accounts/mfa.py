"""Who must use multi-factor authentication: anyone the access rules let read another person's
record. Not a list of roles: each app answers the question from its own rules.

An app registers, in its AppConfig.ready(), a function `user -> list of querysets`: the records of
other people (or the organisations) through which one of its rules lets `user` read someone
else's record. `requires_mfa` asks them all, after the checks everyone shares (staff,
superusers, anyone who can open the Wagtail admin, such as framework editors and approvers), and
puts every queryset into ONE query of EXISTS clauses. The middleware asks once per request, and
only about people without MFA.
"""

from collections.abc import Callable, Iterable

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, Q, QuerySet

RecordReaderRule = Callable[[object], Iterable[QuerySet]]

_record_reader_rules: list[RecordReaderRule] = []


def register_record_reader_rule(rule: RecordReaderRule) -> RecordReaderRule:
    """Add an app's rule (idempotent); usable as a decorator."""
    if rule not in _record_reader_rules:
        _record_reader_rules.append(rule)
    return rule


def record_reader_rules() -> tuple[RecordReaderRule, ...]:
    return tuple(_record_reader_rules)


def _admin_permission(user) -> QuerySet:
    """The Wagtail admin's access permission, held directly or through a group."""
    return Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).filter(Q(user=user) | Q(group__user=user))


def requires_mfa(user) -> bool:
    """Whether `user` can reach the admin or read another person's record, and so must have MFA
    to use the site, and may not remove their last second factor. One query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    reasons = [_admin_permission(user)]
    for rule in _record_reader_rules:
        reasons.extend(rule(user))
    condition = Q()
    for queryset in reasons:
        condition |= Exists(queryset)
    return get_user_model().objects.filter(condition, pk=user.pk).exists()


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
