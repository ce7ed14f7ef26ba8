"""Appraisals and ASYE reviews, mapped to the framework.

Starting a cycle from a template (`template_models.py`: its stages, its questions and what each
participant role may do with them) makes an Appraisal with its people and its stages; this module
holds that record: stages, answers, domain assessments, shared evidence, amendments, sign-offs,
dissent and objectives. The workflow rules (answering, moving on, signing off, amendments,
dissent) live in `services.py`; who may see what lives in `rules.py`.

Every model of the app is importable from here (`from appraisals.models import X`): the ones
kept in their own modules (templates, frameworks, practice voice, chases, reassignments) are
imported here, which also registers them with Django.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from wagtail.search import index

from capabilities.models import Item
from organisations.models import Organisation, Team
from search.indexing import PrivateIndexed

# Templates, their stages and questions, and the participant roles (re-exported from here).
from .template_models import (  # noqa: F401
    DEFAULT_OBSERVATIONS,
    DEFAULT_RATING_SCALE,
    Access,
    AppraisalTemplate,
    CountersignerFrom,
    JudgedBy,
    Participant,
    TemplateQuestion,
    TemplateStage,
    default_rating_scale,
)


class AppraisalQuerySet(models.QuerySet):
    def with_people(self):
        """The template, organisation and team, everyone taking part and the target level."""
        return self.select_related(
            "template",
            "organisation",
            "team",
            "appraisee",
            "appraiser",
            "countersigner",
            "assessor",
            "target_level",
        )

    def in_progress(self):
        return self.filter(status=Appraisal.Status.IN_PROGRESS)


class Appraisal(PrivateIndexed, models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Recommendation(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"
        EXTEND = "extend", "Extend"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    template = models.ForeignKey(
        AppraisalTemplate, on_delete=models.PROTECT, related_name="appraisals"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="appraisals"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="appraisals"
    )
    appraisee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appraisals"
    )
    appraiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appraisals_as_appraiser"
    )
    countersigner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisals_as_countersigner",
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appraisals_as_assessor",
    )
    starts_on = models.DateField()
    target_level = models.ForeignKey(
        Item, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycles"
    )
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    recommendation_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommendation_at = models.DateTimeField(null=True, blank=True)
    panel_decision = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    panel_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    panel_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    search_fields = [
        index.RelatedFields("template", [index.SearchField("name", boost=2)]),
        index.RelatedFields(
            "appraisee", [index.SearchField("first_name"), index.SearchField("last_name")]
        ),
        index.FilterField("id"),
    ]

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        # Lists a page at a time, newest first (issue 19): the sort an index serves.
        indexes = [models.Index(fields=["-starts_on", "id"], name="appraisal_newest_first")]

    def __str__(self):
        return f"{self.template.name}: {self.appraisee}"

    def get_absolute_url(self):
        return reverse("appraisals:detail", kwargs={"appraisal": self.uuid})

    def participants(self) -> dict[str, object]:
        return {
            Participant.APPRAISEE: self.appraisee,
            Participant.APPRAISER: self.appraiser,
            Participant.COUNTERSIGNER: self.countersigner,
            Participant.ASSESSOR: self.assessor,
        }

    def roles_of(self, user) -> list[str]:
        """The participant roles `user` holds in this appraisal (one person can hold two)."""
        return [
            role for role, person in self.participants().items() if person and person.pk == user.pk
        ]

    def judging_roles(self) -> list[str]:
        """The roles judging each domain in this appraisal. An appraisal without an assessor
        (started before its template had the assessor judge) is judged by its appraiser."""
        roles = [
            role
            for role in self.template.judging_roles()
            if role != Participant.ASSESSOR or self.assessor_id
        ]
        return roles or [Participant.APPRAISER]

    def signers(self) -> list[str]:
        """Appraisee and appraiser sign every stage; the assessor too when the template has
        the assessor judge; the countersigner when the template asks for countersignature."""
        roles = [Participant.APPRAISEE, Participant.APPRAISER]
        if Participant.ASSESSOR in self.judging_roles():
            roles.append(Participant.ASSESSOR)
        if self.template.requires_countersignature and self.countersigner_id:
            roles.append(Participant.COUNTERSIGNER)
        return roles


class Stage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Not started"
        OPEN = "open", "Open"
        SIGNED = "signed", "Signed off"
        SKIPPED = "skipped", "Skipped"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="stages")
    template_stage = models.ForeignKey(TemplateStage, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    opened_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    reminded_due_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appraisal", "order"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "order"], name="appraisal_stage_order")
        ]

    def __str__(self):
        return f"{self.appraisal}: {self.template_stage.name}"

    def get_absolute_url(self):
        return reverse(
            "appraisals:stage", kwargs={"appraisal": self.appraisal.uuid, "number": self.order}
        )

    @property
    def name(self) -> str:
        return self.template_stage.name

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Answer(PrivateIndexed, models.Model):
    """One participant's answer to one question. Each role writes its own row: nobody's answer
    is overwritten by another's. Changes after sign-off go through an Amendment."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(TemplateQuestion, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Participant.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    search_fields = [index.SearchField("text"), index.FilterField("id")]

    class Meta:
        ordering = ["stage", "question__order", "role"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "question", "role"], name="answer_once")
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.question}"


class DomainAssessment(models.Model):
    """For one framework domain at one stage: the appraisee's self-assessment with linked
    evidence, and the judgement of each judging role (the template's `judged_by`): the
    appraiser's in `judgement_*`, the assessor's in `assessor_*`, side by side. Ratings index the
    template's scale."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="domain_assessments")
    domain = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    self_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    self_comment = models.TextField(blank=True)
    evidence = models.ManyToManyField(
        "portfolios.Entry", blank=True, related_name="appraisal_assessments"
    )
    judgement_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    judgement_comment = models.TextField(blank=True)
    judged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessor_rating = models.PositiveSmallIntegerField(null=True, blank=True)
    assessor_comment = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["stage", "domain__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["stage", "domain"], name="domain_assessment_once")
        ]

    def __str__(self):
        return f"{self.stage}: {self.domain.title}"

    # The fields holding each judging role's rating, comment and author.
    JUDGEMENT_FIELDS = {
        Participant.APPRAISER: ("judgement_rating", "judgement_comment", "judged_by"),
        Participant.ASSESSOR: ("assessor_rating", "assessor_comment", "assessed_by"),
    }

    def rating_of(self, role: str):
        return getattr(self, self.JUDGEMENT_FIELDS[role][0])

    def comment_of(self, role: str) -> str:
        return getattr(self, self.JUDGEMENT_FIELDS[role][1])


class SharedEvidence(models.Model):
    """A portfolio entry the appraisee chose to share into this appraisal, optionally filling an
    ASYE evidence slot. Participants read it through the appraisal, for as long as it is here."""

    class Slot(models.TextChoices):
        NONE = "", "General evidence"
        OBSERVATION = "observation", "Direct observation of practice"
        FAMILY_FEEDBACK = "family-feedback", "Feedback from children and families"
        PROFESSIONAL_FEEDBACK = "professional-feedback", "Feedback from other professionals"
        WRITTEN_REPORT = "written-report", "Assessed written report"
        REFLECTION_6 = "reflection-6", "Critical reflection at 6 months"
        REFLECTION_12 = "reflection-12", "Critical reflection at 12 months"

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="evidence")
    entry = models.ForeignKey(
        "portfolios.Entry", on_delete=models.CASCADE, related_name="appraisal_shares"
    )
    slot = models.CharField(max_length=30, choices=Slot.choices, blank=True)
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appraisal", "slot", "shared_at"]
        constraints = [models.UniqueConstraint(fields=["appraisal", "entry"], name="evidence_once")]

    def __str__(self):
        return f"{self.entry} in {self.appraisal}"


# ASYE evidence slots: how many of each the year asks for (the template sets the number of
# observations: `AppraisalTemplate.slots_needed`).
ASYE_SLOTS = {
    SharedEvidence.Slot.OBSERVATION: DEFAULT_OBSERVATIONS,
    SharedEvidence.Slot.FAMILY_FEEDBACK: 3,
    SharedEvidence.Slot.PROFESSIONAL_FEEDBACK: 3,
    SharedEvidence.Slot.WRITTEN_REPORT: 3,
    SharedEvidence.Slot.REFLECTION_6: 1,
    SharedEvidence.Slot.REFLECTION_12: 1,
}


class Amendment(models.Model):
    """A change to a signed-off stage. It keeps what the answer said before and after, and needs
    its own sign-off; the history shows the original sign-off and the amendment's."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="amendments")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.SET_NULL, related_name="amendments"
    )
    question = models.ForeignKey(TemplateQuestion, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=Participant.choices)
    before = models.TextField(blank=True)
    after = models.TextField()
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["stage", "made_at", "pk"]

    def __str__(self):
        return f"Amendment to {self.stage}"

    @property
    def role_words(self) -> str:
        return Participant(self.role).in_sentence


class SignOff(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="sign_offs")
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.CASCADE, related_name="sign_offs"
    )
    role = models.CharField(max_length=20, choices=Participant.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "role"],
                condition=models.Q(amendment__isnull=True),
                name="sign_off_once_per_stage",
            ),
            models.UniqueConstraint(
                fields=["amendment", "role"],
                condition=models.Q(amendment__isnull=False),
                name="sign_off_once_per_amendment",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} signed {self.stage}"

    @property
    def role_words(self) -> str:
        return Participant(self.role).in_sentence


class Dissent(models.Model):
    """The appraisee disagrees: their note is kept with the signed record."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="dissents")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["stage", "created_at"]

    def __str__(self):
        return f"Dissent on {self.stage}"


class Objective(models.Model):
    class Status(models.TextChoices):
        AGREED = "agreed", "Agreed"
        ACHIEVED = "achieved", "Achieved"
        CARRIED = "carried", "Carried into the next cycle"
        DROPPED = "dropped", "No longer needed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="objectives")
    text = models.TextField("objective")
    statements = models.ManyToManyField(Item, blank=True, related_name="objectives")
    review_on = models.DateField("review date", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AGREED)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appraisal", "created_at", "pk"]

    def __str__(self):
        return self.text[:80]


# Practice voice, "You said, we did", chases and reassignments live in their own modules to keep
# this one short; imported here so Django registers them with the app.
from .chase_models import Chase  # noqa: E402, F401
from .framework_models import AppraisalFramework, TemplateFramework  # noqa: E402, F401
from .reassign_models import Reassignment  # noqa: E402, F401
from .voice_models import PracticeVoiceNote, VoiceReply  # noqa: E402, F401
