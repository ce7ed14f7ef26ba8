"""The CASE REST end points and the download links: every URI in an export resolves."""

import csv
import io
import json
import uuid

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import include, path

import cms.urls
from accounts.factories import give_mfa
from capabilities.interchange import case, moodle
from capabilities.services import create_draft_version
from capabilities.tests.test_case import add_pqs

# cms/urls.py mounts the API at /ims/case/v1p1/; until that line is in, the tests mount it here.
if not any(str(p.pattern) == "ims/case/v1p1/" for p in cms.urls.urlpatterns):
    urlpatterns = [
        path("ims/case/v1p1/", include("capabilities.case_api")),
        *cms.urls.urlpatterns,
    ]
    pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
else:
    pytestmark = pytest.mark.django_db


def local(uri: str) -> str:
    assert uri.startswith(settings.SITE_URL + "/ims/case/v1p1/")
    return uri.removeprefix(settings.SITE_URL)


def links(value):
    """Every link object (title, identifier, uri) anywhere in a package."""
    if isinstance(value, dict):
        if set(value) == {"title", "identifier", "uri"}:
            yield value
        for child in value.values():
            yield from links(child)
    elif isinstance(value, list):
        for child in value:
            yield from links(child)


def own_uris(package: dict) -> dict[str, str]:
    """uri -> identifier for the objects a package itself defines."""
    uris = {package["CFDocument"]["uri"]: package["CFDocument"]["identifier"]}
    uris[package["CFDocument"]["uri"].replace("/CFDocuments/", "/CFPackages/")] = package[
        "CFDocument"
    ]["identifier"]
    for key in ("CFItems", "CFAssociations"):
        uris |= {obj["uri"]: obj["identifier"] for obj in package[key]}
    return uris


def identifier_of(data: dict) -> str:
    if "CFDocument" in data:
        return data["CFDocument"]["identifier"]
    if "CFItemTypes" in data:
        return data["CFItemTypes"][0]["identifier"]
    return data["identifier"]


def test_download_links(client, pcf):
    response = client.get("/framework/test-pcf/case.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == case.export_package(pcf)
    response = client.get("/framework/test-pcf/moodle.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    assert text == moodle.export_csv(pcf)
    assert next(csv.reader(io.StringIO(text)))[0] == "Parent ID number"


def test_every_uri_in_an_export_resolves(client, pcf):
    pqs = add_pqs(pcf)
    for version in (pcf, pqs):
        package = case.export_package(version)
        uris = own_uris(package) | {link["uri"]: link["identifier"] for link in links(package)}
        uris |= {t["uri"]: t["identifier"] for t in package["CFDefinitions"]["CFItemTypes"]}
        for uri, identifier in uris.items():
            response = client.get(local(uri))
            assert response.status_code == 200, uri
            assert response["Content-Type"] == "application/json"
            assert identifier_of(response.json()) == identifier, uri


def test_api_objects_match_the_export(client, pcf):
    pqs = add_pqs(pcf)
    package = case.export_package(pqs)
    document = client.get(local(package["CFDocument"]["uri"])).json()
    # Outside the package, the REST objects say where they belong.
    package_uri = package["CFDocument"]["uri"].replace("/CFDocuments/", "/CFPackages/")
    assert document.pop("CFPackageURI") == {
        "title": str(pqs),
        "identifier": str(pqs.identifier),
        "uri": package_uri,
    }
    assert document == package["CFDocument"]
    assert client.get(local(package_uri)).json() == package
    for obj in package["CFItems"] + package["CFAssociations"]:
        answer = client.get(local(obj["uri"])).json()
        assert answer.pop("CFDocumentURI") == case.document_link(pqs)
        assert answer == obj
    response = client.get(local(package["CFItems"][0]["uri"]))
    assert response["Access-Control-Allow-Origin"] == "*"


def test_draft_uris_answer_404_to_the_public_and_200_to_editors_with_mfa(
    client, pcf, django_user_model
):
    draft = create_draft_version(source=pcf, slug="pcf-next", label="Next")
    package = case.export_package(draft)
    uris = own_uris(package)
    assert len(uris) > 50
    for uri in uris:
        assert client.get(local(uri)).status_code == 404, uri
    editor = django_user_model.objects.create_user(email="ed@example.org", password="x" * 12)
    editor.user_permissions.add(Permission.objects.get(codename="change_frameworkversion"))
    client.force_login(editor)
    # Permission alone is not enough: drafts need MFA too.
    for uri in list(uris)[:5]:
        assert client.get(local(uri)).status_code == 404, uri
    give_mfa(editor)
    for uri, identifier in uris.items():
        response = client.get(local(uri))
        assert response.status_code == 200, uri
        assert identifier_of(response.json()) == identifier


COLLECTIONS = (
    "CFPackages",
    "CFDocuments",
    "CFItems",
    "CFItemAssociations",
    "CFAssociations",
    "CFItemTypes",
    "CFConcepts",
    "CFSubjects",
    "CFLicenses",
    "CFAssociationGroupings",
    "CFRubrics",
)


def assert_status_info(response, status: int, code_minor: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["imsx_codeMajor"] == "failure"
    assert body["imsx_severity"] == "error"
    assert body["imsx_description"]
    field = body["imsx_codeMinor"]["imsx_codeMinorField"][0]
    assert field["imsx_codeMinorFieldValue"] == code_minor


def test_unknown_identifiers_answer_404_with_a_status_body(client, pcf):
    for collection in COLLECTIONS:
        response = client.get(f"/ims/case/v1p1/{collection}/{uuid.uuid4()}")
        assert_status_info(response, 404, "unknownobject")
        response = client.get(f"/ims/case/v1p1/{collection}/not-a-uuid")
        assert_status_info(response, 404, "invalid_uuid")
    assert_status_info(client.get("/ims/case/v1p1/CFNothing/x"), 404, "unknownobject")


def test_only_get(client, pcf):
    uri = case.export_package(pcf)["CFDocument"]["uri"]
    response = client.post(local(uri))
    assert_status_info(response, 405, "forbidden")


def test_all_documents_lists_what_the_reader_may_see(client, pcf):
    draft = create_draft_version(source=pcf, slug="pcf-next", label="Next")
    response = client.get("/ims/case/v1p1/CFDocuments")
    assert response.status_code == 200
    documents = response.json()["CFDocuments"]
    assert [d["identifier"] for d in documents] == [str(pcf.identifier)]
    assert documents[0]["CFPackageURI"]["identifier"] == str(pcf.identifier)
    assert str(draft.identifier) not in response.content.decode()


def test_item_associations_give_the_item_and_every_association_it_is_an_end_of(client, pcf):
    pqs = add_pqs(pcf)
    domain = pcf.items.get(code="1")
    response = client.get(f"/ims/case/v1p1/CFItemAssociations/{domain.identifier}")
    assert response.status_code == 200
    body = response.json()
    assert body["CFItem"]["identifier"] == str(domain.identifier)
    # Package associations (CFPckgAssociationDType): no CFDocumentURI.
    assert not any("CFDocumentURI" in a for a in body["CFAssociations"])
    pqs_items = {str(i) for i in pqs.items.values_list("identifier", flat=True)}
    types = {
        (a["associationType"], a["originNodeURI"]["identifier"] in pqs_items)
        for a in body["CFAssociations"]
    }
    # Its own structure (declared by the PCF) and the crosswalk into it (from a PQS item).
    assert ("isChildOf", False) in types
    assert ("isRelatedTo", True) in types
    for association in body["CFAssociations"]:
        ends = {association["originNodeURI"]["identifier"]}
        ends.add(association["destinationNodeURI"]["identifier"])
        assert str(domain.identifier) in ends


def test_definitions_and_rubrics_an_imported_package_brought_are_served(client):
    from capabilities.models import Framework
    from capabilities.tests.test_case_third_party import TYPE, rich_package

    package = rich_package()
    rubric = {
        "identifier": "0b9f1c52-6a1e-4c59-8f0b-2a7e8e1c0f01",
        "uri": "https://x.test/r",
        "title": "A rubric",
        "lastChangeDateTime": "2025-03-04T05:06:07+00:00",
    }
    package["CFRubrics"] = [rubric]
    package["CFDocument"]["adoptionStatus"] = "Adopted"
    version = case.import_package(package, kind=Framework.Kind.PCF, publish=True)
    assert version.live
    subject = package["CFDefinitions"]["CFSubjects"][0]
    response = client.get(f"/ims/case/v1p1/CFSubjects/{subject['identifier']}")
    assert response.json() == {"CFSubjects": [subject]}
    response = client.get(f"/ims/case/v1p1/CFItemTypes/{TYPE}")
    assert response.json() == {"CFItemTypes": package["CFDefinitions"]["CFItemTypes"]}
    assert client.get(f"/ims/case/v1p1/CFRubrics/{rubric['identifier']}").json() == rubric
    # The association kept as given (to a video outside Capable) resolves too.
    kept = next(a for a in package["CFAssociations"] if a["associationType"] == "exemplar")
    answer = client.get(f"/ims/case/v1p1/CFAssociations/{kept['identifier']}").json()
    assert answer["destinationNodeURI"] == kept["destinationNodeURI"]


def test_cors_and_conditional_get_let_a_consumer_poll_cheaply(client, pcf):
    uri = local(case.export_package(pcf)["CFDocument"]["uri"])
    response = client.get(uri, headers={"Origin": "https://elsewhere.test"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    again = client.get(uri, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(uri, headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get(uri, headers={"If-None-Match": '"other"'}).status_code == 200
    preflight = client.options(uri, headers={"Origin": "https://elsewhere.test"})
    assert preflight.status_code == 204
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    # A change gives a new ETag.
    draft = create_draft_version(source=pcf, slug="pcf-next", label="Next")
    listing = client.get("/ims/case/v1p1/CFDocuments")
    assert (
        client.get(
            "/ims/case/v1p1/CFDocuments", headers={"If-None-Match": listing["ETag"]}
        ).status_code
        == 304
    )
    from capabilities.services import publish_version

    publish_version(version=draft)
    assert (
        client.get(
            "/ims/case/v1p1/CFDocuments", headers={"If-None-Match": listing["ETag"]}
        ).status_code
        == 200
    )
