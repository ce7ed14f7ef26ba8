"""Practice voice: practitioners' anonymous notes, and “You said, we did”, the Principal Social
Worker's published answers to them.

A practice voice note says what helps or gets in the way of good practice, and nothing of who
sent it or when beyond the month (sent from `workforce_views.practice_voice`, read by theme in
`workforce.practice_voice`). The PSW groups notes under a theme of their own wording and writes
what people said and what was done about it. A reply is a draft until it is published; once published every
member of the organisation can read it (`appraisals.voice`). A reply links to the notes it
answers, and says nothing more about them than how many there were.
"""

import uuid

from django.conf import settings
from django.db import models

from organisations.models import Organisation


class PracticeVoiceNote(models.Model):
    """An anonymous note from a practitioner on what helps or gets in the way of good practice.
    There is deliberately no author, no timestamp finer than the month, and no request data;
    its id is random, so ids say nothing about the order notes were sent in."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Theme(models.TextChoices):
        CASELOADS = "caseloads", "Caseloads and time"
        SUPERVISION = "supervision", "Supervision and support"
        SYSTEMS = "systems", "Recording and IT systems"
        PARTNERS = "partners", "Working with partner agencies"
        LEARNING = "learning", "Learning and development"
        PROCEDURES = "procedures", "Procedures and compliance"
        WELLBEING = "wellbeing", "Wellbeing and safety"
        OTHER = "other", "Something else"

    class Kind(models.TextChoices):
        HELPS = "helps", "Helps good practice"
        HINDERS = "hinders", "Gets in the way"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="practice_voice_notes"
    )
    theme = models.CharField(max_length=20, choices=Theme.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    month = models.DateField(help_text="The first day of the month it was sent.")

    class Meta:
        ordering = ["-month", "theme"]

    def __str__(self):
        return f"{self.get_theme_display()} ({self.get_kind_display()})"


class VoiceReply(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="voice_replies"
    )
    title = models.CharField("theme", max_length=150)
    you_said = models.TextField("you said")
    we_did = models.TextField("we did")
    notes = models.ManyToManyField(
        "appraisals.PracticeVoiceNote", blank=True, related_name="replies"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-created_at", "pk"]
        verbose_name_plural = "voice replies"

    def __str__(self):
        return f"You said, we did: {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
