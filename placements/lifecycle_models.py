"""Records made during a placement's set-up and its course: the pre-placement checks, the
structured learning agreement, the midpoint review and causes for concern with their action
plans. Imported by `models` (so Django finds them); the rules are in `checks`, `learning`,
`midpoint` and `concerns`."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse


class CheckKind(models.TextChoices):
    DBS = "dbs", "DBS check"
    OCCUPATIONAL_HEALTH = "occupational-health", "Occupational health clearance"
    SUITABILITY = "suitability", "Suitability declaration"
    INDUCTION = "induction", "Induction date"


class PlacementCheck(models.Model):
    """One pre-placement check, confirmed once by someone allowed to (see `checks`)."""

    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="checks"
    )
    kind = models.CharField(max_length=30, choices=CheckKind.choices)
    induction_on = models.DateField(null=True, blank=True, help_text="Induction only.")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["placement", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="one_check_of_each_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.placement}"


class SupervisionFrequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"


class LearningAgreement(models.Model):
    """The learning agreement made at the start of a placement. Signed by the student, the
    practice educator and the HEI tutor; locked once all three have signed. Changing it clears
    the signatures (and the change is logged), so everyone signs what it now says."""

    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.CASCADE, related_name="learning_agreement"
    )
    meeting_on = models.DateField()
    present = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    statements = models.ManyToManyField(
        "capabilities.Item", blank=True, related_name="+", help_text="Learning needs."
    )
    learning_needs = models.TextField(blank=True)
    supervision_frequency = models.CharField(max_length=20, choices=SupervisionFrequency.choices)
    supervision_minutes = models.PositiveSmallIntegerField()
    workload = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    student_signed_at = models.DateTimeField(null=True, blank=True)
    educator_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    educator_signed_at = models.DateTimeField(null=True, blank=True)
    tutor_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tutor_signed_at = models.DateTimeField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)

    def __str__(self):
        return f"Learning agreement: {self.placement}"

    @property
    def is_locked(self) -> bool:
        return all((self.student_signed_at, self.educator_signed_at, self.tutor_signed_at))


def default_midpoint_scale():
    return [
        "Not yet showing this",
        "Working towards the level",
        "Showing the level",
        "Showing more than the level",
    ]


class MidpointReview(models.Model):
    """The midpoint review: a judgement on each PCF domain against the placement's level, on
    our own scale, with a comment on each."""

    placement = models.OneToOneField(
        "placements.Placement", on_delete=models.CASCADE, related_name="midpoint"
    )
    held_on = models.DateField()
    level = models.ForeignKey(
        "capabilities.Item", null=True, on_delete=models.PROTECT, related_name="+"
    )
    judgements = models.JSONField(
        default=dict, help_text="{domain item id: {rating: scale index, comment}}"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    SCALE = default_midpoint_scale()

    def __str__(self):
        return f"Midpoint review: {self.placement}"


class ConcernParty(models.TextChoices):
    STUDENT = "student", "Student"
    EDUCATOR = "educator", "Practice educator"
    ONSITE = "onsite", "On-site supervisor"
    TUTOR = "tutor", "HEI tutor"


class Concern(models.Model):
    """A cause for concern about how a placement is going, raised by one of the four parties,
    followed by an action plan; or (`about_placement`) a student's concern about the placement
    itself, which reaches the tutor and the HEI and never the provider's people."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    placement = models.ForeignKey(
        "placements.Placement", on_delete=models.CASCADE, related_name="concerns"
    )
    party = models.CharField(max_length=20, choices=ConcernParty.choices)
    about_placement = models.BooleanField(
        default=False, help_text="A student's concern about the placement, hidden from provider."
    )
    text = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "pk"]

    def __str__(self):
        return f"Concern raised by the {self.get_party_display().lower()}: {self.placement}"

    def get_absolute_url(self):
        return reverse("placements:concerns", kwargs={"placement": self.placement.uuid})


class ConcernAction(models.Model):
    """One dated action of a concern's action plan."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField()
    due_on = models.DateField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.text[:80]
