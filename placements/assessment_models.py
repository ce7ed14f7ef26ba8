"""Records of a placement's assessment at its end: the practice educator's judgements per PCF
domain in the final report, and the practice assessment panel that moderates a sample of final
reports before the HEI decides. Imported by `models` (so Django finds them); the rules are in
`final_report` and `panel`."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse


def default_final_scale():
    return [
        "Not met at this level",
        "Met at this level",
        "Met, with strengths beyond this level",
    ]


class FinalReportJudgements(models.Model):
    """The judgement and evidence on each PCF domain of a placement's final report, against the
    placement's level. The overall summary and the recommendation stay on the placement
    (`Placement.final_report`, `Placement.recommendation`)."""

    # Index on `SCALE` of the judgement that does not meet the level (a pass needs none).
    NOT_MET = 0
    SCALE = default_final_scale()

    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.CASCADE, related_name="final_judgements"
    )
    level = models.ForeignKey(
        "capabilities.Item", null=True, on_delete=models.PROTECT, related_name="+"
    )
    judgements = models.JSONField(
        default=dict, help_text="{domain item id: {rating: scale index, evidence}}"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    revision = models.PositiveSmallIntegerField(
        default=1, help_text="2 and more: revised after the panel referred it back."
    )

    def __str__(self):
        return f"Final report judgements: {self.placement}"


class AssessmentPanel(models.Model):
    """A practice assessment panel of an HEI's programme: it considers the final reports of the
    placements that ended in its period (optionally one cohort's), reads a sample closely and
    records its decision on each placement in the sample (see `panel`)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    programme = models.ForeignKey(
        "placements.Programme", on_delete=models.PROTECT, related_name="assessment_panels"
    )
    cohort = models.ForeignKey(
        "placements.Cohort",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessment_panels",
        help_text="Blank: every cohort of the programme.",
    )
    held_on = models.DateField()
    period_from = models.DateField(help_text="Placements ending on or after this date.")
    period_to = models.DateField(help_text="Placements ending on or before this date.")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="panels_sat_on")
    other_members = models.TextField(
        blank=True, help_text="Members from outside the HEI, by role (an independent educator…)."
    )
    sample_percent = models.PositiveSmallIntegerField(
        help_text="The programme's share of passes sampled, when the panel was set up."
    )
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "pk"]

    def __str__(self):
        return f"Practice assessment panel, {self.held_on:%d %B %Y}: {self.programme.name}"

    def get_absolute_url(self):
        return reverse("placements:panel", kwargs={"panel": self.uuid})


class PanelCase(models.Model):
    """A placement before a panel: sampled (read closely, with the panel's decision recorded)
    or not (its recommendation goes forward unread)."""

    class Reason(models.TextChoices):
        NOT_PASS = "not-pass", "The recommendation is fail or refer"
        CONCERN = "concern", "A cause for concern was raised"
        SAMPLED = "sampled", "Chosen in the programme's share of passes"
        NOT_SAMPLED = "not-sampled", "Not in the sample"

    class Outcome(models.TextChoices):
        AGREE = "agree", "Agrees with the recommendation"
        DIFFERENT = "different", "Recommends a different outcome"
        REFER_BACK = "refer-back", "Referred back to the practice educator"

    panel = models.ForeignKey(AssessmentPanel, on_delete=models.CASCADE, related_name="cases")
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="panel_cases"
    )
    sampled = models.BooleanField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    recommendation = models.CharField(
        max_length=10, help_text="The practice educator's recommendation the panel considered."
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    panel_outcome = models.CharField(
        "the outcome the panel recommends",
        max_length=10,
        blank=True,
        help_text="Pass, fail or refer; the educator's when the panel agrees.",
    )
    comments = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    resubmitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the educator sent back a report referred back."
    )

    class Meta:
        ordering = ["panel", "-sampled", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "placement"], name="one_case_per_panel")
        ]

    def __str__(self):
        return f"{self.panel}: {self.placement}"

    @property
    def waiting(self) -> bool:
        """Whether the HEI's decision waits for this case: sampled, and no decision yet, or
        referred back (until the revised report is back and the panel decides again)."""
        return self.sampled and self.outcome in ("", self.Outcome.REFER_BACK)
