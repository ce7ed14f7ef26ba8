"""Sharing by email, without saying whether an address has an account.

The owner types an address and the terms. Where an account has that address verified, the
share is made at once (and they get an email saying so); where none has, a ShareInvitation
holds the terms and its email invites them to create an account. Either way the owner gets the
same answer and sees the same row, labelled with the address they typed. Once someone verifies
that address on their account (allauth's email_confirmed signal, or at sign-in) the invitation
becomes a share. Sharing by email is rate-limited per owner.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.models import User
from cms.urls_util import absolute_url

from .models import Entry, Portfolio, Share, ShareInvitation
from .services import check_share_terms, share_portfolio

# At most this many shares by email per owner in SHARE_BY_EMAIL_PERIOD seconds.
DEFAULT_LIMIT = 10
DEFAULT_PERIOD = 60 * 60


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def verified_emails(user) -> set[str]:
    from allauth.account.models import EmailAddress

    found = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {normalise_email(e) for e in found}


def account_with_verified(email: str) -> User | None:
    """The active account that has `email` verified, if any. Never shown to the owner."""
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    return address.user if address else None


# ---------------------------------------------------------------------------------------------
# Rate limit


def _limit() -> tuple[int, int]:
    return (
        getattr(settings, "SHARE_BY_EMAIL_LIMIT", DEFAULT_LIMIT),
        getattr(settings, "SHARE_BY_EMAIL_PERIOD", DEFAULT_PERIOD),
    )


def _rate_key(user) -> str:
    return f"portfolios:share-by-email:{user.pk}"


def over_email_limit(user) -> bool:
    limit, _period = _limit()
    return (cache.get(_rate_key(user)) or 0) >= limit


def count_email_share(user) -> None:
    _limit_count, period = _limit()
    key = _rate_key(user)
    if not cache.add(key, 1, period):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, period)


# ---------------------------------------------------------------------------------------------
# The terms, and what sharing again would change


@dataclass(frozen=True)
class Terms:
    relationship: str
    whole_portfolio: bool
    entries: tuple[str, ...]  # titles, for the owner's eyes only
    can_comment: bool
    expires_on: date | None

    @classmethod
    def of(cls, obj) -> "Terms":
        """The terms of a Share or a ShareInvitation."""
        titles = () if obj.whole_portfolio else tuple(sorted(e.title for e in obj.entries.live()))
        return cls(obj.relationship, obj.whole_portfolio, titles, obj.can_comment, obj.expires_on)

    def rows(self) -> list[tuple[str, str]]:
        what = "Whole portfolio" if self.whole_portfolio else "; ".join(self.entries) or "None"
        until = dateformat.format(self.expires_on, "j F Y") if self.expires_on else "Until you stop"
        return [
            ("They are your", Share.Relationship(self.relationship).label),
            ("What they can read", what),
            ("Comments", "Allowed" if self.can_comment else "Not allowed"),
            ("Until", until),
        ]


def changes(before: Terms, after: Terms) -> list[tuple[str, str, str]]:
    """(label, now, after saving) for each term that would change."""
    return [
        (label, old, new)
        for (label, old), (_label, new) in zip(before.rows(), after.rows(), strict=True)
        if old != new
    ]


def current_terms_with(*, owner: User, email: str) -> Share | ShareInvitation | None:
    """The owner's active share with this address, or their open invitation to it: what sharing
    again would update. Looks only among the owner's own shares."""
    email = normalise_email(email)
    portfolio = Portfolio.for_user(owner)
    # Exactly what `share_by_email` would update: the share with whoever has the address
    # verified now (not whoever had it when the share was made), or else the open invitation.
    reader = account_with_verified(email)
    if reader is not None:
        return (
            Share.objects.active().filter(portfolio=portfolio, reader=reader).order_by("pk").first()
        )
    return ShareInvitation.objects.open().filter(portfolio=portfolio, email=email).first()


# ---------------------------------------------------------------------------------------------
# Sharing by email


def invitation_url(token: str) -> str:
    return absolute_url(reverse("portfolios:share-invitation", kwargs={"token": token}))


@transaction.atomic
def share_by_email(
    *,
    owner: User,
    email: str,
    relationship: str,
    whole_portfolio: bool,
    entries: Iterable[Entry] = (),
    can_comment: bool = False,
    expires_on: date | None = None,
) -> None:
    """Share with whoever has `email` verified, or invite them to create an account with it.
    Returns nothing: the owner is told the same either way."""
    email = normalise_email(email)
    if email in verified_emails(owner) | {normalise_email(owner.email)}:
        raise ValidationError({"email": "That is your own address: choose someone else"})
    entries = check_share_terms(
        owner=owner, whole_portfolio=whole_portfolio, entries=entries, expires_on=expires_on
    )
    portfolio = Portfolio.objects.select_for_update().get(owner=owner)
    terms = {
        "relationship": relationship,
        "whole_portfolio": whole_portfolio,
        "can_comment": can_comment,
        "expires_on": expires_on,
    }
    reader = account_with_verified(email)
    if reader is not None and reader.pk != owner.pk:
        share = share_portfolio(
            owner=owner, reader=reader, entries=entries, invited_email=email, **terms
        )
        # Any open invitation to the address is now this share.
        ShareInvitation.objects.open().filter(portfolio=portfolio, email=email).update(
            accepted_at=timezone.now(), share=share
        )
        _send(
            "shared",
            to=email,
            context={"owner": owner, "share": share, "url": absolute_url(_shared(share))},
        )
        return
    invitation = (
        ShareInvitation.objects.open()
        .select_for_update()
        .filter(portfolio=portfolio, email=email)
        .first()
    ) or ShareInvitation(portfolio=portfolio, email=email)
    for name, value in terms.items():
        setattr(invitation, name, value)
    token = invitation.set_new_token()
    invitation.save()
    invitation.entries.set([] if whole_portfolio else entries)
    _send("invitation", to=email, context={"owner": owner, "url": invitation_url(token)})


def _shared(share: Share) -> str:
    return reverse("portfolios:shared-portfolio", kwargs={"share": share.uuid})


def _send(template: str, *, to: str, context: dict) -> None:
    subject = render_to_string(f"portfolios/email/share_{template}_subject.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=render_to_string(f"portfolios/email/share_{template}.txt", context),
        to=[to],
    ).send()


@transaction.atomic
def revoke_invitation(*, invitation: ShareInvitation, by: User) -> None:
    if invitation.portfolio.owner_id != by.pk:
        raise ValidationError("Only the owner can stop sharing.")
    invitation = ShareInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


def claim_invitations(user) -> list[Share]:
    """Turn the open invitations to the addresses `user` has verified into shares. Only a
    verified address counts: an account's unverified address claims nothing."""
    emails = verified_emails(user)
    if not emails or not user.is_active:
        return []
    made = []
    with transaction.atomic():
        invitations = (
            ShareInvitation.objects.open()
            .filter(email__in=emails)
            .select_for_update(of=("self",))
            .select_related("portfolio__owner")
        )
        for invitation in invitations:
            owner = invitation.portfolio.owner
            if owner.pk == user.pk:
                continue
            try:
                with transaction.atomic():
                    share = share_portfolio(
                        owner=owner,
                        reader=user,
                        relationship=invitation.relationship,
                        whole_portfolio=invitation.whole_portfolio,
                        entries=invitation.entries.live(),
                        can_comment=invitation.can_comment,
                        expires_on=invitation.expires_on,
                        invited_email=invitation.email,
                    )
            except ValidationError:
                continue  # its end date has passed, or its entries are gone: nothing to share
            invitation.accepted_at = timezone.now()
            invitation.share = share
            invitation.save(update_fields=["accepted_at", "share"])
            made.append(share)
    return made
