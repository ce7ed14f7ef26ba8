"""Moodle competency framework CSV, as written and read by Moodle's `tool_lpimportcsv`.

The file has Moodle's 14 columns (header row first, in this order): Parent ID number, ID number,
Short name, Description, Description format, Scale values, Scale configuration, Rule type
(optional), Rule outcome (optional), Rule config (optional), Cross-referenced competency ID
numbers, Exported ID (optional), Is framework, Taxonomy.

Conventions, so that a file Capable writes imports into Moodle as a usable framework and comes
back into Capable unchanged:

- **The framework row** (Is framework = 1) is the framework version. ID number = the version's
  slug, Short name = the framework's title, Exported ID = the version's CASE identifier (Moodle
  ignores it), Taxonomy = one term per depth ("concept,domain,competency" for a PCF with groups,
  "competency" for post-qualifying standards), Scale values "Not yet demonstrated,Demonstrated"
  with "Demonstrated" as the default and proficient rating (Moodle needs a scale to create a
  framework). Its Description (format 4, Markdown) is the version's description, then a
  "## Framework" section with the framework's description, then a "## Capable framework data"
  section: a Markdown list of `key: value` lines Capable reads back. `framework` (slug), `kind`
  (pcf/pqs), `version` (label), `changed` (ISO 8601), `creator` and `predecessor` (a version
  slug), and one line per group, domain and level (and per statement with a slug, stage or
  pathways): `- level ASYE: slug asye; stage post-qualifying; pathways Educator, Manager`. An item
  line names the item's kind and ID number, so Capable knows which depth-1 rows are domain groups
  and which are levels. In values, `%`, line breaks, `;` and `,` (in pathways) are written as
  `%25`, `%0A`, `%3B` and `%2C`.
- **Competency rows.** ID number = the item's code; Exported ID = the item's CASE identifier, so
  identifiers survive a round trip; Description = the full statement (format 2, plain text);
  Short name = the item's title, or its ID number when it has no title (a Short name equal to the
  ID number means "no title"). Rule type is empty, Rule outcome 0 and Rule config "null", as
  Moodle writes them.
- **Tree.** Domain groups are depth-1 rows, each followed by its domains (depth 2), each followed
  by its statements (depth 3); domains without a group are depth-1 rows, then the levels, in
  order, as depth-1 rows, then statements without a domain (the standards of a post-qualifying
  framework) as depth-1 rows. A statement's level is given by listing the level's ID number in
  its "Cross-referenced competency ID numbers" (Moodle makes that a related competency). Other
  cross-references between rows are `isRelatedTo` associations within the version; Capable writes
  the version's own `isRelatedTo` associations between its items there too.
- **Not carried:** item notes, per-item change dates and associations with other framework
  versions (crosswalks). Use CASE JSON for a complete copy.

Files written by Moodle (without the Capable data section) import too: rows with grandchildren
become domain groups, rows with children domains, depth-1 leaves that other rows cross-reference
levels, and everything else statements.
"""

import csv
import io
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .. import services
from ..models import Association, Framework, FrameworkVersion, Item
from .errors import InterchangeError

HEADERS = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
(
    PARENT,
    IDNUMBER,
    SHORTNAME,
    DESCRIPTION,
    FORMAT,
    SCALE_VALUES,
    SCALE_CONFIG,
    RULE_TYPE,
    RULE_OUTCOME,
    RULE_CONFIG,
    RELATED,
    EXPORT_ID,
    IS_FRAMEWORK,
    TAXONOMY,
) = range(len(HEADERS))

FORMAT_PLAIN = "2"
FORMAT_MARKDOWN = "4"
SCALE = "Not yet demonstrated,Demonstrated"
SCALE_CONFIGURATION = '[{"scaleid":"0"},{"id":2,"scaledefault":1,"proficient":1}]'
DATA_HEADING = "## Capable framework data"
FRAMEWORK_HEADING = "## Framework"
KIND_ORDER = {Item.Kind.GROUP: 0, Item.Kind.DOMAIN: 1, Item.Kind.LEVEL: 2, Item.Kind.STATEMENT: 3}
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
ITEM_LINE = re.compile(r"^- (group|domain|level|statement) (.+?)(?:: (.*))?$")
KEY_LINE = re.compile(r"^- (framework|kind|version|changed|creator|predecessor): (.*)$")


# --- Escaping inside the Capable data section ------------------------------------------------


def _escape(value: str, *, list_item: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if list_item:
        value = value.replace(";", "%3B").replace(",", "%2C")
    return value


def _unescape(value: str) -> str:
    return re.sub(r"%(25|0A|0D|3B|2C)", lambda m: chr(int(m[1], 16)), value)


def _related_escape(code: str) -> str:
    # Moodle's own convention for commas inside a cross-referenced ID number.
    return code.replace(",", "%2C")


# --- Export --------------------------------------------------------------------------------------


def _key(item: Item):
    return (KIND_ORDER[item.kind], item.sort_order, item.code)


def _ordered_rows(items: list[Item]) -> list[tuple[Item, Item | None]]:
    """(item, parent) in file order: the tree depth first, then levels, then loose statements."""
    by_kind: dict[str, list[Item]] = {kind: [] for kind in KIND_ORDER}
    for item in sorted(items, key=_key):
        by_kind[item.kind].append(item)
    ids = {item.pk for item in items}
    statements_of: dict[int | None, list[Item]] = {}
    for statement in by_kind[Item.Kind.STATEMENT]:
        parent = statement.domain_id if statement.domain_id in ids else None
        statements_of.setdefault(parent, []).append(statement)
    rows: list[tuple[Item, Item | None]] = []

    def domain_rows(domain: Item, parent: Item | None):
        rows.append((domain, parent))
        rows.extend((s, domain) for s in statements_of.get(domain.pk, []))

    for group in by_kind[Item.Kind.GROUP]:
        rows.append((group, None))
        for domain in by_kind[Item.Kind.DOMAIN]:
            if domain.group_id == group.pk:
                domain_rows(domain, group)
    for domain in by_kind[Item.Kind.DOMAIN]:
        if domain.group_id not in ids:
            domain_rows(domain, None)
    rows.extend((level, None) for level in by_kind[Item.Kind.LEVEL])
    rows.extend((s, None) for s in statements_of.get(None, []))
    return rows


def _taxonomy(items: list[Item]) -> str:
    kinds = {item.kind for item in items}
    if Item.Kind.GROUP in kinds:
        return "concept,domain,competency"
    if Item.Kind.DOMAIN in kinds:
        return "domain,competency"
    return "competency"


def _data_section(version: FrameworkVersion, rows: list[tuple[Item, Item | None]]) -> str:
    framework = version.framework
    lines = [
        DATA_HEADING,
        "",
        f"- framework: {framework.slug}",
        f"- kind: {framework.kind}",
        f"- version: {_escape(version.label)}",
        f"- changed: {version.last_changed.astimezone(UTC).isoformat(timespec='seconds')}",
    ]
    if framework.creator:
        lines.append(f"- creator: {_escape(framework.creator)}")
    if version.predecessor_id:
        lines.append(f"- predecessor: {version.predecessor.slug}")
    for item in sorted((item for item, _ in rows), key=_key):
        fields = []
        if item.slug:
            fields.append(f"slug {item.slug}")
        if item.stage:
            fields.append(f"stage {item.stage}")
        if item.pathways:
            pathways = ", ".join(_escape(p, list_item=True) for p in item.pathways)
            fields.append(f"pathways {pathways}")
        if item.kind == Item.Kind.STATEMENT and not fields:
            continue
        line = f"- {item.kind} {item.code}"
        if fields:
            line += ": " + "; ".join(fields)
        lines.append(line)
    return "\n".join(lines)


def framework_description(version: FrameworkVersion, rows) -> str:
    parts = []
    if version.description:
        parts.append(version.description)
    if version.framework.description:
        parts.append(f"{FRAMEWORK_HEADING}\n\n{version.framework.description}")
    parts.append(_data_section(version, rows))
    return "\n\n".join(parts)


def export_csv(version: FrameworkVersion, *, progress: Callable[[int], object] | None = None):
    """The version as a Moodle competency framework CSV file (text)."""
    version = FrameworkVersion.objects.select_related("framework", "predecessor").get(pk=version.pk)
    items = list(version.items.all())
    rows = _ordered_rows(items)
    by_pk = {item.pk: item for item in items}
    related: dict[int, list[Item]] = {}
    internal = version.associations.filter(
        association_type=Association.Type.IS_RELATED_TO,
        origin__version=version,
        destination__version=version,
    )
    for association in internal:
        related.setdefault(association.origin_id, []).append(by_pk[association.destination_id])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerow(
        [
            "",
            version.slug,
            version.framework.title,
            framework_description(version, rows),
            FORMAT_MARKDOWN,
            SCALE,
            SCALE_CONFIGURATION,
            "",
            "",
            "",
            "",
            str(version.identifier),
            "1",
            _taxonomy(items),
        ]
    )
    for item, parent in rows:
        cross = []
        if item.level_id in by_pk:
            cross.append(by_pk[item.level_id])
        cross += sorted(related.get(item.pk, []), key=_key)
        writer.writerow(
            [
                parent.code if parent else "",
                item.code,
                item.title or item.code,
                item.full_statement,
                FORMAT_PLAIN,
                "",
                "",
                "",
                "0",
                "null",
                ",".join(_related_escape(other.code) for other in cross),
                str(item.identifier),
                "",
                "",
            ]
        )
        if progress:
            progress(1)
    return out.getvalue()


# --- Import --------------------------------------------------------------------------------------


def _error(row: int, column: int | None, message: str) -> InterchangeError:
    if column is None:
        return InterchangeError(f"Row {row}: {message}")
    return InterchangeError(f"Row {row}, column '{HEADERS[column]}': {message}")


class _Row:
    def __init__(self, number: int, cells: list[str]):
        self.number = number
        self.cells = cells
        self.parent_code = cells[PARENT].strip()
        self.code = cells[IDNUMBER].strip()
        self.kind: str | None = None
        self.parent: _Row | None = None
        self.children: list[_Row] = []
        self.level: _Row | None = None
        self.related: list[_Row] = []
        self.extra: dict = {}
        self.identifier: uuid.UUID | None = None
        self.obj: Item | None = None


def _read(text: str) -> list[tuple[int, list[str]]]:
    if not isinstance(text, str):
        raise InterchangeError("Row 1: the file is not text")
    text = text.removeprefix("\ufeff")
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise InterchangeError(f"Row 1: the file is not a readable CSV file ({error})") from None
    numbered = [(n, cells) for n, cells in enumerate(records, start=1) if cells]
    if not numbered:
        raise _error(1, None, "the file is empty")
    number, header = numbered[0]
    if len(header) != len(HEADERS):
        raise _error(
            number,
            None,
            f"expected the {len(HEADERS)} columns of a Moodle competency framework file, "
            f"found {len(header)}",
        )
    for column, (expected, found) in enumerate(zip(HEADERS, header, strict=True)):
        if found.strip() != expected:
            raise _error(number, column, f"expected the header {expected!r}, found {found!r}")
    for number, cells in numbered[1:]:
        if len(cells) != len(HEADERS):
            raise _error(number, None, f"expected {len(HEADERS)} columns, found {len(cells)}")
    return numbered[1:]


def _is_true(value: str) -> bool:
    # PHP truthiness, as Moodle reads the column.
    return value.strip() not in ("", "0")


def _parse_data(row: _Row) -> tuple[str, str, bool, dict, dict[str, dict]]:
    """Split the framework row's Description into the version's description, the framework's
    description, whether it has Capable's data section, its keys and its item lines."""
    text = row.cells[DESCRIPTION].replace("\r\n", "\n")
    marks = list(re.finditer(rf"(?:\A|\n\n){re.escape(DATA_HEADING)}\n", text))
    if not marks:
        return text, "", False, {}, {}
    block = text[marks[-1].end() :]
    prose = text[: marks[-1].start()]
    framework_marks = list(re.finditer(rf"(?:\A|\n\n){re.escape(FRAMEWORK_HEADING)}\n\n", prose))
    framework_description = ""
    if framework_marks:
        framework_description = prose[framework_marks[-1].end() :]
        prose = prose[: framework_marks[-1].start()]
    keys: dict[str, str] = {}
    items: dict[str, dict] = {}
    for line in block.split("\n"):
        if not line.strip():
            continue
        if match := KEY_LINE.match(line):
            keys[match[1]] = _unescape(match[2])
            continue
        match = ITEM_LINE.match(line)
        if not match:
            raise _error(
                row.number, DESCRIPTION, f"cannot read the line {line!r} of {DATA_HEADING}"
            )
        kind, code, rest = match[1], match[2], match[3] or ""
        data = {"kind": kind}
        for part in filter(None, rest.split("; ")):
            name, _, value = part.partition(" ")
            if name == "slug":
                if not SLUG_RE.match(value) or len(value) > 120:
                    raise _error(row.number, DESCRIPTION, f"{kind} {code}: {value!r} is not a slug")
                data["slug"] = value
            elif name == "stage":
                if value not in Item.Stage.values:
                    options = ", ".join(Item.Stage.values)
                    raise _error(
                        row.number,
                        DESCRIPTION,
                        f"{kind} {code}: stage {value!r} is not one of {options}",
                    )
                data["stage"] = value
            elif name == "pathways":
                data["pathways"] = [_unescape(p) for p in value.split(", ")]
            else:
                raise _error(row.number, DESCRIPTION, f"{kind} {code}: unknown field {name!r}")
        if code in items:
            raise _error(row.number, DESCRIPTION, f"{kind} {code} is listed twice")
        items[code] = data
    return prose, framework_description, True, keys, items


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def import_csv(
    text: str, *, publish: bool = False, progress: Callable[[int], object] | None = None
) -> FrameworkVersion:
    """Create a framework version from a Moodle competency framework CSV file, all or nothing."""
    records = _read(text)
    with transaction.atomic():
        return _import(records, publish=publish, progress=progress)


def _import(records, *, publish: bool, progress) -> FrameworkVersion:
    framework_row: _Row | None = None
    rows: list[_Row] = []
    by_code: dict[str, _Row] = {}
    for number, cells in records:
        row = _Row(number, cells)
        if _is_true(cells[IS_FRAMEWORK]):
            if framework_row is not None:
                raise _error(
                    number,
                    IS_FRAMEWORK,
                    f"a second framework row (the first is row {framework_row.number})",
                )
            framework_row = row
            if not row.code:
                raise _error(number, IDNUMBER, "the framework's ID number is missing")
            continue
        if not row.code:
            raise _error(number, IDNUMBER, "missing")
        if len(row.code) > 60:
            raise _error(number, IDNUMBER, f"{row.code!r} is longer than 60 characters")
        if row.code in by_code:
            raise _error(
                number,
                IDNUMBER,
                f"{row.code!r} is already used in row {by_code[row.code].number}",
            )
        if not cells[SHORTNAME].strip():
            raise _error(number, SHORTNAME, "missing")
        if row.parent_code:
            parent = by_code.get(row.parent_code)
            if parent is None:
                raise _error(
                    number,
                    PARENT,
                    f"no competency with ID number {row.parent_code!r} above this row",
                )
            row.parent = parent
            parent.children.append(row)
        by_code[row.code] = row
        rows.append(row)
    if framework_row is None:
        first = records[0][0] if records else 2
        raise _error(first, IS_FRAMEWORK, "no framework row (a row with Is framework = 1)")
    for row in rows:
        for raw in filter(None, (c.strip() for c in row.cells[RELATED].split(","))):
            code = raw.replace("%2C", ",")
            other = by_code.get(code)
            if other is None:
                raise _error(row.number, RELATED, f"no competency with ID number {code!r}")
            if other is row:
                raise _error(row.number, RELATED, f"{code!r} is this row itself")
            row.related.append(other)

    version_description, framework_description, has_data, keys, item_data = _parse_data(
        framework_row
    )
    fw = framework_row
    for code, data in item_data.items():
        if code not in by_code:
            raise _error(
                fw.number, DESCRIPTION, f"{data['kind']} {code}: no row has that ID number"
            )
        by_code[code].kind = data["kind"]
        by_code[code].extra = data
    if has_data:
        for row in rows:
            row.kind = row.kind or Item.Kind.STATEMENT
    else:
        _guess_kinds(rows)
    _check_structure(rows)
    _link_levels(rows)

    # The version.
    version_slug = fw.code if SLUG_RE.match(fw.code) and len(fw.code) <= 80 else slugify(fw.code)
    if not version_slug:
        raise _error(fw.number, IDNUMBER, f"{fw.code!r} cannot be made into a version slug")
    if FrameworkVersion.objects.filter(slug=version_slug).exists():
        raise _error(
            fw.number, IDNUMBER, f"a framework version with slug {version_slug!r} already exists"
        )
    version_identifier = _uuid(fw.cells[EXPORT_ID]) or services.derived_identifier(
        "version", version_slug
    )
    if FrameworkVersion.objects.filter(identifier=version_identifier).exists():
        raise _error(
            fw.number, EXPORT_ID, f"a framework version with identifier {version_identifier} exists"
        )
    changed = timezone.now().replace(microsecond=0)
    if "changed" in keys:
        try:
            changed = datetime.fromisoformat(keys["changed"])
        except ValueError:
            changed = None
        if changed is None or changed.tzinfo is None:
            raise _error(
                fw.number,
                DESCRIPTION,
                f"changed: {keys['changed']!r} is not a date and time with a time zone",
            )
    kind = keys.get("kind")
    if kind is not None and kind not in Framework.Kind.values:
        raise _error(fw.number, DESCRIPTION, f"kind: {kind!r} is not one of pcf, pqs")
    if kind is None:
        structured = any(row.kind != Item.Kind.STATEMENT for row in rows)
        kind = Framework.Kind.PCF if structured else Framework.Kind.PQS
    framework_slug = keys.get("framework") or slugify(fw.cells[SHORTNAME])[:80]
    if not framework_slug or not SLUG_RE.match(framework_slug):
        raise _error(fw.number, DESCRIPTION, f"framework: {framework_slug!r} is not a slug")
    label = keys.get("version") or fw.code
    if len(label) > 80:
        raise _error(fw.number, DESCRIPTION, "version: longer than 80 characters")

    # Item identifiers.
    identifiers: dict[uuid.UUID, _Row] = {version_identifier: fw}
    for row in rows:
        identifier = _uuid(row.cells[EXPORT_ID]) or services.derived_identifier(
            "item", version_slug, row.code
        )
        if identifier in identifiers:
            raise _error(
                row.number,
                EXPORT_ID,
                f"identifier {identifier} is also used in row {identifiers[identifier].number}",
            )
        identifiers[identifier] = row
        row.identifier = identifier
    existing = set(
        Item.objects.filter(identifier__in=list(identifiers)).values_list("identifier", flat=True)
    )
    for identifier, row in identifiers.items():
        if identifier in existing:
            raise _error(row.number, EXPORT_ID, f"an item with identifier {identifier} exists")

    # Write.
    framework = Framework.objects.filter(slug=framework_slug).first()
    if framework is None:
        framework = Framework.objects.create(
            slug=framework_slug,
            title=fw.cells[SHORTNAME].strip()[:255] or framework_slug,
            kind=kind,
            creator=keys.get("creator", "")[:255],
            description=framework_description,
        )
    predecessor = None
    if keys.get("predecessor"):
        predecessor = FrameworkVersion.objects.filter(slug=keys["predecessor"]).first()
    version = FrameworkVersion.objects.create(
        framework=framework,
        slug=version_slug,
        label=label,
        description=version_description,
        identifier=version_identifier,
        predecessor=predecessor,
        last_changed=changed,
    )
    positions: dict[str, int] = {}
    for row in rows:
        positions[row.kind] = positions.get(row.kind, 0) + 1
        short_name = row.cells[SHORTNAME].strip()
        title = "" if short_name == row.code else short_name
        row.obj = Item(
            version=version,
            identifier=row.identifier,
            kind=row.kind,
            code=row.code,
            slug=row.extra.get("slug", ""),
            title=title[:255],
            full_statement=row.cells[DESCRIPTION] or short_name,
            sort_order=positions[row.kind],
            stage=row.extra.get("stage", ""),
            pathways=row.extra.get("pathways", []),
            last_changed=changed,
        )
    for kinds in ((Item.Kind.GROUP, Item.Kind.LEVEL), (Item.Kind.DOMAIN,), (Item.Kind.STATEMENT,)):
        batch = [row for row in rows if row.kind in kinds]
        for row in batch:
            if row.kind == Item.Kind.DOMAIN and row.parent:
                row.obj.group = row.parent.obj
            if row.kind == Item.Kind.STATEMENT:
                if row.parent:
                    row.obj.domain = row.parent.obj
                if row.level:
                    row.obj.level = row.level.obj
        Item.objects.bulk_create([row.obj for row in batch])
        if progress:
            progress(len(batch))
    services.index_items([row.obj for row in rows])
    associations = {}
    for row in rows:
        for other in row.related:
            if _is_level_link(row, other):
                continue
            key = (row.obj.identifier, other.obj.identifier)
            associations.setdefault(
                key,
                Association(
                    version=version,
                    identifier=services.derived_identifier(
                        "association", str(key[0]), Association.Type.IS_RELATED_TO, str(key[1])
                    ),
                    association_type=Association.Type.IS_RELATED_TO,
                    origin=row.obj,
                    destination=other.obj,
                    last_changed=changed,
                ),
            )
    Association.objects.bulk_create(associations.values())
    if publish:
        services.publish_version(version=version, at=changed)
    version.refresh_from_db()
    return version


def _guess_kinds(rows: list[_Row]) -> None:
    """Kinds for a file without Capable's data section (written by Moodle or by hand)."""
    deep = any(row.parent is not None for row in rows)
    referenced = {id(other) for row in rows for other in row.related}
    for row in rows:
        if row.children:
            grandchildren = any(child.children for child in row.children)
            row.kind = Item.Kind.GROUP if grandchildren else Item.Kind.DOMAIN
        elif deep and row.parent is None and id(row) in referenced:
            row.kind = Item.Kind.LEVEL
        else:
            row.kind = Item.Kind.STATEMENT


def _check_structure(rows: list[_Row]) -> None:
    allowed_parents = {
        Item.Kind.GROUP: (None,),
        Item.Kind.LEVEL: (None,),
        Item.Kind.DOMAIN: (None, Item.Kind.GROUP),
        Item.Kind.STATEMENT: (None, Item.Kind.DOMAIN),
    }
    for row in rows:
        parent_kind = row.parent.kind if row.parent else None
        if parent_kind not in allowed_parents[row.kind]:
            allowed = " or ".join(
                "the framework" if k is None else f"a {k}" for k in allowed_parents[row.kind]
            )
            raise _error(
                row.number,
                PARENT,
                f"a {row.kind} must be under {allowed}, not under the {parent_kind} "
                f"{row.parent_code!r}",
            )


def _is_level_link(row: _Row, other: _Row) -> bool:
    kinds = {row.kind, other.kind}
    return kinds == {Item.Kind.STATEMENT, Item.Kind.LEVEL}


def _link_levels(rows: list[_Row]) -> None:
    for row in rows:
        for other in row.related:
            if not _is_level_link(row, other):
                continue
            statement, level = (row, other) if row.kind == Item.Kind.STATEMENT else (other, row)
            if statement.level is not None and statement.level is not level:
                raise _error(
                    row.number,
                    RELATED,
                    f"statement {statement.code!r} is cross-referenced with two levels "
                    f"({statement.level.code!r} and {level.code!r})",
                )
            statement.level = level
