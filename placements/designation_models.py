"""Approved Practice Setting and teaching organisation status: the criteria, a provider's
designation with its evidence per criterion, and the awarding body's decision. Imported by
`models` (so Django finds them); the rules are in `designations`."""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.urls import reverse
from wagtail.search import index

from organisations.models import Organisation
from search.indexing import PrivateIndexed

# ---------------------------------------------------------------------------------------------
# Designations: Approved Practice Setting and teaching organisation status


class DesignationKind(models.TextChoices):
    APS = "aps", "Approved Practice Setting"
    TEACHING = "teaching", "Teaching organisation"


class Criterion(models.Model):
    """One criterion a designation is judged against. The list is configurable; Capable ships a
    default in its own words (`defaults.py`)."""

    kind = models.CharField(max_length=20, choices=DesignationKind.choices)
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    description = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="criterion_code")]

    def __str__(self):
        return f"{self.code} {self.title}"


class Designation(PrivateIndexed, models.Model):
    """An employer's application for a designation and, once decided, the designation itself."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        APPROVED = "approved", "Approved"
        CONDITIONS = "conditions", "Approved with conditions"
        NOT_APPROVED = "not-approved", "Not approved"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="designations"
    )
    kind = models.CharField(max_length=20, choices=DesignationKind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    awarding_body = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="designations_reviewed"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_notes = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    renewal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals"
    )
    reminded_90_at = models.DateTimeField(null=True, blank=True)
    reminded_30_at = models.DateTimeField(null=True, blank=True)

    search_fields = [
        index.RelatedFields("organisation", [index.SearchField("name", boost=2)]),
        index.SearchField("decision_notes"),
        index.SearchField("conditions"),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["organisation", "kind", "-starts_on"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.organisation}"

    def get_absolute_url(self):
        return reverse("placements:designation", kwargs={"designation": self.uuid})

    def is_current(self, on: date | None = None) -> bool:
        on = on or date.today()
        return (
            self.status in (self.Status.APPROVED, self.Status.CONDITIONS)
            and self.starts_on is not None
            and self.starts_on <= on
            and (self.expires_on is None or on <= self.expires_on)
        )


class CriterionEvidence(models.Model):
    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("evidence")
    reviewer_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["designation", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["designation", "criterion"], name="evidence_once_each")
        ]

    def __str__(self):
        return f"{self.designation}: {self.criterion.code}"
