"""The private Elasticsearch index as the client would send it: mappings, documents and the one
query builder (`to_dict()`), without a cluster; and, where ELASTICSEARCH_URL is set, against a
live one."""

import datetime
import os
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from organisations.models import Membership
from search import documents
from search.documents import PrivateRecord, private_query
from search.principals import principals_of
from search.registry import search_types

from .conftest import WORD

pytestmark = pytest.mark.django_db

RECORDS = ("entry", "flagged", "strangers_entry", "comment", "appraisal", "answer", "record")
RECORDS += ("observation", "placement")
PEOPLE = ("practitioner", "manager", "psw", "reader", "stranger")


def _type_of(obj):
    return next(t for t in search_types() if isinstance(obj, t.model))


def test_the_mapping_has_principals_as_keywords_and_text_with_an_english_analyzer():
    mapping = PrivateRecord._doc_type.mapping.to_dict()["properties"]
    assert mapping["principals"] == {"type": "keyword"}
    assert mapping["kind"] == {"type": "keyword"}
    assert mapping["title"]["type"] == "text"
    assert mapping["title"]["analyzer"] == "capable_english"
    assert mapping["year"] == {"type": "integer"}


def test_a_document_carries_the_records_text_facets_and_principals(world):
    entry = world["entry"]
    doc = PrivateRecord.from_record(_type_of(entry), entry).to_dict(include_meta=True)
    assert doc["_id"] == f"entries-{entry.pk}"
    source = doc["_source"]
    assert source["kind"] == "entries"
    assert WORD in source["title"]
    assert source["year"] == 2026
    assert f"user:{world['practitioner'].pk}" in source["principals"]
    assert f"share:{world['share'].pk}" in source["principals"]


def test_an_entry_waiting_for_review_is_its_owners_alone(world):
    flagged = world["flagged"]
    doc = PrivateRecord.from_record(_type_of(flagged), flagged)
    assert list(doc.principals) == [f"user:{world['practitioner'].pk}"]


@pytest.mark.parametrize("person", PEOPLE)
def test_principals_mirror_each_apps_access_rule(world, person):
    """What the principal filter lets a person find is what their access rule lets them read."""
    user = world[person]
    held = principals_of(user)
    for name in RECORDS:
        obj = world[name]
        search_type = _type_of(obj)
        readable = search_type.readable_by(user).filter(pk=obj.pk).exists()
        matches = bool(held & set(search_type.principals(obj)))
        assert matches == readable, (person, name)


def test_principals_stop_matching_when_a_share_is_revoked_or_a_role_ends(world):
    entry, share = world["entry"], world["share"]
    doc_principals = set(_type_of(entry).principals(entry))
    assert principals_of(world["reader"]) & doc_principals
    share.revoked_at = timezone.now()
    share.save()
    assert not principals_of(world["reader"]) & doc_principals

    record = world["record"]
    record_principals = set(_type_of(record).principals(record))
    assert principals_of(world["manager"]) & record_principals
    Membership.objects.filter(user=world["manager"]).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert not principals_of(world["manager"]) & record_principals


def _principal_filter(body):
    return body["query"]["bool"]["filter"]


@pytest.mark.parametrize("chosen", [{}, {"type": "entries"}, {"year": "2026", "type": "answers"}])
def test_every_private_query_filters_by_the_users_principals(world, chosen):
    user = world["reader"]
    body = private_query(user, WORD, chosen=chosen).to_dict()
    principals = sorted(principals_of(user))
    assert _principal_filter(body) == [{"terms": {"principals": principals}}]
    assert body["query"]["bool"]["must"][0]["multi_match"]["query"] == WORD
    assert body["query"]["bool"]["must"][0]["multi_match"]["operator"] == "and"
    assert body["highlight"]["encoder"] == "html"
    terms = [{"term": {documents.FACET_FIELDS[k]: v}} for k, v in chosen.items()]
    if len(terms) == 1:
        assert body["post_filter"] == terms[0]
    elif terms:
        assert body["post_filter"] == {"bool": {"must": terms}}
    else:
        assert "post_filter" not in body


def test_signed_out_queries_match_nothing_rather_than_everything():
    body = private_query(AnonymousUser(), WORD).to_dict()
    assert _principal_filter(body) == [{"terms": {"principals": ["nobody"]}}]


def test_no_other_code_path_can_query_the_private_index():
    with pytest.raises(TypeError):
        PrivateRecord.search()


def test_only_search_documents_builds_searches_on_the_private_index():
    """No module but search.documents makes an elasticsearch.dsl Search."""
    from pathlib import Path

    import search

    root = Path(search.__file__).resolve().parent.parent
    builders = []
    for path in root.rglob("*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "node_modules" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if "Search(" in text or "PrivateRecord.search" in text:
            builders.append(path.relative_to(root).as_posix())
    assert builders == ["search/documents.py"]


live = pytest.mark.skipif(
    not os.environ.get("ELASTICSEARCH_URL"),
    reason="ELASTICSEARCH_URL is not set: no live Elasticsearch cluster to test against",
)


@pytest.mark.elasticsearch
@live
def test_live_cluster_finds_only_what_principals_allow(world, settings):
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    settings.ELASTICSEARCH_PRIVATE_INDEX = f"capable-test-{uuid.uuid4().hex[:8]}"
    from search import es_backend
    from search.private import search_mine

    es_backend.client.cache_clear()
    es_backend.ensure_index()
    try:
        for search_type in search_types():
            es_backend.index_records(search_type, search_type.indexable_queryset())
        es_backend.client().indices.refresh(index=settings.ELASTICSEARCH_PRIVATE_INDEX)
        for person in PEOPLE:
            user = world[person]
            outcome = search_mine(user, WORD)
            found = {(h.type.key, h.obj.pk) for h in outcome.page.paginator.object_list}
            for key, pk in found:
                search_type = next(t for t in search_types() if t.key == key)
                assert search_type.readable_by(user).filter(pk=pk).exists()
        reader_found = search_mine(world["reader"], WORD).page.paginator.object_list
        assert {h.obj.pk for h in reader_found if h.type.key == "entries"} == {world["entry"].pk}
    finally:
        es_backend.client().indices.delete(index=settings.ELASTICSEARCH_PRIVATE_INDEX)
        es_backend.client.cache_clear()
