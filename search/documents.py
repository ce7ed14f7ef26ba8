"""The private Elasticsearch index of personal records (`elasticsearch.dsl`, the official
client's DSL module; the old `elasticsearch-dsl` package is only a shim over it).

One index, one document per record of every registered type (search.registry), each carrying
`principals`: who may read it (search.principals). `private_query` is the one function that
builds a query on this index, and it always filters by the searching user's principals;
`PrivateRecord.search()` refuses, so no other code path can query the index by accident.
"""

from django.conf import settings
from elasticsearch.dsl import Document, Integer, Keyword, Q, Search, Text, analyzer

from .principals import principals_of

english = analyzer("capable_english", tokenizer="standard", filter=["lowercase", "porter_stem"])

# Weights of the two text fields, as on the database backend (title boosted).
TITLE_BOOST = 3
FACET_FIELDS = {
    "type": "kind",
    "year": "year",
    "organisation": "organisation",
    "framework": "framework",
    "domain": "domain",
    "level": "level",
}


def index_name() -> str:
    return settings.ELASTICSEARCH_PRIVATE_INDEX


class PrivateRecord(Document):
    kind = Keyword()
    record_id = Keyword()
    title = Text(analyzer=english)
    body = Text(analyzer=english)
    principals = Keyword()
    year = Integer()
    organisation = Keyword()
    framework = Keyword()
    domain = Keyword()
    level = Keyword()

    class Index:
        name = "capable-private"
        settings = {"number_of_shards": 1, "number_of_replicas": 0}

    @classmethod
    def search(cls, *args, **kwargs):
        raise TypeError("Query the private index only through search.documents.private_query.")

    @classmethod
    def document_id(cls, kind: str, pk) -> str:
        return f"{kind}-{pk}"

    @classmethod
    def from_record(cls, search_type, obj) -> "PrivateRecord":
        facets = search_type.facets(obj)
        years = [int(y) for y in facets.get("year", []) if str(y).isdigit()]
        return cls(
            meta={"id": cls.document_id(search_type.key, obj.pk)},
            kind=search_type.key,
            record_id=str(obj.pk),
            title=search_type.title(obj),
            body=search_type.text(obj),
            principals=sorted(set(search_type.principals(obj))),
            year=years[0] if years else None,
            organisation=facets.get("organisation", []),
            framework=facets.get("framework", []),
            domain=facets.get("domain", []),
            level=facets.get("level", []),
        )


def private_query(user, query: str, *, chosen: dict[str, str] | None = None, size: int = 200):
    """THE query on the private index: `query` in title and body, only among documents whose
    principals meet the user's, narrowed to the facet values `chosen`, with highlights.
    (`search.private` counts facets over the hits it keeps, the same way on both backends.)"""
    principals = sorted(principals_of(user))
    chosen = chosen or {}
    search = Search(index=index_name()).extra(size=size, track_total_hits=True)
    search = search.query(
        Q(
            "bool",
            must=[
                Q(
                    "multi_match",
                    query=query,
                    fields=[f"title^{TITLE_BOOST}", "body"],
                    operator="and",
                )
            ],
            # No principals (signed out): a filter nothing matches, never no filter.
            filter=[Q("terms", principals=principals or ["nobody"])],
        )
    )
    for key, value in chosen.items():
        if key in FACET_FIELDS and value:
            search = search.post_filter("term", **{FACET_FIELDS[key]: value})
    search = search.highlight("body", fragment_size=200, number_of_fragments=1)
    search = search.highlight_options(pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html")
    return search.source(["kind", "record_id"])
