"""A framework version as a CASE 1.1 CFPackage, valid against 1EdTech's CFPackage schema."""

import json
from collections.abc import Callable
from datetime import datetime
from itertools import pairwise

from django.conf import settings
from django.core.cache import cache as django_cache

from ...models import Association, FrameworkVersion, Item
from .common import (
    CASE_VERSION,
    DEFAULT_CREATOR,
    ITEM_TYPES,
    KIND_ORDER,
    LANGUAGE,
    _link,
    apply_extras,
    case_uri,
    document_link,
    format_datetime,
    item_link,
    item_type_identifier,
    item_type_json,
    item_type_link,
    item_type_title,
    structural_identifier,
)

# A version imported from a package whose structure Capable does not derive keeps every
# association as the package gave it, and Capable adds none (see `derived_associations`).
STORED_STRUCTURE = "stored"


def document_json(version: FrameworkVersion) -> dict:
    framework = version.framework
    extensions = {
        "frameworkSlug": framework.slug,
        "frameworkKind": framework.kind,
        "versionSlug": version.slug,
    }
    if framework.description:
        extensions["frameworkDescription"] = framework.description
    if version.predecessor_id:
        extensions["predecessorURI"] = document_link(version.predecessor)
    document = {
        "identifier": str(version.identifier),
        "uri": case_uri("CFDocuments", version.identifier),
        "frameworkType": framework.get_kind_display(),
        "caseVersion": CASE_VERSION,
        "creator": framework.creator or DEFAULT_CREATOR,
        "title": framework.title,
        "lastChangeDateTime": format_datetime(version.last_changed),
        "officialSourceURL": f"{settings.SITE_URL}{version.get_absolute_url()}",
        "language": LANGUAGE,
        "version": version.label,
        "adoptionStatus": "Adopted" if version.live else "Draft",
        "extensions": extensions,
    }
    if version.description:
        document["description"] = version.description
    return apply_extras(document, (version.case_extras or {}).get("fields", {}))


def item_json(item: Item, version: FrameworkVersion | None = None) -> dict:
    version = version or item.version
    type_title = item_type_title(item, version.framework)
    data = {
        "identifier": str(item.identifier),
        "uri": case_uri("CFItems", item.identifier),
        "fullStatement": item.full_statement,
    }
    if item.title:
        data["abbreviatedStatement"] = item.title
    data |= {
        "humanCodingScheme": item.code,
        "listEnumeration": str(item.sort_order),
        "CFItemType": type_title,
        "CFItemTypeURI": item_type_link(type_title),
    }
    if item.notes:
        data["notes"] = item.notes
    data |= {
        "language": LANGUAGE,
        "lastChangeDateTime": format_datetime(item.last_changed),
    }
    extensions = {}
    if item.slug:
        extensions["slug"] = item.slug
    if item.stage:
        extensions["stage"] = item.stage
    if item.pathways:
        extensions["pathways"] = list(item.pathways)
    if extensions:
        data["extensions"] = extensions
    return apply_extras(data, item.case_extras or {})


def association_json(
    *,
    identifier,
    association_type: str,
    origin: dict,
    destination: dict,
    sequence_number: int | None,
    changed: datetime,
    notes: str = "",
) -> dict:
    data = {
        "identifier": str(identifier),
        "uri": case_uri("CFAssociations", identifier),
        "associationType": str(association_type),
    }
    if sequence_number is not None:
        data["sequenceNumber"] = sequence_number
    data |= {
        "originNodeURI": origin,
        "destinationNodeURI": destination,
        "lastChangeDateTime": format_datetime(changed),
    }
    if notes:
        data["notes"] = notes
    return data


def stored_association_json(association: Association, version: FrameworkVersion | None = None):
    data = association_json(
        identifier=association.identifier,
        association_type=association.association_type,
        origin=item_link(association.origin),
        destination=item_link(association.destination),
        sequence_number=association.sequence_number,
        changed=association.last_changed,
        notes=association.notes,
    )
    return apply_extras(data, association.case_extras or {})


def kept_associations(version: FrameworkVersion) -> list[dict]:
    """Associations of an imported package Capable keeps as given: to or from the CFDocument,
    or to something outside this package and Capable. Their own `uri` resolves here."""
    result = []
    for raw in (version.case_extras or {}).get("associations", []):
        result.append(raw | {"uri": case_uri("CFAssociations", raw["identifier"])})
    return result


def _ordered_items(version: FrameworkVersion) -> list[Item]:
    items = list(version.items.all())
    for item in items:
        item.version = version
    items.sort(key=lambda i: (KIND_ORDER[i.kind], i.sort_order, i.code))
    return items


def derived_associations(version: FrameworkVersion, items: list[Item] | None = None) -> list[dict]:
    """The structural CFAssociations of a version, computed from its foreign keys.

    None for a version imported from a package whose structure is not Capable's: its
    associations are all stored as the package gave them.
    """
    if (version.case_extras or {}).get("structure") == STORED_STRUCTURE:
        return []
    if items is None:
        items = _ordered_items(version)
    by_pk = {item.pk: item for item in items}
    missing = {
        pk
        for item in items
        for pk in (item.group_id, item.domain_id, item.level_id)
        if pk and pk not in by_pk
    }
    by_pk |= {item.pk: item for item in Item.objects.filter(pk__in=missing)}
    document = document_link(version)
    result = []

    def add(origin: Item, association_type: str, destination: dict):
        result.append(
            association_json(
                identifier=structural_identifier(
                    origin.identifier, association_type, destination["identifier"]
                ),
                association_type=association_type,
                origin=item_link(origin),
                destination=destination,
                sequence_number=origin.sort_order,
                changed=origin.last_changed,
            )
        )

    child_of = Association.Type.IS_CHILD_OF
    for item in items:
        if item.kind == Item.Kind.DOMAIN and item.group_id:
            add(item, child_of, item_link(by_pk[item.group_id]))
        elif item.kind == Item.Kind.STATEMENT and item.domain_id:
            add(item, child_of, item_link(by_pk[item.domain_id]))
        else:
            add(item, child_of, document)
        if item.kind == Item.Kind.STATEMENT and item.level_id:
            add(item, Association.Type.IS_PART_OF, item_link(by_pk[item.level_id]))
    levels = [item for item in items if item.kind == Item.Kind.LEVEL]
    for level, following in pairwise(levels):
        add(level, Association.Type.PRECEDES, item_link(following))
    return result


def _association_sort_key(ranks: dict[str, int], document_identifier: str):
    def rank(identifier: str):
        if identifier == document_identifier:
            return (-1, "")
        if identifier in ranks:
            return (0, f"{ranks[identifier]:09d}")
        return (1, identifier)

    def key(association: dict):
        return (
            association["associationType"],
            rank(association["originNodeURI"]["identifier"]),
            association.get("sequenceNumber", -1),
            rank(association["destinationNodeURI"]["identifier"]),
            association["identifier"],
        )

    return key


def item_types(version: FrameworkVersion, item_data: list[dict]) -> list[dict]:
    """The CFItemTypes the items use: those an imported package defined, then Capable's own."""
    kept = list((version.case_extras or {}).get("definitions", {}).get("CFItemTypes", []))
    known = {t["identifier"] for t in kept}
    used = set()
    for data in item_data:
        link = data.get("CFItemTypeURI") or {}
        title = data.get("CFItemType")
        if title in ITEM_TYPES and link.get("identifier") == str(item_type_identifier(title)):
            used.add(title)
    own = [item_type_json(t) for t in ITEM_TYPES if t in used]
    return kept + [t for t in own if t["identifier"] not in known]


def definitions(version: FrameworkVersion, item_data: list[dict]) -> dict | None:
    result = dict((version.case_extras or {}).get("definitions", {}))
    types = item_types(version, item_data)
    if types:
        result["CFItemTypes"] = types
    return result or None


def export_package(version: FrameworkVersion, *, progress: Callable[[int], object] | None = None):
    """The version as a CASE 1.1 CFPackage (a dict ready for json.dumps)."""
    version = FrameworkVersion.objects.select_related("framework", "predecessor__framework").get(
        pk=version.pk
    )
    items = _ordered_items(version)
    item_data = []
    for item in items:
        item_data.append(item_json(item, version))
        if progress:
            progress(1)
    stored = version.associations.select_related(
        "origin__version__framework", "destination__version__framework"
    )
    associations = derived_associations(version, items)
    associations += [stored_association_json(a, version) for a in stored]
    associations += kept_associations(version)
    ranks = {str(item.identifier): n for n, item in enumerate(items)}
    associations.sort(key=_association_sort_key(ranks, str(version.identifier)))
    package = {
        "CFDocument": document_json(version),
        "CFItems": item_data,
        "CFAssociations": associations,
    }
    found = definitions(version, item_data)
    if found:
        package["CFDefinitions"] = found
    return package | (version.case_extras or {}).get("package", {})


def package_link(version: FrameworkVersion) -> dict:
    return _link(str(version), version.identifier, "CFPackages")


def dumps(package: dict) -> str:
    """The package as the text Capable writes to files (UTF-8, indented, newline at the end)."""
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def find_derived_association(version: FrameworkVersion, identifier) -> dict | None:
    """A structural association of `version` by identifier (for the CASE API), or None."""
    identifier = str(identifier)
    key = f"capable:case:derived:{version.identifier}:{version.pk}:{version.last_changed.timestamp():.0f}"
    known = django_cache.get(key) if version.live else None
    if known is not None and identifier not in known:
        return None
    associations = derived_associations(version)
    if version.live:
        # A published version never changes, so the identifiers it derives can be remembered.
        django_cache.set(key, {a["identifier"] for a in associations}, timeout=None)
    return next((a for a in associations if a["identifier"] == identifier), None)


def find_kept_association(version: FrameworkVersion, identifier) -> dict | None:
    identifier = str(identifier)
    return next((a for a in kept_associations(version) if a["identifier"] == identifier), None)
