"""The public framework pages, through the URLs a reader uses."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import give_mfa
from capabilities.factories import (
    AssociationFactory,
    FrameworkFactory,
    FrameworkVersionFactory,
    ItemFactory,
    build_pcf,
)
from capabilities.models import Association, Item
from capabilities.services import create_draft_version, publish_version

pytestmark = pytest.mark.django_db


def test_framework_home_shows_the_fan_and_levels(client, pcf):
    response = client.get("/framework/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html
    for n in (1, 2, 3):
        assert f'href="/framework/test-pcf/domains/domain-{n}/"' in html
        assert f'href="/framework/test-pcf/levels/level-{n}/"' in html
    assert "/framework/test-pcf/case.json" in html
    assert "/framework/test-pcf/moodle.csv" in html


def test_framework_home_without_a_published_version_is_404(client, db):
    build_pcf(publish=False)
    assert client.get("/framework/").status_code == 404


def test_framework_home_shows_the_newest_published_version(client, pcf):
    draft = create_draft_version(source=pcf, slug="pcf-next", label="Next")
    assert "pcf-next" not in client.get("/framework/").content.decode().split("Other frameworks")[0]
    publish_version(version=draft)
    response = client.get("/framework/")
    assert response.context["version"] == draft


def test_domain_page_shows_statement_and_progression(client, pcf):
    response = client.get("/framework/test-pcf/domains/domain-2/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Domain 2 statement." in html
    assert html.index("Level 1") < html.index("Level 2") < html.index("Level 3")
    for level in (1, 2, 3):
        assert f"Domain 2 at Level {level}, statement 1." in html
    assert "Domain 1 at Level 1" not in html
    assert '<th scope="row"' in html


def test_level_page_lists_every_domain_at_that_level(client, pcf):
    response = client.get("/framework/test-pcf/levels/level-2/")
    assert response.status_code == 200
    html = response.content.decode()
    for domain in (1, 2, 3):
        assert f"Domain {domain} at Level 2, statement 2." in html
    assert "at Level 1," not in html
    assert response.context["previous_level"].slug == "level-1"
    assert response.context["next_level"].slug == "level-3"


def test_compare_shows_two_levels_side_by_side(client, pcf):
    response = client.get("/framework/test-pcf/compare/?from=level-1&to=level-3")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Domain 3 at Level 1, statement 1." in html
    assert "Domain 3 at Level 3, statement 1." in html
    assert "at Level 2," not in html
    rows = response.context["rows"]
    assert [domain.code for domain, _, _ in rows] == ["1", "2", "3"]


def test_compare_without_levels_shows_the_form(client, pcf):
    response = client.get("/framework/test-pcf/compare/")
    assert response.status_code == 200
    assert 'name="from"' in response.content.decode()
    assert response.context["rows"] == []


def test_compare_with_an_unknown_level_explains_and_keeps_the_other(client, pcf):
    response = client.get("/framework/test-pcf/compare/?from=level-1&to=nonsense")
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Choose a level from the list" in html
    assert 'value="level-1" selected' in html


def test_statement_permalink_with_associations(client, pcf):
    pqs = FrameworkVersionFactory(
        framework=FrameworkFactory(slug="pqs-test", title="Standards", kind="pqs"), slug="pqs-v1"
    )
    standard = ItemFactory(version=pqs, code="CFP-1", title="Direct work")
    statement = pcf.items.get(code="1.L2.1")
    AssociationFactory(
        version=pqs,
        origin=standard,
        destination=statement,
        association_type=Association.Type.IS_RELATED_TO,
    )
    AssociationFactory(
        version=pqs,
        origin=standard,
        destination=statement.domain,
        association_type=Association.Type.EXACT_MATCH_OF,
    )
    publish_version(version=pqs)
    draft = create_draft_version(source=pcf, slug="pcf-next", label="Next")
    publish_version(version=draft)

    response = client.get("/framework/test-pcf/statements/1.L2.1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Domain 1 at Level 2, statement 1." in html
    assert 'href="/framework/pqs-v1/statements/CFP-1/"' in html
    assert 'href="/framework/pcf-next/statements/1.L2.1/"' in html
    assert 'href="/framework/test-pcf/domains/domain-1/"' in html
    assert 'href="/framework/test-pcf/levels/level-2/"' in html


def test_standards_version_page_lists_standards_and_crosswalk(client, pcf):
    pqs = FrameworkVersionFactory(
        framework=FrameworkFactory(slug="pqs-test", title="Standards", kind="pqs"), slug="pqs-v1"
    )
    standard = ItemFactory(version=pqs, code="CFP-1", title="Direct work", sort_order=1)
    AssociationFactory(version=pqs, origin=standard, destination=pcf.items.get(code="2"))
    publish_version(version=pqs)
    response = client.get("/framework/pqs-v1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "CFP-1 Direct work" in html
    assert 'href="/framework/test-pcf/domains/domain-2/"' in html
    # A standards framework has no domain or level pages.
    assert client.get("/framework/pqs-v1/levels/level-1/").status_code == 404
    assert client.get("/framework/pqs-v1/statements/CFP-1/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/framework/nope/",
        "/framework/test-pcf/domains/nope/",
        "/framework/test-pcf/levels/nope/",
        "/framework/test-pcf/statements/9.L9.9/",
        "/framework/nope/case.json",
        "/framework/nope/moodle.csv",
        "/framework/test-pcf/compare/nope/",
        "/no-such-page/",
    ],
)
def test_missing_things_get_the_designed_404(client, pcf, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_draft_versions_are_hidden_from_the_public_and_from_editors_without_mfa(
    client, pcf, django_user_model
):
    draft = build_pcf(slug="draft-pcf", framework_slug="pcf", publish=False)
    urls = [
        "/framework/draft-pcf/",
        "/framework/draft-pcf/domains/domain-1/",
        "/framework/draft-pcf/levels/level-1/",
        "/framework/draft-pcf/statements/1.L1.1/",
        "/framework/draft-pcf/compare/?from=level-1&to=level-2",
        "/framework/draft-pcf/case.json",
        "/framework/draft-pcf/moodle.csv",
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    editor = django_user_model.objects.create_user(email="ed@example.org", password="x" * 12)
    editor.user_permissions.add(Permission.objects.get(codename="change_frameworkversion"))
    client.force_login(editor)
    # Permission without MFA sees no draft; the published framework stays open to them.
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.get("/framework/test-pcf/").status_code == 200
    give_mfa(editor)
    for url in urls[:5]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Draft" in response.content.decode()
    assert draft.live is False


def test_pages_that_show_statements_have_a_print_stylesheet(client, pcf):
    for url in ("/framework/test-pcf/domains/domain-1/", "/framework/test-pcf/levels/level-1/"):
        assert 'media="print"' in client.get(url).content.decode()


QUERY_PAGES = [
    "/framework/test-pcf/domains/domain-1/",
    "/framework/test-pcf/levels/level-2/",
    "/framework/test-pcf/compare/?from=level-1&to=level-3",
    "/framework/test-pcf/statements/1.L1.1/",
    "/framework/",
]


@pytest.mark.parametrize("url", QUERY_PAGES)
def test_query_counts_are_pinned(client, pcf, url, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", QUERY_PAGES[:3])
def test_query_counts_do_not_grow_with_the_framework(client, db, url):
    counts = []
    for per_cell, slug in ((1, "test-pcf"), (6, "big-pcf")):
        build_pcf(slug=slug, framework_slug=f"fw-{slug}", domains=3, levels=3, per_cell=per_cell)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url.replace("test-pcf", slug)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_items_of_unpublished_versions_cannot_be_reached_by_code(client, pcf):
    draft = create_draft_version(source=pcf, slug="pcf-next", label="Next")
    item = draft.items.get(code="1.L1.1")
    assert item.kind == Item.Kind.STATEMENT
    assert client.get("/framework/pcf-next/statements/1.L1.1/").status_code == 404
