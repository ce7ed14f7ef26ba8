"""Appraisals and ASYE reviews, mapped to the framework.

A template (annual appraisal, ASYE programme, probation review, custom) has stages with due dates
relative to a start date; each stage has questions, and each question says, for each participant
role, whether that role must answer, may answer, only reads, or does not see it. Starting a cycle
makes an Appraisal with its people and its stages. The workflow rules (answering, moving on,
signing off, amendments, dissent) live in `services.py`; who may see what lives in `rules.py`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from wagtail.search import index

from capabilities.models import Item
from organisations.models import Organisation, Team
from search.indexing import PrivateIndexed

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
    target_level = models.ForeignKey(
        Item,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Item.Kind.LEVEL},
        help_text="The framework level people are judged against, unless set per appraisal.",
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


# “You said, we did” lives in its own module to keep this one short; imported here so Django
# registers it with the app.
from .chase_models import Chase  # noqa: E402, F401
from .framework_models import AppraisalFramework, TemplateFramework  # noqa: E402, F401
from .reassign_models import Reassignment  # noqa: E402, F401
from .voice_models import VoiceReply  # noqa: E402, F401
