"""A GIN index on what modelsearch's PostgreSQL backend matches every search with: the entries of
the searched types (`content_type_id IN (...)`) whose `title || body` matches the query
(PostgresSearchQueryCompiler.search). Its own indexes are on `title` and `body` apart, which
that expression cannot use, so without this index every search concatenated and matched both
vectors of every entry of the searched type (issue 19: 300 to 400 ms for the public search at
5,000 pages and 20 framework versions, seconds when the planner guessed wrong).

The content type is the index's first column (with the `btree_gin` extension, which PostgreSQL
ships and lets a database's owner create): the public search looks for pages and statements in
an index that also holds 200,000 portfolio entries at the size of a region, and a common word
("supervision") matches 66,000 entries, most of them personal; with the content type in the
index the scan reads only the searched types' matches. Where the extension cannot be created
(a role without the right), the index is on the expression alone: still used, a little slower.

The ANALYZE that follows gives the planner statistics on the indexed expression, so it can
estimate how many entries a word matches. PostgreSQL only (SQLite searches its FTS5 table);
built CONCURRENTLY, so writes to the index table carry on while it builds on a live site (hence
the migration is not atomic).
"""

from django.db import DatabaseError, migrations

INDEX = "capable_search_title_body_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("wagtailsearch", "IndexEntry")._meta.db_table)
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        columns = "content_type_id, (title || body)"
    except DatabaseError:
        columns = "(title || body)"
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON {table} USING gin ({columns})"
    )
    schema_editor.execute(f"ANALYZE {table}")


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: something else may have come to use it.
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
