"""The framework as data: frameworks, their versions, items and typed associations.

The shape follows 1EdTech CASE: a framework version is a CFDocument, every domain, level,
capability statement and standard is a CFItem, and links between items are CFAssociations.
Hierarchy (a statement belongs to a domain and a level, a domain to a group) is kept in foreign
keys and exported as `isChildOf`/`isPartOf`/`precedes` associations; the associations stored as
rows are the ones that are not structure: crosswalks between frameworks and between versions.

A published version is immutable: its items and associations cannot be changed or deleted, and
edits go into a new draft version (see `capabilities.services.create_draft_version`).
"""

import uuid

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin


class PublishedVersionError(ValidationError):
    """Raised when something tries to change a published framework version."""

    def __init__(self, version):
        super().__init__(
            f"{version} is published and cannot be changed. Create a new draft version instead.",
            code="published",
        )


class Framework(models.Model):
    class Kind(models.TextChoices):
        PCF = "pcf", "Professional Capabilities Framework"
        PQS = "pqs", "Post-qualifying standards"

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PCF)
    creator = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("creator"),
        FieldPanel("description"),
    ]

    class Meta:
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title

    @property
    def is_pcf(self) -> bool:
        return self.kind == self.Kind.PCF


class FrameworkVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(live=True)

    def visible_to(self, user):
        """Published versions are public; framework editors with MFA also see drafts (the rule
        lives in `capabilities.permissions.sees_drafts`)."""
        from .permissions import sees_drafts

        if sees_drafts(user):
            return self
        return self.published()

    def current(self, framework_slug: str = "pcf"):
        """The newest published version of a framework, or None."""
        return (
            self.published()
            .filter(framework__slug=framework_slug)
            .select_related("framework")
            .order_by("-first_published_at", "-pk")
            .first()
        )


class FrameworkVersion(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """A CASE CFDocument. `live` means published; a published version is frozen."""

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in URLs: /framework/<slug>/. Never reused."
    )
    label = models.CharField(max_length=80, help_text="The version as people say it, e.g. 2018.")
    description = models.TextField(blank=True)
    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    predecessor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successors"
    )
    last_changed = models.DateTimeField(default=timezone.now)
    # What a CASE package imported into this version carried that Capable has no column for
    # (CFDocument fields, CFDefinitions, associations to the document or outside Capable), kept
    # so the export gives it back unchanged (see capabilities.interchange.case).
    case_extras = models.JSONField(default=dict, blank=True, editable=False)
    # Drafts by default: publishing goes through the workflow.
    live = models.BooleanField(verbose_name="published", default=False, editable=False)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="framework_version")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="framework_version",
        for_concrete_model=False,
    )

    objects = FrameworkVersionQuerySet.as_manager()

    # Fields that make up the content of a version; frozen once published.
    FROZEN_FIELDS = (
        "framework_id",
        "slug",
        "label",
        "description",
        "identifier",
        "predecessor_id",
        "case_extras",
    )

    panels = [
        FieldPanel("framework"),
        FieldPanel("label"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("predecessor"),
    ]

    class Meta:
        ordering = ["framework__kind", "framework__title", "-first_published_at", "slug"]

    def __str__(self):
        return f"{self.framework.title} {self.label}"

    @property
    def revisions(self):
        return self._revisions

    @property
    def is_published(self) -> bool:
        return self.live

    @property
    def status(self) -> str:
        return "published" if self.live else "draft"

    def get_absolute_url(self) -> str:
        return reverse("capabilities:version", kwargs={"version": self.slug})

    def assessed_items(self) -> list["Item"]:
        """What an appraisal judges against this version, one rating each: its domains if it
        has any (the PCF), else its top-level statements (the standards of the post-qualifying
        frameworks). One query."""
        rows = list(
            self.items.filter(
                models.Q(kind=Item.Kind.DOMAIN)
                | models.Q(kind=Item.Kind.STATEMENT, domain__isnull=True, level__isnull=True)
            ).order_by("sort_order", "code")
        )
        domains = [item for item in rows if item.kind == Item.Kind.DOMAIN]
        return domains or rows

    def save(self, *args, **kwargs):
        if self.pk:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("live", *[f.removesuffix("_id") for f in self.FROZEN_FIELDS])
                .first()
            )
            if stored and stored["live"]:
                changed = [
                    f
                    for f in self.FROZEN_FIELDS
                    if stored[f.removesuffix("_id")] != getattr(self, f)
                ]
                if changed or not self.live:
                    raise PublishedVersionError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.live:
            raise PublishedVersionError(self)
        return super().delete(*args, **kwargs)


def refuse_if_published(*version_ids) -> None:
    """Raise PublishedVersionError if any of these versions is published (one query)."""
    published = (
        FrameworkVersion.objects.filter(pk__in=version_ids, live=True)
        .select_related("framework")
        .first()
    )
    if published is not None:
        raise PublishedVersionError(published)


class ItemQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def published(self):
        return self.filter(version__live=True)

    def groups(self):
        return self.filter(kind=Item.Kind.GROUP)

    def domains(self):
        return self.filter(kind=Item.Kind.DOMAIN)

    def levels(self):
        return self.filter(kind=Item.Kind.LEVEL)

    def statements(self):
        return self.filter(kind=Item.Kind.STATEMENT)


class Item(index.Indexed, models.Model):
    """A CASE CFItem: a domain group, domain, level, capability statement or standard."""

    class Kind(models.TextChoices):
        GROUP = "group", "Domain group"
        DOMAIN = "domain", "Domain"
        LEVEL = "level", "Level"
        STATEMENT = "statement", "Capability statement"

    class Stage(models.TextChoices):
        QUALIFYING = "qualifying", "Qualifying"
        POST_QUALIFYING = "post-qualifying", "Post-qualifying"
        ADVANCED = "advanced", "Advanced and strategic"

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="items")
    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    code = models.CharField(
        max_length=60,
        help_text="Stable human-readable code (CASE humanCodingScheme), e.g. 1.ASYE.2.",
    )
    slug = models.SlugField(max_length=120, blank=True, help_text="Domains and levels: URL part.")
    title = models.CharField(max_length=255, blank=True, help_text="Short name (abbreviated).")
    full_statement = models.TextField()
    notes = models.TextField(blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    group = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_domains",
        limit_choices_to={"kind": Kind.GROUP},
    )
    domain = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="domain_statements",
        limit_choices_to={"kind": Kind.DOMAIN},
    )
    level = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="level_statements",
        limit_choices_to={"kind": Kind.LEVEL},
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    pathways = models.JSONField(default=list, blank=True, help_text="Levels: the pathways, if any.")
    last_changed = models.DateTimeField(default=timezone.now)
    # CASE fields of an imported CFItem that Capable has no column for (alternativeLabel,
    # conceptKeywords, educationLevel, subject...), given back unchanged by the export.
    case_extras = models.JSONField(default=dict, blank=True, editable=False)

    objects = ItemQuerySet.as_manager()

    search_fields = [
        index.SearchField("full_statement"),
        index.SearchField("title", boost=2),
        index.AutocompleteField("title"),
        index.SearchField("code", boost=3),
        index.FilterField("version"),
        index.FilterField("kind"),
    ]

    panels = [
        FieldPanel("version"),
        FieldPanel("kind"),
        FieldPanel("code"),
        FieldPanel("slug"),
        FieldPanel("title"),
        FieldPanel("full_statement"),
        FieldPanel("notes"),
        FieldPanel("sort_order"),
        FieldPanel("group"),
        FieldPanel("domain"),
        FieldPanel("level"),
        FieldPanel("stage"),
        FieldPanel("pathways"),
    ]

    class Meta:
        ordering = ["version", "kind", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="item_unique_code_in_version"),
        ]
        indexes = [models.Index(fields=["version", "kind", "sort_order"])]

    def __str__(self):
        if self.kind == self.Kind.STATEMENT and not self.title:
            return f"{self.code} {self.full_statement[:60]}"
        return self.title or self.code

    @property
    def display_title(self) -> str:
        return self.title or self.full_statement

    def get_absolute_url(self) -> str:
        version = self.version.slug
        if self.kind == self.Kind.DOMAIN and self.version.framework.is_pcf:
            return reverse("capabilities:domain", kwargs={"version": version, "domain": self.slug})
        if self.kind == self.Kind.LEVEL:
            return reverse("capabilities:level", kwargs={"version": version, "level": self.slug})
        return reverse("capabilities:statement", kwargs={"version": version, "code": self.code})

    def clean(self):
        super().clean()
        if self.version_id and self.version.live:
            raise PublishedVersionError(self.version)
        for field in ("group", "domain", "level"):
            related = getattr(self, field)
            if related is not None and related.version_id != self.version_id:
                raise ValidationError({field: "Must belong to the same framework version."})
        is_pcf_statement = (
            self.kind == self.Kind.STATEMENT and self.version_id and self.version.framework.is_pcf
        )
        if is_pcf_statement and not (self.domain_id and self.level_id):
            raise ValidationError("A PCF capability statement needs a domain and a level.")

    def save(self, *args, **kwargs):
        # Neither the version it is saved into nor one it is moved out of may be published.
        stored = type(self).objects.filter(pk=self.pk).values_list("version", flat=True)
        refuse_if_published(self.version_id, *(stored if self.pk else ()))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_published(self.version_id)
        return super().delete(*args, **kwargs)


class Association(models.Model):
    """A CASE CFAssociation. Crosswalks between frameworks and between versions live here."""

    class Type(models.TextChoices):
        IS_CHILD_OF = "isChildOf", "is child of"
        IS_PART_OF = "isPartOf", "is part of"
        IS_RELATED_TO = "isRelatedTo", "is related to"
        EXACT_MATCH_OF = "exactMatchOf", "is an exact match of"
        REPLACED_BY = "replacedBy", "is replaced by"
        PRECEDES = "precedes", "precedes"
        IS_PEER_OF = "isPeerOf", "is a peer of"
        EXEMPLAR = "exemplar", "is an exemplar of"
        HAS_SKILL_LEVEL = "hasSkillLevel", "has skill level"
        IS_TRANSLATION_OF = "isTranslationOf", "is a translation of"

    # The version (CFDocument) that declares the association; frozen with it.
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="associations"
    )
    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # One of `Type`, or a CASE 1.1 extension type ("ext:" and a name) kept as a package gave it.
    association_type = models.CharField(max_length=255, choices=Type.choices)
    origin = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="outgoing")
    destination = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="incoming")
    sequence_number = models.PositiveIntegerField(null=True, blank=True)
    notes = models.TextField(
        blank=True,
        help_text="Why the two items are linked: a crosswalk's rationale (CASE CFAssociation notes).",
    )
    last_changed = models.DateTimeField(default=timezone.now)
    # CASE fields of an imported CFAssociation that Capable has no column for.
    case_extras = models.JSONField(default=dict, blank=True, editable=False)

    panels = [
        FieldPanel("version"),
        FieldPanel("association_type"),
        FieldPanel("origin"),
        FieldPanel("destination"),
        FieldPanel("sequence_number"),
        FieldPanel("notes"),
    ]

    class Meta:
        ordering = ["version", "association_type", "sequence_number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["association_type", "origin", "destination"],
                name="association_unique_triple",
            ),
        ]

    def __str__(self):
        return f"{self.origin.code} {self.association_type} {self.destination.code}"

    def clean(self):
        super().clean()
        if self.origin_id and self.destination_id and self.origin_id == self.destination_id:
            raise ValidationError("An item cannot be associated with itself.")
        if self.version_id and self.version.live:
            raise PublishedVersionError(self.version)

    def save(self, *args, **kwargs):
        refuse_if_published(self.version_id)
        if self.origin_id == self.destination_id:
            raise ValidationError("An item cannot be associated with itself.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse_if_published(self.version_id)
        return super().delete(*args, **kwargs)
