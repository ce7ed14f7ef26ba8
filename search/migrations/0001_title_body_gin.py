"""A GIN index on the expression modelsearch's PostgreSQL backend matches every search with:
`title || body @@ query` (PostgresSearchQueryCompiler.search). Its own indexes are on `title`
and `body` apart, which that expression cannot use, so without this index every search
concatenates and matches both vectors of every entry of the searched type (issue 19: 300 to
400 ms for the public search at 5,000 pages and 20 framework versions, seconds when the planner
guessed wrong). With it the planner finds the matching entries in the index and, with the
statistics PostgreSQL keeps on an indexed expression (gathered by the ANALYZE that follows),
estimates how many there are.

PostgreSQL only (SQLite searches its FTS5 table); built CONCURRENTLY, so writes to the index
table carry on while it builds on a live site (hence not atomic).
"""

from django.db import migrations

INDEX = "capable_search_title_body_gin"


def _table(apps, schema_editor):
    model = apps.get_model("wagtailsearch", "IndexEntry")
    return schema_editor.quote_name(model._meta.db_table)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = _table(apps, schema_editor)
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {table} USING gin ((title || body))"
    )
    # The planner's estimates for the expression come from statistics that ANALYZE gathers
    # only once it is indexed: without them it may still choose a per-row plan.
    schema_editor.execute(f"ANALYZE {table}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
