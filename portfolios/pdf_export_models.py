"""A portfolio PDF prepared by the task worker (issue 19): large portfolios are rendered in the
background into a private file that only its owner may download, until it expires.

The work is in `pdf_exports` (services) and `pdf_tasks` (the task); this module only holds the
record."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def _private_storage():
    from .models import private_storage

    return private_storage()


def prepared_pdf_path(instance, filename):
    # Nothing of the owner's name reaches the disk.
    return f"prepared-pdfs/{instance.uuid.hex}.pdf"


class PreparedPDFQuerySet(models.QuerySet):
    def owned_by(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())

    def current(self, now=None):
        return self.filter(expires_at__gt=now or timezone.now())


class PreparedPDF(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready to download"
        FAILED = "failed", "Could not be prepared"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prepared_pdfs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    entry_count = models.PositiveIntegerField(help_text="Entries in the portfolio when asked.")
    file = models.FileField(
        upload_to=prepared_pdf_path, storage=_private_storage, max_length=255, blank=True
    )
    size = models.PositiveIntegerField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        db_index=True, help_text="The file and this record are removed after this."
    )

    objects = PreparedPDFQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "prepared portfolio PDF"

    def __str__(self):
        return f"Portfolio PDF of {self.requested_at:%d %B %Y %H:%M}"

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    def get_absolute_url(self):
        return reverse("portfolios:prepared-pdf", kwargs={"prepared": self.uuid})

    def get_download_url(self):
        return reverse("portfolios:prepared-pdf-download", kwargs={"prepared": self.uuid})
