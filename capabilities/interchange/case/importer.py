"""A CASE 1.1 CFPackage imported as a framework version, all or nothing, without loss.

Accepts any package valid against 1EdTech's CFPackage schema (only the CFDocument is required),
and OpenSALT-style packages that also carry `CFPackageURI` on the CFDocument and `CFDocumentURI`
on items and associations (checked to point at the package's CFDocument, then dropped: the
schema does not allow them, so the export does not give them back), and a package wrapped in a
`{"CFPackage": ...}` envelope (as 1EdTech's OpenCASE serves and takes it).

- Item kinds come from the item types (`CFItemType`, or the title of the CFItemTypes entry its
  `CFItemTypeURI` names): Capable's own type titles map to groups, domains, levels and
  statements; any other type is a statement. The framework type is the `kind` the person
  importing chooses, or the `frameworkKind` extension Capable writes into its own packages.
- Structure is what the associations say. A package Capable exported (its structural
  associations carry the identifiers Capable derives, and they are exactly the ones Capable
  would derive) is read back into foreign keys; any other package keeps every association as
  given, and Capable derives none for it (no `isChildOf` to the document is invented).
- Associations between two items (of the package or already in Capable) are stored as rows,
  whatever their type (the ten of CASE 1.1, or an `ext:` extension); those to or from the
  CFDocument, or to something outside the package and Capable, are kept as given.
- Every field Capable has no column for (alternativeLabel, conceptKeywords, educationLevel,
  subject, notes, publisher, licenseURI, statusStartDate...), CFDefinitions, CFRubrics and the
  package's extensions are kept (`case_extras`), and so is any value Capable would write
  differently; the export gives them back, so only `uri` fields change (to this site's).
"""

import copy
import uuid
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils.text import slugify

from ... import services
from ...models import Association, Framework, FrameworkVersion, Item
from ..errors import InterchangeError
from .common import ITEM_TYPES, SLUG_RE, item_type_json, structural_identifier
from .export import (
    STORED_STRUCTURE,
    document_json,
    item_json,
    stored_association_json,
)
from .structure import NewItem, read_structure, sort_orders
from .validation import validate

PACKAGE_PARTS = ("CFDocument", "CFItems", "CFAssociations", "CFDefinitions")


def normalise(data):
    """A copy of the package out of OpenCASE's `{"CFPackage": ...}` envelope and without
    OpenSALT's extra URI fields (which must point at the package's own CFDocument)."""
    if not isinstance(data, dict):
        return data
    if set(data) == {"CFPackage"} and isinstance(data["CFPackage"], dict):
        data = data["CFPackage"]
    data = copy.deepcopy(data)
    document = data.get("CFDocument")
    document_id = None
    if isinstance(document, dict):
        document.pop("CFPackageURI", None)
        document_id = document.get("identifier")
    for collection in ("CFItems", "CFAssociations"):
        objects = data.get(collection)
        if not isinstance(objects, list):
            continue
        for index, obj in enumerate(objects):
            if not isinstance(obj, dict) or "CFDocumentURI" not in obj:
                continue
            link = obj.pop("CFDocumentURI")
            pointed = link.get("identifier") if isinstance(link, dict) else None
            if document_id and str(pointed).lower() != str(document_id).lower():
                raise InterchangeError(
                    f"{collection}[{index}] (identifier {obj.get('identifier')}): CFDocumentURI "
                    "does not point at this package's CFDocument"
                )
    return data


def _parse_datetime(value: str, where: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InterchangeError(f"{where}: {field} {value!r} is not a valid date and time") from None
    if parsed.tzinfo is None:
        raise InterchangeError(f"{where}: {field} {value!r} has no time zone")
    return parsed


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _type_title(raw: dict, type_titles: dict[str, str]) -> str:
    if raw.get("CFItemType"):
        return raw["CFItemType"]
    link = raw.get("CFItemTypeURI") or {}
    return type_titles.get(str(link.get("identifier", "")).lower(), link.get("title", ""))


def _item_fields(new: NewItem, codes: dict[str, str]) -> dict:
    raw, where = new.raw, new.where
    code = raw.get("humanCodingScheme") or str(new.identifier)[:8]
    if len(code) > 60 or code in codes:
        # Capable needs a short code unique in the version; the package's own value is kept
        # (case_extras) and exported back.
        code = f"{code[:51]}~{str(new.identifier)[:8]}"
    extensions = raw.get("extensions") or {}
    slug = extensions.get("slug", "")
    if not isinstance(slug, str) or (slug and not SLUG_RE.match(slug)) or len(slug) > 120:
        raise InterchangeError(f"{where}: extensions.slug is not a valid slug: {slug!r}")
    stage = extensions.get("stage", "")
    if stage not in ("", *Item.Stage.values):
        options = ", ".join(Item.Stage.values)
        raise InterchangeError(f"{where}: extensions.stage {stage!r} is not one of {options}")
    pathways = extensions.get("pathways", [])
    if not isinstance(pathways, list) or not all(isinstance(p, str) for p in pathways):
        raise InterchangeError(f"{where}: extensions.pathways must be a list of strings")
    enumeration = raw.get("listEnumeration", "")
    return {
        "identifier": new.identifier,
        "kind": new.kind,
        "code": code,
        "slug": slug,
        "title": raw.get("abbreviatedStatement", "")[:255],
        "full_statement": raw["fullStatement"],
        "notes": raw.get("notes", ""),
        "sort_order": int(enumeration) if enumeration.isdigit() else None,
        "stage": stage,
        "pathways": pathways,
        "last_changed": _parse_datetime(raw["lastChangeDateTime"], where, "lastChangeDateTime"),
    }


def _label(document: dict, changed: datetime) -> str:
    label = document.get("version") or changed.date().isoformat()
    if len(label) > 80:
        raise InterchangeError("CFDocument: version is longer than 80 characters")
    return label


def import_package(
    data,
    *,
    kind: str | None = None,
    publish: bool = False,
    draft: bool = False,
    progress: Callable[[int], object] | None = None,
) -> FrameworkVersion:
    """Create a framework version from a CASE 1.1 CFPackage, all or nothing.

    `kind` is the framework type (Framework.Kind) for a framework Capable does not have yet;
    without it the package must say (Capable's `frameworkKind` extension). Publishes the version
    (at its lastChangeDateTime) when the CFDocument's adoptionStatus is "Adopted" or `publish`
    is true, unless `draft` is true (the admin's import: publication goes through the workflow).
    """
    data = normalise(data)
    validate(data)
    if kind is not None and kind not in Framework.Kind.values:
        raise InterchangeError(f"Framework type {kind!r} is not one of {Framework.Kind.values}")
    with transaction.atomic():
        return _import(
            data, kind=kind, publish=publish and not draft, draft=draft, progress=progress
        )


def _import(data: dict, *, kind, publish: bool, draft: bool = False, progress) -> FrameworkVersion:
    document = data["CFDocument"]
    document_id = uuid.UUID(document["identifier"])
    doc_where = f"CFDocument (identifier {document['identifier']})"
    changed = _parse_datetime(document["lastChangeDateTime"], doc_where, "lastChangeDateTime")
    extensions = document.get("extensions") or {}
    label = _label(document, changed)
    version_slug = extensions.get("versionSlug") or slugify(f"{document['title']} {label}")[:80]
    if not isinstance(version_slug, str) or not SLUG_RE.match(version_slug):
        raise InterchangeError(
            f"{doc_where}: extensions.versionSlug is not a valid slug: {version_slug!r}"
        )
    if FrameworkVersion.objects.filter(slug=version_slug).exists():
        raise InterchangeError(
            f"{doc_where}: a framework version with slug {version_slug!r} already exists "
            "(extensions.versionSlug)"
        )
    if FrameworkVersion.objects.filter(identifier=document_id).exists():
        raise InterchangeError(f"{doc_where}: identifier already exists in Capable")
    framework_slug = extensions.get("frameworkSlug") or slugify(document["title"])[:80]
    if not isinstance(framework_slug, str) or not SLUG_RE.match(framework_slug):
        raise InterchangeError(
            f"{doc_where}: extensions.frameworkSlug is not a valid slug: {framework_slug!r}"
        )
    framework = Framework.objects.filter(slug=framework_slug).first()
    kind = kind or extensions.get("frameworkKind")
    if framework is None and kind not in Framework.Kind.values:
        raise InterchangeError(
            "Choose the framework type (Professional Capabilities Framework or post-qualifying "
            "standards): the package does not say which it is"
        )
    definitions = data.get("CFDefinitions") or {}
    type_titles = {t["identifier"].lower(): t["title"] for t in definitions.get("CFItemTypes", [])}

    # Items.
    seen: dict[uuid.UUID, str] = {document_id: "CFDocument"}
    items: list[NewItem] = []
    codes: dict[str, str] = {}
    fields: dict[uuid.UUID, dict] = {}
    for index, raw in enumerate(data.get("CFItems", [])):
        where = f"CFItems[{index}] (identifier {raw['identifier']})"
        new = NewItem(index, raw, where, _type_title(raw, type_titles))
        if new.identifier in seen:
            raise InterchangeError(
                f"{where}: identifier is used twice in this package (also {seen[new.identifier]})"
            )
        seen[new.identifier] = f"CFItems[{index}]"
        fields[new.identifier] = _item_fields(new, codes)
        codes[fields[new.identifier]["code"]] = f"CFItems[{index}]"
        items.append(new)
    existing = {
        item.identifier: item
        for item in Item.objects.filter(identifier__in=[i.identifier for i in items])
    }
    for new in items:
        if new.identifier in existing:
            raise InterchangeError(
                f"{new.where}: identifier already exists in Capable ({existing[new.identifier]})"
            )
    by_identifier = {item.identifier: item for item in items}

    # Associations: resolve both ends and check them before anything is written.
    raw_associations = data.get("CFAssociations", [])
    ends = {
        _uuid(raw[field]["identifier"])
        for raw in raw_associations
        for field in ("originNodeURI", "destinationNodeURI")
    }
    in_database = {
        item.identifier: item
        for item in Item.objects.filter(
            identifier__in=ends - set(by_identifier) - {document_id, None}
        )
    }
    resolved = []
    triples: dict[tuple, str] = {}
    for index, raw in enumerate(raw_associations):
        where = f"CFAssociations[{index}] (identifier {raw['identifier']})"
        identifier = uuid.UUID(raw["identifier"])
        if identifier in seen:
            raise InterchangeError(
                f"{where}: identifier is used twice in this package (also {seen[identifier]})"
            )
        seen[identifier] = f"CFAssociations[{index}]"
        ends_found = []
        for field in ("originNodeURI", "destinationNodeURI"):
            target = _uuid(raw[field]["identifier"])
            if target == document_id:
                ends_found.append("document")
            elif target in by_identifier:
                ends_found.append(by_identifier[target])
            elif target in in_database:
                ends_found.append(in_database[target])
            else:
                ends_found.append("outside")
        origin, destination = ends_found
        if origin is destination and origin not in ("document", "outside"):
            raise InterchangeError(f"{where}: an item cannot be associated with itself")
        sequence = raw.get("sequenceNumber")
        if sequence is not None and sequence < 0:
            raise InterchangeError(f"{where}: sequenceNumber must not be negative")
        triple = (
            raw["associationType"],
            raw["originNodeURI"]["identifier"].lower(),
            raw["destinationNodeURI"]["identifier"].lower(),
        )
        if triple in triples:
            raise InterchangeError(
                f"{where}: the same association is declared twice (also {triples[triple]})"
            )
        triples[triple] = f"CFAssociations[{index}]"
        resolved.append(
            {
                "raw": raw,
                "where": where,
                "identifier": identifier,
                "type": raw["associationType"],
                "origin": origin,
                "destination": destination,
                "sequence": sequence,
                "changed": _parse_datetime(raw["lastChangeDateTime"], where, "lastChangeDateTime"),
                "notes": raw.get("notes", ""),
                "derived": identifier == structural_identifier(triple[1], triple[0], triple[2]),
            }
        )
    clashes = set(
        Association.objects.filter(identifier__in=[a["identifier"] for a in resolved]).values_list(
            "identifier", flat=True
        )
    )
    for association in resolved:
        if association["identifier"] in clashes:
            raise InterchangeError(f"{association['where']}: identifier already exists in Capable")

    absorbed = read_structure(items, fields, resolved, document_id)
    structure = "derived" if absorbed is not None else STORED_STRUCTURE
    absorbed = absorbed or set()
    rows, kept = [], []
    for association in resolved:
        if id(association) in absorbed:
            continue
        origin, destination = association["origin"], association["destination"]
        if isinstance(origin, str) or isinstance(destination, str):
            kept.append(association["raw"])
            continue
        if (
            isinstance(origin, Item)
            and isinstance(destination, Item)
            and Association.objects.filter(
                association_type=association["type"], origin=origin, destination=destination
            ).exists()
        ):
            raise InterchangeError(
                f"{association['where']}: this association already exists in Capable"
            )
        rows.append(association)

    # Write.
    if framework is None:
        framework = Framework.objects.create(
            slug=framework_slug,
            title=document["title"][:255],
            kind=kind,
            creator=document["creator"][:255],
            description=extensions.get("frameworkDescription", "") or "",
        )
    predecessor = None
    predecessor_link = extensions.get("predecessorURI")
    if isinstance(predecessor_link, dict) and predecessor_link.get("identifier"):
        predecessor_id = _uuid(predecessor_link["identifier"])
        if predecessor_id is None:
            raise InterchangeError(
                f"{doc_where}: extensions.predecessorURI.identifier is not a UUID"
            )
        predecessor = FrameworkVersion.objects.filter(identifier=predecessor_id).first()
    version = FrameworkVersion.objects.create(
        framework=framework,
        slug=version_slug,
        label=label,
        description=document.get("description", ""),
        identifier=document_id,
        predecessor=predecessor,
        last_changed=changed,
    )
    version.case_extras = _version_extras(data, structure, kept)
    _create_items(version, items, fields, progress)
    association_rows = [
        Association(
            version=version,
            identifier=a["identifier"],
            association_type=a["type"],
            origin=a["origin"].obj if isinstance(a["origin"], NewItem) else a["origin"],
            destination=(
                a["destination"].obj if isinstance(a["destination"], NewItem) else a["destination"]
            ),
            sequence_number=a["sequence"],
            notes=a["notes"],
            last_changed=a["changed"],
        )
        for a in rows
    ]
    Association.objects.bulk_create(association_rows)
    _keep_differences(version, document, items, rows, association_rows)
    if progress:
        progress(len(resolved))
    if not draft and (publish or document.get("adoptionStatus") == "Adopted"):
        services.publish_version(version=version, at=changed)
    version.refresh_from_db()
    return version


def _version_extras(data: dict, structure: str, kept: list[dict]) -> dict:
    extras: dict = {}
    if structure == STORED_STRUCTURE:
        extras["structure"] = STORED_STRUCTURE
    if kept:
        extras["associations"] = kept
    definitions = dict(data.get("CFDefinitions") or {})
    own = {item_type_json(title)["identifier"]: item_type_json(title) for title in ITEM_TYPES}
    given = definitions.pop("CFItemTypes", None)
    types = [t for t in given or [] if own.get(t["identifier"]) != t]
    if types or given == []:
        definitions["CFItemTypes"] = types
    if definitions:
        extras["definitions"] = definitions
    package = {key: value for key, value in data.items() if key not in PACKAGE_PARTS}
    if package:
        extras["package"] = package
    return extras


def _differences(raw: dict, exported: dict) -> dict:
    """What the export must change to give `raw` back (None: leave the field out)."""
    keys = (set(raw) | set(exported)) - {"uri"}
    return {key: raw.get(key) for key in sorted(keys) if raw.get(key) != exported.get(key)}


def _keep_differences(version, document: dict, items: list[NewItem], raw_rows, rows) -> None:
    version.case_extras["fields"] = _differences(document, document_json(version))
    if not version.case_extras["fields"]:
        del version.case_extras["fields"]
    version.save(update_fields=["case_extras"])
    changed_items = []
    for new in items:
        new.obj.case_extras = _differences(new.raw, item_json(new.obj, version))
        if new.obj.case_extras:
            changed_items.append(new.obj)
    Item.objects.bulk_update(changed_items, ["case_extras"], batch_size=500)
    changed_rows = []
    for association, row in zip(raw_rows, rows, strict=True):
        row.case_extras = _differences(association["raw"], stored_association_json(row, version))
        if row.case_extras:
            changed_rows.append(row)
    Association.objects.bulk_update(changed_rows, ["case_extras"], batch_size=500)


def _create_items(version, items: list[NewItem], fields: dict, progress) -> None:
    orders = sort_orders(items, fields)
    for new in items:
        values = dict(fields[new.identifier])
        values["sort_order"] = orders[new.identifier]
        new.obj = Item(version=version, **values)
    phases = (
        (Item.Kind.GROUP, Item.Kind.LEVEL),
        (Item.Kind.DOMAIN,),
        (Item.Kind.STATEMENT,),
    )
    for kinds in phases:
        batch = [new for new in items if new.kind in kinds]
        for new in batch:
            for field, parent in new.parent.items():
                setattr(new.obj, field, parent.obj)
        Item.objects.bulk_create([new.obj for new in batch])
        if progress:
            progress(len(batch))
    services.index_items([new.obj for new in items])
