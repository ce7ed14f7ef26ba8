"""The CASE 1.1 REST end points every URI in an export points at (read only, GET).

Mounted at /ims/case/v1p1/. Objects of versions that `permissions.versions_visible_to` hides
from the person asking (drafts, for the public) answer 404, as do unknown identifiers.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.decorators.http import require_GET

from .interchange import case
from .models import Association, Item
from .permissions import versions_visible_to

app_name = "case_api"


def _json(data: dict) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _versions(request):
    return versions_visible_to(request.user).select_related("framework", "predecessor__framework")


@require_GET
def cf_package(request, identifier):
    return _json(case.export_package(get_object_or_404(_versions(request), identifier=identifier)))


@require_GET
def cf_document(request, identifier):
    return _json(case.document_json(get_object_or_404(_versions(request), identifier=identifier)))


@require_GET
def cf_item(request, identifier):
    item = get_object_or_404(
        Item.objects.select_related("version__framework").filter(version__in=_versions(request)),
        identifier=identifier,
    )
    return _json(case.item_json(item))


@require_GET
def cf_association(request, identifier):
    stored = (
        Association.objects.filter(version__in=_versions(request), identifier=identifier)
        .select_related(
            "version__framework", "origin__version__framework", "destination__version__framework"
        )
        .first()
    )
    if stored is not None:
        return _json(case.stored_association_json(stored))
    # Structural associations are not stored: look for one the visible versions derive.
    for version in _versions(request):
        found = case.find_derived_association(version, identifier)
        if found is not None:
            return _json(found)
    raise Http404("No such CFAssociation")


@require_GET
def cf_item_type(request, identifier):
    found = case.find_item_type(identifier)
    if found is None:
        raise Http404("No such CFItemType")
    return _json(found)


urlpatterns = [
    path("CFPackages/<uuid:identifier>", cf_package, name="package"),
    path("CFDocuments/<uuid:identifier>", cf_document, name="document"),
    path("CFItems/<uuid:identifier>", cf_item, name="item"),
    path("CFAssociations/<uuid:identifier>", cf_association, name="association"),
    path("CFItemTypes/<uuid:identifier>", cf_item_type, name="item_type"),
]
