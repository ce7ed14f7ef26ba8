"""The quality audit of a placement: the template with its sections and criteria, each party's
part, and the action items that come of an audit or of a partnership review. Imported by
`models` (so Django finds them); the rules are in `audits`."""

from django.conf import settings
from django.db import models
from wagtail.search import index

from organisations.models import Organisation
from search.indexing import PrivateIndexed

# Defined in `models` before it imports this module.
from .models import PartnershipReview, Placement

# ---------------------------------------------------------------------------------------------
# Quality audits


class AuditParty(models.TextChoices):
    STUDENT = "student", "Student"
    EDUCATOR = "educator", "Practice educator or on-site supervisor"
    PROVIDER = "provider", "Provider placement lead"
    TUTOR = "tutor", "HEI tutor"


def default_audit_scale():
    return ["Not met", "Partly met", "Met", "Exceeded"]


class AuditTemplate(models.Model):
    name = models.CharField(max_length=200)
    scale = models.JSONField(default=default_audit_scale)
    is_default = models.BooleanField(default=False)

    def __str__(self):
        return self.name


class AuditSection(models.Model):
    template = models.ForeignKey(AuditTemplate, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    party = models.CharField(max_length=20, choices=AuditParty.choices)

    class Meta:
        ordering = ["template", "order"]

    def __str__(self):
        return self.title


class AuditCriterion(models.Model):
    section = models.ForeignKey(AuditSection, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)

    class Meta:
        ordering = ["section", "order"]

    def __str__(self):
        return self.text


class Audit(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MODERATED = "moderated", "Moderated"

    placement = models.OneToOneField(Placement, on_delete=models.CASCADE, related_name="audit")
    template = models.ForeignKey(AuditTemplate, on_delete=models.PROTECT, related_name="audits")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderation_notes = models.TextField(blank=True)

    def __str__(self):
        return f"Audit of {self.placement}"


class AuditPart(PrivateIndexed, models.Model):
    """One party's part of an audit: their ratings and comments, submitted once. A student's part
    is read by the provider only in aggregate, never as theirs. Searched part by part
    (placements.search), never as a whole audit, so a hidden part's text is never matched."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="parts")
    party = models.CharField(max_length=20, choices=AuditParty.choices)
    ratings = models.JSONField(default=dict, help_text="{criterion id: rating index}")
    comments = models.JSONField(default=dict, help_text="{section id: comment}")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    search_fields = [
        index.SearchField("search_text"),
        index.FilterField("id"),
    ]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "party"], name="one_part_each")]

    def __str__(self):
        return f"{self.audit}: {self.get_party_display()}"

    def search_text(self) -> str:
        """This part's comments, each under its section's title: all the text search sees."""
        if not self.comments:
            return ""
        # The template's sections (prefetch "audit__template__sections" when showing many).
        titles = {str(section.pk): section.title for section in self.audit.template.sections.all()}
        return "\n".join(
            f"{titles[pk]}: {text}" if pk in titles else text
            for pk, text in self.comments.items()
            if text
        )


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    audit = models.ForeignKey(
        Audit, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    review = models.ForeignKey(
        PartnershipReview, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    provider = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="placement_actions"
    )
    text = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.text[:80]
