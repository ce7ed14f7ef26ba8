"""Personal records on Elasticsearch: writing documents (search.documents) and reading hits.

Reading: `private_query` filters by the user's principals; the hits are then loaded through each
type's access-rule queryset, so a record whose document is a moment behind the database (a
share revoked before the reindex task ran) is still never shown.
Writing: `index_records` / `remove_records`, called by the tasks of `search.tasks` after commit
and by `manage.py search_reindex`.
"""

from functools import cache

from django.conf import settings
from django.utils.safestring import mark_safe
from elasticsearch.dsl import connections
from elasticsearch.helpers import bulk

from .documents import PrivateRecord, index_name, private_query
from .registry import search_types


@cache
def client():
    return connections.create_connection(hosts=[settings.ELASTICSEARCH_URL])


def ensure_index() -> None:
    if not client().indices.exists(index=index_name()):
        PrivateRecord.init(index=index_name(), using=client())


def index_records(search_type, objs) -> int:
    """Write the documents of `objs` (records of `search_type`); those no longer indexable
    (deleted, say) are removed. Returns how many were written."""
    objs = list(objs)
    keep = set(
        search_type.indexable_queryset()
        .filter(pk__in=[o.pk for o in objs])
        .values_list("pk", flat=True)
    )
    actions = []
    for obj in objs:
        doc_id = PrivateRecord.document_id(search_type.key, obj.pk)
        if obj.pk in keep:
            doc = PrivateRecord.from_record(search_type, obj).to_dict(include_meta=True)
            doc["_index"] = index_name()
            actions.append(doc)
        else:
            actions.append({"_op_type": "delete", "_index": index_name(), "_id": doc_id})
    if actions:
        bulk(client(), actions, raise_on_error=False)
    return len(keep)


def remove_records(kind: str, pks) -> None:
    actions = [
        {"_op_type": "delete", "_index": index_name(), "_id": PrivateRecord.document_id(kind, pk)}
        for pk in pks
    ]
    if actions:
        bulk(client(), actions, raise_on_error=False)


def elasticsearch_hits(user, query: str, *, limit: int) -> list:
    from .private import Hit

    response = private_query(user, query, size=limit).execute()
    wanted: dict[str, list[str]] = {}
    for hit in response:
        wanted.setdefault(hit.kind, []).append(hit.record_id)
    loaded = {}
    for search_type in search_types():
        ids = wanted.get(search_type.key)
        if ids:
            readable = search_type.for_display(search_type.readable_by(user).filter(pk__in=ids))
            loaded.update({(search_type.key, str(obj.pk)): (search_type, obj) for obj in readable})
    hits = []
    for hit in response:
        found = loaded.get((hit.kind, hit.record_id))
        if found is None:
            continue  # the index is a moment behind the access rule: the rule wins
        search_type, obj = found
        fragments = getattr(getattr(hit.meta, "highlight", None), "body", None)
        hits.append(
            Hit(
                search_type,
                obj,
                {"type": [search_type.key], **search_type.facets(obj)},
                # Elasticsearch escaped the text (encoder "html") and added only <mark>.
                snippet=mark_safe(fragments[0]) if fragments else None,
            )
        )
    return hits
