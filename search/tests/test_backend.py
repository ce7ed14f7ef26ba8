"""The database search backend (search.backend): a write norms only the entries it makes, with
an average title length kept in the cache; `search_title_norms` recomputes the average and
norms what was left at the default. And on PostgreSQL, the index on `title || body` that the
public search's matching uses (migration site_search.0001)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from capabilities.factories import build_pcf
from capabilities.models import Item
from search.backend import TitleNorms

pytestmark = pytest.mark.django_db


def entry_of(obj) -> IndexEntry:
    return IndexEntry.objects.annotate(title_length=Length("title")).get(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)
    )


def index():
    backend = get_search_backend("default")
    return backend.index_class(backend)


@pytest.fixture
def draft(db):
    return build_pcf(slug="draft", publish=False)


@pytest.fixture
def titled(draft):
    """Two statements of a draft framework (which can change), titled at different lengths."""
    first, second = draft.items.filter(kind=Item.Kind.STATEMENT).order_by("pk")[:2]
    first.title = "Values"
    first.save()
    second.title = "Critical reflection and analysis in practice with families"
    second.save()
    cache.clear()
    return first, second


def test_the_default_backend_is_capables_on_either_database():
    backend = get_search_backend("default")
    vendor = {"postgresql": "postgres", "sqlite": "sqlite"}[connection.vendor]
    assert type(backend).__module__ == f"search.backend_{vendor}"
    assert issubclass(backend.index_class, TitleNorms)


def test_a_save_norms_its_own_entry_and_scans_nothing(titled):
    first, second = titled
    average = index().average_title_length()  # now in the cache
    IndexEntry.objects.filter(pk=entry_of(first).pk).update(title_norm=1.0)

    with CaptureQueriesContext(connection) as queries:
        second.title = "Reflection"
        second.save()

    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "AVG(" not in sql  # no scan of the index for the average
    saved = entry_of(second)
    assert saved.title_norm == pytest.approx(average / saved.title_length)
    # modelsearch would have normed every entry left at 1.0; this save leaves them be.
    assert entry_of(first).title_norm == 1.0


def test_the_average_is_computed_once_and_kept(titled):
    first, second = titled
    averaged = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            second.save()
        averaged.append(sum("AVG(" in q["sql"].upper() for q in queries.captured_queries))
    assert averaged == [1, 0]


def test_search_title_norms_norms_what_was_left_at_the_default(titled):
    first, second = titled
    IndexEntry.objects.filter(pk__in=[entry_of(first).pk, entry_of(second).pk]).update(
        title_norm=1.0
    )
    IndexEntry.objects.filter(pk=entry_of(second).pk).update(title_norm=0.5)

    call_command("search_title_norms", stdout=open("/dev/null", "w"))  # noqa: SIM115

    average = index().average_title_length()
    normed = entry_of(first)
    assert normed.title_norm == pytest.approx(average / normed.title_length)
    assert entry_of(second).title_norm == 0.5  # not at the default: left as it was
    call_command("search_title_norms", "--full", stdout=open("/dev/null", "w"))  # noqa: SIM115
    full = entry_of(second)
    assert full.title_norm == pytest.approx(average / full.title_length)


def test_shorter_titles_still_rank_first(titled, draft):
    first, second = titled
    second.title = "Values and ethics of social work practice in every setting"
    second.save()
    found = get_search_backend("default").search("values", Item.objects.filter(version=draft))
    assert [item.pk for item in found][:2] == [first.pk, second.pk]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")
def test_the_public_search_match_can_use_the_title_body_index(pcf):
    from django.contrib.postgres.search import SearchVector

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'capable_search_title_body_gin'"
        )
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "(title || body)" in definition

    statement = pcf.items.filter(kind=Item.Kind.STATEMENT).first()
    IndexEntry.objects.filter(pk=entry_of(statement).pk).update(body=SearchVector(Value("zyxt")))
    found = Item.objects.filter(version=pcf).search("zyxt")
    assert [item.pk for item in found] == [statement.pk]
    sql, params = found.get_queryset().query.sql_with_params()
    table = IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        # As at a region's size: many entries of the searched type, one matching. Kept to
        # bitmap scans (a test's few rows would otherwise be read one by one), the planner
        # finds the match through the index if it serves the expression.
        cursor.execute(
            f"INSERT INTO {table} (content_type_id, object_id, title, autocomplete, body, "  # noqa: S608
            "title_norm, title_text, body_text) SELECT %s, 'filler-' || n, "
            "to_tsvector('filler'), to_tsvector(''), to_tsvector('filler words'), 1.0, '', '' "
            "FROM generate_series(1, 3000) AS n",
            [ContentType.objects.get_for_model(Item).pk],
        )
        cursor.execute(f"ANALYZE {table}")
        for kind in ("seqscan", "indexscan", "nestloop"):
            cursor.execute(f"SET LOCAL enable_{kind} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "capable_search_title_body_gin" in plan, plan
