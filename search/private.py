"""Signed-in search: everything a person may read, found in one box.

`search_mine` runs the query over every registered type (search.registry), on the database
backend by default and on the private Elasticsearch index when ELASTICSEARCH_URL is set
(search.es_backend), then facets, orders and pages the hits. Either way a record is only ever
found through its app's access rule: the database backend searches *inside* the access-rule
queryset; the Elasticsearch backend filters by principals and then keeps only what the same
queryset returns.

Why modelsearch's database index (SQLite FTS5, PostgreSQL tsvector with its GIN index) searched
within `Model.objects.filter(pk__in=<access rule>)`: the index decides what matches and ranks
it, the rule decides what may be found, and neither is re-implemented here. Each type returns
at most `MAX_PER_TYPE` ranked hits, so facets and pages cost a bounded amount whatever the size
of the region.
"""

from collections import Counter
from dataclasses import dataclass, field
from itertools import zip_longest

from django.core.paginator import Paginator
from django.utils.safestring import SafeString
from wagtail.search.backends import get_search_backend

from .indexing import elasticsearch_enabled
from .registry import SearchType, search_types
from .snippets import snippet

MAX_QUERY_LENGTH = 200
MAX_PER_TYPE = 200
PER_PAGE = 20
# Facets in the order shown; "type" is always offered, "organisation" only when the hits span
# more than one.
FACETS = ("type", "year", "organisation", "framework", "domain", "level")
FACET_LABELS = {
    "type": "Type",
    "year": "Year",
    "organisation": "Organisation",
    "framework": "Framework",
    "domain": "Domain",
    "level": "Level",
}


@dataclass
class Hit:
    type: SearchType
    obj: object
    facets: dict[str, list[str]]
    # Elasticsearch's highlight when it gave one; otherwise cut from the text when shown.
    snippet: SafeString | None = None

    @property
    def title(self) -> str:
        return self.type.title(self.obj)

    @property
    def url(self) -> str:
        return self.type.url(self.obj)


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    key: str
    label: str
    values: list[FacetValue] = field(default_factory=list)


@dataclass
class Outcome:
    query: str
    page: object  # a Paginator page of Hit
    facets: list[Facet]
    total: int
    chosen: dict[str, str]


def database_hits(search_type: SearchType, user, query: str) -> list:
    """The records of `search_type` that match `query`, best first, found only among those the
    type's access rule lets `user` read."""
    readable = search_type.model._default_manager.filter(
        pk__in=search_type.readable_by(user).values("pk")
    )
    backend = get_search_backend("default")
    results = backend.search(query, search_type.for_display(readable), operator="and")
    return list(results[:MAX_PER_TYPE])


def _hits(user, query: str) -> list[Hit]:
    if elasticsearch_enabled():
        from .es_backend import elasticsearch_hits

        return elasticsearch_hits(user, query, limit=MAX_PER_TYPE * len(search_types()))
    ranked = [
        [Hit(t, obj, {"type": [t.key], **t.facets(obj)}) for obj in database_hits(t, user, query)]
        for t in search_types()
    ]
    # Types interleaved by rank: each type's best first, then each type's second…
    return [hit for row in zip_longest(*ranked) for hit in row if hit is not None]


def _matches(hit: Hit, chosen: dict[str, str], skip: str | None = None) -> bool:
    return all(value in hit.facets.get(key, ()) for key, value in chosen.items() if key != skip)


def _facets(hits: list[Hit], chosen: dict[str, str]) -> list[Facet]:
    labels = {t.key: t.label for t in search_types()}
    facets = []
    for key in FACETS:
        counts = Counter(
            value
            for hit in hits
            if _matches(hit, chosen, skip=key)
            for value in hit.facets.get(key, ())
        )
        if not counts or (key == "organisation" and len(counts) < 2 and key not in chosen):
            continue
        if key == "type":
            ordered = [k for k in labels if k in counts]
        elif key == "year":
            ordered = sorted(counts, reverse=True)
        else:
            ordered = sorted(counts)
        values = [
            FacetValue(v, labels.get(v, v) if key == "type" else v, counts[v], chosen.get(key) == v)
            for v in ordered
        ]
        facets.append(Facet(key, FACET_LABELS[key], values))
    return facets


def search_mine(user, query: str, *, chosen: dict[str, str] | None = None, page=None) -> Outcome:
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    chosen = {k: v for k, v in (chosen or {}).items() if k in FACETS and v}
    hits = _hits(user, query) if query else []
    shown = [hit for hit in hits if _matches(hit, chosen)]
    paginated = Paginator(shown, PER_PAGE).get_page(page)
    for hit in paginated:
        if hit.snippet is None:
            hit.snippet = snippet(hit.type.text(hit.obj), query)
    return Outcome(query, paginated, _facets(hits, chosen), len(shown), chosen)
