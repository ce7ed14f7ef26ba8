"""The CASE 1.1 REST binding, read only, at /ims/case/v1p1/: its twelve GET end points.

getAllCFDocuments (CFDocuments), getCFDocument, getCFPackage, getCFItem, getCFAssociation,
getCFItemAssociations, getCFItemType, getCFConcept, getCFSubject, getCFLicense,
getCFAssociationGrouping and getCFRubric. Response bodies are built in
`capabilities.interchange.case.rest`. Objects of versions that `permissions.versions_visible_to`
hides from the person asking (drafts, for the public) are unknown objects, as are unknown
identifiers: 404 with an imsx_StatusInfo body (invalid_uuid for a malformed one). CFDocuments
pages, sorts, filters and selects fields (`interchange.case.paging`); a query it cannot answer is
a 400, and a page with no documents a 404 (CFDocumentSetDType holds at least one). Any origin may
read (CORS), and every answer has an ETag and, where the data has a date, Last-Modified, so a
consumer polls with If-None-Match / If-Modified-Since and gets 304 Not Modified.
"""

import hashlib
import uuid

from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from . import page_cache
from .interchange.case import paging, rest
from .models import Item
from .permissions import versions_visible_to

app_name = "case_api"

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, X-Total-Count, Link",
}


class NotFound(Exception):
    def __init__(self, description: str, code_minor: str = "unknownobject"):
        super().__init__(description)
        self.code_minor = code_minor


class Refused(Exception):
    """A query the binding refuses with 400 Bad Request."""

    def __init__(self, description: str, code_minor: str):
        super().__init__(description)
        self.code_minor = code_minor


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    for header, value in CORS.items():
        response[header] = value
    return response


def _versions(request):
    return versions_visible_to(request.user).select_related("framework", "predecessor__framework")


def _uuid(identifier: str) -> uuid.UUID:
    try:
        return uuid.UUID(identifier)
    except ValueError:
        raise NotFound(f"{identifier!r} is not a UUID", "invalid_uuid") from None


def endpoint(collection: str):
    """A GET end point: `find(request, identifier)` gives (body, last changed[, headers]) or
    raises NotFound or Refused; this answers JSON with CORS and validators, 304 when the client is current, an
    imsx_StatusInfo body otherwise."""

    def decorate(find):
        def view(request, identifier=None):
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                for header, value in CORS.items():
                    response[header] = value
                return response
            if request.method not in ("GET", "HEAD"):
                response = _json(
                    rest.status_info(f"{request.method} is not supported", "forbidden"), 405
                )
                response["Allow"] = "GET, HEAD, OPTIONS"
                return response
            try:
                body, changed, *extra = find(request, identifier)
            except NotFound as error:
                return _json(rest.status_info(str(error), error.code_minor), 404)
            except Refused as error:
                return _json(rest.status_info(str(error), error.code_minor), 400)
            response = _json(body)
            for header, value in (extra[0] if extra else {}).items():
                response[header] = value
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response["ETag"] = etag
            last_modified = int(changed.timestamp()) if changed else None
            if last_modified is not None:
                response["Last-Modified"] = http_date(last_modified)
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )

        view.__name__ = find.__name__
        view.collection = collection
        return view

    return decorate


@endpoint("CFDocuments")
def cf_documents(request, identifier=None):
    versions = list(_versions(request))
    changed = max((v.last_changed for v in versions), default=None)
    try:
        found = paging.page(rest.documents(versions)["CFDocuments"], request.GET)
    except paging.QueryError as error:
        raise Refused(str(error), error.code_minor) from None
    if not found.items:
        raise NotFound("No CFDocuments match")
    headers = {
        "X-Total-Count": str(found.total),
        "Link": paging.link_header(
            request.build_absolute_uri(request.path), request.GET, found.links
        ),
    }
    return {"CFDocuments": found.items}, changed, headers


def _version(request, identifier):
    version = _versions(request).filter(identifier=_uuid(identifier)).first()
    if version is None:
        raise NotFound(f"No CFDocument {identifier}")
    return version


@endpoint("CFDocuments")
def cf_document(request, identifier):
    version = _version(request, identifier)
    return rest.document_dtype(version), version.last_changed


@endpoint("CFPackages")
def cf_package(request, identifier):
    """The whole package is the costly answer: a published version's is cached (see
    `capabilities.page_cache`: dropped whenever the framework data changes)."""
    version = _version(request, identifier)
    if not version.live:
        return rest.package(version), version.last_changed
    key = f"capabilities:case-package:{page_cache.generation()}:{version.pk}"
    body = cache.get(key)
    if body is None:
        body = rest.package(version)
        cache.set(key, body, page_cache.TIMEOUT)
    return body, version.last_changed


def _item(request, identifier) -> Item:
    item = (
        Item.objects.select_related("version__framework")
        .filter(version__in=_versions(request), identifier=_uuid(identifier))
        .first()
    )
    if item is None:
        raise NotFound(f"No CFItem {identifier}")
    return item


@endpoint("CFItems")
def cf_item(request, identifier):
    item = _item(request, identifier)
    return rest.item_dtype(item), item.last_changed


@endpoint("CFItemAssociations")
def cf_item_associations(request, identifier):
    item = _item(request, identifier)
    return rest.item_associations(item, _versions(request)), None


@endpoint("CFAssociations")
def cf_association(request, identifier):
    found = rest.find_association(_versions(request), _uuid(identifier))
    if found is None:
        raise NotFound(f"No CFAssociation {identifier}")
    return found, None


@endpoint("CFItemTypes")
def cf_item_type(request, identifier):
    found = rest.item_types(_uuid(identifier), _versions(request))
    if found is None:
        raise NotFound(f"No CFItemType {identifier}")
    return found, None


def _definition(collection: str):
    @endpoint(collection)
    def find(request, identifier):
        found = rest.definition(collection, _uuid(identifier), _versions(request))
        if found is None:
            raise NotFound(f"No {collection.removesuffix('s')} {identifier}")
        return found, None

    find.__name__ = collection
    return find


@endpoint("CFRubrics")
def cf_rubric(request, identifier):
    found = rest.rubric(_uuid(identifier), _versions(request))
    if found is None:
        raise NotFound(f"No CFRubric {identifier}")
    return found, None


def not_found(request, *args, **kwargs):
    return _json(rest.status_info("No such CASE end point", "unknownobject"), 404)


urlpatterns = [
    path("CFDocuments", cf_documents, name="documents"),
    path("CFDocuments/<str:identifier>", cf_document, name="document"),
    path("CFPackages/<str:identifier>", cf_package, name="package"),
    path("CFItems/<str:identifier>", cf_item, name="item"),
    path("CFItemAssociations/<str:identifier>", cf_item_associations, name="item_associations"),
    path("CFAssociations/<str:identifier>", cf_association, name="association"),
    path("CFItemTypes/<str:identifier>", cf_item_type, name="item_type"),
    path("CFConcepts/<str:identifier>", _definition("CFConcepts"), name="concept"),
    path("CFSubjects/<str:identifier>", _definition("CFSubjects"), name="subject"),
    path("CFLicenses/<str:identifier>", _definition("CFLicenses"), name="license"),
    path(
        "CFAssociationGroupings/<str:identifier>",
        _definition("CFAssociationGroupings"),
        name="association_grouping",
    ),
    path("CFRubrics/<str:identifier>", cf_rubric, name="rubric"),
    path("<path:rest>", not_found),
]
