"""CASE 1.1 export and import: schema, stable identifiers, round trip and bad files."""

import copy
import json
import uuid

import pytest

from capabilities.factories import (
    AssociationFactory,
    FrameworkFactory,
    FrameworkVersionFactory,
    ItemFactory,
)
from capabilities.interchange import case
from capabilities.interchange.errors import InterchangeError
from capabilities.models import Association, Framework, FrameworkVersion, Item
from capabilities.services import (
    create_draft_version,
    derived_identifier,
    load_shipped_frameworks,
    publish_version,
)
from capabilities.tests.case_schema import schema_errors

pytestmark = pytest.mark.django_db


def add_pqs(pcf, *, slug="test-pqs", publish=True) -> FrameworkVersion:
    """A small post-qualifying standards framework whose standards are crosswalked to the PCF."""
    framework = FrameworkFactory(
        slug="pqs-test",
        title="Post-qualifying standards: testers",
        kind=Framework.Kind.PQS,
        description="Standards for people who test.",
    )
    version = FrameworkVersionFactory(
        framework=framework, slug=slug, label="2018", description="The 2018 standards."
    )
    domains = {d.code: d for d in pcf.items.domains()}
    for n in (1, 2, 3):
        standard = ItemFactory(
            version=version,
            kind=Item.Kind.STATEMENT,
            code=f"T-{n}",
            title=f"Standard {n}",
            full_statement=f'Standard {n}, in full; with a comma, and a "quote".',
            sort_order=n,
        )
        for seq, number in enumerate({1: ["1", "2"], 2: ["2"], 3: ["3", "1"]}[n], start=1):
            AssociationFactory(
                version=version,
                association_type=Association.Type.IS_RELATED_TO,
                origin=standard,
                destination=domains[number],
                sequence_number=seq,
            )
    if publish:
        publish_version(version=version)
    return version


def wipe() -> None:
    """Delete everything in the capabilities models (published versions need unpublishing)."""
    Association.objects.all().delete()
    Item.objects.statements().delete()
    Item.objects.domains().delete()
    Item.objects.all().delete()
    FrameworkVersion.objects.update(live=False, live_revision=None)
    FrameworkVersion.objects.all().delete()
    Framework.objects.all().delete()


def counts() -> tuple[int, int, int, int]:
    return (
        Framework.objects.count(),
        FrameworkVersion.objects.count(),
        Item.objects.count(),
        Association.objects.count(),
    )


def export_text(version) -> str:
    return case.dumps(case.export_package(version))


def test_export_validates_against_the_official_schema(pcf):
    pqs = add_pqs(pcf)
    draft = create_draft_version(source=pcf, slug="test-pcf-draft", label="draft")
    for version in (pcf, pqs, draft):
        package = case.export_package(version)
        assert schema_errors(package) == []
        assert "CFPackageURI" not in package["CFDocument"]
        assert all("CFDocumentURI" not in item for item in package["CFItems"])
        assert all("CFDocumentURI" not in a for a in package["CFAssociations"])


def test_the_schema_check_catches_what_the_old_export_added(pcf):
    package = case.export_package(pcf)
    package["CFDocument"]["CFPackageURI"] = case.document_link(pcf)
    package["CFItems"][0]["CFDocumentURI"] = case.document_link(pcf)
    package["CFItems"][1]["lastChangeDateTime"] = "yesterday"
    assert len(schema_errors(package)) == 3


def test_export_shape(pcf):
    package = case.export_package(pcf)
    document = package["CFDocument"]
    assert document["identifier"] == str(pcf.identifier)
    assert document["uri"] == f"http://testserver/ims/case/v1p1/CFDocuments/{pcf.identifier}"
    assert "CFPackageURI" not in document
    assert document["adoptionStatus"] == "Adopted"
    assert document["creator"] == "Capable tests"
    assert document["lastChangeDateTime"].endswith("+00:00")
    assert document["extensions"]["versionSlug"] == "test-pcf"
    types = {item["CFItemType"] for item in package["CFItems"]}
    assert types == {"Domain group", "Domain", "Level", "Capability statement"}
    assert len(package["CFItems"]) == pcf.items.count()
    level = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "L2")
    assert level["extensions"] == {"slug": "level-2", "stage": "qualifying"}
    assert level["listEnumeration"] == "2"
    assert level["abbreviatedStatement"] == "Level 2"
    statement = pcf.items.get(code="2.L3.1")
    by_type = {}
    for association in package["CFAssociations"]:
        if association["originNodeURI"]["identifier"] == str(statement.identifier):
            by_type[association["associationType"]] = association
    assert by_type["isChildOf"]["destinationNodeURI"]["identifier"] == str(
        statement.domain.identifier
    )
    assert by_type["isPartOf"]["destinationNodeURI"]["identifier"] == str(
        statement.level.identifier
    )
    assert by_type["isPartOf"]["identifier"] == str(
        derived_identifier(
            "association", str(statement.identifier), "isPartOf", str(statement.level.identifier)
        )
    )
    assert by_type["isPartOf"]["sequenceNumber"] == statement.sort_order
    precedes = [a for a in package["CFAssociations"] if a["associationType"] == "precedes"]
    assert [(a["originNodeURI"]["title"], a["destinationNodeURI"]["title"]) for a in precedes] == [
        ("Level 1", "Level 2"),
        ("Level 2", "Level 3"),
    ]
    top = [
        a["originNodeURI"]["title"]
        for a in package["CFAssociations"]
        if a["destinationNodeURI"]["identifier"] == str(pcf.identifier)
    ]
    assert sorted(top) == sorted(["Purpose", "Practice", "Impact", "Level 1", "Level 2", "Level 3"])


def test_pqs_statements_are_standards_and_carry_the_crosswalk(pcf):
    pqs = add_pqs(pcf)
    package = case.export_package(pqs)
    assert {i["CFItemType"] for i in package["CFItems"]} == {"Standard"}
    related = [a for a in package["CFAssociations"] if a["associationType"] == "isRelatedTo"]
    assert len(related) == 5
    stored = {str(a.identifier) for a in pqs.associations.all()}
    assert {a["identifier"] for a in related} == stored
    assert package["CFDefinitions"]["CFItemTypes"][0]["title"] == "Standard"


def test_identifiers_are_uuids_and_stable(pcf):
    add_pqs(pcf)
    first = case.export_package(pcf)
    second = case.export_package(pcf)
    assert first == second
    identifiers = [first["CFDocument"]["identifier"]]
    identifiers += [i["identifier"] for i in first["CFItems"]]
    identifiers += [a["identifier"] for a in first["CFAssociations"]]
    for identifier in identifiers:
        assert str(uuid.UUID(identifier)) == identifier
    assert len(set(identifiers)) == len(identifiers)


def test_round_trip_is_byte_identical_and_keeps_the_crosswalk(pcf):
    pqs = add_pqs(pcf)
    draft = create_draft_version(source=pcf, slug="pcf-next", label="Next")
    texts = {v.slug: export_text(v) for v in (pcf, pqs, draft)}
    crosswalk = set(
        Association.objects.filter(version=pqs).values_list(
            "identifier", "origin__identifier", "destination__identifier"
        )
    )
    wipe()
    assert counts() == (0, 0, 0, 0)
    for slug in ("test-pcf", "test-pqs", "pcf-next"):
        case.import_package(json.loads(texts[slug]))
    for slug, text in texts.items():
        assert export_text(FrameworkVersion.objects.get(slug=slug)) == text
    imported = FrameworkVersion.objects.get(slug="test-pqs")
    assert imported.live
    assert imported.framework.kind == Framework.Kind.PQS
    assert imported.framework.description == "Standards for people who test."
    assert (
        set(
            Association.objects.filter(version=imported).values_list(
                "identifier", "origin__identifier", "destination__identifier"
            )
        )
        == crosswalk
    )
    next_version = FrameworkVersion.objects.get(slug="pcf-next")
    assert not next_version.live
    assert next_version.predecessor.slug == "test-pcf"
    assert next_version.associations.filter(association_type="exactMatchOf").count() == 27


def test_import_restores_structure(pcf):
    text = export_text(pcf)
    wipe()
    version = case.import_package(json.loads(text))
    assert version.live
    assert version.first_published_at == version.last_changed
    statement = version.items.get(code="2.L3.1")
    assert statement.domain.code == "2"
    assert statement.level.code == "L3"
    assert statement.domain.group.code == "PRACTICE"
    assert [lv.code for lv in version.items.levels().order_by("sort_order")] == ["L1", "L2", "L3"]
    assert version.associations.count() == 0


def test_import_of_a_draft_stays_draft_unless_asked(pcf):
    package = case.export_package(pcf)
    wipe()
    package["CFDocument"]["adoptionStatus"] = "Draft"
    version = case.import_package(copy.deepcopy(package))
    assert not version.live
    wipe()
    version = case.import_package(package, publish=True)
    assert version.live


def test_import_without_extensions_asks_for_the_framework_type(pcf):
    package = case.export_package(pcf)
    wipe()
    del package["CFDocument"]["extensions"]
    for item in package["CFItems"]:
        item.pop("extensions", None)
    package["CFItems"][0]["CFItemType"] = "Something else"
    with pytest.raises(InterchangeError, match="Choose the framework type"):
        case.import_package(copy.deepcopy(package))
    assert counts() == (0, 0, 0, 0)
    version = case.import_package(package, kind=Framework.Kind.PQS)
    assert version.framework.kind == Framework.Kind.PQS
    assert version.slug == "professional-capabilities-framework-test-pcf"
    assert version.framework.slug == "professional-capabilities-framework"
    assert version.items.get(code="PURPOSE").kind == Item.Kind.STATEMENT


def _mutations():
    def item(package, n=3):
        return package["CFItems"][n]

    def related(package):
        return next(a for a in package["CFAssociations"] if a["associationType"] == "isPartOf")

    return [
        ("not-an-object", lambda p: ["not", "a", "package"], "not a CASE package"),
        ("no-document", lambda p: p.pop("CFDocument"), "The package: CFDocument is missing"),
        (
            "no-full-statement",
            lambda p: item(p).pop("fullStatement"),
            "CFItems[3] (identifier {item3}): fullStatement is missing",
        ),
        (
            "date-without-zone",
            lambda p: item(p).update(lastChangeDateTime="2018-09-01T00:00:00"),
            "CFItems[3] (identifier {item3}): lastChangeDateTime '2018-09-01T00:00:00' is not a "
            "valid date-time",
        ),
        (
            "impossible-date",
            lambda p: item(p).update(lastChangeDateTime="2018-13-45T00:00:00Z"),
            "CFItems[3] (identifier {item3}): lastChangeDateTime '2018-13-45T00:00:00Z' is not a "
            "valid date",
        ),
        (
            "bad-document-date",
            lambda p: p["CFDocument"].update(lastChangeDateTime="yesterday"),
            "CFDocument: lastChangeDateTime 'yesterday' is not a valid date-time",
        ),
        (
            "identifier-not-uuid",
            lambda p: item(p).update(identifier="item-3"),
            "CFItems[3] (identifier item-3): identifier 'item-3' is not a valid uuid",
        ),
        (
            "link-without-uri",
            lambda p: item(p)["CFItemTypeURI"].pop("uri"),
            "CFItems[3] (identifier {item3}): CFItemTypeURI.uri is missing",
        ),
        (
            "duplicate-identifier",
            lambda p: item(p, 4).update(identifier=item(p)["identifier"]),
            "CFItems[4] (identifier {item3}): identifier is used twice",
        ),
        (
            "unknown-association-type",
            lambda p: related(p).update(associationType="isCousinOf"),
            "associationType 'isCousinOf' is not a CASE 1.1 association type",
        ),
        (
            "field-case-does-not-define",
            lambda p: item(p).update(colour="blue"),
            "CFItems[3] (identifier {item3}): it has fields CASE 1.1 does not define: colour",
        ),
        (
            "opensalt-document-link-elsewhere",
            lambda p: item(p).update(
                CFDocumentURI={"title": "x", "identifier": str(uuid.uuid4()), "uri": "x"}
            ),
            "CFItems[3] (identifier {item3}): CFDocumentURI does not point at this package's",
        ),
        (
            "negative-sequence",
            lambda p: related(p).update(sequenceNumber=-1),
            "sequenceNumber must not be negative",
        ),
        (
            "bad-stage",
            lambda p: next(i for i in p["CFItems"] if i["CFItemType"] == "Level")[
                "extensions"
            ].update(stage="eternal"),
            "extensions.stage 'eternal' is not one of",
        ),
    ]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [(m[1], m[2]) for m in _mutations()],
    ids=[m[0] for m in _mutations()],
)
def test_bad_packages_are_refused_and_nothing_is_imported(pcf, mutate, message):
    package = case.export_package(pcf)
    item3 = package["CFItems"][3]["identifier"]
    wipe()
    result = mutate(package)
    data = result if isinstance(result, list) else package
    with pytest.raises(InterchangeError) as raised:
        case.import_package(data)
    assert message.format(item3=item3) in str(raised.value)
    assert counts() == (0, 0, 0, 0)


def test_association_to_something_outside_capable_is_kept_as_given(pcf):
    package = case.export_package(pcf)
    wipe()
    association = next(a for a in package["CFAssociations"] if a["associationType"] == "isPartOf")
    outside = {"title": "Elsewhere", "identifier": str(uuid.uuid4()), "uri": "https://x.test/1"}
    association["destinationNodeURI"] = outside
    version = case.import_package(copy.deepcopy(package))
    again = case.export_package(version)
    kept = next(a for a in again["CFAssociations"] if a["identifier"] == association["identifier"])
    assert kept == association
    assert schema_errors(again) == []


def test_existing_version_slug_or_identifiers_are_refused(pcf):
    package = case.export_package(pcf)
    before = counts()
    with pytest.raises(InterchangeError, match="slug 'test-pcf' already exists"):
        case.import_package(copy.deepcopy(package))
    package["CFDocument"]["extensions"]["versionSlug"] = "another"
    with pytest.raises(InterchangeError, match=r"^CFDocument .*: identifier already exists"):
        case.import_package(copy.deepcopy(package))
    new_identifier = str(uuid.uuid4())
    package["CFDocument"]["identifier"] = new_identifier
    with pytest.raises(InterchangeError, match=r"CFItems\[0\] .*identifier already exists"):
        case.import_package(package)
    assert counts() == before


def test_a_failure_half_way_leaves_the_database_unchanged(pcf):
    package = case.export_package(pcf)
    wipe()

    def progress(step):
        if Item.objects.exists():
            raise InterchangeError("stopped")

    with pytest.raises(InterchangeError, match="stopped"):
        case.import_package(package, progress=progress)
    assert counts() == (0, 0, 0, 0)


def test_crosswalk_to_items_already_in_the_database(pcf):
    pqs = add_pqs(pcf)
    text = export_text(pqs)
    FrameworkVersion.objects.filter(pk=pqs.pk).update(live=False)
    Association.objects.filter(version=pqs).delete()
    Item.objects.filter(version=pqs).delete()
    FrameworkVersion.objects.filter(pk=pqs.pk).delete()
    version = case.import_package(json.loads(text))
    destinations = set(version.associations.values_list("destination__version__slug", flat=True))
    assert destinations == {"test-pcf"}


def test_shipped_frameworks_round_trip(db):
    load_shipped_frameworks()
    texts = {v.slug: export_text(v) for v in FrameworkVersion.objects.order_by("pk")}
    wipe()
    for text in texts.values():
        case.import_package(json.loads(text))
    for slug, text in texts.items():
        assert export_text(FrameworkVersion.objects.get(slug=slug)) == text
    assert Association.objects.filter(version__framework__kind="pqs").count() > 0
