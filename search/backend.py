"""Capable's database search backend (`WAGTAILSEARCH_BACKENDS`): modelsearch's own, for
PostgreSQL and SQLite FTS5 alike, except for how an index entry gets its title norm.

The title norm (`IndexEntry.title_norm`) multiplies the rank of a title match by the average
title length over this title's length, so that short, specific titles rank first. modelsearch
sets it after *every* write (`_refresh_title_norms`): it averages the title length over the
whole index table, then updates every entry still at the default norm of 1.0, two scans of the
table for each saved page, statement or portfolio entry (a 200,000-entry index at the size of
a region; publishing a framework version of 375 statements took 100 s on 36,000 entries).

Here a write norms only the entries it wrote (found by the unique (content type, object id)
index), with the average title length kept in the cache for `TITLE_LENGTH_AVERAGE_SECONDS`
(default an hour): the average is computed at most once an interval, whoever writes. An
average over thousands of entries hardly moves in an hour, and nothing else needs scheduling.
Full rebuilds (`update_index`) and `manage.py search_title_norms` recompute it and every entry's
norm (`refresh_title_norms`), for after a bulk load or an upgrade from the per-save refresh.

Searching is modelsearch's, unchanged; on PostgreSQL the migration
`site_search.0001_title_body_gin` gives its `title || body` match an index.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import connection
from django.db.models import Avg, F
from django.db.models.functions import Length
from django.utils.encoding import force_str
from modelsearch.backends.database import SearchBackend as modelsearch_backend
from modelsearch.utils import get_content_type_pk

DEFAULT_AVERAGE_SECONDS = 60 * 60
NORM_BATCH = 500  # object ids per UPDATE (SQLite bounds a statement's parameters)


class TitleNorms:
    """Mixed into modelsearch's index classes (PostgreSQL and SQLite): `self.entries` is the
    index table's queryset, `self.backend` the backend with its settings."""

    def _average_key(self) -> str:
        # The database's name too: two sites (staging beside production) may share a cache.
        database = self.write_connection.settings_dict["NAME"]
        return f"search:title-length-average:{self.write_connection.alias}:{database}"

    def average_title_length(self, *, fresh: bool = False) -> float | None:
        """The mean length of the entries' titles (lexemes on PostgreSQL, characters on
        SQLite), from the cache unless `fresh` or missing; None while no entry has a title."""
        key = self._average_key()
        average = None if fresh else cache.get(key)
        if average is None:
            average = (
                self.entries.annotate(title_length=Length("title"))
                .filter(title_length__gt=0)
                .aggregate(average=Avg("title_length"))["average"]
            )
            if average is not None:
                cache.set(key, average, self.backend.title_length_average_seconds)
        return average

    def norm_entries(self, entries, *, fresh: bool = False) -> int:
        """Set the title norm of `entries` (a queryset of index entries); return how many."""
        average = self.average_title_length(fresh=fresh)
        if average is None:
            return 0
        return (
            entries.annotate(title_length=Length("title"))
            .filter(title_length__gt=0)
            .update(title_norm=average / F("title_length"))
        )

    def add_items(self, model, objs):
        objs = list(objs)
        super().add_items(model, objs)
        if objs and model.get_search_fields():
            content_type = get_content_type_pk(model)
            ids = [force_str(obj.pk) for obj in objs]
            for start in range(0, len(ids), NORM_BATCH):
                written = self.entries.filter(
                    content_type_id=content_type, object_id__in=ids[start : start + NORM_BATCH]
                )
                self.norm_entries(written)

    def _refresh_title_norms(self, full=False):
        # modelsearch calls this after every write (full=False): the entries written are normed
        # in add_items instead. Its rebuilders call it with full=True at the end of a rebuild.
        if full:
            self.refresh_title_norms(full=True)

    def refresh_title_norms(self, *, full: bool = False) -> int:
        """Recompute the average, then norm every entry (`full`) or those still at the default
        norm (left by a writer that did not norm them); return how many were updated."""
        entries = self.entries if full else self.entries.filter(title_norm=1.0)
        return self.norm_entries(entries, fresh=True)


class TitleNormSettings:
    """Mixed into the backends: reads `TITLE_LENGTH_AVERAGE_SECONDS` from their settings."""

    def __init__(self, params):
        super().__init__(params)
        self.title_length_average_seconds = int(
            params.get("TITLE_LENGTH_AVERAGE_SECONDS", DEFAULT_AVERAGE_SECONDS)
        )


def SearchBackend(params):
    """The backend modelsearch would choose for the default database, with Capable's title
    norms where that is its PostgreSQL or SQLite FTS5 backend (its plain fallback, for a SQLite
    without FTS5, keeps no index and so no norms). A vendor's module is imported only on that
    vendor: each reads models that only that vendor's migrations create."""
    chosen = modelsearch_backend(params)
    if connection.vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend

        from .backend_postgres import SearchBackend as ours

        theirs = PostgresSearchBackend
    elif connection.vendor == "sqlite":
        from modelsearch.backends.database.sqlite.sqlite import SQLiteSearchBackend

        from .backend_sqlite import SearchBackend as ours

        theirs = SQLiteSearchBackend
    else:
        return chosen
    return ours(params) if type(chosen) is theirs else chosen


def refresh_title_norms(*, full: bool = False) -> int | None:
    """Refresh the database index's title norms (see `TitleNorms.refresh_title_norms`); None
    when the default backend is not this one (Elasticsearch, or the plain fallback)."""
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend("default")
    if not issubclass(backend.index_class, TitleNorms):
        return None
    return backend.index_class(backend).refresh_title_norms(full=full)
