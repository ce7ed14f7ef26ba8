"""Signed-in search: everything a person may read, found in one box.

`search_mine` runs the query over every registered type (search.registry), on the database
backend by default and on the private Elasticsearch index when ELASTICSEARCH_URL is set
(search.es_backend), then facets, orders and pages the hits. Either way a record is only ever
found through its app's access rule: the database backend searches *inside* the access-rule
queryset; the Elasticsearch backend filters by principals and then keeps only what the same
queryset returns.

Why modelsearch's database index (SQLite FTS5, PostgreSQL tsvector) searched within the records
the access rule returns: the index decides what matches and ranks it, the rule decides what may
be found, and neither is re-implemented here. Each type's scope (search.registry) gives its
candidates first, for every type in one query, so the cost follows the person's own records,
not the region's, and a type without candidates is not searched at all. On PostgreSQL the
candidates' index entries are matched and ranked directly (search.private_postgres) and the
access rules then run on the matches only (one query): the counts are exact and a rare word
costs little. Elsewhere the rules run on the candidates (`readable_pks`) and modelsearch
searches among what they return. Either way each type shows at most `MAX_PER_TYPE` hits, read
by pk afterwards, so facets and pages cost a bounded amount; a type with more says so ("or
more") and, chosen, is counted.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import zip_longest

from django.core.paginator import Paginator
from django.db.models import IntegerField, QuerySet, Value
from django.utils.safestring import SafeString
from wagtail.search.backends import get_search_backend

from . import private_postgres
from .indexing import elasticsearch_enabled
from .registry import SearchType, get_type, search_types
from .snippets import snippet

MAX_QUERY_LENGTH = 200
MAX_PER_TYPE = 200
# Up to this many readable records of a type are named to the search by pk; beyond it the search
# takes the access rule as a subquery (a long list costs more to send than to compute).
MAX_LISTED_PKS = 5000
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
    # The count is of the best MAX_PER_TYPE of a type only: there are more.
    more: bool = False


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
    # A type had more matches than the MAX_PER_TYPE best searched: the results, and the counts
    # of other facets, are of those best. With that type chosen, `matching` counts them all.
    capped: bool = False
    matching: int | None = None


def _tagged_union(querysets: list[tuple[int, QuerySet]]) -> dict[int, set]:
    """The pks of several querysets (of any models) in one query: {tag: pks}."""
    parts = [
        qs.annotate(search_type=Value(tag, IntegerField())).values_list("search_type", "pk")
        for tag, qs in querysets
    ]
    parts = [part.order_by() for part in parts]
    found = {}
    for tag, pk in parts[0].union(*parts[1:], all=True).order_by():
        found.setdefault(tag, set()).add(pk)
    return found


def _candidates(user, types) -> dict[int, set]:
    """Every type's scope (its rule, for a type without one) in one UNION ALL: {position: pks}."""
    tagged = [
        (position, part)
        for position, search_type in enumerate(types)
        for part in (
            search_type.scope(user) if search_type.scope else [search_type.readable_by(user)]
        )
    ]
    return _tagged_union(tagged) if tagged else {}


def _within_rules(user, types, among: dict[int, set | list]) -> dict[int, set]:
    """Of the pks `among` (of each type, by position), those its access rule lets `user` read:
    one UNION ALL for the types with a scope (the pks of a type without one come from its rule
    already)."""
    found, checks = {}, []
    for position, pks in among.items():
        search_type = types[position]
        if not pks:
            continue
        if search_type.scope is None:
            found[position] = set(pks)
        elif private_postgres.is_postgres(search_type.model):
            rule = search_type.readable_by(user)
            checks.append((position, rule.filter(private_postgres.pk_among(rule.model, pks))))
        elif len(pks) <= MAX_LISTED_PKS:
            checks.append((position, search_type.readable_by(user).filter(pk__in=pks)))
        else:
            checks.append((position, search_type.readable_within_scope(user)))
    return found | (_tagged_union(checks) if checks else {})


def readable_pks(user, types) -> dict[str, set]:
    """For each of `types`, the pks of the records its access rule lets `user` read, in two
    queries whatever the number of types (search.registry's `scope` says why):

    1. the candidates: every type's scope (its rule, for a type without one), as one UNION ALL.
       A scope starts from an index (the person's own rows, their shares, their organisations),
       so this costs what the person's records do, not the region's;
    2. each access rule, among its type's candidates only, for the types that have any: again
       one UNION ALL. A type without candidates is not searched at all, nor its rule built.

    Searching from the text instead would test each rule (an OR over subqueries, which
    PostgreSQL evaluates row by row) against every match in the region."""
    readable = _within_rules(user, types, _candidates(user, types))
    return {t.key: readable.get(position, set()) for position, t in enumerate(types)}


def _search(search_type: SearchType, user, query: str, pks=None):
    """modelsearch's results for `query` among the records of `search_type` its access rule lets
    `user` read (`pks`, when `readable_pks` found them already), selecting the pks alone."""
    model = search_type.model
    if pks is not None and len(pks) <= MAX_LISTED_PKS:
        readable = model._default_manager.filter(pk__in=pks)
    else:
        readable = search_type.readable(user)
    return get_search_backend("default").search(query, readable.only("pk"), operator="and")


def database_hits(search_type: SearchType, user, query: str, pks=None) -> list:
    """The best MAX_PER_TYPE records of `search_type` matching `query` that `user` may read
    (modelsearch's search, on any database). The search finds the pks alone and the records are
    then read by pk with what showing them needs: joined into the search, the related tables
    would multiply whatever the planner misjudges about the text match."""
    results = _search(search_type, user, query, pks)
    return _records(search_type, [obj.pk for obj in results[:MAX_PER_TYPE]])


def database_count(search_type: SearchType, user, query: str, pks=None) -> int:
    """How many records of `search_type` matching `query` `user` may read."""
    return _search(search_type, user, query, pks).count()


@dataclass
class _Found:
    hits: list[Hit]
    # The types with more matches than the hits hold, and (database backend) how to count one.
    capped: set[str] = field(default_factory=set)
    count: Callable[[str], int] | None = None


def _records(search_type: SearchType, pks: list) -> list:
    """The records of `pks`, in that order, with what showing them needs."""
    if not pks:
        return []
    model = search_type.model
    records = search_type.for_display(model._default_manager.filter(pk__in=pks)).in_bulk()
    return [records[pk] for pk in pks if pk in records]


def _interleaved(ranked: list[list[Hit]]) -> list[Hit]:
    """Types interleaved by rank: each type's best first, then each type's second…"""
    return [hit for row in zip_longest(*ranked) for hit in row if hit is not None]


def _postgres_found(user, query: str, types) -> _Found:
    """On PostgreSQL: the candidates (scopes), then each type's matches among them, ranked
    (search.private_postgres), then the access rules among the matches only (one query), so a
    word that matches little costs little whatever the person may read; the counts are exact."""
    among = _candidates(user, types)
    matched = {
        position: private_postgres.ranked_pks(
            # modelsearch's compiled query (its tsquery and rank), run on the index entries.
            get_search_backend("default").search(
                query, types[position].model._default_manager.all(), operator="and"
            ),
            types[position].model,
            pks,
        )
        for position, pks in among.items()
    }
    readable = _within_rules(user, types, matched)
    counts, ranked = {}, []
    for position, pks in matched.items():
        search_type = types[position]
        allowed = readable.get(position, set())
        best = [pk for pk in pks if pk in allowed]
        counts[search_type.key] = len(best)
        hits = [
            Hit(search_type, obj, {"type": [search_type.key], **search_type.facets(obj)})
            for obj in _records(search_type, best[:MAX_PER_TYPE])
        ]
        if hits:
            ranked.append(hits)
    return _Found(
        _interleaved(ranked),
        {key for key, n in counts.items() if n > MAX_PER_TYPE},
        lambda key: counts.get(key, 0),
    )


def _database_found(user, query: str) -> _Found:
    types = search_types()
    if types and private_postgres.searches(types[0].model):
        return _postgres_found(user, query, types)
    readable = readable_pks(user, types)
    ranked = [
        [
            Hit(t, obj, {"type": [t.key], **t.facets(obj)})
            for obj in database_hits(t, user, query, readable[t.key])
        ]
        for t in types
        if readable[t.key]
    ]

    def count(key: str) -> int:
        search_type = get_type(key)
        return database_count(search_type, user, query, readable[key])

    return _Found(
        _interleaved(ranked),
        {row[0].type.key for row in ranked if len(row) >= MAX_PER_TYPE},
        count,
    )


def _found(user, query: str) -> _Found:
    if not query:
        return _Found([])
    if elasticsearch_enabled():
        from .es_backend import elasticsearch_hits

        return _Found(elasticsearch_hits(user, query, limit=MAX_PER_TYPE * len(search_types())))
    return _database_found(user, query)


def _matches(hit: Hit, chosen: dict[str, str], skip: str | None = None) -> bool:
    return all(value in hit.facets.get(key, ()) for key, value in chosen.items() if key != skip)


def _facets(hits: list[Hit], chosen: dict[str, str], capped: set[str]) -> list[Facet]:
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
            FacetValue(
                v,
                labels.get(v, v) if key == "type" else v,
                counts[v],
                chosen.get(key) == v,
                more=key == "type" and v in capped and len(chosen.keys() - {"type"}) == 0,
            )
            for v in ordered
        ]
        facets.append(Facet(key, FACET_LABELS[key], values))
    return facets


def search_mine(user, query: str, *, chosen: dict[str, str] | None = None, page=None) -> Outcome:
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    chosen = {k: v for k, v in (chosen or {}).items() if k in FACETS and v}
    found = _found(user, query)
    shown = [hit for hit in found.hits if _matches(hit, chosen)]
    paginated = Paginator(shown, PER_PAGE).get_page(page)
    for hit in paginated:
        if hit.snippet is None:
            hit.snippet = snippet(hit.type.text(hit.obj), query)
    capped = found.capped if "type" not in chosen else found.capped & {chosen["type"]}
    matching = None
    if capped and chosen.keys() == {"type"} and found.count:
        # Only the chosen type is counted exactly (one query, among what the person reads).
        matching = found.count(chosen["type"])
        if matching <= len(shown):
            capped, matching = set(), None
    return Outcome(
        query,
        paginated,
        _facets(found.hits, chosen, found.capped),
        len(shown),
        chosen,
        capped=bool(capped),
        matching=matching,
    )
