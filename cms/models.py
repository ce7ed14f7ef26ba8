"""The site's own pages: the home page and content (guidance) pages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from capabilities.models import FrameworkVersion

from .blocks import BodyBlock


class HomePage(Page):
    introduction = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ContentPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["current_version"] = FrameworkVersion.objects.current()
        context["guidance"] = self.get_children().live().public().in_menu().specific()
        return context


class ContentPage(Page):
    """Guidance and other editorial content. Lists its child pages below the body."""

    summary = models.TextField(blank=True, help_text="One or two sentences shown in listings.")
    body = StreamField(BodyBlock(), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["children"] = self.get_children().live().public().specific()
        return context


class GuardConfirmation(models.Model):
    """Someone confirmed that text the identifying-information guard flagged on a record (an
    appraisal answer, an audit comment, a reviewer's comment...) is anonymised. Only weaker
    findings (a possible name or address) can be confirmed. The matched text is never stored:
    only the kinds, the fields and fingerprints (keyed hashes) of the matches. Portfolio entries keep
    their own `portfolios.GuardConfirmation`."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.CharField(max_length=64)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_on = models.DateField(default=timezone.localdate)
    kinds = models.JSONField(default=list)
    fields = models.JSONField(default=list)
    fingerprints = models.JSONField(default=list)

    class Meta:
        ordering = ["-confirmed_on", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"Confirmed anonymised on {self.confirmed_on} ({', '.join(self.kinds)})"

    @classmethod
    def for_record(cls, record):
        from django.contrib.contenttypes.models import ContentType

        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
        )

    @classmethod
    def record(cls, *, record, findings, by) -> GuardConfirmation:
        from django.contrib.contenttypes.models import ContentType

        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(record),
            object_id=str(record.pk),
            confirmed_by=by,
            kinds=sorted({f.kind for f in findings}),
            fields=sorted({f.field for f in findings}),
            fingerprints=sorted({f.fingerprint for f in findings}),
        )

    @classmethod
    def fingerprints_for(cls, record) -> set[str]:
        return {fp for c in cls.for_record(record) for fp in (c.fingerprints or []) if fp}
