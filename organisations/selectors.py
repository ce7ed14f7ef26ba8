"""Read-only questions about organisations, asked by views and services.

The rule "only an organisation's active admins may manage it" lives here, in
`administered_organisations`: every admin view looks its organisation up through it, so anyone
else gets a 404, never a hint that the organisation exists.

Speed (issue 19): every app's access rules start from `organisations_where`, which a signed-in
page (the home, the header's counts, the rules of a list) asks 40-60 times, each a subquery on
the person's memberships. During a request (`organisations.middleware`), the signed-in person's
roles held today are read once, in one query (`_roles_held`): when a question needs an answer in
Python (`organisation_ids_where`, `is_org_admin`: each a query before) or when a page that asks
many rules says so (`remember_roles`: the home and the header's counts). From then on
`organisations_where` answers for that person with the organisations' ids (`pk__in=[...]`: no
subquery on memberships, and no query at all when the person holds none of the roles). The memo lives in a context variable the
middleware sets for the request and resets after it, so it never outlives the request, covers
only the request's own signed-in person and today's date, and is forgotten whenever a
membership is saved or deleted during the request (`forget_roles_held`, connected in apps.py).
Outside a request (tasks, commands, tests calling rules directly) and for any other person or
date, the answer is the subquery, as before; both give the same organisations.
"""

from contextvars import ContextVar
from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from .models import Invitation, Membership, Organisation, Role


class _RequestRoles:
    """The signed-in person's roles held today, read at most once per request."""

    __slots__ = ("held", "key", "request")

    def __init__(self, request):
        self.request = request
        self.key: tuple | None = None  # (the person's pk, the date) `held` was read for
        # (organisation id, role, organisation's kind) of each role held on `on`.
        self.held: tuple[tuple[int, str, str], ...] | None = None


_request_roles: ContextVar[_RequestRoles | None] = ContextVar("request_roles", default=None)


def begin_request(request):
    """Start the memo for `request` (the middleware); returns the token `end_request` takes."""
    return _request_roles.set(_RequestRoles(request))


def end_request(token) -> None:
    _request_roles.reset(token)


def forget_roles_held(**kwargs) -> None:
    """A membership (or an organisation's kind) changed: the next question reads the roles
    again (a signal receiver)."""
    scope = _request_roles.get()
    if scope is not None:
        scope.held = None


def _roles_held(user, *, read=True) -> tuple[tuple[int, str, str], ...] | None:
    """(organisation id, role, organisation kind) of every role `user` holds today, if `user` is
    the current request's signed-in person (one query per request, unless `read` is False: then
    only if they were read already); None otherwise."""
    scope = _request_roles.get()
    if scope is None or not getattr(user, "is_authenticated", False):
        return None
    signed_in = getattr(scope.request, "user", None)
    if signed_in is None or not signed_in.is_authenticated or signed_in.pk != user.pk:
        return None
    # Read again on another day, or for another person (signing in mid-request changes it).
    key = (user.pk, timezone.localdate())
    if scope.held is None or scope.key != key:
        if not read:
            return None
        scope.held = tuple(
            Membership.objects.active(key[1])
            .filter(user_id=user.pk)
            .values_list("organisation_id", "role", "organisation__kind")
        )
        scope.key = key
    return scope.held


def _held_ids(held, roles, kinds) -> list[int]:
    return sorted(
        {
            org
            for org, role, kind in held
            if (not roles or role in roles) and (not kinds or kind in kinds)
        }
    )


def remember_roles(user) -> None:
    """Read the signed-in person's roles now (one query), so that every rule asked during the
    rest of the request answers from them: for pages that ask many (the home and the header's
    counts, `cms.home`). A page asking only a few rules, each a subquery of its own queries,
    does without."""
    _roles_held(user)


def organisation_ids_where(user, *roles, kinds=()) -> frozenset[int]:
    """The ids of `organisations_where(user, *roles, kinds=kinds)`: from the request's memo
    (no query), or one query."""
    held = _roles_held(user)
    if held is None:
        qs = organisations_where(user, *roles, kinds=kinds)
        return frozenset(qs.values_list("pk", flat=True))
    return frozenset(_held_ids(held, roles, kinds))


def _admin_memberships(user, on: date | None = None) -> QuerySet[Membership]:
    return Membership.objects.active(on).filter(user=user, role=Role.ORG_ADMIN)


def organisations_where(user, *roles, on: date | None = None, kinds=()) -> QuerySet[Organisation]:
    """Organisations where `user` holds an active role (one of `roles`, or any role if none are
    given), today by default, of one of `kinds` (`Organisation.Kind`, or any if none are given).
    Every app's access rules start from this."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    if on is None and (held := _roles_held(user, read=False)) is not None:
        return Organisation.objects.filter(pk__in=_held_ids(held, roles, kinds))
    memberships = Membership.objects.active(on).filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    organisations = Organisation.objects.filter(pk__in=memberships.values("organisation"))
    return organisations.filter(kind__in=kinds) if kinds else organisations


def administered_organisations(user, on: date | None = None) -> QuerySet[Organisation]:
    """Organisations where `user` holds an active organisation admin role (today by default)."""
    return organisations_where(user, Role.ORG_ADMIN, on=on)


def is_org_admin(user, organisation: Organisation, on: date | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if on is None and (held := _roles_held(user)) is not None:
        return organisation.pk in _held_ids(held, (Role.ORG_ADMIN,), ())
    return _admin_memberships(user, on).filter(organisation=organisation).exists()


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    """Every role held in the organisation, current ones first, then future, then ended."""
    today = timezone.localdate()
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "team")
        .annotate(
            status_order=Case(
                When(Q(ends_on__lt=today), then=Value(2)),
                When(Q(starts_on__gt=today), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("status_order", "user__last_name", "user__first_name", "user__email", "role")
    )


def open_invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.open()
        .filter(organisation=organisation)
        .select_related("team", "invited_by")
        .order_by("-created_at")
    )


def roles_of(user) -> QuerySet[Membership]:
    """A person's own roles, everywhere, newest first."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "team")
        .order_by("-starts_on", "organisation__name")
    )


def open_invitation_for_token(token: str) -> Invitation | None:
    """The open invitation a link's token belongs to, or None (unknown, expired, revoked, used)."""
    if not token:
        return None
    return Invitation.objects.open().for_token(token).select_related("organisation", "team").first()


def others_records_readable_by(user) -> list:
    """For MFA (`accounts.mfa`): an active organisation admin sees the organisation's people."""
    return [administered_organisations(user)]
