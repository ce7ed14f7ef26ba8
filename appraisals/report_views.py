"""The annual report for senior leaders and the board: a page to choose the year, and the report
as PDF or CSV. For a Principal Social Worker of the organisation only (404 for anyone else);
MFA as every page with other people's data (accounts.middleware.RequireMFAMiddleware)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import annual_report, rules
from .report_pdf import render_report_pdf


def _organisation(user, slug):
    organisation = rules.psw_organisations(user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def _year(request) -> int:
    """The `?year=` chosen among those offered, else the last complete year."""
    offered = annual_report.years_offered()
    try:
        year = int(request.GET.get("year", offered[0]))
    except ValueError:
        year = offered[0]
    return year if year in offered else offered[0]


@login_required
@require_GET
def report_page(request, slug):
    organisation = _organisation(request.user, slug)
    year = _year(request)
    since, until = annual_report.year_ending(year)
    return render(
        request,
        "appraisals/annual_report.html",
        {
            "organisation": organisation,
            "year": year,
            "since": since,
            "until": until,
            "years": [(y, *annual_report.year_ending(y)) for y in annual_report.years_offered()],
            "cannot_say": annual_report.CANNOT_SAY,
        },
    )


@login_required
@require_GET
@never_cache
def report_download(request, slug, fmt):
    if fmt not in ("pdf", "csv"):
        raise Http404
    organisation = _organisation(request.user, slug)
    year = _year(request)
    report = annual_report.annual_report(organisation, year=year)
    name = f"annual-report-{organisation.slug}-{year}.{fmt}"
    if fmt == "pdf":
        response = HttpResponse(render_report_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(
            annual_report.render_csv(report), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
