"""1EdTech CASE 1.1 packages: export a framework version as a CFPackage and import one back.

A version is a CFDocument; every group, domain, level and statement is a CFItem. The CFAssociations
of a package are the version's stored `Association` rows (crosswalks) plus the structure, derived
from foreign keys with deterministic identifiers:

- each top-level item (a group, a level, a domain without a group, a statement without a domain)
  `isChildOf` the CFDocument;
- a domain `isChildOf` its group, a statement `isChildOf` its domain and `isPartOf` its level;
- level N `precedes` level N+1.

What CASE has no field for travels in each object's `extensions` (CASE 1.1):

- CFDocument: `frameworkSlug`, `frameworkKind` (pcf/pqs), `frameworkDescription`, `versionSlug`
  and, when the version has one, `predecessorURI` (a link to the previous version's CFDocument);
- CFItem: `slug`, `stage` and `pathways`, when set.

A stored association's rationale (`Association.notes`, e.g. why a post-qualifying standard is
related to a PCF statement) travels in the CFAssociation's own `notes` field (CASE 1.1).

Every URI resolves on this site under /ims/case/v1p1/ (see `capabilities.case_api`).
Output is deterministic, so exporting the same version twice, or exporting, importing into an
empty database and exporting again, gives the same JSON.
"""

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from itertools import pairwise
from pathlib import Path

import jsonschema
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import transaction
from django.utils.text import slugify

from .. import services
from ..models import Association, Framework, FrameworkVersion, Item
from .errors import InterchangeError

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "case-package.schema.json"
API_PATH = "/ims/case/v1p1"
CASE_VERSION = "1.1"
LANGUAGE = "en"
DEFAULT_CREATOR = "Capable"

# CFItemType titles, in hierarchy order; "Standard" is a statement of a post-qualifying framework.
STANDARD = "Standard"
ITEM_TYPES: dict[str, tuple[str, str]] = {
    "Domain group": (Item.Kind.GROUP, "A group of domains, e.g. Purpose, Practice or Impact."),
    "Domain": (Item.Kind.DOMAIN, "An area of capability with its own domain statement."),
    "Level": (Item.Kind.LEVEL, "A stage of a career at which capability is described."),
    "Capability statement": (
        Item.Kind.STATEMENT,
        "What a person can do in one domain at one level.",
    ),
    STANDARD: (Item.Kind.STATEMENT, "A post-qualifying standard."),
}
KIND_TYPE = {
    Item.Kind.GROUP: "Domain group",
    Item.Kind.DOMAIN: "Domain",
    Item.Kind.LEVEL: "Level",
    Item.Kind.STATEMENT: "Capability statement",
}
KIND_ORDER = {Item.Kind.GROUP: 0, Item.Kind.DOMAIN: 1, Item.Kind.LEVEL: 2, Item.Kind.STATEMENT: 3}
# The item types were defined once; their date does not change with the frameworks using them.
ITEM_TYPES_CHANGED = datetime(2018, 9, 1, tzinfo=UTC)
STRUCTURAL_TYPES = (
    Association.Type.IS_CHILD_OF,
    Association.Type.IS_PART_OF,
    Association.Type.PRECEDES,
)
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")


# --- URIs and small formatting helpers -------------------------------------------------------


def case_uri(collection: str, identifier) -> str:
    return f"{settings.SITE_URL}{API_PATH}/{collection}/{identifier}"


def format_datetime(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _link(title: str, identifier, collection: str) -> dict:
    return {"title": title, "identifier": str(identifier), "uri": case_uri(collection, identifier)}


def document_link(version: FrameworkVersion) -> dict:
    return _link(str(version), version.identifier, "CFDocuments")


def item_link(item: Item) -> dict:
    return _link(item.title or item.code, item.identifier, "CFItems")


def item_type_identifier(title: str) -> uuid.UUID:
    return services.derived_identifier("CFItemType", title)


def item_type_title(item: Item, framework: Framework) -> str:
    if item.kind == Item.Kind.STATEMENT and framework.kind == Framework.Kind.PQS:
        return STANDARD
    return KIND_TYPE[item.kind]


def item_type_link(title: str) -> dict:
    return _link(title, item_type_identifier(title), "CFItemTypes")


def item_type_json(title: str) -> dict:
    return {
        "identifier": str(item_type_identifier(title)),
        "uri": case_uri("CFItemTypes", item_type_identifier(title)),
        "title": title,
        "description": ITEM_TYPES[title][1],
        "hierarchyCode": str(list(ITEM_TYPES).index(title) + 1),
        "lastChangeDateTime": format_datetime(ITEM_TYPES_CHANGED),
    }


def find_item_type(identifier) -> dict | None:
    for title in ITEM_TYPES:
        if item_type_identifier(title) == uuid.UUID(str(identifier)):
            return item_type_json(title)
    return None


# --- Export ------------------------------------------------------------------------------------


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
        "CFPackageURI": _link(str(version), version.identifier, "CFPackages"),
        "extensions": extensions,
    }
    if version.description:
        document["description"] = version.description
    return document


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
        "CFDocumentURI": document_link(version),
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
    return data


def _association_json(
    *,
    identifier,
    association_type: str,
    origin: dict,
    destination: dict,
    version: FrameworkVersion,
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
        "CFDocumentURI": document_link(version),
        "lastChangeDateTime": format_datetime(changed),
    }
    if notes:
        data["notes"] = notes
    return data


def stored_association_json(association: Association, version: FrameworkVersion | None = None):
    version = version or association.version
    return _association_json(
        identifier=association.identifier,
        association_type=association.association_type,
        origin=item_link(association.origin),
        destination=item_link(association.destination),
        version=version,
        sequence_number=association.sequence_number,
        changed=association.last_changed,
        notes=association.notes,
    )


def structural_identifier(origin_identifier, association_type: str, destination_identifier):
    return services.derived_identifier(
        "association", str(origin_identifier), str(association_type), str(destination_identifier)
    )


def _ordered_items(version: FrameworkVersion) -> list[Item]:
    items = list(version.items.all())
    for item in items:
        item.version = version
    items.sort(key=lambda i: (KIND_ORDER[i.kind], i.sort_order, i.code))
    return items


def derived_associations(version: FrameworkVersion, items: list[Item] | None = None) -> list[dict]:
    """The structural CFAssociations of a version, computed from its foreign keys."""
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
            _association_json(
                identifier=structural_identifier(
                    origin.identifier, association_type, destination["identifier"]
                ),
                association_type=association_type,
                origin=item_link(origin),
                destination=destination,
                version=version,
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
    ranks = {str(item.identifier): n for n, item in enumerate(items)}
    associations.sort(key=_association_sort_key(ranks, str(version.identifier)))
    used_types = sorted(
        {data["CFItemType"] for data in item_data}, key=lambda title: list(ITEM_TYPES).index(title)
    )
    return {
        "CFDocument": document_json(version),
        "CFItems": item_data,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": [item_type_json(title) for title in used_types]},
    }


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


# --- Import -------------------------------------------------------------------------------------


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


_TYPE_WORDS = {
    "string": "a string",
    "object": "an object",
    "array": "a list",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


def _where(path: list, data) -> tuple[str, list]:
    """Name the object a JSON path points into, and the path left inside it."""
    if len(path) >= 2 and path[0] in ("CFItems", "CFAssociations") and isinstance(path[1], int):
        obj = data[path[0]][path[1]]
        identifier = obj.get("identifier") if isinstance(obj, dict) else None
        where = f"{path[0]}[{path[1]}]"
        if isinstance(identifier, str) and identifier:
            where += f" (identifier {identifier})"
        return where, path[2:]
    if (
        len(path) >= 3
        and path[0] == "CFDefinitions"
        and isinstance(path[2], int)
        and isinstance(data.get("CFDefinitions"), dict)
    ):
        return f"CFDefinitions.{path[1]}[{path[2]}]", path[3:]
    if len(path) >= 2 and path[0] == "CFDocument":
        return "CFDocument", path[1:]
    return "The package", path


def _describe(error: jsonschema.ValidationError, data) -> str:
    where, rest = _where(list(error.absolute_path), data)
    field = ".".join(str(part) for part in rest)
    if error.validator == "required":
        missing = next(p for p in error.validator_value if p not in error.instance)
        return f"{where}: {'.'.join(filter(None, [field, missing]))} is missing"
    field = field or "it"
    if error.validator == "pattern":
        expected = error.schema.get("description", f"matching {error.validator_value}")
        return f"{where}: {field} {error.instance!r} is not {expected}"
    if error.validator == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        return f"{where}: {field} must be {' or '.join(_TYPE_WORDS.get(t, t) for t in expected)}"
    if error.validator == "enum":
        options = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: {field} {error.instance!r} is not one of {options}"
    if error.validator == "minLength":
        return f"{where}: {field} is empty"
    return f"{where}: {field}: {error.message}"


def _path_key(error: jsonschema.ValidationError):
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def validate(data) -> None:
    """Check a package against the schema; raise InterchangeError naming the first problem."""
    if not isinstance(data, dict):
        raise InterchangeError(
            "The file is not a CASE package: expected a JSON object with CFDocument, CFItems "
            "and CFAssociations"
        )
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=_path_key)
    if errors:
        raise InterchangeError(_describe(errors[0], data))


def _parse_datetime(value: str, where: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InterchangeError(f"{where}: {field} {value!r} is not a valid date and time") from None
    if parsed.tzinfo is None:
        raise InterchangeError(f"{where}: {field} {value!r} has no time zone")
    return parsed


class _NewItem:
    """An item of the package being imported, before it is saved."""

    def __init__(self, index: int, raw: dict, where: str):
        self.index = index
        self.raw = raw
        self.where = where
        self.identifier = uuid.UUID(raw["identifier"])
        self.kind = ITEM_TYPES.get(raw.get("CFItemType", ""), (Item.Kind.STATEMENT, ""))[0]
        self.parent: dict[str, _NewItem] = {}
        self.child_of_sequence: int | None = None
        self.obj: Item | None = None


def _item_fields(new: _NewItem) -> dict:
    raw, where = new.raw, new.where
    code = raw.get("humanCodingScheme") or str(new.identifier)[:8]
    if len(code) > 60:
        raise InterchangeError(f"{where}: humanCodingScheme is longer than 60 characters")
    title = raw.get("abbreviatedStatement", "")
    if len(title) > 255:
        raise InterchangeError(f"{where}: abbreviatedStatement is longer than 255 characters")
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
        "title": title,
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
    publish: bool = False,
    draft: bool = False,
    progress: Callable[[int], object] | None = None,
) -> FrameworkVersion:
    """Create a framework version from a CASE 1.1 CFPackage, all or nothing.

    Publishes it (at its lastChangeDateTime) when the CFDocument's adoptionStatus is "Adopted"
    or `publish` is true, unless `draft` is true (the admin's import: publication goes through
    the workflow).
    """
    validate(data)
    with transaction.atomic():
        return _import(data, publish=publish and not draft, draft=draft, progress=progress)


def _import(data: dict, *, publish: bool, draft: bool = False, progress) -> FrameworkVersion:
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

    # Items.
    seen: dict[uuid.UUID, str] = {document_id: "CFDocument"}
    items: list[_NewItem] = []
    codes: dict[str, str] = {}
    fields: dict[uuid.UUID, dict] = {}
    for index, raw in enumerate(data["CFItems"]):
        where = f"CFItems[{index}] (identifier {raw['identifier']})"
        new = _NewItem(index, raw, where)
        if new.identifier in seen:
            raise InterchangeError(
                f"{where}: identifier is used twice in this package (also {seen[new.identifier]})"
            )
        seen[new.identifier] = f"CFItems[{index}]"
        if uuid.UUID(raw["CFDocumentURI"]["identifier"]) != document_id:
            raise InterchangeError(
                f"{where}: CFDocumentURI does not point at this package's CFDocument"
            )
        fields[new.identifier] = _item_fields(new)
        code = fields[new.identifier]["code"]
        if code in codes:
            raise InterchangeError(
                f"{where}: humanCodingScheme {code!r} is used twice (also {codes[code]})"
            )
        codes[code] = f"CFItems[{index}]"
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
    raw_associations = data["CFAssociations"]
    ends: set[uuid.UUID] = set()
    for raw in raw_associations:
        ends.add(uuid.UUID(raw["originNodeURI"]["identifier"]))
        ends.add(uuid.UUID(raw["destinationNodeURI"]["identifier"]))
    in_database = {
        item.identifier: item
        for item in Item.objects.filter(identifier__in=ends - set(by_identifier) - {document_id})
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
        association_type = raw["associationType"]
        if association_type not in Association.Type.values:
            supported = ", ".join(Association.Type.values)
            raise InterchangeError(
                f"{where}: associationType {association_type!r} is not supported by Capable "
                f"(supported: {supported})"
            )
        ends_found = []
        for field in ("originNodeURI", "destinationNodeURI"):
            target = uuid.UUID(raw[field]["identifier"])
            if target == document_id:
                if field == "originNodeURI" or association_type != Association.Type.IS_CHILD_OF:
                    raise InterchangeError(
                        f"{where}: {field} points at the CFDocument; only an item's isChildOf "
                        "association can point at the document"
                    )
                ends_found.append("document")
            elif target in by_identifier:
                ends_found.append(by_identifier[target])
            elif target in in_database:
                ends_found.append(in_database[target])
            else:
                raise InterchangeError(
                    f"{where}: {field} {target} is not an item of this package or of Capable"
                )
        origin, destination = ends_found
        if origin is destination:
            raise InterchangeError(f"{where}: an item cannot be associated with itself")
        if destination == "document" and not isinstance(origin, _NewItem):
            raise InterchangeError(
                f"{where}: originNodeURI is an item of another framework version; it cannot be a "
                "child of this CFDocument"
            )
        sequence = raw.get("sequenceNumber")
        if sequence is not None and sequence < 0:
            raise InterchangeError(f"{where}: sequenceNumber must not be negative")
        triple = (
            association_type,
            uuid.UUID(raw["originNodeURI"]["identifier"]),
            uuid.UUID(raw["destinationNodeURI"]["identifier"]),
        )
        if triple in triples:
            raise InterchangeError(
                f"{where}: the same association is declared twice (also {triples[triple]})"
            )
        triples[triple] = f"CFAssociations[{index}]"
        resolved.append(
            {
                "where": where,
                "identifier": identifier,
                "type": association_type,
                "origin": origin,
                "destination": destination,
                "sequence": sequence,
                "changed": _parse_datetime(raw["lastChangeDateTime"], where, "lastChangeDateTime"),
                "notes": raw.get("notes", ""),
                "derived": identifier == structural_identifier(*triple),
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

    # Structure first for associations with the identifiers Capable derives, then the rest.
    stored = []
    for derived_pass in (True, False):
        for association in resolved:
            if association["derived"] is derived_pass and not _apply_structure(association):
                stored.append(association)
    for association in stored:
        origin, destination = association["origin"], association["destination"]
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

    # Write.
    kind = extensions.get("frameworkKind")
    if kind not in Framework.Kind.values:
        is_pqs = any(item.raw.get("CFItemType") == STANDARD for item in items)
        kind = Framework.Kind.PQS if is_pqs else Framework.Kind.PCF
    framework = Framework.objects.filter(slug=framework_slug).first()
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
        try:
            predecessor = FrameworkVersion.objects.filter(
                identifier=uuid.UUID(str(predecessor_link["identifier"]))
            ).first()
        except ValueError:
            raise InterchangeError(
                f"{doc_where}: extensions.predecessorURI.identifier is not a UUID"
            ) from None
    version = FrameworkVersion.objects.create(
        framework=framework,
        slug=version_slug,
        label=label,
        description=document.get("description", ""),
        identifier=document_id,
        predecessor=predecessor,
        last_changed=changed,
    )
    _create_items(version, items, fields, progress)
    rows = [
        Association(
            version=version,
            identifier=a["identifier"],
            association_type=a["type"],
            origin=a["origin"].obj if isinstance(a["origin"], _NewItem) else a["origin"],
            destination=(
                a["destination"].obj if isinstance(a["destination"], _NewItem) else a["destination"]
            ),
            sequence_number=a["sequence"],
            notes=a["notes"],
            last_changed=a["changed"],
        )
        for a in stored
    ]
    Association.objects.bulk_create(rows)
    if progress:
        progress(len(resolved))
    if not draft and (publish or document.get("adoptionStatus") == "Adopted"):
        services.publish_version(version=version, at=changed)
    version.refresh_from_db()
    return version


def _apply_structure(association: dict) -> bool:
    """Turn a structural association into a foreign key. False if it is not structure."""
    kind, origin, destination = (
        association["type"],
        association["origin"],
        association["destination"],
    )
    if not isinstance(origin, _NewItem):
        return False
    if destination == "document":
        if origin.child_of_sequence is None:
            origin.child_of_sequence = association["sequence"]
        return True
    if not isinstance(destination, _NewItem):
        return False
    pairs = {
        (Association.Type.IS_CHILD_OF, Item.Kind.DOMAIN, Item.Kind.GROUP): "group",
        (Association.Type.IS_CHILD_OF, Item.Kind.STATEMENT, Item.Kind.DOMAIN): "domain",
        (Association.Type.IS_PART_OF, Item.Kind.STATEMENT, Item.Kind.LEVEL): "level",
    }
    if kind == Association.Type.PRECEDES and origin.kind == destination.kind == Item.Kind.LEVEL:
        return True
    field = pairs.get((kind, origin.kind, destination.kind))
    if field is None or field in origin.parent:
        return False
    origin.parent[field] = destination
    if kind == Association.Type.IS_CHILD_OF and origin.child_of_sequence is None:
        origin.child_of_sequence = association["sequence"]
    return True


def _create_items(version, items: list[_NewItem], fields: dict, progress) -> None:
    positions: dict[str, int] = {}
    for new in items:
        positions[new.kind] = positions.get(new.kind, 0) + 1
        values = dict(fields[new.identifier])
        if values["sort_order"] is None:
            values["sort_order"] = (
                new.child_of_sequence if new.child_of_sequence is not None else positions[new.kind]
            )
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
