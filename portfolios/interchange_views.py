"""Downloading one's own portfolio (JSON, ZIP with attachments, PDF) and importing one.

Every view works on the signed-in person's own portfolio only; there is no way to name another.
The work is done in `interchange` (and `pdf` for the PDF); these views are thin.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from . import interchange, pdf_exports
from .models import Attachment, Entry
from .rules import entries_owned_by

IMPORT_SUMMARY_KEY = "portfolios:import-summary"


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Portfolio file",
        help_text="The .json or .zip file you downloaded from Capable (or another Capable site).",
        error_messages={
            "required": "Select the .json or .zip file to import",
            "empty": "The selected file is empty",
            "invalid": "Select the .json or .zip file to import",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        upload.seek(0)
        self.is_zip = upload.read(4) == interchange.ZIP_MAGIC
        try:
            self.portfolio_data, self.portfolio_files = interchange.read_upload(upload)
        except interchange.PortfolioImportError as error:
            raise forms.ValidationError(str(error), code="unreadable") from None
        return upload


def _download(body: bytes, content_type: str, extension: str) -> HttpResponse:
    filename = f"capable-portfolio-{timezone.localdate().isoformat()}.{extension}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
def export_page(request):
    entries = entries_owned_by(request.user)
    counts = entries.aggregate(
        total=Count("pk"), drafts=Count("pk", filter=Q(status=Entry.Status.DRAFT))
    )
    attachments = Attachment.objects.filter(entry__in=entries).count()
    return render(
        request,
        "portfolios/export.html",
        {
            "entry_count": counts["total"],
            "draft_count": counts["drafts"],
            "attachment_count": attachments,
            "pdf_in_background": counts["total"] > pdf_exports.background_over(),
            "breadcrumbs": [
                ("Your portfolio", reverse("portfolios:index")),
                ("Download your portfolio", None),
            ],
        },
    )


@login_required
@require_GET
@never_cache
def export_json(request):
    if request.GET.get("attachments") == "1":
        return _download(interchange.export_zip(request.user), "application/zip", "zip")
    data = interchange.export_portfolio(request.user)
    return _download(interchange.dumps(data), "application/json", "json")


@login_required
@require_GET
@never_cache
def export_pdf(request):
    # A large portfolio is prepared by the task worker (issue 19): see pdf_export_views.
    if pdf_exports.needs_background(request.user):
        return redirect("portfolios:prepared-pdfs")
    return _download(pdf_exports.render_owner_pdf(request.user), "application/pdf", "pdf")


@login_required
@require_http_methods(["GET", "POST"])
def import_portfolio(request):
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = interchange.import_portfolio(
                    request.user,
                    data=form.portfolio_data,
                    files=form.portfolio_files if form.is_zip else None,
                )
            except interchange.PortfolioImportError as error:
                form.add_error("file", str(error))
            else:
                # What the summary page shows: counts and notes, and the entries that need
                # review by id (their titles are read again from the portfolio, not the session).
                request.session[IMPORT_SUMMARY_KEY] = {
                    "summary": result.summary(),
                    "warnings": result.warnings(include_review=False),
                    "review": [str(entry.uuid) for entry in result.review_entries],
                }
                return redirect("portfolios:import-done")
            finally:
                if hasattr(form.portfolio_files, "close"):
                    form.portfolio_files.close()
    else:
        form = ImportForm()
    return render(
        request,
        "portfolios/import.html",
        {
            "form": form,
            "max_entries": f"{interchange.max_entries():,}",
            "breadcrumbs": [
                ("Your portfolio", reverse("portfolios:index")),
                ("Download your portfolio", reverse("portfolios:export")),
                ("Import a portfolio", None),
            ],
        },
    )


@login_required
@require_GET
def import_done(request):
    """What the last import did, with a link to each entry that needs review."""
    summary = request.session.get(IMPORT_SUMMARY_KEY)
    if not isinstance(summary, dict):
        return redirect("portfolios:import")
    review = (
        entries_owned_by(request.user)
        .filter(uuid__in=summary.get("review") or [], needs_review=True)
        .order_by(F("occurred_on").asc(nulls_last=True), "title")
    )
    return render(
        request,
        "portfolios/import_done.html",
        {
            "summary": summary.get("summary", ""),
            "warnings": summary.get("warnings") or [],
            "review": review,
            "breadcrumbs": [
                ("Your portfolio", reverse("portfolios:index")),
                ("Import a portfolio", reverse("portfolios:import")),
                ("Import summary", None),
            ],
        },
    )
