"""Appraisal templates: what a cycle asks of whom, and when.

A template (annual appraisal, ASYE programme, probation review, custom) has stages with due dates
relative to a start date; each stage has questions, and each question says, for each participant
role, whether that role must answer, may answer, only reads, or does not see it. The template also
says who judges each domain, who countersigns, and the ASYE's number of direct observations.
Editing templates lives in `template_services.py` and `template_views.py`; the appraisal a
template starts lives in `models.py`, which re-exports everything here.
"""

import uuid

from django.conf import settings
from django.db import models

from organisations.models import Organisation

from .framework_models import level_field

DEFAULT_RATING_SCALE = ["Not yet at level", "At level", "Beyond level"]


class Participant(models.TextChoices):
    APPRAISEE = "appraisee", "Appraisee"
    APPRAISER = "appraiser", "Appraiser (line manager)"
    COUNTERSIGNER = "countersigner", "Countersigner"
    ASSESSOR = "assessor", "ASYE assessor"

    @property
    def in_sentence(self) -> str:
        """The label inside a sentence: "appraiser (line manager)", but "ASYE assessor"."""
        label = str(self.label)
        return label if label[:2].isupper() else label[0].lower() + label[1:]


class Access(models.TextChoices):
    NONE = "none", "Does not see it"
    READ = "read", "Reads only"
    ANSWER = "answer", "May answer"
    MUST = "must", "Must answer"


class CountersignerFrom(models.TextChoices):
    """Who countersigns by default: the appraiser's own manager (the line manager of the team
    above the appraiser's, else the PSW at the top), or always the PSW."""

    MANAGER = "manager", "The appraiser's own manager"
    PSW = "psw", "The Principal Social Worker"


class JudgedBy(models.TextChoices):
    """Who judges each domain: the appraiser, the assessor, or both, side by side."""

    APPRAISER = "appraiser", "The appraiser (line manager)"
    ASSESSOR = "assessor", "The assessor"
    BOTH = "both", "Both, side by side"


def default_rating_scale():
    return list(DEFAULT_RATING_SCALE)


# The ASYE's direct observations of practice unless a template says otherwise (its evidence slot).
DEFAULT_OBSERVATIONS = 3


class AppraisalTemplate(models.Model):
    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual appraisal"
        ASYE = "asye", "ASYE programme"
        PROBATION = "probation", "Probation review"
        CUSTOM = "custom", "Custom"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="appraisal_templates"
    )
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ANNUAL)
    description = models.TextField(blank=True)
    rating_scale = models.JSONField(
        default=default_rating_scale,
        help_text="The ratings, lowest first, for self-assessment and judgement per domain.",
    )
    target_level = level_field(
        "The framework level people are judged against, unless set per appraisal."
    )
    requires_countersignature = models.BooleanField(
        default=False, help_text="Someone above the appraiser countersigns each stage."
    )
    judged_by = models.CharField(
        "who judges each domain",
        max_length=10,
        choices=JudgedBy.choices,
        default=JudgedBy.APPRAISER,
        help_text="When the assessor judges, the assessor also signs every stage.",
    )
    countersigner_from = models.CharField(
        "who countersigns",
        max_length=10,
        choices=CountersignerFrom.choices,
        default=CountersignerFrom.MANAGER,
        help_text="Proposed when a cycle starts; the person starting it can choose someone else.",
    )
    observations_needed = models.PositiveSmallIntegerField(
        "direct observations of practice needed",
        default=DEFAULT_OBSERVATIONS,
        help_text="ASYE programmes: how many direct observations fill the evidence slot.",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    @property
    def is_asye(self) -> bool:
        return self.kind == self.Kind.ASYE

    def slots_needed(self) -> dict:
        """How many records each ASYE evidence slot needs: `ASYE_SLOTS`, with the template's own
        number of direct observations."""
        from .models import ASYE_SLOTS, SharedEvidence

        return {**ASYE_SLOTS, SharedEvidence.Slot.OBSERVATION: self.observations_needed}

    def judging_roles(self) -> list[str]:
        """The participant roles that judge each domain, in the order their columns show."""
        if self.judged_by == JudgedBy.BOTH:
            return [Participant.APPRAISER, Participant.ASSESSOR]
        if self.judged_by == JudgedBy.ASSESSOR:
            return [Participant.ASSESSOR]
        return [Participant.APPRAISER]


class TemplateStage(models.Model):
    template = models.ForeignKey(AppraisalTemplate, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    due_after_days = models.PositiveIntegerField(
        help_text="Days after the appraisal's start date that this stage is due."
    )
    optional = models.BooleanField(default=False, help_text="May be skipped (e.g. ASYE 9 months).")
    assesses_domains = models.BooleanField(
        default=False,
        help_text="Self-assessment and judgement against the appraisee's default framework, "
        "when the template lists no frameworks (each listed framework names its own stages).",
    )
    sets_objectives = models.BooleanField(default=False)
    is_final_review = models.BooleanField(
        default=False, help_text="ASYE: records the recommendation (pass, fail, extend)."
    )

    class Meta:
        ordering = ["template", "order"]
        constraints = [
            models.UniqueConstraint(fields=["template", "order"], name="template_stage_order")
        ]

    def __str__(self):
        return f"{self.template.name}: {self.name}"


class TemplateQuestion(models.Model):
    stage = models.ForeignKey(TemplateStage, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    help_text = models.TextField(blank=True)
    appraisee = models.CharField(max_length=10, choices=Access.choices, default=Access.MUST)
    appraiser = models.CharField(max_length=10, choices=Access.choices, default=Access.MUST)
    countersigner = models.CharField(max_length=10, choices=Access.choices, default=Access.READ)
    assessor = models.CharField(max_length=10, choices=Access.choices, default=Access.NONE)

    class Meta:
        ordering = ["stage", "order"]

    def __str__(self):
        return self.text

    def access_for(self, participant: str) -> str:
        return getattr(self, participant, Access.NONE)

    def must_answer(self) -> list[str]:
        return [p for p in Participant.values if self.access_for(p) == Access.MUST]
