"""Each of the twelve CASE 1.1 REST end points answers what the binding's OpenAPI file says: the
200 body valid against the schema its operation names (read from the vendored OpenAPI file, not
restated here), and errors an imsx_StatusInfoDType; getAllCFDocuments pages, sorts, filters and
selects fields as the binding describes."""

import json
import uuid
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest

from capabilities.interchange import case
from capabilities.models import Framework
from capabilities.services import create_draft_version, publish_version
from capabilities.tests.case_schema import RFC3339
from capabilities.tests.test_case import add_pqs
from capabilities.tests.test_case_third_party import TYPE, WHEN, rich_package

pytestmark = pytest.mark.django_db

OPENAPI = Path(__file__).parent / "vendor" / "case-v1p1-openapi.json"
API = "/ims/case/v1p1"
CONCEPT = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0c01"
CHILD_CONCEPT = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0c02"
LICENSE = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0c03"
GROUPING = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0c04"
RUBRIC = "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0f01"


@cache
def openapi() -> dict:
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    assert document["openapi"] == "3.0.0" and document["info"]["version"] == "1.1"
    return document


def operation(operation_id: str) -> tuple[str, dict]:
    for path, item in openapi()["paths"].items():
        if item["get"]["operationId"] == operation_id:
            return path, item["get"]
    raise KeyError(operation_id)


def schema_of(operation_id: str, status: str) -> str:
    ref = operation(operation_id)[1]["responses"][status]["content"]["application/json"]
    return ref["schema"]["$ref"].rsplit("/", 1)[-1]


@cache
def format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(["date"])

    @checker.checks("uri")
    def uri(value) -> bool:  # an absolute URI (RFC 3986): a scheme, then something
        parts = urlsplit(value)
        return bool(parts.scheme) and bool(parts.netloc or parts.path)

    @checker.checks("date-time")
    def date_time(value) -> bool:
        return bool(RFC3339.match(value)) and bool(datetime.fromisoformat(value))

    return checker


def errors(body, schema_name: str) -> list[str]:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": openapi()["components"]}
    checker = format_checker()
    validator = jsonschema.Draft7Validator(schema, format_checker=checker)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


def _rich_version():
    package = rich_package()
    definitions = package["CFDefinitions"]

    def definition(identifier, title, **more):
        return {
            "identifier": identifier,
            "uri": f"https://x.test/{identifier}",
            "title": title,
            "lastChangeDateTime": WHEN,
            **more,
        }

    definitions["CFConcepts"] = [
        definition(CONCEPT, "Relationships", hierarchyCode="1"),
        definition(CHILD_CONCEPT, "Family relationships", hierarchyCode="1.1"),
    ]
    definitions["CFLicenses"] = [definition(LICENSE, "Open", licenseText="Use it.")]
    definitions["CFAssociationGroupings"] = [definition(GROUPING, "Crosswalk")]
    package["CFRubrics"] = [definition(RUBRIC, "A rubric")]
    package["CFDocument"]["adoptionStatus"] = "Adopted"
    return case.import_package(package, kind=Framework.Kind.PCF, publish=True), package


def test_the_vendored_file_names_the_twelve_operations():
    ids = {item["get"]["operationId"] for item in openapi()["paths"].values()}
    assert ids == {
        "getAllCFDocuments",
        "getCFDocument",
        "getCFPackage",
        "getCFItem",
        "getCFAssociation",
        "getCFItemAssociations",
        "getCFItemType",
        "getCFConcept",
        "getCFSubject",
        "getCFLicense",
        "getCFAssociationGrouping",
        "getCFRubric",
    }


def test_every_end_point_answers_its_response_schema(client, pcf):
    pqs = add_pqs(pcf)
    rich, package = _rich_version()
    exported = case.export_package(pqs)
    item = exported["CFItems"][0]["identifier"]
    association = exported["CFAssociations"][0]["identifier"]
    subject = package["CFDefinitions"]["CFSubjects"][0]["identifier"]
    asked = {
        "getAllCFDocuments": "",
        "getCFDocument": str(pqs.identifier),
        "getCFPackage": str(pqs.identifier),
        "getCFItem": item,
        "getCFAssociation": association,
        "getCFItemAssociations": item,
        "getCFItemType": TYPE,
        "getCFConcept": CONCEPT,
        "getCFSubject": subject,
        "getCFLicense": LICENSE,
        "getCFAssociationGrouping": GROUPING,
        "getCFRubric": RUBRIC,
    }
    for operation_id, identifier in asked.items():
        path = operation(operation_id)[0].replace("{sourcedId}", identifier)
        response = client.get(API + path)
        assert response.status_code == 200, (operation_id, response.content[:300])
        assert errors(response.json(), schema_of(operation_id, "200")) == [], operation_id
        if identifier:
            # Unknown and malformed identifiers: a 404 with the status body the file names.
            for wrong, code in ((str(uuid.uuid4()), "unknownobject"), ("x", "invalid_uuid")):
                missing = client.get(API + operation(operation_id)[0].replace("{sourcedId}", wrong))
                assert missing.status_code == 404
                body = missing.json()
                assert errors(body, schema_of(operation_id, "404")) == [], operation_id
                field = body["imsx_codeMinor"]["imsx_codeMinorField"][0]
                assert field["imsx_codeMinorFieldValue"] == code
    # A concept comes with its children by hierarchyCode; the rich package's own item types too.
    concepts = client.get(f"{API}/CFConcepts/{CONCEPT}").json()["CFConcepts"]
    assert [c["identifier"] for c in concepts] == [CONCEPT, CHILD_CONCEPT]
    assert rich.live


def test_the_schemas_catch_a_wrong_envelope(client, pcf):
    """The validation can fail: the shapes the file forbids are refused."""
    item = case.export_package(pcf)["CFItems"][0]
    answer = client.get(f"{API}/CFItemAssociations/{item['identifier']}").json()
    assert errors(answer, "CFAssociationSetDType") == []
    with_document = json.loads(json.dumps(answer))
    with_document["CFAssociations"][0]["CFDocumentURI"] = case.document_link(pcf)
    assert errors(with_document, "CFAssociationSetDType")
    assert errors({"CFDocuments": []}, "CFDocumentSetDType")
    assert errors(
        client.get(f"{API}/CFItems/{item['identifier']}").json() | {"x": 1}, "CFItemDType"
    )
    old = {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": "invaliduuid"}
            ]
        },
    }
    assert errors(old, "imsx_StatusInfoDType")


def _titles(response) -> list[str]:
    return [d["title"] for d in response.json()["CFDocuments"]]


def test_all_documents_page_sort_filter_and_select_fields(client, pcf):
    pqs = add_pqs(pcf)
    third = create_draft_version(source=pcf, slug="pcf-3", label="Third")
    publish_version(version=third)
    everything = client.get(f"{API}/CFDocuments?sort=title&orderBy=asc")
    titles = _titles(everything)
    assert len(titles) == 3 and titles == sorted(titles, key=str.lower)
    assert everything["X-Total-Count"] == "3"
    assert _titles(client.get(f"{API}/CFDocuments?sort=title&orderBy=desc")) == titles[::-1]

    first = client.get(f"{API}/CFDocuments?sort=title&limit=2")
    assert _titles(first) == titles[:2]
    assert first["X-Total-Count"] == "3"
    link = first["Link"]
    assert 'rel="next"' in link and "offset=2" in link and 'rel="prev"' not in link
    assert "sort=title" in link and 'rel="last"' in link
    second = client.get(f"{API}/CFDocuments?sort=title&limit=2&offset=2")
    assert _titles(second) == titles[2:]
    assert 'rel="prev"' in second["Link"] and 'rel="next"' not in second["Link"]
    assert errors(second.json(), "CFDocumentSetDType") == []

    only = client.get(f"{API}/CFDocuments", {"filter": f"identifier='{pqs.identifier}'"})
    assert [d["identifier"] for d in only.json()["CFDocuments"]] == [str(pqs.identifier)]
    assert only["X-Total-Count"] == "1"
    some = client.get(f"{API}/CFDocuments", {"filter": f"title~'{titles[0][:4].upper()}'"})
    assert titles[0] in _titles(some)
    either = client.get(
        f"{API}/CFDocuments",
        {"filter": f"identifier='{pqs.identifier}' OR identifier='{third.identifier}'"},
    )
    assert either["X-Total-Count"] == "2"

    fields = client.get(f"{API}/CFDocuments?fields=identifier,title").json()["CFDocuments"]
    assert all(set(d) == {"identifier", "title"} for d in fields)

    for query, status, code in (
        ("limit=0", 400, "invalid_selection_field"),
        ("offset=-1", 400, "invalid_selection_field"),
        ("limit=many", 400, "invalid_selection_field"),
        ("sort=colour", 400, "invalid_sort_field"),
        ("orderBy=sideways", 400, "invalid_sort_field"),
        ("filter=colour='red'", 400, "invalid_selection_field"),
        ("fields=colour", 400, "invalid_selection_field"),
        ("offset=30", 404, "unknownobject"),
    ):
        response = client.get(f"{API}/CFDocuments?{query}")
        assert response.status_code == status, query
        body = response.json()
        assert errors(body, "imsx_StatusInfoDType") == [], query
        assert body["imsx_codeMinor"]["imsx_codeMinorField"][0]["imsx_codeMinorFieldValue"] == code
