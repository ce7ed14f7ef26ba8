"""“You said, we did”: the Principal Social Worker's published answers to practice voice.

The PSW groups practice voice notes under a theme of their own wording and writes what people
said and what was done about it. A reply is a draft until it is published; once published every
member of the organisation can read it (`appraisals.voice`). A reply links to the notes it
answers, and says nothing more about them than how many there were.
"""

import uuid

from django.conf import settings
from django.db import models

from organisations.models import Organisation


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
