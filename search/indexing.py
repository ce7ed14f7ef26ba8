"""Personal records in the database search index (modelsearch), and only there.

A model that mixes in `PrivateIndexed` declares `search_fields` (with weights, as `boost`) and a
`FilterField("id")`: the database backend then finds it through SQLite FTS5 or PostgreSQL's
full-text index (modelsearch's index entries, GIN-indexed), searching *within the app's
access-rule queryset* (`pk__in` that queryset), so the rule decides what may be found and the
index decides what matches.

When ELASTICSEARCH_URL is set, Wagtail's default backend is Elasticsearch, whose index has no
notion of readers: personal records are then kept out of it (no indexed objects, no instance)
and go only to the private index of `search.documents`, which every query filters by the
reader's principals.
"""

from django.conf import settings
from wagtail.search import index


def elasticsearch_enabled() -> bool:
    return bool(getattr(settings, "ELASTICSEARCH_URL", None))


class PrivateIndexed(index.Indexed):
    @classmethod
    def get_indexed_objects(cls):
        if elasticsearch_enabled():
            return cls._default_manager.none()
        return super().get_indexed_objects()

    def get_indexed_instance(self):
        if elasticsearch_enabled():
            return None
        return super().get_indexed_instance()
