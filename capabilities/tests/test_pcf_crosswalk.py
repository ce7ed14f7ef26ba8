"""The post-qualifying standards' crosswalk to the PCF: statement to statement, each link with its
rationale, and no statement inheriting a link through its domain (capabilities/data/README.md)."""

import json

import pytest

from capabilities.factories import FrameworkFactory, FrameworkVersionFactory, ItemFactory
from capabilities.interchange import case
from capabilities.models import Association, FrameworkVersion, Item
from capabilities.services import (
    DATA_DIR,
    CrosswalkError,
    create_draft_version,
    load_shipped_file,
    load_shipped_frameworks,
    publish_version,
)

pytestmark = pytest.mark.django_db

PQS_FILES = ("pqs-practitioners.json", "pqs-supervisors.json", "pqs-leaders.json")


def shipped_links() -> dict[tuple[str, str], str]:
    """{(standard code, PCF statement code): rationale} as the data files declare them."""
    links = {}
    for name in PQS_FILES:
        data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        for standard in data["standards"]:
            for link in standard["pcf_statements"]:
                links[(standard["code"], link["code"])] = link["rationale"]
    return links


@pytest.fixture
def shipped(db):
    load_shipped_frameworks()
    return FrameworkVersion.objects.current("pcf")


def crosswalk(pcf):
    return Association.objects.filter(
        association_type=Association.Type.IS_RELATED_TO,
        origin__version__framework__kind="pqs",
        destination__version=pcf,
    ).select_related("origin", "destination__level")


def test_every_link_from_a_standard_lands_on_a_post_qualifying_statement_with_its_reason(shipped):
    links = list(crosswalk(shipped))
    assert {(a.origin.code, a.destination.code): a.notes for a in links} == shipped_links()
    for association in links:
        assert association.destination.kind == Item.Kind.STATEMENT
        assert association.destination.level.stage in ("post-qualifying", "advanced")
        assert association.notes.strip()
    # Nothing from a standard lands on a domain, a level or a group.
    assert not Association.objects.filter(
        origin__version__framework__kind="pqs", destination__kind__in=["domain", "level", "group"]
    ).exists()
    standards = Item.objects.filter(version__framework__kind="pqs", kind="statement")
    assert standards.count() == 24
    assert all(s.outgoing.exists() for s in standards)


def test_a_statement_page_lists_only_its_own_links(client, shipped):
    # 6.SW.5 (chronologies) is linked from CFP-3 and CFP-6; 6.SW.4, in the same domain and
    # level, from nothing. CFP-7 links to other statements of domain 6, not to either.
    linked = client.get("/framework/2018/statements/6.SW.5/").content.decode()
    assert 'href="/framework/pqs-practitioners-2018/statements/CFP-3/"' in linked
    assert 'href="/framework/pqs-practitioners-2018/statements/CFP-6/"' in linked
    assert shipped_links()[("CFP-3", "6.SW.5")].replace("'", "&#x27;") in linked
    assert "/statements/CFP-7/" not in linked

    # A link to the whole domain (as an imported crosswalk might have) is shown on the domain's
    # page, never on its statements' pages.
    other = FrameworkVersionFactory(
        framework=FrameworkFactory(slug="other-standards", title="Other standards", kind="pqs"),
        slug="other-standards-1",
    )
    standard = ItemFactory(version=other, code="OS-1", title="A standard about the domain")
    Association.objects.create(
        version=other,
        association_type=Association.Type.IS_RELATED_TO,
        origin=standard,
        destination=shipped.items.get(code="6"),
        notes="Relates to the domain as a whole.",
    )
    publish_version(version=other)

    unlinked = client.get("/framework/2018/statements/6.SW.4/").content.decode()
    assert "Related standards" not in unlinked
    assert "/framework/pqs-" not in unlinked
    assert "/framework/other-standards-1/" not in unlinked

    domain = client.get("/framework/2018/domains/critical-reflection-and-analysis/")
    html = domain.content.decode()
    assert 'href="/framework/other-standards-1/statements/OS-1/"' in html
    assert "the whole domain" in html
    assert 'href="/framework/pqs-practitioners-2018/statements/CFP-7/"' in html
    assert 'href="/framework/2018/statements/6.SW.1/"' in html


def test_the_standards_page_gives_each_link_and_its_reason(client, shipped):
    html = client.get("/framework/pqs-leaders-2018/").content.decode()
    assert 'href="/framework/2018/statements/6.STRAT.2/"' in html
    assert shipped_links()[("PL-6", "6.STRAT.2")].replace("'", "&#x27;") in html
    assert "/framework/2018/domains/" not in html


def test_the_rationale_travels_in_case_and_into_a_new_draft(shipped):
    pqs = FrameworkVersion.objects.get(slug="pqs-supervisors-2018")
    package = case.export_package(pqs)
    related = [a for a in package["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    assert related
    assert all(a["notes"] for a in related)
    draft = create_draft_version(source=pqs, slug="pqs-supervisors-next", label="Next")
    copied = draft.associations.filter(association_type=Association.Type.IS_RELATED_TO)
    assert sorted(copied.values_list("notes", flat=True)) == sorted(a["notes"] for a in related)


def pqs_file(tmp_path, link: dict):
    data = {
        "framework": {"slug": "pqs-test", "title": "Test standards", "kind": "pqs"},
        "version": {"slug": "pqs-test-1", "label": "1"},
        "standards": [{"code": "T-1", "title": "A standard", "statement": "Does a thing.", **link}],
    }
    path = tmp_path / "pqs-test.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("link", "message"),
    [
        ({"pcf_domains": [6]}, "not whole domains"),
        ({"pcf_statements": [{"code": "6.SW.5", "rationale": " "}]}, "give a rationale"),
        ({"pcf_statements": [{"code": "6.LAST.1", "rationale": "A student level."}]}, "6.LAST.1"),
        ({"pcf_statements": [{"code": "9.SW.9", "rationale": "No such statement."}]}, "9.SW.9"),
    ],
)
def test_the_loader_refuses_a_link_it_cannot_place_on_a_statement(db, tmp_path, link, message):
    load_shipped_file(path=DATA_DIR / "pcf-2018.json")
    with pytest.raises(CrosswalkError, match=message):
        load_shipped_file(path=pqs_file(tmp_path, link))
    assert not FrameworkVersion.objects.filter(slug="pqs-test-1").exists()
