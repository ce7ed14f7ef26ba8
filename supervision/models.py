"""Supervision records: one session between a supervisee and their supervisor.

A record holds what a Principal Social Worker needs to see whether supervision and protected
development time happen, and what the two people agreed: the date, how long it lasted, the kind
of session, whether protected development time was taken, how many cases the supervisee holds (a
number only: case details never belong here) and the agreed actions (free text, checked by the
identifying-information guard). Who may see a record lives in `rules.py`; writing one in
`services.py`; the PSW's aggregates by team in `aggregates.py`.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import dateformat
from wagtail.search import index

from organisations.models import Organisation, Team
from search.indexing import PrivateIndexed

MINUTES_MIN, MINUTES_MAX = 5, 480
CASES_MAX = 200


class SupervisionRecord(PrivateIndexed, models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Individual"
        GROUP = "group", "Group"
        REFLECTIVE = "reflective", "Reflective"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="supervision_records"
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervision_records",
        help_text="The supervisee's team when the session was recorded.",
    )
    supervisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_received"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supervision_given"
    )
    held_on = models.DateField("date")
    minutes = models.PositiveSmallIntegerField(
        "length in minutes",
        validators=[MinValueValidator(MINUTES_MIN), MaxValueValidator(MINUTES_MAX)],
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    protected_time = models.BooleanField(
        "protected development time taken",
        default=False,
        help_text="Whether the supervisee took protected time for their development this time.",
    )
    cases_held = models.PositiveSmallIntegerField(
        "number of cases held",
        validators=[MaxValueValidator(CASES_MAX)],
        help_text="A number only: no case details.",
    )
    agreed_actions = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [
        index.SearchField("agreed_actions"),
        index.RelatedFields("supervisee", [index.SearchField("first_name", boost=2)]),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["organisation", "held_on"])]

    def __str__(self):
        return (
            f"{self.get_kind_display()} supervision on {dateformat.format(self.held_on, 'j F Y')}"
        )

    def get_absolute_url(self):
        return reverse("supervision:detail", kwargs={"record": self.uuid})
