"""The public search. It looks in the sources named by CAPABLE_PUBLIC_SEARCH_SOURCES; each source
returns only what anyone may see, so the view never decides visibility itself.

What a search costs on the database backend (issue 19): one count per tab, then the chosen
tab's page of results; the count is kept with the results (modelsearch caches it), so the
paginator does not count again. On PostgreSQL each count is an index lookup (the GIN index on
`title || body`, migration site_search.0001) that ranks nothing; only the chosen tab's page
ranks that tab's matches."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET

MAX_QUERY_LENGTH = 200
PER_PAGE = 20


@require_GET
def search(request):
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    chosen = request.GET.get("type")
    tabs, results = [], None
    if query:
        for key, label, source in settings.CAPABLE_PUBLIC_SEARCH_SOURCES:
            found = import_string(source)().search(query)
            count = found.count()
            tabs.append({"key": key, "label": label, "count": count, "results": found})
        keys = [t["key"] for t in tabs]
        if chosen not in keys:
            chosen = next((t["key"] for t in tabs if t["count"]), keys[0] if keys else None)
        for tab in tabs:
            tab["selected"] = tab["key"] == chosen
            if tab["selected"]:
                results = Paginator(tab["results"], PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "search/search.html",
        {"query": query, "tabs": tabs, "results": results, "chosen": chosen},
    )
