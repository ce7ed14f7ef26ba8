"""On PostgreSQL, a type's matches are looked for in modelsearch's index entries of exactly the
records the person may read (search.private: their candidates, the access rule applied to the
matches): the entries named by (content type, object id) through the index entries' unique
index, the pks as one array. modelsearch's own query joins the model to its index entries and
leaves the planner to choose how; PostgreSQL estimates a tsvector match with a default
selectivity (no statistics on `title || body`), takes a word every record holds for a rare one,
and nested-loops thousands of rows against thousands (11 s for a placement lead's 4,000
placements at full size). Here there is no join to misjudge: the cost follows the person's
records, whatever matches in the region.

The match and the rank are modelsearch's (its compiler builds the tsquery and the rank over the
title, with its norm, and the body), so the results are those `backend.search` gives, in the
same order (rank, then the newest first).
"""

from django.db import connections
from django.db.models import BigIntegerField, BooleanField, F
from django.db.models.expressions import CombinedExpression, RawSQL
from django.db.models.functions import Cast


def is_postgres(model) -> bool:
    return connections[model._default_manager.db].vendor == "postgresql"


def searches(model) -> bool:
    """Whether the default search backend is modelsearch's PostgreSQL one, on PostgreSQL."""
    if not is_postgres(model):
        return False
    from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend
    from wagtail.search.backends import get_search_backend

    return isinstance(get_search_backend("default"), PostgresSearchBackend)


def pk_among(model, pks) -> RawSQL:
    """A filter: the pk is one of `pks`, bound as one array (Django binds each of an `__in` list,
    and a person may read tens of thousands of records)."""
    quote = connections[model._default_manager.db].ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    return RawSQL(f"{column} = ANY(%s)", (list(pks),), BooleanField())  # noqa: S611


def index_matches(results, model, pks):
    """The index entries of `model` among `pks` that match the query of `results` (the search
    backend's, of a queryset of `model`), with their rank (`_rank_`): a queryset of IndexEntry."""
    from modelsearch.backends.database.postgres.postgres import IndexEntry
    from modelsearch.utils import get_descendants_content_types_pks

    compiler = results.query_compiler
    config = compiler.get_config(results.backend)
    tsquery = compiler.build_tsquery(compiler.query, config=config)
    entries = IndexEntry._default_manager.filter(
        content_type_id__in=get_descendants_content_types_pks(model)
    )
    if tsquery is None or not pks:
        return entries.none()
    quote = connections[IndexEntry._default_manager.db].ops.quote_name
    column = f"{quote(IndexEntry._meta.db_table)}.{quote('object_id')}"
    # One array parameter, however many pks.
    listed = RawSQL(f"{column} = ANY(%s)", ([str(pk) for pk in pks],), BooleanField())  # noqa: S611
    rank = compiler._build_rank_expression(
        [(F("title"), F("title_norm")), (F("body"), 1.0)], config
    )
    return (
        entries.filter(listed)
        .annotate(_vector_=CombinedExpression(F("title"), "||", F("body")))
        .filter(_vector_=tsquery)
        .annotate(_rank_=rank)
    )


def ranked_pks(results, model, pks) -> list:
    """Every pk of `model` among `pks` matching the query of `results`, best first (the rank,
    then the newest, as modelsearch orders them)."""
    ranked = (
        index_matches(results, model, pks)
        .order_by(F("_rank_").desc(), Cast("object_id", BigIntegerField()).desc())
        .values_list("object_id", flat=True)
    )
    return [model._meta.pk.to_python(object_id) for object_id in ranked]
