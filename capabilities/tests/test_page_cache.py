"""The public framework pages and case.json are cached per published version (issue 19):
the second request reads only the version, a client that has the page gets 304, and publishing
anything new drops every cached page."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from accounts.factories import UserFactory
from capabilities.factories import build_pcf, build_standards
from capabilities.models import FrameworkVersion
from capabilities.services import create_draft_version, publish_version

pytestmark = pytest.mark.django_db

PAGES = [
    "/framework/",
    "/framework/test-pcf/",
    "/framework/test-pcf/domains/domain-2/",
    "/framework/test-pcf/levels/level-2/",
    "/framework/test-pcf/compare/?from=level-1&to=level-3",
    "/framework/test-pcf/statements/2.L1.1/",
    "/framework/test-pcf/case.json",
    "/framework/test-pcf/moodle.csv",
]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("url", PAGES)
def test_second_request_reads_only_the_version(client, pcf, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the version lookup (visibility) and nothing else
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second["ETag"] == first["ETag"]
    assert second["Last-Modified"]


@pytest.mark.parametrize("url", PAGES)
def test_a_client_that_has_the_page_gets_304(client, pcf, url):
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_last_modified_is_the_publication(client, pcf):
    pcf.refresh_from_db()
    response = client.get("/framework/test-pcf/case.json")
    published = int(pcf.last_published_at.timestamp())
    assert response["Last-Modified"] >= http_date(published)[:16]  # same day at least
    # An earlier If-Modified-Since than the publication gets the page.
    earlier = client.get(
        "/framework/test-pcf/case.json",
        headers={"If-Modified-Since": http_date(published - 86_400)},
    )
    assert earlier.status_code == 200


def test_publishing_a_new_version_drops_the_cached_pages(client, pcf):
    before = client.get("/framework/test-pcf/").content.decode()
    assert client.get("/framework/").context["version"] == pcf
    draft = create_draft_version(source=pcf, slug="pcf-next", label="Next")
    publish_version(version=draft)
    # The home page is now the new version; the old version's page lists it among the others.
    home = client.get("/framework/")
    assert home.context["version"].slug == "pcf-next"
    after = client.get("/framework/test-pcf/").content.decode()
    assert "/framework/pcf-next/" not in before
    assert "/framework/pcf-next/" in after
    old_etag = client.get("/framework/test-pcf/case.json")["ETag"]
    assert (
        client.get("/framework/test-pcf/case.json", headers={"If-None-Match": old_etag}).status_code
        == 304
    )


def test_a_crosswalk_published_later_reaches_the_cached_domain_page(client, pcf):
    from capabilities.factories import crosswalk

    page = "/framework/test-pcf/domains/domain-1/"
    assert "Standard KSS1" not in client.get(page).content.decode()
    standards = build_standards(framework_slug="kss", codes=["KSS1"], publish=False)
    domain = pcf.items.get(code="1")
    crosswalk(standards, [(standards.items.get(code="KSS1"), "isRelatedTo", domain)])
    publish_version(version=standards)
    assert "Standard KSS1" in client.get(page).content.decode()


def test_drafts_are_never_cached(client, db):
    build_pcf(slug="draft-pcf", publish=False)
    assert client.get("/framework/draft-pcf/").status_code == 404
    assert not [k for k in cache._cache if ":page:" in str(k)]


def test_signed_in_people_get_their_own_header_not_the_cached_page(client, pcf):
    anonymous = client.get("/framework/test-pcf/").content.decode()
    assert "Sign in" in anonymous
    client.force_login(UserFactory())
    signed_in = client.get("/framework/test-pcf/")
    assert "Sign out" in signed_in.content.decode()
    assert signed_in["ETag"]
    # case.json has no header: the cached body serves everyone.
    client.get("/framework/test-pcf/case.json")
    assert client.get("/framework/test-pcf/case.json")["ETag"]


def test_a_waiting_message_is_not_hidden_by_the_cache(client, pcf):
    client.get("/framework/test-pcf/")
    client.cookies["messages"] = "anything"
    response = client.get("/framework/test-pcf/")
    assert response.status_code == 200
    assert response.context is not None  # rendered, not served from the cache


def test_the_cache_survives_losing_its_generation(client, pcf):
    client.get("/framework/test-pcf/")
    cache.delete("capabilities:pages:generation")
    response = client.get("/framework/test-pcf/")
    assert response.context is not None  # rebuilt, never an entry of an evicted generation
    assert FrameworkVersion.objects.filter(live=True).count() == 1


def test_the_case_api_package_is_cached_until_the_framework_changes(
    client, pcf, django_assert_num_queries
):
    url = f"/ims/case/v1p1/CFPackages/{pcf.identifier}"
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(1):  # the version lookup
        second = client.get(url)
    assert second.content == first.content
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    publish_version(version=create_draft_version(source=pcf, slug="pcf-next", label="Next"))
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    assert len(captured) > 1  # rebuilt after the publication
