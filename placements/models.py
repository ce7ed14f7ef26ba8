"""Placements, quality audits, Approved Practice Settings, teaching organisations and teaching
partnerships (Munro recommendation 12).

Rules about what may happen (placement rules, audit parts, designation decisions) live in
one module per stage (`agreement`, `progress`, `days`, `completion`, `audits`, gathered in
`services`) and in `designations`; who may see what lives in `rules.py`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from wagtail.search import index

from organisations.models import Organisation, PepsStage, Team
from search.indexing import PrivateIndexed

# ---------------------------------------------------------------------------------------------
# Student units and teaching partnerships


class StudentUnit(models.Model):
    """A team that takes several students at once, headed by a named senior social worker."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="student_unit")
    head = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveSmallIntegerField(help_text="Students placed at the same time.")

    def __str__(self):
        return f"Student unit: {self.team}"


class Partnership(models.Model):
    class Area(models.TextChoices):
        GOVERNANCE = "governance", "Governance"
        ADMISSIONS = "admissions", "Admissions"
        PLACEMENTS = "placements", "Placements"
        CURRICULUM = "curriculum", "Curriculum"
        ACADEMICS = "academics", "Academics' practice experience"
        WORKFORCE = "workforce", "CPD and workforce planning"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    hei = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partnerships_led")
    employers = models.ManyToManyField(Organisation, related_name="partnerships")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnershipReview(models.Model):
    class Rating(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveIntegerField()

    class Meta:
        ordering = ["partnership", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="one_review_a_year")
        ]

    def __str__(self):
        return f"{self.partnership} review {self.year}"


class PartnershipSide(PrivateIndexed, models.Model):
    """One side's ratings (the HEI's, or one employer's), hidden from the others until every side
    has submitted. Searched side by side (placements.search), never as a whole review."""

    review = models.ForeignKey(PartnershipReview, on_delete=models.CASCADE, related_name="sides")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    ratings = models.JSONField(default=dict, help_text="{area: {rating, comment}}")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    search_fields = [
        index.RelatedFields("organisation", [index.SearchField("name", boost=2)]),
        index.SearchField("search_text"),
        index.FilterField("id"),
    ]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "organisation"], name="one_side_each")
        ]

    def __str__(self):
        return f"{self.review}: {self.organisation}"

    def search_text(self) -> str:
        """This side's ratings and comments, area by area: all the text search sees of it."""
        lines = []
        for area in Partnership.Area:
            entry = self.ratings.get(area.value) or {}
            if entry.get("rating") or entry.get("comment"):
                rating = entry.get("rating", "")
                lines.append(f"{area.label} ({rating}): {entry.get('comment', '')}".strip())
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Programmes, cohorts and placements


class PlacementKind(models.TextChoices):
    """Each kind's length is its programme's setting (`Programme.days_for`)."""

    FIRST = "first", "First placement"
    FINAL = "final", "Final placement"
    SKILLS = "skills", "Skills days"


class SettingType(models.TextChoices):
    """The kind of setting a placement is in, for the programme's checks: at least two
    contrasting settings, and a statutory one where the programme asks for it."""

    LA_CHILDREN = "la-children", "Local authority children's services (statutory)"
    LA_ADULTS = "la-adults", "Local authority adult services (statutory)"
    HEALTH = "health", "Health services"
    VOLUNTARY = "voluntary", "Voluntary or community organisation"
    OTHER = "other", "Other (for example education, justice or housing)"


# Settings where students take on statutory tasks (assessments and interventions under law).
STATUTORY_SETTINGS = frozenset({SettingType.LA_CHILDREN, SettingType.LA_ADULTS})


class Programme(models.Model):
    """A qualifying programme of an HEI, with the placement rules it sets. The defaults follow
    Social Work England's expectations: 200 days of practice learning in all, made of 30 skills
    days, a 70-day first placement and a 100-day final placement."""

    hei = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(max_length=200)
    first_placement_days = models.PositiveSmallIntegerField("days in a first placement", default=70)
    final_placement_days = models.PositiveSmallIntegerField(
        "days in a final placement", default=100
    )
    skills_days = models.PositiveSmallIntegerField(
        "skills days that count towards the total",
        default=30,
        help_text="The most skills days (run by the university) that count towards the days of "
        "practice learning; the rest must be days in practice settings. Social Work England's "
        "expectation is 30 of the 200.",
    )
    practice_days_total = models.PositiveSmallIntegerField(
        "days of practice learning in all",
        default=200,
        help_text="What a student needs across the programme (Social Work England asks for 200).",
    )
    half_days_allowed = models.BooleanField(
        "half days may be logged", default=True, help_text="If not, each date logged is a full day."
    )
    final_needs_designation = models.BooleanField(
        "final placements need an Approved Practice Setting or teaching organisation",
        default=False,
    )
    statutory_placement_required = models.BooleanField(
        "a placement with statutory tasks is required", default=True
    )
    # Direct observations of practice (portfolios.observations) each placement needs; 0: not set.
    observations_required = models.PositiveSmallIntegerField(
        "direct observations needed on each placement", default=0
    )
    # The pre-placement checks a placement needs confirmed before it starts (`checks`).
    requires_dbs = models.BooleanField("a DBS check is required before starting", default=False)
    requires_occupational_health = models.BooleanField(
        "occupational health clearance is required before starting", default=False
    )
    requires_suitability = models.BooleanField(
        "a suitability declaration is required before starting", default=False
    )
    requires_induction = models.BooleanField(
        "an induction date is required before starting", default=False
    )
    # The practice assessment panel reads every fail and refer, every placement with a cause
    # for concern and this share of the other passes (`panel.draw_sample`).
    panel_sample_percent = models.PositiveSmallIntegerField(
        "share of passes the practice assessment panel samples (per cent)",
        default=25,
        validators=[MaxValueValidator(100)],
        help_text="Every fail, refer and placement with a cause for concern is read too.",
    )
    # How long a practice educator stays current after their last practice education (or their
    # award), for this programme's placements (`currency.currency_of`).
    peps_currency_years = models.PositiveSmallIntegerField(
        "years a practice educator stays current without practice education",
        default=2,
        help_text="A practice educator who has supported no placement in this time has lapsed "
        "and cannot be the sole assessor.",
    )

    class Meta:
        ordering = ["hei", "name"]

    def __str__(self):
        return f"{self.name} ({self.hei})"

    def days_for(self, kind: str) -> int:
        """The length this programme sets for a placement of `kind`."""
        return {
            PlacementKind.FIRST: self.first_placement_days,
            PlacementKind.FINAL: self.final_placement_days,
            PlacementKind.SKILLS: self.skills_days,
        }[PlacementKind(kind)]

    def required_checks(self) -> list[str]:
        """The pre-placement checks (`CheckKind` values) this programme requires."""
        from .lifecycle_models import CheckKind

        wanted = {
            CheckKind.DBS: self.requires_dbs,
            CheckKind.OCCUPATIONAL_HEALTH: self.requires_occupational_health,
            CheckKind.SUITABILITY: self.requires_suitability,
            CheckKind.INDUCTION: self.requires_induction,
        }
        return [kind.value for kind, required in wanted.items() if required]

    @property
    def rules_text(self) -> str:
        """The placement lengths in words, for choosing a cohort."""
        return (
            f"first placement {self.first_placement_days} days, final "
            f"{self.final_placement_days}, {self.practice_days_total} in all"
        )


class Cohort(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=100, help_text="For example, 2025 intake.")
    students = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="cohorts")

    class Meta:
        ordering = ["programme", "name"]

    def __str__(self):
        return f"{self.programme.name}, {self.name}"


class Placement(PrivateIndexed, models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        AGREED = "agreed", "Agreed"
        IN_PROGRESS = "in-progress", "In progress"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended-early", "Ended early"
        WITHDRAWN = "withdrawn", "Withdrawn"
        CANCELLED = "cancelled", "Cancelled"

    class Recommendation(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"
        REFER = "refer", "Refer"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="placements"
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="placements")
    provider_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="placements")
    unit = models.ForeignKey(
        StudentUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    practice_educator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="placements_educated"
    )
    practice_educator_stage = models.PositiveSmallIntegerField(choices=PepsStage.choices)
    co_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements_co_assessed",
        help_text="A stage 2 practice educator who assesses alongside a stage 1 educator.",
    )
    onsite_supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements_supervised",
    )
    hei_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="placements_tutored"
    )
    kind = models.CharField(max_length=10, choices=PlacementKind.choices)
    setting_type = models.CharField(
        max_length=20, choices=SettingType.choices, blank=True, help_text="Blank if not recorded."
    )
    days_required = models.PositiveSmallIntegerField()
    extension_days = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    reduction_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days the HEI has taken off what is needed to complete."
    )
    reduction_reason = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    # Both sides agree: the provider's placement lead and the HEI's. Proposing counts for the
    # proposer's side only; one person never agrees for both.
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider_agreed_at = models.DateTimeField(null=True, blank=True)
    hei_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hei_agreed_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(
        blank=True, help_text="Why it ended early, was withdrawn or was cancelled."
    )
    learning_agreement_on = models.DateField(null=True, blank=True)
    midpoint_review_on = models.DateField(null=True, blank=True)
    final_report = models.TextField(blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    hei_decision = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    # The provider's offer whose place this placement takes (`offers`); blank for placements
    # arranged without one.
    offer = models.ForeignKey(
        "placements.PlacementOffer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    search_fields = [
        index.RelatedFields(
            "student", [index.SearchField("first_name", boost=2), index.SearchField("last_name")]
        ),
        index.RelatedFields("provider_team", [index.SearchField("name")]),
        index.SearchField("final_report"),
        index.FilterField("id"),
    ]

    # The ways a placement stops before it is completed; each keeps its reason in ended_reason.
    # A placement that has stopped no longer holds its dates (for the student or a unit).
    EXITS = (Status.ENDED_EARLY, Status.WITHDRAWN, Status.CANCELLED)

    class Meta:
        ordering = ["-starts_on", "pk"]
        # Lists a page at a time, newest first (issue 19): the sort an index serves.
        indexes = [models.Index(fields=["-starts_on", "id"], name="placement_newest_first")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.student} at {self.provider_team}"

    def get_absolute_url(self):
        return reverse("placements:detail", kwargs={"placement": self.uuid})

    @property
    def provider(self) -> Organisation:
        return self.provider_team.organisation

    @property
    def days_allowed(self) -> int:
        return self.days_required + self.extension_days


class DaysLog(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="days_log")
    on = models.DateField()
    days = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("1.0"))
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A day counts once the practice educator, co-assessor or on-site supervisor confirms it.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["placement", "on"]

    def __str__(self):
        return f"{self.placement}: {self.days} on {self.on}"


# Designations, quality audits, records made during set-up and the placement's course, the
# final assessment, the offers of places, the HEI's skills days and the register of practice
# educators, in their own modules.
from .assessment_models import (  # noqa: E402
    AssessmentPanel,
    FinalReportJudgements,
    PanelCase,
)
from .audit_models import (  # noqa: E402
    ActionItem,
    Audit,
    AuditCriterion,
    AuditPart,
    AuditParty,
    AuditSection,
    AuditTemplate,
    default_audit_scale,
)
from .capacity_models import PlacementOffer, SkillsDay  # noqa: E402
from .designation_models import (  # noqa: E402
    Criterion,
    CriterionEvidence,
    Designation,
    DesignationKind,
)
from .educator_models import EducatorAward, EducatorCandidacy  # noqa: E402
from .lifecycle_models import (  # noqa: E402
    CheckKind,
    Concern,
    ConcernAction,
    ConcernParty,
    LearningAgreement,
    MidpointReview,
    PlacementCheck,
    SupervisionFrequency,
)
from .support_models import SupportConsent, SupportPlan, SupportReaderRole  # noqa: E402

__all__ = [
    "ActionItem",
    "AssessmentPanel",
    "Audit",
    "AuditCriterion",
    "AuditPart",
    "AuditParty",
    "AuditSection",
    "AuditTemplate",
    "CheckKind",
    "Concern",
    "ConcernAction",
    "ConcernParty",
    "Criterion",
    "CriterionEvidence",
    "Designation",
    "DesignationKind",
    "EducatorAward",
    "EducatorCandidacy",
    "FinalReportJudgements",
    "LearningAgreement",
    "MidpointReview",
    "PanelCase",
    "PlacementCheck",
    "PlacementOffer",
    "SkillsDay",
    "SupervisionFrequency",
    "SupportConsent",
    "SupportPlan",
    "SupportReaderRole",
    "default_audit_scale",
]
