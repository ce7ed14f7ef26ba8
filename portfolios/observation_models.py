"""Direct observations of practice, written by the observer about a named learner.

The observer (a practice educator, on-site supervisor or co-assessor on the learner's placement,
the ASYE assessor or appraiser, or the learner's line manager: `observation_rules`) writes the
date, a kind of setting, what they saw, a judgement per framework statement on a scale of our own
words, and what to develop, and signs it. The learner then adds their reflection and signs; after
both signatures the observation is locked and lands in the learner's portfolio as an entry
written by the observer (`Entry.source` "observation"). A locked observation changes only by an
`ObservationAmendment`, which keeps the text before and after and the reason, as appraisals do.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from wagtail.search import index

from capabilities.models import Item
from search.indexing import PrivateIndexed


class ObserverRole(models.TextChoices):
    """Why the observer may observe the learner, as it was when they wrote the observation."""

    PRACTICE_EDUCATOR = "practice-educator", "practice educator"
    CO_ASSESSOR = "co-assessor", "co-assessing practice educator"
    ONSITE_SUPERVISOR = "onsite-supervisor", "on-site supervisor"
    ASYE_ASSESSOR = "asye-assessor", "ASYE assessor"
    APPRAISER = "appraiser", "ASYE appraiser (line manager)"
    LINE_MANAGER = "line-manager", "line manager"


class Rating(models.TextChoices):
    """Capable's own scale for what the observer saw against a statement."""

    NOT_YET = "not-yet", "Not yet shown"
    DEVELOPING = "developing", "Developing"
    SHOWN = "shown", "Shown at the expected level"
    STRONG = "strong", "Shown strongly, beyond the expected level"


# The texts the observer writes and the learner writes, in the order of the page.
OBSERVER_FIELDS = ("setting", "observed", "to_develop")
LEARNER_FIELDS = ("reflection",)


class ObservationQuerySet(models.QuerySet):
    def locked(self):
        return self.filter(observer_signed_at__isnull=False, learner_signed_at__isnull=False)


class Observation(PrivateIndexed, models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observations_of_me"
    )
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="observations_written"
    )
    observer_role = models.CharField(max_length=30, choices=ObserverRole.choices)
    # What gave the observer the right to observe: at most one of these.
    placement = models.ForeignKey(
        "placements.Placement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
    )
    appraisal = models.ForeignKey(
        "appraisals.Appraisal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observations",
    )
    observed_on = models.DateField("date of the observation")
    setting = models.CharField("kind of setting", max_length=200)
    observed = models.TextField("what was observed")
    to_develop = models.TextField("what to develop")
    reflection = models.TextField("the learner's reflection", blank=True)
    observer_signed_at = models.DateTimeField(null=True, blank=True)
    learner_signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ObservationQuerySet.as_manager()

    search_fields = [
        index.SearchField("setting", boost=2),
        index.SearchField("observed"),
        index.SearchField("to_develop"),
        index.SearchField("reflection"),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["-observed_on", "-pk"]

    def __str__(self):
        return f"Direct observation of practice on {self.observed_on:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("observations:detail", kwargs={"observation": self.uuid})

    @property
    def is_locked(self) -> bool:
        return self.observer_signed_at is not None and self.learner_signed_at is not None

    @property
    def observer_role_label(self) -> str:
        return ObserverRole(self.observer_role).label

    @property
    def author_label(self) -> str:
        """ "Pat Lindqvist, practice educator": who wrote it and in what role."""
        name = self.observer.get_full_name() or self.observer.email
        return f"{name}, {self.observer_role_label}"

    def text_fields(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in (*OBSERVER_FIELDS, *LEARNER_FIELDS)}


class ObservationJudgement(models.Model):
    """The observer's judgement against one framework statement (or domain)."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="judgements"
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=20, choices=Rating.choices)

    class Meta:
        ordering = ["observation", "item__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["observation", "item"], name="observation_judgement_once"
            )
        ]

    def __str__(self):
        return f"{self.item.code}: {self.get_rating_display()}"


class ObservationAmendment(models.Model):
    """A change to a locked observation: the text before and after and why, by whom and when."""

    observation = models.ForeignKey(
        Observation, on_delete=models.CASCADE, related_name="amendments"
    )
    field = models.CharField(max_length=30)
    before = models.TextField(blank=True)
    after = models.TextField()
    reason = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["observation", "made_at", "pk"]

    def __str__(self):
        return f"Amendment to {self.observation}"

    @property
    def field_label(self) -> str:
        return Observation._meta.get_field(self.field).verbose_name
