"""Asking for a large portfolio's PDF, watching it being prepared, and downloading it (issue 19).

Only the owner sees their prepared PDFs: every lookup is scoped to the signed-in person, so
anyone else's gets 404. The pages work without JavaScript: the "being prepared" page has a
"Check again" link and a meta refresh (not a script, so the CSP stays as it is)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import record_access
from accounts.models import AccessEvent

from . import pdf_exports
from .rules import entries_owned_by

REFRESH_SECONDS = 5


def _breadcrumbs(last: str, *, list_link: bool = True):
    crumbs = [
        ("Your portfolio", reverse("portfolios:index")),
        ("Download your portfolio", reverse("portfolios:export")),
    ]
    if list_link:
        crumbs.append(("Your portfolio as a PDF", reverse("portfolios:prepared-pdfs")))
    crumbs.append((last, None))
    return crumbs


def _own(request, prepared):
    return get_object_or_404(pdf_exports.prepared_for(request.user), uuid=prepared)


@login_required
@require_http_methods(["GET", "POST"])
@never_cache
def prepared_list(request):
    pdf_exports.remove_expired(owner=request.user)
    if request.method == "POST":
        prepared = pdf_exports.request_pdf(owner=request.user)
        return redirect(prepared)
    return render(
        request,
        "portfolios/prepared_pdfs.html",
        {
            "prepared_pdfs": pdf_exports.prepared_for(request.user),
            "entry_count": entries_owned_by(request.user).count(),
            "background_over": pdf_exports.background_over(),
            "keep_hours": pdf_exports.keep_for().total_seconds() // 3600,
            "breadcrumbs": _breadcrumbs("Your portfolio as a PDF", list_link=False),
        },
    )


@login_required
@require_GET
@never_cache
def prepared_detail(request, prepared):
    prepared = _own(request, prepared)
    record_access(request=request, obj=prepared, owner=prepared.owner)
    return render(
        request,
        "portfolios/prepared_pdf.html",
        {
            "prepared": prepared,
            "refresh_seconds": REFRESH_SECONDS if prepared.in_progress else None,
            "breadcrumbs": _breadcrumbs(str(prepared)),
        },
    )


@login_required
@require_GET
@never_cache
def prepared_download(request, prepared):
    prepared = _own(request, prepared)
    if not prepared.is_ready:
        if prepared.in_progress:
            messages.info(request, "Your PDF is still being prepared.")
        return redirect(prepared)
    try:
        handle = prepared.file.open("rb")
    except FileNotFoundError:
        raise Http404("The prepared PDF is no longer available.") from None
    record_access(
        request=request, obj=prepared, owner=prepared.owner, action=AccessEvent.Action.DOWNLOAD
    )
    filename = f"capable-portfolio-{timezone.localtime(prepared.requested_at):%Y-%m-%d}.pdf"
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
