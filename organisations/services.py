"""Everything that changes who holds which role. Views call these; they never change roles
themselves.

The rules:
- only an active organisation admin of an organisation invites people to it, revokes its
  invitations and ends its roles;
- nobody gives themselves a role: an admin cannot invite their own address, nobody can accept an
  invitation they sent, and a role is only ever created from someone else's invitation;
- an invitation is accepted only by a person who has (or has verified) the address it was sent to;
- an admin cannot end their own last admin role of an organisation (another admin must).
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.audit import log_access
from accounts.models import AccessEvent
from cms.urls_util import absolute_url

from . import selectors
from .models import Invitation, Membership, Organisation, Role, Team


def is_org_admin(user, organisation: Organisation, on: date | None = None) -> bool:
    """Whether `user` holds an active organisation admin role there (today by default)."""
    return selectors.is_org_admin(user, organisation, on)


def organisations_administered_by(user) -> QuerySet[Organisation]:
    return selectors.administered_organisations(user)


def invitation_url(token: str) -> str:
    return absolute_url(reverse("invitations:invitation", kwargs={"token": token}))


def _long_date(day: date) -> str:
    return dateformat.format(day, "j F Y")


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _user_emails(user) -> set[str]:
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {_normalise_email(e) for e in verified} | {_normalise_email(user.email)}


@transaction.atomic
def invite(
    *,
    organisation: Organisation,
    invited_by,
    email: str,
    role: str,
    team: Team | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
    asye: bool = False,
    peps_stage: int | None = None,
    registration_number: str = "",
) -> tuple[Invitation, str]:
    """Invite someone by email to take a role in `organisation`; email them the link.

    Returns the invitation and the link's token (only its hash is stored). The email is sent
    inside the transaction: if it cannot be sent, no invitation is left behind that nobody has
    the link to, and the admin can simply try again.
    """
    if not is_org_admin(invited_by, organisation):
        raise PermissionDenied("Only an admin of this organisation can invite people to it.")
    email = _normalise_email(email)
    invitation = Invitation(
        organisation=organisation,
        invited_by=invited_by,
        email=email,
        role=role,
        team=team,
        starts_on=starts_on or timezone.localdate(),
        ends_on=ends_on,
        asye=asye,
        peps_stage=peps_stage,
        registration_number=(registration_number or "").strip(),
    )
    token = invitation.set_new_token()
    errors: dict = {}
    try:
        invitation.full_clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if "email" not in errors and (problem := _email_problem(invitation)):
        errors["email"] = [problem]
    if errors:
        raise ValidationError(errors)

    invitation.save()
    _send_invitation_email(invitation, token)
    return invitation, token


def _email_problem(invitation: Invitation) -> str | None:
    if invitation.email in _user_emails(invitation.invited_by):
        return "You cannot invite yourself: another admin must give you a role."
    same_role = Q(organisation=invitation.organisation, role=invitation.role)
    same_role &= Q(team=invitation.team) if invitation.team else Q(team__isnull=True)
    if Invitation.objects.open().filter(same_role, email__iexact=invitation.email).exists():
        return "There is already an open invitation for this email address to this role."
    if Membership.objects.active().filter(same_role, user__email__iexact=invitation.email).exists():
        return "The person with this email address already has this role."
    return None


def _send_invitation_email(invitation: Invitation, token: str) -> None:
    context = {"invitation": invitation, "url": invitation_url(token)}
    subject = render_to_string("organisations/email/invitation_subject.txt", context)
    body = render_to_string("organisations/email/invitation_message.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),  # one line, whatever the template's whitespace
        body=body,
        to=[invitation.email],
    ).send()


def acceptance_problem(*, invitation: Invitation, user) -> ValidationError | None:
    """Why `user` cannot accept `invitation` (None if they can). Pages use it to warn early."""
    if invitation.accepted_at:
        return ValidationError("This invitation has already been used.", code="used")
    if invitation.revoked_at:
        return ValidationError("This invitation has been withdrawn.", code="revoked")
    if not invitation.is_open:
        return ValidationError("This invitation has expired.", code="expired")
    if invitation.invited_by_id == user.pk:
        return ValidationError(
            "You cannot accept an invitation you sent: nobody gives themselves a role.",
            code="own_invitation",
        )
    if _normalise_email(invitation.email) not in _user_emails(user):
        return ValidationError(
            f"This invitation was sent to {invitation.email}, which is not an address on your "
            "account. Sign in with that address, or add it to your account and confirm it, then "
            "open the link again.",
            code="wrong_email",
        )
    if not is_org_admin(invitation.invited_by, invitation.organisation):
        return ValidationError(
            "The person who sent this invitation is no longer an admin of the organisation. "
            "Ask an admin to invite you again.",
            code="inviter_not_admin",
        )
    if invitation.ends_on and invitation.ends_on < timezone.localdate():
        return ValidationError(
            "The role in this invitation has already ended. Ask an admin to invite you again.",
            code="role_ended",
        )
    return None


@transaction.atomic
def accept_invitation(*, token: str, user) -> Membership:
    """Take the role an invitation offers. Raises ValidationError saying why if it cannot."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .for_token(token)
        .select_related("organisation")
    ).first()
    if invitation is None:
        raise ValidationError("This invitation link is not valid.", code="unknown")
    if problem := acceptance_problem(invitation=invitation, user=user):
        raise problem

    membership = Membership(
        user=user,
        organisation=invitation.organisation,
        role=invitation.role,
        team=invitation.team,
        starts_on=invitation.starts_on,
        ends_on=invitation.ends_on,
        asye=invitation.asye,
        peps_stage=invitation.peps_stage,
        registration_number=invitation.registration_number,
        created_by=invitation.invited_by,
    )
    membership.full_clean()
    membership.save()

    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.membership = membership
    invitation.save(update_fields=["accepted_at", "accepted_by", "membership"])
    return membership


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, by) -> Invitation:
    """Withdraw an open invitation; its link stops working."""
    if not is_org_admin(by, invitation.organisation):
        raise PermissionDenied("Only an admin of this organisation can withdraw its invitations.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at:
        raise ValidationError("This invitation has already been accepted.", code="used")
    if invitation.revoked_at:
        raise ValidationError("This invitation has already been withdrawn.", code="revoked")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def end_membership(*, membership: Membership, ended_by, on: date | None = None) -> Membership:
    """End a role: `on` is its last day (today by default)."""
    if not is_org_admin(ended_by, membership.organisation):
        raise PermissionDenied("Only an admin of this organisation can end roles in it.")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    on = on or timezone.localdate()
    if on < membership.starts_on:
        raise ValidationError(
            {
                "ends_on": "The end date must be on or after the day the role starts "
                f"({_long_date(membership.starts_on)})."
            }
        )
    if membership.ends_on and membership.ends_on < on:
        raise ValidationError(
            {
                "ends_on": f"This role already ends on {_long_date(membership.ends_on)}. "
                "Choose that date or an earlier one."
            }
        )
    if (
        membership.role == Role.ORG_ADMIN
        and membership.user_id == ended_by.pk
        and not Membership.objects.active()
        .filter(user=ended_by, organisation=membership.organisation, role=Role.ORG_ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise ValidationError(
            "You cannot end your own admin role: another admin of the organisation must do it.",
            code="own_last_admin_role",
        )
    before = membership.ends_on
    membership.ends_on = on
    membership.ended_by = ended_by
    membership.save(update_fields=["ends_on", "ended_by"])
    log_access(
        actor=ended_by,
        obj=membership,
        owner=membership.user,
        action=AccessEvent.Action.END,
        organisation=membership.organisation,
        change=f"role {membership.get_role_display().lower()}: "
        f"last day {_shown_day(before)} → {_shown_day(on)}",
    )
    return membership


def _shown_day(day: date | None) -> str:
    return day.isoformat() if day else "none"
