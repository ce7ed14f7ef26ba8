"""CASE packages Capable did not write: OpenSALT's published test packages and the package
1EdTech publishes with its reference implementation OpenCASE (vendored, see vendor/README.md), a
strictly minimal package and one that uses every field Capable has no column for. Each imports, exports valid against the official schema, and comes back unchanged but for
the `uri` of each object (which now resolves on Capable)."""

import copy
import json
from pathlib import Path

import pytest

from capabilities.interchange import case
from capabilities.interchange.errors import InterchangeError
from capabilities.models import Association, Framework, Item
from capabilities.tests.case_schema import schema_errors

pytestmark = pytest.mark.django_db

VENDOR = Path(__file__).resolve().parent / "vendor"
OPENSALT = sorted((VENDOR / "opensalt").glob("*.json"))
ONE_EDTECH = sorted((VENDOR / "1edtech").glob("*.json"))
DOC = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0d01"
ITEM_A = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0da1"
ITEM_B = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0db2"
TYPE = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0d77"
WHEN = "2025-03-04T05:06:07+00:00"


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def without_uri(obj: dict) -> dict:
    return {key: value for key, value in obj.items() if key != "uri"}


def by_identifier(objects: list[dict]) -> dict[str, dict]:
    return {obj["identifier"]: without_uri(obj) for obj in objects}


def assert_round_trip(original: dict, exported: dict) -> None:
    assert schema_errors(exported) == []
    assert without_uri(exported["CFDocument"]) == without_uri(original["CFDocument"])
    assert by_identifier(exported["CFItems"]) == by_identifier(original.get("CFItems", []))
    assert by_identifier(exported["CFAssociations"]) == by_identifier(
        original.get("CFAssociations", [])
    )
    for key in ("CFDefinitions", "CFRubrics", "extensions"):
        assert exported.get(key) == original.get(key)


@pytest.mark.parametrize("path", OPENSALT, ids=[p.stem for p in OPENSALT])
def test_opensalt_packages_round_trip_unchanged(path):
    original = load(path)
    assert schema_errors(original) == []
    version = case.import_package(copy.deepcopy(original), kind=Framework.Kind.PCF)
    assert version.items.count() == len(original["CFItems"])
    exported = case.export_package(version)
    assert_round_trip(original, exported)
    # Nothing invented: no isChildOf to the document beyond the package's own.
    assert len(exported["CFAssociations"]) == len(original["CFAssociations"])
    for item in exported["CFItems"]:
        assert item["uri"] == case.case_uri("CFItems", item["identifier"])


def test_1edtech_samples_are_vendored():
    assert [p.name for p in ONE_EDTECH] == ["OpenCASE-create-cfpackage.json"]


@pytest.mark.parametrize("path", ONE_EDTECH, ids=[p.stem for p in ONE_EDTECH])
def test_1edtech_packages_round_trip_unchanged(path):
    original = load(path)
    assert schema_errors(original) == []
    version = case.import_package(copy.deepcopy(original), kind=Framework.Kind.PCF)
    assert str(version.identifier) == original["CFDocument"]["identifier"]
    assert version.framework.title == original["CFDocument"]["title"]
    assert not version.live  # no adoptionStatus: not adopted
    assert version.items.count() == len(original["CFItems"])
    exported = case.export_package(version)
    assert_round_trip(original, exported)
    assert exported["CFDocument"]["uri"] == case.case_uri(
        "CFDocuments", original["CFDocument"]["identifier"]
    )
    assert len(exported["CFAssociations"]) == len(original["CFAssociations"])


@pytest.mark.parametrize("path", ONE_EDTECH, ids=[p.stem for p in ONE_EDTECH])
def test_1edtech_packages_in_opencases_envelope_import_the_same(path):
    """OpenCASE serves and takes a package as {"CFPackage": ...}, which the schema does not
    allow at the top; Capable takes the package out of it."""
    original = load(path)
    wrapped = {"CFPackage": copy.deepcopy(original)}
    assert schema_errors(wrapped) != []
    version = case.import_package(wrapped, kind=Framework.Kind.PQS)
    assert version.framework.kind == Framework.Kind.PQS
    assert_round_trip(original, case.export_package(version))


def test_an_envelope_with_more_than_the_package_is_refused():
    original = load(ONE_EDTECH[0])
    with pytest.raises(InterchangeError, match="CFDocument is missing"):
        case.import_package({"CFPackage": original, "other": 1}, kind=Framework.Kind.PCF)
    assert not Framework.objects.exists()


def test_sequence_numbers_order_the_items():
    version = case.import_package(
        load(VENDOR / "opensalt" / "SequenceNumberFramework.json"), kind=Framework.Kind.PCF
    )
    assert [i.code for i in version.items.order_by("sort_order")] == ["SNT.2", "SNT.1"]
    exported = case.export_package(version)
    assert [i["humanCodingScheme"] for i in exported["CFItems"]] == ["SNT.2", "SNT.1"]


def test_the_package_type_and_capable_type_are_told_apart():
    version = case.import_package(
        load(VENDOR / "opensalt" / "ItemTypeTestFramework.json"), kind=Framework.Kind.PQS
    )
    assert not version.live  # adoptionStatus Draft
    assert version.framework.kind == Framework.Kind.PQS
    item = version.items.get()
    assert item.kind == Item.Kind.STATEMENT
    exported = case.export_package(version)
    assert [t["identifier"] for t in exported["CFDefinitions"]["CFItemTypes"]] == [
        "b0000000-0000-0000-0000-000000000000"
    ]


def test_opensalt_style_uri_fields_are_accepted_and_not_given_back():
    original = load(VENDOR / "opensalt" / "SequenceNumberFramework.json")
    styled = copy.deepcopy(original)
    link = {"title": "Sequence Number Test", "identifier": original["CFDocument"]["identifier"]}
    link["uri"] = original["CFDocument"]["uri"]
    styled["CFDocument"]["CFPackageURI"] = link
    for obj in styled["CFItems"] + styled["CFAssociations"]:
        obj["CFDocumentURI"] = link
    assert schema_errors(styled) != []
    version = case.import_package(styled, kind=Framework.Kind.PCF)
    assert_round_trip(original, case.export_package(version))


def test_a_strictly_minimal_package_imports():
    minimal = {
        "CFDocument": {
            "identifier": DOC,
            "uri": "https://elsewhere.test/CFDocuments/" + DOC,
            "creator": "Somebody else",
            "title": "Nearly empty",
            "lastChangeDateTime": WHEN,
        }
    }
    assert schema_errors(minimal) == []
    with pytest.raises(InterchangeError, match="Choose the framework type"):
        case.import_package(minimal)
    version = case.import_package(minimal, kind=Framework.Kind.PCF)
    assert str(version.identifier) == DOC
    assert version.items.count() == 0
    assert not version.live
    exported = case.export_package(version)
    assert schema_errors(exported) == []
    assert without_uri(exported["CFDocument"]) == without_uri(minimal["CFDocument"])
    assert exported["CFItems"] == exported["CFAssociations"] == []


def rich_package() -> dict:
    """A package using the CASE 1.1 fields Capable has no column for (written for this test)."""

    def link(title, identifier, collection="CFItems"):
        return {"title": title, "identifier": identifier, "uri": f"https://x.test/{identifier}"}

    def association(n, kind, origin, destination, **more):
        identifier = f"0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0e{n:02d}"
        return {
            "identifier": identifier,
            "uri": f"https://x.test/CFAssociations/{identifier}",
            "associationType": kind,
            "originNodeURI": origin,
            "destinationNodeURI": destination,
            "lastChangeDateTime": WHEN,
            **more,
        }

    document = link("Rich", DOC, "CFDocuments")
    a, b = link("A", ITEM_A), link("B", ITEM_B)
    outside = {"title": "A video", "identifier": "video-17", "uri": "https://x.test/video-17"}
    return {
        "CFDocument": {
            "identifier": DOC,
            "uri": document["uri"],
            "frameworkType": "CourseCodes",
            "caseVersion": "1.1",
            "creator": "Another body",
            "title": "Rich",
            "lastChangeDateTime": WHEN,
            "officialSourceURL": "https://x.test/rich",
            "publisher": "A publisher",
            "description": "Described.",
            "subject": ["Social work"],
            "subjectURI": [link("Social work", "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0d55")],
            "language": "en",
            "version": "3",
            "adoptionStatus": "Private Draft",
            "statusStartDate": "2025-01-01",
            "notes": "Document notes.",
            "extensions": {"theirs": {"kept": True}},
        },
        "CFItems": [
            {
                "identifier": ITEM_A,
                "uri": a["uri"],
                "fullStatement": "Works with families.",
                "alternativeLabel": "Outcome",
                "CFItemTypeURI": link("Domain", TYPE, "CFItemTypes"),
                "humanCodingScheme": "A",
                "listEnumeration": "a",
                "conceptKeywords": ["families", "relationships"],
                "notes": "Item notes.",
                "subject": ["Practice"],
                "language": "en",
                "educationLevel": ["HE"],
                "statusEndDate": "2030-12-31",
                "lastChangeDateTime": "2025-03-04T05:06:07Z",
                "extensions": {"x": 1},
            },
            {
                "identifier": ITEM_B,
                "uri": b["uri"],
                "fullStatement": "Writes clearly.",
                "humanCodingScheme": "A",
                "lastChangeDateTime": WHEN,
            },
        ],
        "CFAssociations": [
            association(1, "isChildOf", a, document, sequenceNumber=1),
            association(2, "isChildOf", b, a, sequenceNumber=1),
            association(3, "isPeerOf", b, a, notes="Side by side."),
            association(4, "ext:reinforces", a, b, extensions={"strength": 2}),
            association(5, "exemplar", b, outside),
            association(6, "hasSkillLevel", a, b),
            association(7, "isTranslationOf", b, a),
        ],
        "CFDefinitions": {
            "CFItemTypes": [
                {
                    "identifier": TYPE,
                    "uri": f"https://x.test/CFItemTypes/{TYPE}",
                    "title": "Domain",
                    "description": "Their domain type.",
                    "hierarchyCode": "1",
                    "lastChangeDateTime": WHEN,
                }
            ],
            "CFSubjects": [
                {
                    "identifier": "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0d55",
                    "uri": "https://x.test/s",
                    "title": "Social work",
                    "hierarchyCode": "1",
                    "lastChangeDateTime": WHEN,
                }
            ],
        },
        "extensions": {"package": "extension"},
    }


def test_every_field_and_association_type_survives_the_round_trip():
    original = rich_package()
    assert schema_errors(original) == []
    version = case.import_package(copy.deepcopy(original), kind=Framework.Kind.PCF)
    assert version.description == "Described."
    # Item kinds come from CFItemTypes (through CFItemTypeURI); the rest are statements.
    assert version.items.get(identifier=ITEM_A).kind == Item.Kind.DOMAIN
    assert version.items.get(identifier=ITEM_B).kind == Item.Kind.STATEMENT
    # Structure is what the associations say: B's parent is A (a row), not a foreign key.
    b = version.items.get(identifier=ITEM_B)
    assert b.domain_id is None
    types = set(version.associations.values_list("association_type", flat=True))
    assert types == {
        "isChildOf",
        "isPeerOf",
        "ext:reinforces",
        "hasSkillLevel",
        "isTranslationOf",
    }
    assert Association.objects.get(association_type="isPeerOf").notes == "Side by side."
    exported = case.export_package(version)
    assert_round_trip(original, exported)
    again = case.export_package(version)
    assert case.dumps(again) == case.dumps(exported)


def test_a_rich_package_exported_by_capable_imports_again_the_same():
    version = case.import_package(rich_package(), kind=Framework.Kind.PCF)
    first = case.export_package(version)
    Association.objects.all().delete()
    Item.objects.all().delete()
    version.delete()
    second = case.export_package(case.import_package(copy.deepcopy(first), kind="pcf"))
    assert case.dumps(second) == case.dumps(first)


def test_an_editor_imports_a_package_from_another_system_choosing_its_type(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.factories import UserFactory, give_mfa

    def upload():
        text = (VENDOR / "opensalt" / "SequenceNumberFramework.json").read_bytes()
        return SimpleUploadedFile("opensalt.json", text, content_type="application/json")

    client.force_login(give_mfa(UserFactory(is_staff=True, is_superuser=True)))
    url = "/admin/framework/import-case/"
    assert "Framework type" in client.get(url).content.decode()
    response = client.post(url, {"package": upload(), "kind": ""})
    assert response.status_code == 200
    assert "Choose the framework type" in response.content.decode()
    assert not Framework.objects.exists()
    response = client.post(url, {"package": upload(), "kind": Framework.Kind.PQS})
    assert response.status_code == 302
    framework = Framework.objects.get()
    assert framework.kind == Framework.Kind.PQS
    assert framework.title == "Sequence Number Test"


def test_the_command_takes_the_framework_type():
    import io

    from django.core.management import CommandError, call_command

    file = VENDOR / "opensalt" / "ItemTypeTestFramework.json"
    with pytest.raises(CommandError, match="Choose the framework type"):
        call_command("import_case", str(file), stdout=io.StringIO(), stderr=io.StringIO())
    call_command(
        "import_case", str(file), "--kind", "pqs", stdout=io.StringIO(), stderr=io.StringIO()
    )
    assert Framework.objects.get().kind == Framework.Kind.PQS


def test_a_draft_of_an_imported_framework_keeps_its_structure_and_fields():
    from capabilities.services import create_draft_version, publish_version

    source = case.import_package(rich_package(), kind=Framework.Kind.PCF)
    publish_version(version=source)
    draft = create_draft_version(source=source, slug="rich-next", label="4")
    package = case.export_package(draft)
    assert schema_errors(package) == []
    copy_a = draft.items.get(code="A")
    item = next(i for i in package["CFItems"] if i["identifier"] == str(copy_a.identifier))
    assert item["conceptKeywords"] == ["families", "relationships"]
    assert item["CFItemTypeURI"]["identifier"] == TYPE
    # No isChildOf to the document is invented: the one the package had moved to the copy.
    to_document = [
        a
        for a in package["CFAssociations"]
        if a["destinationNodeURI"]["identifier"] == str(draft.identifier)
    ]
    assert [(a["associationType"], a["originNodeURI"]["identifier"]) for a in to_document] == [
        ("isChildOf", str(copy_a.identifier))
    ]
    assert package["CFDocument"]["publisher"] == "A publisher"
    assert package["CFDocument"]["version"] == "4"
