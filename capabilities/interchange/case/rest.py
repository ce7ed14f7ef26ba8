"""The response bodies of the CASE 1.1 REST binding (served by `capabilities.case_api`).

Checked against the CASE 1.1 OpenAPI file (components/schemas, vendored in the tests): outside
a package, a CFDocument (CFDocumentDType) carries its `CFPackageURI`, a CFItem (CFItemDType) and a
CFAssociation (CFAssociationDType) their `CFDocumentURI`; inside a package, and in the
`CFAssociations` of getCFItemAssociations (CFPckgAssociationDType), they do not. Envelopes:
`{"CFDocuments": [...]}` (CFDocumentSetDType), `{"CFItem": ..., "CFAssociations": [...]}`
(CFAssociationSetDType), and `{"CFItemTypes"|"CFConcepts"|"CFSubjects": [the one asked for, then
its children by hierarchyCode]}`; a CFLicense, CFAssociationGrouping, CFRubric and CFPackage come
bare. Errors are an `imsx_StatusInfo` body whose codeMinor is one of the binding's values
(unknownobject, invalid_uuid, invalid_selection_field, invalid_sort_field, forbidden).
"""

import uuid

from django.db.models import Q

from ...models import Association, FrameworkVersion, Item
from .common import ITEM_TYPES, document_link, find_item_type, item_type_identifier
from .export import (
    derived_associations,
    document_json,
    export_package,
    find_derived_association,
    find_kept_association,
    item_json,
    kept_associations,
    package_link,
    stored_association_json,
)

# Definitions an imported package brought, by REST collection: where they are kept, and the
# envelope key their endpoint answers with (None: the object itself; an envelope holds the object
# and its children by hierarchyCode).
DEFINITIONS = {
    "CFConcepts": ("CFConcepts", "CFConcepts"),
    "CFSubjects": ("CFSubjects", "CFSubjects"),
    "CFLicenses": ("CFLicenses", None),
    "CFAssociationGroupings": ("CFAssociationGroupings", None),
}
CODE_MINOR = {
    "forbidden",
    "fullsuccess",
    "internal_server_error",
    "invalid_selection_field",
    "invalid_sort_field",
    "invalid_uuid",
    "server_busy",
    "unauthorised_request",
    "unknownobject",
}


def status_info(description: str, code_minor: str) -> dict:
    """A CASE imsx_StatusInfo body for a failure (code_minor: one of CODE_MINOR)."""
    assert code_minor in CODE_MINOR, code_minor
    return {
        "imsx_codeMajor": "failure",
        "imsx_severity": "error",
        "imsx_description": description,
        "imsx_codeMinor": {
            "imsx_codeMinorField": [
                {"imsx_codeMinorFieldName": "sourcedId", "imsx_codeMinorFieldValue": code_minor}
            ]
        },
    }


def document_dtype(version: FrameworkVersion) -> dict:
    return document_json(version) | {"CFPackageURI": package_link(version)}


def item_dtype(item: Item) -> dict:
    return item_json(item) | {"CFDocumentURI": document_link(item.version)}


def association_dtype(data: dict, version: FrameworkVersion) -> dict:
    return data | {"CFDocumentURI": document_link(version)}


def documents(versions) -> dict:
    return {"CFDocuments": [document_dtype(v) for v in versions]}


def package(version: FrameworkVersion) -> dict:
    return export_package(version)


def find_association(versions, identifier) -> dict | None:
    stored = (
        Association.objects.filter(version__in=versions, identifier=identifier)
        .select_related(
            "version__framework", "origin__version__framework", "destination__version__framework"
        )
        .first()
    )
    if stored is not None:
        return association_dtype(stored_association_json(stored), stored.version)
    # Structural associations are not stored, nor those kept as a package gave them.
    for version in versions:
        found = find_derived_association(version, identifier) or find_kept_association(
            version, identifier
        )
        if found is not None:
            return association_dtype(found, version)
    return None


def item_associations(item: Item, versions) -> dict:
    """The item and every association it is an end of, in any version the reader can see (as
    package associations: CFPckgAssociationDType has no CFDocumentURI)."""
    identifier = str(item.identifier)
    version = item.version
    own = derived_associations(version) + kept_associations(version)
    found = [a for a in own if _touches(a, identifier)]
    stored = Association.objects.filter(
        Q(origin=item) | Q(destination=item), version__in=versions
    ).select_related("version__framework", "origin", "destination")
    found += [stored_association_json(association) for association in stored]
    found.sort(key=lambda a: (a["associationType"], a.get("sequenceNumber", -1), a["identifier"]))
    return {"CFItem": item_dtype(item), "CFAssociations": found}


def _touches(association: dict, identifier: str) -> bool:
    ends = (
        association["originNodeURI"]["identifier"],
        association["destinationNodeURI"]["identifier"],
    )
    return identifier in ends


def item_types(identifier, versions) -> dict | None:
    """The CFItemType and the types below it in the hierarchy (hierarchyCode), as a set."""
    own = find_item_type(identifier)
    if own is not None:
        return {"CFItemTypes": [own]}
    for version in versions:
        kept = version.case_extras.get("definitions", {}).get("CFItemTypes", [])
        match = next((t for t in kept if _same(t["identifier"], identifier)), None)
        if match is not None:
            return {"CFItemTypes": _with_children(match, kept)}
    return None


def _with_children(match: dict, kept: list[dict]) -> list[dict]:
    """The definition asked for, then those below it by hierarchyCode ("1.2" is below "1")."""
    code = match.get("hierarchyCode", "")
    below = [
        d
        for d in kept
        if d is not match and code and str(d.get("hierarchyCode", "")).startswith(code + ".")
    ]
    return [match, *below]


def definition(collection: str, identifier, versions) -> dict | None:
    key, envelope = DEFINITIONS[collection]
    for version in versions:
        kept = version.case_extras.get("definitions", {}).get(key, [])
        match = next((d for d in kept if _same(d["identifier"], identifier)), None)
        if match is not None:
            return {envelope: _with_children(match, kept)} if envelope else match
    return None


def rubric(identifier, versions) -> dict | None:
    for version in versions:
        for found in version.case_extras.get("package", {}).get("CFRubrics", []):
            if _same(found["identifier"], identifier):
                return found
    return None


def _same(a, b) -> bool:
    return str(a).lower() == str(b).lower()


def own_item_type_identifiers() -> set[uuid.UUID]:
    return {item_type_identifier(title) for title in ITEM_TYPES}
