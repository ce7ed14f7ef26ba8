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
    return data["CFDocument"]["identifier"] if "CFDocument" in data else data["identifier"]


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
    assert client.get(local(package["CFDocument"]["uri"])).json() == package["CFDocument"]
    uri = package["CFDocument"]["uri"].replace("/CFDocuments/", "/CFPackages/")
    assert client.get(local(uri)).json() == package
    for obj in package["CFItems"] + package["CFAssociations"]:
        assert client.get(local(obj["uri"])).json() == obj
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


def test_unknown_identifiers_answer_404(client, pcf):
    for collection in ("CFPackages", "CFDocuments", "CFItems", "CFAssociations", "CFItemTypes"):
        assert client.get(f"/ims/case/v1p1/{collection}/{uuid.uuid4()}").status_code == 404
    assert client.get("/ims/case/v1p1/CFItems/not-a-uuid", follow=True).status_code == 404


def test_only_get(client, pcf):
    uri = case.export_package(pcf)["CFDocument"]["uri"]
    assert client.post(local(uri)).status_code == 405
