"""Sharing a portfolio: with a named reader (`Share`), or by email with an address that has no
account yet (`ShareInvitation`, which becomes a Share once someone verifies that address). What a
share lets its reader see is decided in `rules.py`; making, revoking and accepting shares lives in
`sharing.py`. Re-exported from `models.py`.
"""

import hashlib
import secrets
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property


class ShareQuerySet(models.QuerySet):
    def active(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )

    def covering(self, entry):
        return self.filter(portfolio_id=entry.portfolio_id).filter(
            Q(whole_portfolio=True) | Q(entries=entry)
        )


class Share(models.Model):
    """The owner lets a named person read (and perhaps comment on) their portfolio or chosen
    entries, optionally until a date. Revoking ends it at once."""

    class Relationship(models.TextChoices):
        SUPERVISOR = "supervisor", "Supervisor or line manager"
        PRACTICE_EDUCATOR = "practice-educator", "Practice educator"
        ASSESSOR = "assessor", "Assessor"
        TUTOR = "tutor", "Tutor"
        PEER = "peer", "Peer"
        OTHER = "other", "Other"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="shares"
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio_shares"
    )
    relationship = models.CharField(max_length=30, choices=Relationship.choices)
    whole_portfolio = models.BooleanField(default=False)
    entries = models.ManyToManyField("portfolios.Entry", blank=True, related_name="shares")
    can_comment = models.BooleanField("may comment", default=False)
    expires_on = models.DateField("until", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    invited_email = models.EmailField(
        blank=True,
        help_text="The address the owner shared with, shown to them instead of the reader's "
        "name: sharing by email never says whether the address has an account.",
    )

    objects = ShareQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.portfolio.owner} → {self.reader}"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= on)

    @cached_property
    def scope_label(self) -> str:
        return "whole portfolio" if self.whole_portfolio else "chosen entries"


class ShareInvitationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, valid_until__gt=timezone.now()
        )

    def for_token(self, token: str):
        return self.filter(token_hash=hash_token(token))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ShareInvitation(models.Model):
    """The owner shared by email with an address that has no account with it verified (yet).
    It holds the share's terms; once someone verifies that address on their account it becomes a
    Share. Only a hash of the link's token is kept."""

    VALID_FOR = timedelta(days=30)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="share_invitations"
    )
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    relationship = models.CharField(max_length=30, choices=Share.Relationship.choices)
    whole_portfolio = models.BooleanField(default=False)
    entries = models.ManyToManyField(
        "portfolios.Entry", blank=True, related_name="share_invitations"
    )
    can_comment = models.BooleanField("may comment", default=False)
    expires_on = models.DateField("share until", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    share = models.ForeignKey(
        Share, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.portfolio.owner} → {self.email} (invitation)"

    def set_new_token(self) -> str:
        """A fresh token for the link (returned; only its hash is stored), valid VALID_FOR."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.valid_until = timezone.now() + self.VALID_FOR
        return token

    @property
    def is_open(self) -> bool:
        return not (self.accepted_at or self.revoked_at) and self.valid_until > timezone.now()
