"""The registers page and the CSV downloads. Only placement leads and awarding bodies' people
may open them (404 for anyone else); each register lists exactly what its reader may see (see
`registers`). Registers are operational lists: nothing is logged per row. A CSV is streamed: it
is read from the database while it is sent (issue 19)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import registers as lists
from . import rules

PAGE_ROWS = 100


def _allowed(request) -> None:
    if not lists.can_read_registers(request.user):
        raise Http404


@login_required
def registers(request):
    _allowed(request)
    today = timezone.localdate()
    counts = lists.counts(request.user, today=today)
    shown = paged = None
    chosen = request.GET.get("register")
    if chosen:
        found = lists.register_page(
            request, chosen, per_page=PAGE_ROWS, count=counts.get(chosen, 0), today=today
        )
        if found is None:
            raise Http404
        shown, paged = found
    return render(
        request,
        "placements/registers.html",
        {
            "registers": [
                {"slug": slug, "title": lists.TITLES[slug], "count": counts[slug]}
                for slug in lists.REGISTERS
            ],
            "shown": shown,
            "paged": paged,
            "threshold": lists.SUPPRESSION_THRESHOLD,
            "educator_register": rules.educator_register_programmes(request.user).exists(),
        },
    )


@login_required
def register_csv(request, register):
    _allowed(request)
    found = lists.register_for(request.user, register, streamed=True)
    if found is None:
        raise Http404
    response = StreamingHttpResponse(
        lists.csv_chunks(found), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    return response
