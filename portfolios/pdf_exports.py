"""The portfolio PDF for large portfolios (issue 19): rendered by the task worker, not the request.

A portfolio of up to `settings.CAPABLE_PDF_BACKGROUND_OVER` entries is rendered in the request as
before. A larger one takes seconds of CPU (about 1.6 s for 1,000 entries), so asking for it
creates a `PreparedPDF` and queues `pdf_tasks.prepare_portfolio_pdf`; the owner watches a page that
says it is being prepared (no JavaScript: a "Check again" link and a meta refresh), then downloads
the file from private storage. Files are removed `settings.CAPABLE_PDF_KEEP_HOURS` after they are
asked for: on the owner's next visit to these pages, and by `manage.py prune_prepared_pdfs`.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from . import interchange
from .pdf_export_models import PreparedPDF
from .rules import entries_owned_by

logger = logging.getLogger(__name__)

# A request still waiting or running after this (a stopped worker) no longer stops a new one.
STALE_AFTER = timedelta(minutes=30)


def background_over() -> int:
    return settings.CAPABLE_PDF_BACKGROUND_OVER


def keep_for() -> timedelta:
    return timedelta(hours=settings.CAPABLE_PDF_KEEP_HOURS)


def needs_background(user) -> bool:
    """Whether `user`'s portfolio is too large to render in the request."""
    return entries_owned_by(user).count() > background_over()


def prepared_for(user):
    """The PDFs `user` asked for that have not expired, newest first."""
    return PreparedPDF.objects.owned_by(user).current()


def request_pdf(*, owner) -> PreparedPDF:
    """Ask for `owner`'s portfolio as a PDF, prepared in the background. A request still waiting
    or running (asked for less than STALE_AFTER ago) is returned rather than queuing the same
    work twice."""
    remove_expired(owner=owner)
    waiting = prepared_for(owner).filter(
        status__in=[PreparedPDF.Status.QUEUED, PreparedPDF.Status.RUNNING],
        requested_at__gt=timezone.now() - STALE_AFTER,
    )
    if (existing := waiting.first()) is not None:
        return existing
    now = timezone.now()
    prepared = PreparedPDF.objects.create(
        owner=owner,
        entry_count=entries_owned_by(owner).count(),
        requested_at=now,
        expires_at=now + keep_for(),
    )
    from .pdf_tasks import prepare_portfolio_pdf

    uuid = str(prepared.uuid)
    transaction.on_commit(lambda: prepare_portfolio_pdf.enqueue(uuid))
    return prepared


def render_owner_pdf(owner) -> bytes:
    """The portfolio PDF of `owner`, as the download in the request renders it."""
    from .pdf import render_portfolio_pdf

    return render_portfolio_pdf(interchange.export_portfolio(owner))


def prepare(prepared_uuid: str) -> PreparedPDF | None:
    """The task's work: render the PDF and keep it in private storage. Returns None if the
    request is gone (expired and removed) or was already handled."""
    with transaction.atomic():
        prepared = (
            PreparedPDF.objects.select_for_update()
            .filter(uuid=prepared_uuid, status=PreparedPDF.Status.QUEUED)
            .select_related("owner")
            .first()
        )
        if prepared is None:
            return None
        prepared.status = PreparedPDF.Status.RUNNING
        prepared.started_at = timezone.now()
        prepared.save(update_fields=["status", "started_at"])
    cpu = time.process_time()
    try:
        body = render_owner_pdf(prepared.owner)
        prepared.file.save(prepared_pdf_name(prepared), ContentFile(body), save=False)
    except Exception:
        logger.exception("Could not prepare portfolio PDF %s", prepared.uuid)
        prepared.status = PreparedPDF.Status.FAILED
        prepared.finished_at = timezone.now()
        prepared.save(update_fields=["status", "finished_at"])
        raise
    prepared.status = PreparedPDF.Status.READY
    prepared.size = len(body)
    prepared.finished_at = timezone.now()
    prepared.save(update_fields=["status", "size", "file", "finished_at"])
    logger.info(
        "Prepared portfolio PDF %s: %d entries, %d bytes, %.2f s CPU",
        prepared.uuid,
        prepared.entry_count,
        prepared.size,
        time.process_time() - cpu,
    )
    return prepared


def prepared_pdf_name(prepared: PreparedPDF) -> str:
    return f"{prepared.uuid.hex}.pdf"


def remove(prepared: PreparedPDF) -> None:
    """Remove a prepared PDF, its file first."""
    if prepared.file:
        prepared.file.delete(save=False)
    prepared.delete()


def remove_expired(*, owner=None, now=None) -> int:
    """Remove expired prepared PDFs (of `owner`, or everyone's), with their files."""
    expired = PreparedPDF.objects.expired(now)
    if owner is not None:
        expired = expired.filter(owner=owner)
    removed = 0
    for prepared in expired.iterator():
        remove(prepared)
        removed += 1
    return removed
