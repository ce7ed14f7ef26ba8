"""/search/mine/: everything the signed-in person may read (search.private decides what)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from accounts.mfa import has_mfa, requires_mfa

from .private import FACETS, search_mine


def _href(params: dict[str, str], **changes) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v}
    return "?" + urlencode(merged)


@require_GET
@login_required
def search_mine_page(request):
    # /search/ is exempt from the MFA middleware (public search); this page shows other people's
    # records, so it asks for MFA itself, as the middleware would.
    if not has_mfa(request.user) and requires_mfa(request.user):
        url = reverse("accounts:mfa_required")
        return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
    chosen = {key: request.GET.get(key, "") for key in FACETS}
    outcome = search_mine(
        request.user, request.GET.get("q", ""), chosen=chosen, page=request.GET.get("page")
    )
    # Links keep the query and the facets chosen; a facet link sets (or clears) only its own.
    params = {"q": outcome.query, **outcome.chosen}
    for facet in outcome.facets:
        for value in facet.values:
            value.href = _href(params, **{facet.key: "" if value.selected else value.value})
        facet.clear_href = _href(params, **{facet.key: ""}) if facet.key in outcome.chosen else ""
    page = outcome.page
    return render(
        request,
        "search/mine.html",
        {
            "outcome": outcome,
            "query": outcome.query,
            "previous_href": _href(params, page=page.previous_page_number())
            if page.has_previous()
            else "",
            "next_href": _href(params, page=page.next_page_number()) if page.has_next() else "",
        },
    )
