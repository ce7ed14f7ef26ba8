"""Index maintenance after commit (django_tasks, the immediate backend here) and
`manage.py search_reindex` (batches, progress, --resume, counts per type)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from portfolios.factories import EntryFactory
from search import es_backend

pytestmark = pytest.mark.django_db


@pytest.fixture
def es_calls(settings, monkeypatch):
    """Elasticsearch switched on, with the writes recorded instead of sent."""
    settings.ELASTICSEARCH_URL = "http://elasticsearch.invalid:9200"
    calls = []
    monkeypatch.setattr(
        es_backend,
        "index_records",
        lambda search_type, objs: calls.append(("index", search_type.key, {o.pk for o in objs})),
    )
    monkeypatch.setattr(
        es_backend,
        "remove_records",
        lambda kind, pks: calls.append(("remove", kind, {int(pk) for pk in pks})),
    )
    return calls


def test_a_saved_record_is_indexed_after_commit_only(es_calls, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry = EntryFactory()
    assert es_calls == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert ("index", "entries", {entry.pk}) in es_calls


def test_revoking_a_share_reindexes_the_entries_and_comments_it_covered(
    es_calls, world, django_capture_on_commit_callbacks
):
    share = world["share"]
    with django_capture_on_commit_callbacks(execute=True):
        share.revoked_at = timezone.now()
        share.save()
    indexed = {(kind, frozenset(pks)) for op, kind, pks in es_calls if op == "index"}
    entries = {world["entry"].pk, world["flagged"].pk}
    assert ("entries", frozenset(entries)) in indexed
    assert ("comments", frozenset({world["comment"].pk})) in indexed


def test_a_deleted_record_is_removed(es_calls, world, django_capture_on_commit_callbacks):
    record = world["record"]
    pk = record.pk
    with django_capture_on_commit_callbacks(execute=True):
        record.delete()
    assert ("remove", "supervision", {pk}) in es_calls


def test_nothing_is_queued_on_the_database_backend(settings, django_capture_on_commit_callbacks):
    settings.ELASTICSEARCH_URL = None
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        EntryFactory()
    from search.tasks import index_records_task

    assert not any(getattr(c, "__self__", None) is index_records_task for c in callbacks)


def test_reindex_reports_counts_per_type_in_batches(world, tmp_path):
    out = io.StringIO()
    call_command(
        "search_reindex",
        batch_size=1,
        no_progress=True,
        state=str(tmp_path / "state.json"),
        stdout=out,
    )
    lines = dict(line.split(": ") for line in out.getvalue().splitlines() if ": " in line)
    assert lines["entries"] == "3"  # the three live entries
    assert lines["supervision"] == "1"
    assert lines["placements"] == "1"
    assert not (tmp_path / "state.json").exists()  # a finished run leaves nothing to resume


def test_reindex_resumes_after_the_last_batch_done(world, tmp_path):
    from portfolios.models import Entry

    first = Entry.objects.order_by("pk").first()
    state = tmp_path / "state.json"
    state.write_text(json.dumps({"entries": first.pk}))
    out = io.StringIO()
    call_command(
        "search_reindex",
        types=["entries"],
        resume=True,
        no_progress=True,
        state=str(state),
        stdout=out,
    )
    assert "entries: 2" in out.getvalue()


def test_reindexed_records_are_found_on_the_database_backend(world, tmp_path):
    from wagtail.search.models import IndexEntry

    from search.private import search_mine

    IndexEntry.objects.all().delete()
    assert search_mine(world["practitioner"], "zephyrine").total == 0
    call_command(
        "search_reindex", no_progress=True, state=str(tmp_path / "s"), stdout=io.StringIO()
    )
    assert search_mine(world["practitioner"], "zephyrine").total == 7


def test_reindex_refuses_unknown_types(tmp_path):
    with pytest.raises(CommandError, match="Enter types from"):
        call_command("search_reindex", types=["nonsense"], state=str(tmp_path / "s"))
