"""The "Capable framework data" section of the framework row's description: written by the
export, read back by the import (see `moodle` for what it holds)."""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC

from ..models import FrameworkVersion, Item
from .moodle_format import (
    DATA_HEADING,
    DESCRIPTION,
    FRAMEWORK_HEADING,
    ITEM_LINE,
    KEY_LINE,
    KIND_ORDER,
    SLUG_RE,
    escape,
    unescape,
)
from .moodle_read import error


def data_section(
    version: FrameworkVersion, items: list[Item], related: dict[int, list[Item]]
) -> str:
    """`items` in the file's order; listed here by kind, then in that order. `related`: the
    destinations of each item's isRelatedTo associations, so their direction survives Moodle."""
    framework = version.framework
    lines = [
        DATA_HEADING,
        "",
        f"- framework: {framework.slug}",
        f"- kind: {framework.kind}",
        f"- version: {escape(version.label)}",
        f"- identifier: {version.identifier}",
        f"- changed: {version.last_changed.astimezone(UTC).isoformat(timespec='seconds')}",
    ]
    if framework.creator:
        lines.append(f"- creator: {escape(framework.creator)}")
    if version.predecessor_id:
        lines.append(f"- predecessor: {version.predecessor.slug}")
    order = {item.pk: n for n, item in enumerate(items)}
    for item in sorted(items, key=lambda item: (KIND_ORDER[item.kind], order[item.pk])):
        fields = []
        if item.slug:
            fields.append(f"slug {item.slug}")
        if item.stage:
            fields.append(f"stage {item.stage}")
        if item.pathways:
            pathways = ", ".join(escape(p, list_item=True) for p in item.pathways)
            fields.append(f"pathways {pathways}")
        if related.get(item.pk):
            codes = ", ".join(escape(other.code, list_item=True) for other in related[item.pk])
            fields.append(f"related {codes}")
        fields.append(f"id {item.identifier}")
        lines.append(f"- {item.kind} {item.code}: " + "; ".join(fields))
    return "\n".join(lines)


def framework_description(version: FrameworkVersion, items: list[Item], related) -> str:
    parts = []
    if version.description:
        parts.append(version.description)
    if version.framework.description:
        parts.append(f"{FRAMEWORK_HEADING}\n\n{version.framework.description}")
    parts.append(data_section(version, items, related))
    return "\n\n".join(parts)


@dataclass
class FrameworkData:
    version_description: str
    framework_description: str = ""
    present: bool = False
    keys: dict[str, str] = field(default_factory=dict)
    items: dict[str, dict] = field(default_factory=dict)


def parse_data(row_number: int, description: str) -> FrameworkData:
    """Split the framework row's description into the version's description, the framework's
    description, and Capable's data section (keys and one dict per item line)."""
    text = description.replace("\r\n", "\n")
    marks = list(re.finditer(rf"(?:\A|\n\n){re.escape(DATA_HEADING)}\n", text))
    if not marks:
        return FrameworkData(text)
    block = text[marks[-1].end() :]
    prose = text[: marks[-1].start()]
    framework_marks = list(re.finditer(rf"(?:\A|\n\n){re.escape(FRAMEWORK_HEADING)}\n\n", prose))
    data = FrameworkData(prose, present=True)
    if framework_marks:
        data.framework_description = prose[framework_marks[-1].end() :]
        data.version_description = prose[: framework_marks[-1].start()]
    for line in block.split("\n"):
        if not line.strip():
            continue
        if match := KEY_LINE.match(line):
            data.keys[match[1]] = unescape(match[2])
            continue
        match = ITEM_LINE.match(line)
        if not match:
            raise error(row_number, DESCRIPTION, f"cannot read the line {line!r} of {DATA_HEADING}")
        kind, code, rest = match[1], match[2], match[3] or ""
        if code in data.items:
            raise error(row_number, DESCRIPTION, f"{kind} {code} is listed twice")
        data.items[code] = _item_fields(row_number, kind, code, rest)
    return data


def _item_fields(row_number: int, kind: str, code: str, rest: str) -> dict:
    fields: dict = {"kind": kind}
    for part in filter(None, rest.split("; ")):
        name, _, value = part.partition(" ")
        if name == "slug":
            if not SLUG_RE.match(value) or len(value) > 120:
                raise error(row_number, DESCRIPTION, f"{kind} {code}: {value!r} is not a slug")
            fields["slug"] = value
        elif name == "stage":
            if value not in Item.Stage.values:
                options = ", ".join(Item.Stage.values)
                raise error(
                    row_number,
                    DESCRIPTION,
                    f"{kind} {code}: stage {value!r} is not one of {options}",
                )
            fields["stage"] = value
        elif name == "pathways":
            fields["pathways"] = [unescape(p) for p in value.split(", ")]
        elif name == "related":
            fields["related"] = [unescape(c) for c in value.split(", ")]
        elif name == "id":
            try:
                fields["id"] = str(uuid.UUID(value))
            except ValueError:
                raise error(
                    row_number, DESCRIPTION, f"{kind} {code}: {value!r} is not an identifier"
                ) from None
        else:
            raise error(row_number, DESCRIPTION, f"{kind} {code}: unknown field {name!r}")
    return fields
