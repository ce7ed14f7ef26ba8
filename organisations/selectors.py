"""Read-only questions about organisations, asked by views and services.

The rule "only an organisation's active admins may manage it" lives here, in
`administered_organisations`: every admin view looks its organisation up through it, so anyone
else gets a 404, never a hint that the organisation exists.
"""

from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from .models import Invitation, Membership, Organisation, Role


def _admin_memberships(user, on: date | None = None) -> QuerySet[Membership]:
    return Membership.objects.active(on).filter(user=user, role=Role.ORG_ADMIN)


def organisations_where(user, *roles, on: date | None = None) -> QuerySet[Organisation]:
    """Organisations where `user` holds an active role (one of `roles`, or any role if none are
    given), today by default. Every app's access rules start from this."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    memberships = Membership.objects.active(on).filter(user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return Organisation.objects.filter(pk__in=memberships.values("organisation"))


def administered_organisations(user, on: date | None = None) -> QuerySet[Organisation]:
    """Organisations where `user` holds an active organisation admin role (today by default)."""
    return organisations_where(user, Role.ORG_ADMIN, on=on)


def is_org_admin(user, organisation: Organisation, on: date | None = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
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
