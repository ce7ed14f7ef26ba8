"""Capacity and the programme's own days: the placement offers a provider publishes for a term
(`offers`), and the skills days an HEI runs and logs on the programme for each student
(`skills`). Imported into `models`."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from organisations.models import Team

# Defined in `models` before it imports this module.
from .models import STATUTORY_SETTINGS, PlacementKind, SettingType

# The kinds a provider offers; skills days are the HEI's, logged on the programme.
OFFER_KINDS = [
    (PlacementKind.FIRST.value, PlacementKind.FIRST.label),
    (PlacementKind.FINAL.value, PlacementKind.FINAL.label),
]


class PlacementOffer(models.Model):
    """Places a provider's team offers for one term: how many students, of which kind (first or
    final; the length is each student's programme's setting) and in which kind of setting. A
    proposed placement takes a place; withdrawing or cancelling it gives the place back."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="placement_offers")
    term = models.CharField(
        max_length=60, help_text="The name placement leads know the term by, such as Autumn 2027."
    )
    starts_on = models.DateField("placements start from")
    ends_on = models.DateField("placements end by")
    kind = models.CharField(max_length=10, choices=OFFER_KINDS)
    setting_type = models.CharField(max_length=20, choices=SettingType.choices)
    capacity = models.PositiveSmallIntegerField("places", help_text="Students taken this term.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "team__organisation__name", "team__name", "kind", "pk"]

    def __str__(self):
        return (
            f"{self.get_kind_display()}, {self.team.name} ({self.team.organisation}), {self.term}"
        )

    def get_absolute_url(self):
        return reverse("placements:offers")

    @property
    def provider(self):
        return self.team.organisation

    @property
    def is_statutory(self) -> bool:
        return self.setting_type in STATUTORY_SETTINGS


class SkillsDay(models.Model):
    """A skills day (or half day) the HEI ran, logged on the programme for one student who took
    part. Not a placement: nobody in practice confirms it; the HEI's tutor or placement lead who
    logs it is its record."""

    programme = models.ForeignKey(
        "placements.Programme", on_delete=models.CASCADE, related_name="skills_days_log"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="skills_days"
    )
    on = models.DateField()
    topic = models.CharField(max_length=200)
    days = models.DecimalField(max_digits=3, decimal_places=1, default=Decimal("1.0"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "student", "on", "pk"]

    def __str__(self):
        return f"Skills day: {self.student}, {self.on} ({self.topic})"
