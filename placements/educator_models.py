"""The register of practice educators: the PEPS stages each person was awarded (when, and by
which organisation and programme), and the people working towards a stage with their mentor.
Imported by `models` (so Django finds them); the rules are in `educators`.

A practice educator *role* stays a `Membership` with its `peps_stage` (what the person does for
an organisation); an award here is the qualification behind it. Recording an award raises the
stage of the person's current practice educator roles to it (`educators.record_award`).
"""

import uuid

from django.conf import settings
from django.db import models

from organisations.models import Organisation, PepsStage


class EducatorAward(models.Model):
    """One PEPS stage awarded to a person, once."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    educator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="peps_awards"
    )
    stage = models.PositiveSmallIntegerField(choices=PepsStage.choices)
    awarded_on = models.DateField("awarded on")
    awarded_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="peps_awards_made",
        help_text="The university or awarding body that made the award.",
    )
    programme_name = models.CharField("practice educator programme", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["educator", "stage"]
        constraints = [
            models.UniqueConstraint(fields=["educator", "stage"], name="one_award_per_stage")
        ]

    def __str__(self):
        return f"{self.get_stage_display()}: {self.educator}"


class EducatorCandidacy(models.Model):
    """A person working towards a PEPS stage, mentored by a stage 2 practice educator. It ends
    with the award (`award`) or is withdrawn (`withdrawn_on`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="peps_candidacies"
    )
    stage = models.PositiveSmallIntegerField(choices=PepsStage.choices)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="peps_mentees"
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="peps_candidacies",
        help_text="The university or awarding body running the programme.",
    )
    programme_name = models.CharField("practice educator programme", max_length=200, blank=True)
    started_on = models.DateField()
    award = models.OneToOneField(
        EducatorAward, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidacy"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "stage"],
                condition=models.Q(award__isnull=True, withdrawn_on__isnull=True),
                name="one_open_candidacy_per_stage",
            )
        ]

    def __str__(self):
        return f"Working towards {self.get_stage_display()}: {self.candidate}"

    @property
    def is_open(self) -> bool:
        return self.award_id is None and self.withdrawn_on is None
