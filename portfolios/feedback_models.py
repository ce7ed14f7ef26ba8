"""Feedback from people who use services and other professionals, given without an account.

The learner (the portfolio's owner) makes a `FeedbackRequest` for a kind of person (never a
name or contact details) with one of the prompts of `feedback_prompts`. It has a single-use link
whose random token is stored only as a SHA-256 hash, an expiry date, and can be revoked. The
person answers once through the link; the `FeedbackAnswer` keeps the questions as asked, the
answers (which passed the identifying-information guard with no override) and the day they were
given: no IP address, account, browser or time of day. The learner may then add the answer to
their portfolio as an entry authored by someone else (`Entry.source`)."""

import secrets
import uuid
from datetime import date, timedelta

from django.db import models
from django.urls import reverse
from django.utils import timezone

from .feedback_prompts import PROMPT_CHOICES, PROMPTS, Audience
from .sharing_models import hash_token

# How long a link may stay open, in days, and what the form suggests.
MAX_OPEN_DAYS = 60
DEFAULT_OPEN_DAYS = 21
# 16 random bytes: 128 bits, 22 characters in the link (short enough to type from paper).
TOKEN_BYTES = 16


def hash_feedback_token(token: str) -> str:
    return hash_token(token)


class FeedbackRequestQuerySet(models.QuerySet):
    def for_token(self, token: str):
        return self.filter(token_hash=hash_feedback_token(token))

    def open(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.filter(answered_on__isnull=True, revoked_at__isnull=True, expires_on__gte=on)


class FeedbackRequest(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        EXPIRED = "expired", "Closed (expired)"
        REVOKED = "revoked", "Closed (you stopped it)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(
        "portfolios.Portfolio", on_delete=models.CASCADE, related_name="feedback_requests"
    )
    audience = models.CharField("who it is for", max_length=30, choices=Audience.choices)
    prompt = models.CharField("questions", max_length=20, choices=PROMPT_CHOICES)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The learner's own record of when they asked. Nothing here changes when the answer comes
    # (no auto_now field), so no time of day is kept about the person answering.
    created_at = models.DateTimeField(auto_now_add=True)
    expires_on = models.DateField("open until")
    revoked_at = models.DateTimeField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)

    objects = FeedbackRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Feedback request: {self.get_audience_display().lower()}"

    def get_absolute_url(self):
        return reverse("portfolios:feedback-request", kwargs={"request_uuid": self.uuid})

    def set_new_token(self) -> str:
        """A fresh token for the link, returned once; only its hash is stored."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self.token_hash = hash_feedback_token(token)
        return token

    def state(self, on: date | None = None) -> str:
        on = on or timezone.localdate()
        if self.answered_on is not None:
            return self.State.ANSWERED
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_on < on:
            return self.State.EXPIRED
        return self.State.OPEN

    @property
    def state_label(self) -> str:
        return self.State(self.state()).label

    @property
    def is_open(self) -> bool:
        return self.state() == self.State.OPEN

    @property
    def prompt_spec(self):
        return PROMPTS.get(self.prompt, PROMPTS["standard"])

    @staticmethod
    def expiry_for(days: int, on: date | None = None) -> date:
        return (on or timezone.localdate()) + timedelta(days=days)


class FeedbackAnswer(models.Model):
    """What the person wrote, with the questions as they were asked. Deliberately no DateTimeField
    and nothing about who answered or from where: the day only."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.OneToOneField(FeedbackRequest, on_delete=models.CASCADE, related_name="answer")
    # [{"question": "...", "answer": "..."}], in the order asked.
    answers = models.JSONField(default=list)
    typed_from_paper = models.BooleanField(
        "typed in from a paper form",
        default=False,
        help_text="Someone typed in answers the person wrote on the paper form.",
    )
    received_on = models.DateField()

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"Feedback from {self.author_label} on {self.received_on:%-d %B %Y}"

    @property
    def author_label(self) -> str:
        """Who wrote it, as a kind of person: "a parent or carer"."""
        return Audience(self.request.audience).label.lower()

    def text_fields(self) -> dict[str, str]:
        return {f"answer {n}": item.get("answer", "") for n, item in enumerate(self.answers)}
