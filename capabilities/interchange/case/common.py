"""What export, import and the CASE REST end points share: URIs, item types, the schema."""

import json
import re
import uuid
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import jsonschema
from django.conf import settings

from ... import services
from ...models import Framework, FrameworkVersion, Item

# 1EdTech's CASE 1.1 CFPackage JSON Schema, unchanged (see schema/README.md).
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schema" / "case-v1p1-cfpackage.json"
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
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
# RFC 3339 date-time (what the schema's "date-time" format means), checked without extra packages.
DATE_TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)


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


def structural_identifier(origin_identifier, association_type: str, destination_identifier):
    return services.derived_identifier(
        "association", str(origin_identifier), str(association_type), str(destination_identifier)
    )


def apply_extras(data: dict, extras: dict) -> dict:
    """Put back what an imported object carried: a value replaces Capable's, None removes it."""
    for key, value in extras.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def format_checker() -> jsonschema.FormatChecker:
    """The format checks the schema asks for (uuid, date, date-time)."""
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time")
    def _date_time(value) -> bool:
        if not isinstance(value, str):
            return True
        if not DATE_TIME_RE.match(value):
            return False
        try:
            datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        except ValueError:
            return False
        return True

    return checker


def validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(schema(), format_checker=format_checker())
