"""Who must use multi-factor authentication: anyone the access rules let read another person's
record. Not a list of roles: each app answers the question from its own rules.

An app registers, in its AppConfig.ready(), a function `user -> list of querysets`: the records of
other people (or the organisations) through which one of its rules lets `user` read someone
else's record. `requires_mfa` asks them all, after the checks everyone shares (staff,
superusers, anyone who can open the Wagtail admin, such as framework editors and approvers), and
puts every queryset into ONE query of EXISTS clauses. The middleware asks once per request, and
only about people without MFA.

Speed (issue 19): building that query through the ORM (about 12 querysets, 86 filter() calls,
9 KB of SQL) cost far more than running it. On the demo data (SQLite, test client, a student
without MFA, median of 20 on a busy 2-core machine) `requires_mfa` took 59-150 ms, ~90% of it
Python building and compiling querysets, and the middleware's check 116 ms; now they take
0.2-0.4 ms and 0.7 ms. The rules use only the user's primary key and today's date, so the SQL is
compiled once a day per database with a stand-in user, and each call runs it with the user's key
in the stand-in's places (`_compiled_check`). Nothing about the answer is cached: every call asks
the database, so a role or share granted a moment ago counts on the next request. The compiled
form is checked before use: two stand-ins must give the same SQL and parameters apart from their
keys, so a rule that depends on anything else, such as the current time, is built each time.

So a rule must depend on `user` only through its primary key (and `timezone.localdate()`): it
must not branch on other attributes of the user (`is_staff`, a profile field), which the
stand-ins do not have. Put such a condition in the query (`filter(pk=user.pk, ...)`) instead.
"""

from collections.abc import Callable, Iterable

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connections, router
from django.db.models import Exists, Q, QuerySet
from django.utils import timezone

RecordReaderRule = Callable[[object], Iterable[QuerySet]]

_record_reader_rules: list[RecordReaderRule] = []


def register_record_reader_rule(rule: RecordReaderRule) -> RecordReaderRule:
    """Add an app's rule (idempotent); usable as a decorator. The rule may use `user` only
    through `user.pk` (see the module's docstring: its SQL is compiled with stand-in users)."""
    if rule not in _record_reader_rules:
        _record_reader_rules.append(rule)
        _compiled.clear()
    return rule


def record_reader_rules() -> tuple[RecordReaderRule, ...]:
    return tuple(_record_reader_rules)


def _admin_permission(user) -> QuerySet:
    """The Wagtail admin's access permission, held directly or through a group."""
    return Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).filter(Q(user=user) | Q(group__user=user))


def _reasons_query(user) -> QuerySet:
    """The one query: `user`'s row if any rule (or the admin permission) lets them read."""
    reasons = [_admin_permission(user)]
    for rule in _record_reader_rules:
        reasons.extend(rule(user))
    condition = Q()
    for queryset in reasons:
        condition |= Exists(queryset)
    return get_user_model().objects.filter(condition, pk=user.pk).values("pk")[:1]


# Two primary keys no real row has, standing in for the user while the SQL is compiled.
_STAND_INS = (-7_340_001, -7_340_002)
# (database alias, today, rules) -> (sql, params, positions of the user's key) or None.
_compiled: dict = {}


def _compile(alias: str):
    User = get_user_model()
    first, second = (
        _reasons_query(User(pk=pk)).query.get_compiler(using=alias).as_sql() for pk in _STAND_INS
    )
    if first[0] != second[0] or len(first[1]) != len(second[1]):
        return None
    slots = []
    for index, (a, b) in enumerate(zip(first[1], second[1], strict=True)):
        if (a, b) == _STAND_INS:
            slots.append(index)
        elif a != b or a in _STAND_INS or b in _STAND_INS:
            return None  # the query depends on something besides the user's key and the day
    return first[0], list(first[1]), frozenset(slots)


def _compiled_check(alias: str):
    today = timezone.localdate()
    key = (alias, today, tuple(_record_reader_rules))
    try:
        return _compiled[key]
    except KeyError:
        pass
    compiled = _compile(alias)
    if timezone.localdate() != today:
        return None  # midnight passed while compiling: the dates in it may be yesterday's
    # Threads may compile at once: each gets the same answer, and reads only its own.
    _compiled.clear()
    _compiled[key] = compiled
    return compiled


def requires_mfa(user) -> bool:
    """Whether `user` can reach the admin or read another person's record, and so must have MFA
    to use the site, and may not remove their last second factor. One query."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    alias = router.db_for_read(get_user_model())
    compiled = _compiled_check(alias)
    if compiled is None:
        return _reasons_query(user).exists()
    sql, params, slots = compiled
    params = [user.pk if index in slots else value for index, value in enumerate(params)]
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


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
