"""A student's learning-support plan (the reasonable adjustments they need) on a placement, and
each consent they give to share it. Imported by `models` (so Django finds them); the rules are
in `support`, who reads a plan in `rules.support_plans_visible_to`.

The plan is not indexed for search, not registered in the admin, and not part of any export,
audit or PDF of the placement."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class SupportPlan(models.Model):
    """What the student writes about the support and adjustments they need. One per placement,
    written and changed only by the student."""

    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.CASCADE, related_name="support_plan"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        # Shown in the student's own access log: says nothing of what the plan holds.
        return "Learning-support plan"

    def get_absolute_url(self):
        return reverse("placements:support", kwargs={"placement": self.placement.uuid})


class SupportReaderRole(models.TextChoices):
    """The roles on a placement the student may share their plan with (`NAMED_ROLES` field
    names): nobody else, not the HEI tutor, not any placement lead."""

    PRACTICE_EDUCATOR = "practice_educator", "Practice educator"
    CO_ASSESSOR = "co_assessor", "Co-assessor"
    ONSITE_SUPERVISOR = "onsite_supervisor", "On-site supervisor"


class SupportConsentQuerySet(models.QuerySet):
    def live(self):
        """Consents not revoked."""
        return self.filter(revoked_at__isnull=True)


class SupportConsent(models.Model):
    """The student's consent for one person, in one role on the placement, to read the plan:
    who gave it and when, and, once revoked, who revoked it and when. Kept after revocation as
    the plan's sharing history; a new consent is a new row."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="consents")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=30, choices=SupportReaderRole.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = SupportConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reader", "role"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_support_consent_per_reader_role",
            )
        ]

    def __str__(self):
        return f"Consent for the {self.get_role_display().lower()} to read a learning-support plan"
