"""CPD portfolios: a person's evidence of learning, mapped to the framework.

Each person has one portfolio. Its entries follow Social Work England's CPD record; each entry
maps to capability statements (PCF and PQS items of published framework versions) and optionally
to the parts of Social Work England's standard 4. Who may read what is decided in `rules.py`.
"""

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models.functions import Trim
from django.urls import reverse
from django.utils import timezone
from wagtail.search import index

from capabilities.models import Item
from search.indexing import PrivateIndexed

# Soft-deleted entries can be restored for this many days, then they are purged.
RESTORE_DAYS = 30

SWE_STANDARD_4 = [
    # Capable's short summaries; Social Work England publishes the standards' own wording.
    ("4.1", "4.1 Learning from feedback, including from people with lived experience"),
    ("4.2", "4.2 Supervision and feedback to reflect and find learning needs"),
    ("4.3", "4.3 Keeping practice current with research, theory and frameworks"),
    ("4.4", "4.4 Knowledge of social work, society and social policy"),
    ("4.5", "4.5 An open learning culture at work"),
    ("4.6", "4.6 The impact of learning on the quality of practice"),
    ("4.7", "4.7 Recording learning and reflection regularly"),
    ("4.8", "4.8 Own values and their effect on practice"),
]
SWE_STANDARD_4_CODES = [code for code, _ in SWE_STANDARD_4]


def private_storage():
    """Attachments live outside MEDIA_ROOT and have no public URL: only a view serves them."""
    return storages["private"]


def attachment_path(instance, filename):
    # Nothing of the uploader's file name reaches the disk.
    return f"portfolios/{instance.entry.portfolio.uuid}/{uuid.uuid4().hex}"


class Portfolio(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Portfolio of {self.owner}"

    @classmethod
    def for_user(cls, user) -> "Portfolio":
        portfolio, _ = cls.objects.get_or_create(owner=user)
        return portfolio


class EntryQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)

    def complete(self):
        return self.filter(status=Entry.Status.COMPLETE)

    def with_peer_reflection(self):
        """`has_peer_reflection` in SQL: what was learnt from the peer is written down."""
        return self.alias(_peer_learning=Trim("peer_learning")).exclude(_peer_learning="")

    def in_registration_year(self, year: int):
        if not 1 < year < 10_000:  # no such dates: nothing is in it
            return self.none()
        start, end = registration_year_bounds(year)
        return self.filter(occurred_on__gte=start, occurred_on__lte=end)

    def purgeable(self, now=None):
        now = now or timezone.now()
        return self.filter(deleted_at__lte=now - timedelta(days=RESTORE_DAYS))


def registration_year_bounds(year: int) -> tuple[date, date]:
    """Social Work England's registration year `year`, named by the calendar year it ends in:
    from settings.CPD_REGISTRATION_YEAR_STARTS (1 December) of year-1 to the day before it."""
    month, day = settings.CPD_REGISTRATION_YEAR_STARTS
    return date(year - 1, month, day), date(year, month, day) - timedelta(days=1)


def registration_year_for(day: date) -> int:
    return (
        day.year + 1 if (day.month, day.day) >= settings.CPD_REGISTRATION_YEAR_STARTS else day.year
    )


def has_peer_reflection(peer_learning: str) -> bool:
    """The one rule for a peer reflection: what was learnt from discussing it with a peer (or a
    group: group supervision and team reflection count) is written down. Social Work England's
    form asks for that learning, not who the peer was, so the name, role and date are optional."""
    return bool((peer_learning or "").strip())


def activity_type_choices() -> list[tuple[str, str]]:
    """Social Work England's types of CPD activity (settings.CPD_ACTIVITY_TYPES, read now)."""
    return [(key, label) for key, label in settings.CPD_ACTIVITY_TYPES]


class Entry(PrivateIndexed, models.Model):
    class Type(models.TextChoices):
        REFLECTION = "reflection", "Reflection on practice"
        SUPERVISION = "supervision", "Supervision"
        LEARNING = "learning", "Learning activity (a course, reading, event)"
        OBSERVATION = "observation", "Direct observation of practice"
        FAMILY_FEEDBACK = "family-feedback", "Feedback from a child, young person or family"
        COLLEAGUE_FEEDBACK = "colleague-feedback", "Feedback from a colleague"
        WRITTEN_WORK = "written-work", "Written work"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"

    class Source(models.TextChoices):
        # Who wrote the evidence the entry carries. The owner's own words are always theirs; an
        # entry from another source also carries words the owner did not write and cannot edit.
        OWN = "own", "Written by the owner"
        FEEDBACK = "feedback", "Feedback received through Capable"
        OBSERVATION = "observation", "Direct observation written by the observer"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE, related_name="entries")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OWN)
    # When not the owner: the kind of person who wrote it (feedback_prompts.Audience), never a name.
    author_kind = models.CharField("written by", max_length=30, blank=True)
    feedback = models.OneToOneField(
        "portfolios.FeedbackAnswer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entry",
    )
    observation = models.OneToOneField(
        "portfolios.Observation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entry",
    )
    # Words others wrote, brought in by a portfolio import (the feedback or observation record
    # itself stays where it came from): the export's "written_by_others" as it was, shown
    # read-only and exported again unchanged.
    imported_from_others = models.JSONField(null=True, blank=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    entry_type = models.CharField(
        "type of evidence", max_length=30, choices=Type.choices, blank=True
    )
    # Social Work England's "type of CPD" (settings.CPD_ACTIVITY_TYPES), apart from the kind of
    # evidence: the choices live in settings, so they can follow the form without a migration.
    activity_type = models.CharField("type of CPD activity", max_length=40, blank=True)
    title = models.CharField(max_length=200)
    occurred_on = models.DateField("date", null=True, blank=True)
    hours = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, help_text="Optional."
    )
    # The fields of Social Work England's CPD record, in the order of its form.
    description = models.TextField("short description and why it is relevant", blank=True)
    learning = models.TextField("what I learnt", blank=True)
    impact = models.TextField("impact on my practice and on the people I work with", blank=True)
    # Optional: a colleague's name is their personal data, and Social Work England does not ask.
    peer_name = models.CharField("who it was discussed with", max_length=200, blank=True)
    peer_role = models.CharField("their role", max_length=200, blank=True)
    peer_on = models.DateField("date of the discussion", null=True, blank=True)
    peer_learning = models.TextField("what I learnt from discussing it with them", blank=True)
    swe_standards = models.JSONField("Social Work England standard 4", default=list, blank=True)
    # Imported text the identifying-information guard flagged: the entry stays a draft until the
    # owner saves it through the entry form with the guard satisfied (services.save_entry).
    needs_review = models.BooleanField("needs review", default=False)
    statements = models.ManyToManyField(
        Item, through="Mapping", related_name="portfolio_entries", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = EntryQuerySet.as_manager()

    # Searching (search.indexing): within the reader's access-rule queryset.
    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("description", boost=2),
        index.SearchField("learning"),
        index.SearchField("impact"),
        index.SearchField("peer_learning"),
        index.FilterField("id"),
    ]

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name_plural = "entries"
        indexes = [models.Index(fields=["portfolio", "deleted_at", "occurred_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolios:entry", kwargs={"entry": self.uuid})

    @property
    def owner(self):
        return self.portfolio.owner

    @property
    def has_peer_reflection(self) -> bool:
        return has_peer_reflection(self.peer_learning)

    @property
    def written_by_others(self) -> bool:
        return self.source != self.Source.OWN

    @property
    def activity_type_label(self) -> str:
        return dict(activity_type_choices()).get(self.activity_type, self.activity_type)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def purge_on(self) -> date | None:
        if self.deleted_at is None:
            return None
        return (self.deleted_at + timedelta(days=RESTORE_DAYS)).date()

    def text_fields(self) -> dict[str, str]:
        """The free text the identifying-information guard reads, by form field name."""
        return {name: getattr(self, name) for name in GUARDED_FIELDS}

    def swe_standard_labels(self) -> list[str]:
        labels = dict(SWE_STANDARD_4)
        return [labels[code] for code in self.swe_standards if code in labels]


# What the owner writes in an entry, in the order of the form (and of Social Work England's).
RECORD_FIELDS = (
    "activity_type",
    "entry_type",
    "title",
    "occurred_on",
    "hours",
    "description",
    "learning",
    "impact",
    "peer_name",
    "peer_role",
    "peer_on",
    "peer_learning",
    "swe_standards",
)

GUARDED_FIELDS = (
    "title",
    "description",
    "learning",
    "impact",
    "peer_name",
    "peer_role",
    "peer_learning",
)


class Mapping(models.Model):
    """An entry mapped to a statement of a published framework version. Kept when the framework
    changes: the coverage view follows the version crosswalk instead of rewriting mappings."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="mappings")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="mappings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "item"], name="mapping_unique_entry_item")
        ]

    def __str__(self):
        return f"{self.entry} → {self.item.code}"


class Attachment(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse(
            "portfolios:attachment", kwargs={"entry": self.entry.uuid, "attachment": self.uuid}
        )


class GuardConfirmation(models.Model):
    """The owner confirmed that text the guard flagged is anonymised. The matched text itself is
    not stored: only which kinds were flagged, in which fields, and fingerprints of the matches so
    the same confirmed text is not flagged again."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="guard_confirmations")
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now_add=True)
    kinds = models.JSONField(default=list)
    fields = models.JSONField(default=list)
    fingerprints = models.JSONField(default=list)

    class Meta:
        ordering = ["-confirmed_at"]

    def __str__(self):
        return f"{self.entry}: confirmed anonymised ({', '.join(self.kinds)})"

    @property
    def kind_labels(self) -> list[str]:
        from .guard import KIND_LABELS

        return [KIND_LABELS.get(kind, kind) for kind in self.kinds]


class Comment(PrivateIndexed, models.Model):
    """A reviewer's comment beside an entry. Comments never change the entry; they are signed and
    dated. Imported comments keep the name of their author from the other system."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portfolio_comments",
    )
    author_name = models.CharField(max_length=200)
    author_role = models.CharField(max_length=100, blank=True)
    body = models.TextField("comment")
    created_at = models.DateTimeField(default=timezone.now)
    imported = models.BooleanField(default=False)
    # The entry's owner hid this comment: only its author still sees it (marked "hidden by the
    # owner"); the owner can show it again.
    hidden_at = models.DateTimeField(null=True, blank=True)

    search_fields = [index.SearchField("body"), index.FilterField("id")]

    class Meta:
        ordering = ["created_at", "pk"]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    def __str__(self):
        return f"Comment by {self.author_name} on {self.entry}"


class CpdReminder(models.Model):
    """A reminder sent (or skipped as superseded) for a registration year, so none is repeated."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_reminders"
    )
    registration_year = models.PositiveIntegerField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)
    sent = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "registration_year", "days_before"], name="cpd_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.user}: {self.registration_year}, {self.days_before} days"


# Sharing, feedback requests and answers, direct observations and prepared PDFs live in their own
# modules to keep this one short; imported here so Django registers them with the app (and so
# `from portfolios.models import X` finds them).
from .feedback_models import FeedbackAnswer, FeedbackRequest  # noqa: E402, F401
from .observation_models import (  # noqa: E402, F401
    Observation,
    ObservationAmendment,
    ObservationJudgement,
)
from .pdf_export_models import PreparedPDF  # noqa: E402, F401
from .sharing_models import Share, ShareInvitation, hash_token  # noqa: E402, F401
