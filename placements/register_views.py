"""The registers page and the CSV downloads. Only placement leads and awarding bodies' people
may open them (404 for anyone else); each register lists exactly what its reader may see (see
`registers`). Registers are operational lists: nothing is logged per row."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import registers as lists
from . import rules

PAGE_ROWS = 200


def _allowed(request) -> None:
    if not lists.can_read_registers(request.user):
        raise Http404


@login_required
def registers(request):
    _allowed(request)
    today = timezone.localdate()
    counts = lists.counts(request.user, today=today)
    shown = None
    chosen = request.GET.get("register")
    if chosen:
        shown = lists.register_for(request.user, chosen, today=today)
        if shown is None:
            raise Http404
    return render(
        request,
        "placements/registers.html",
        {
            "registers": [
                {"slug": slug, "title": lists.TITLES[slug], "count": counts[slug]}
                for slug in lists.REGISTERS
            ],
            "shown": shown,
            "shown_rows": shown.rows[:PAGE_ROWS] if shown else [],
            "page_rows": PAGE_ROWS,
            "threshold": lists.SUPPRESSION_THRESHOLD,
            "educator_register": rules.educator_register_programmes(request.user).exists(),
        },
    )


@login_required
def register_csv(request, register):
    _allowed(request)
    found = lists.register_for(request.user, register)
    if found is None:
        raise Http404
    response = HttpResponse(lists.as_csv(found), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
