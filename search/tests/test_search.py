import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities.factories import build_pcf
from capabilities.services import create_draft_version
from cms.site_content import ensure_site_pages

pytestmark = pytest.mark.django_db


def test_empty_search_shows_the_form(client):
    response = client.get("/search/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="govuk-label govuk-label--s" for="search-q">' in html
    assert "result" not in html.lower().split("</form>")[1]


def test_finds_statements_by_words(client, pcf):
    response = client.get("/search/", {"q": "Domain 2 statement"})
    assert response.status_code == 200
    results = list(response.context["results"])
    assert results
    assert any(r.code == "2" for r in results)
    assert 'href="/framework/test-pcf/domains/domain-2/"' in response.content.decode()


def test_finds_statements_by_code(client, pcf):
    response = client.get("/search/", {"q": "3.L2.1"})
    codes = [r.code for r in response.context["results"]]
    assert "3.L2.1" in codes


def test_draft_content_is_never_found(client, pcf):
    draft = create_draft_version(source=pcf, slug="draft-next", label="Next")
    statement = draft.items.get(code="1.L1.1")
    statement.full_statement = "Zanzibar quokka practice"
    statement.save()
    response = client.get("/search/", {"q": "quokka"})
    assert response.context["results"] is None or not list(response.context["results"])
    assert "No results" in response.content.decode()


def test_finds_pages_and_offers_a_tab_per_source(client, pcf):
    ensure_site_pages()
    response = client.get("/search/", {"q": "holistic", "type": "pages"})
    assert response.status_code == 200
    tabs = {t["key"]: t for t in response.context["tabs"]}
    assert set(tabs) == {"statements", "pages"}
    titles = [p.title for p in response.context["results"]]
    assert "How to read the framework" in titles


def test_sources_come_from_settings(client, pcf, settings):
    settings.CAPABLE_PUBLIC_SEARCH_SOURCES = [
        ("pages", "Pages only", "cms.search.public_pages"),
    ]
    response = client.get("/search/", {"q": "Domain"})
    assert [t["key"] for t in response.context["tabs"]] == ["pages"]


def test_results_are_paginated_with_a_bounded_number_of_queries(
    client, db, django_assert_max_num_queries
):
    build_pcf(domains=3, levels=3, per_cell=5)
    with django_assert_max_num_queries(12):
        response = client.get("/search/", {"q": "statement", "type": "statements"})
    assert response.status_code == 200
    assert len(response.context["results"].object_list) == 20
    assert response.context["results"].has_next()
    assert client.get("/search/", {"q": "statement", "page": 2}).status_code == 200


def test_a_very_long_query_is_cut_not_refused(client, pcf):
    response = client.get("/search/", {"q": "domain " * 200})
    assert response.status_code == 200
    assert len(response.context["query"]) <= 200


def test_each_tab_is_counted_once_and_says_whether_it_has_results(client, pcf):
    """A count per tab (the chosen tab's paginator reuses its count), then one page of the
    chosen tab's results: a tab with nothing shows (0)."""
    ensure_site_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "Domain 2 statement"})
    counts = [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == len(response.context["tabs"]) == 2
    tabs = {t["key"]: t for t in response.context["tabs"]}
    assert tabs["statements"]["selected"] and tabs["statements"]["count"] > 0
    assert tabs["pages"]["count"] == 0
    html = response.content.decode()
    assert f"Framework ({tabs['statements']['count']})</strong>" in html
    assert "Guidance and pages (0)</a>" in html
