"""Import of a Moodle competency framework CSV file (see `moodle` for the file and Capable's
conventions in it; `moodle_read` for how the bytes are read).

Rows may come in any order (children before their parents); siblings keep the order of the file.
A file Capable wrote names each row's kind in its framework data section. For any other file the
tree decides, counted from the bottom, so any depth imports:

- a row without children is a **statement** (under its parent domain), or a **level** when it is
  at the top of a nested file and cross-referenced with statements (Moodle's way of saying "this
  statement is at this level");
- a row whose children are all statements is a **domain**; a childless row beside domains (a
  parent with both kinds of children) is an empty domain too;
- a row with grandchildren is a **group**; a group inside a group (depth four and deeper) is
  linked to its parent group by a CASE `isChildOf` association, which the export follows, so
  the tree comes back as it was.

What Moodle silently ignores, Capable imports and reports (`MoodleImport.notes`): a
cross-referenced ID number or a parent ID number that no row has (the row is imported at the top
level), a row that cross-references itself, competency rules and per-competency scales (not
carried), and data-section lines for rows that are gone. A relation listed on both rows (as
Moodle's exporter writes it) or twice in a row makes one link, the way the data section says
(Capable's own links) or else from the row listed first. Everything else that is wrong
stops the import with the row and column named; nothing is half imported.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .. import services
from ..models import Association, Framework, FrameworkVersion, Item
from .moodle_data import parse_data
from .moodle_format import (
    DESCRIPTION,
    EXPORT_ID,
    FORMAT,
    IDNUMBER,
    IS_FRAMEWORK,
    PARENT,
    RELATED,
    RULE_TYPE,
    SCALE_VALUES,
    SHORTNAME,
    SLUG_RE,
)
from .moodle_read import decode, description_text, error, read_rows
from .moodle_tree import check_structure, guess_kinds, is_level_link, link_levels, slugs


@dataclass
class MoodleImport:
    version: FrameworkVersion
    notes: list[str] = field(default_factory=list)


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
        self.position = 0
        self.obj: Item | None = None

    @property
    def text(self) -> str:
        return description_text(self.cells[DESCRIPTION], self.cells[FORMAT])


def _is_true(value: str) -> bool:
    # PHP truthiness, as Moodle reads the column.
    return value.strip() not in ("", "0")


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def import_file(
    data: bytes | str,
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
    publish: bool = False,
    progress: Callable[[int], object] | None = None,
) -> MoodleImport:
    """Create a framework version from a Moodle competency framework CSV file, all or nothing.
    `delimiter` is "comma", "semicolon", "colon" or "tab" (None: detected from the header)."""
    records = read_rows(decode(data, encoding), delimiter)
    notes: list[str] = []
    with transaction.atomic():
        version = _import(records, notes, publish=publish, progress=progress)
    return MoodleImport(version, notes)


def import_csv(data: bytes | str, **options) -> FrameworkVersion:
    return import_file(data, **options).version


def _rows(records) -> tuple[_Row, list[_Row], dict[str, _Row]]:
    framework_row: _Row | None = None
    rows: list[_Row] = []
    by_code: dict[str, _Row] = {}
    for number, cells in records:
        row = _Row(number, cells)
        if _is_true(cells[IS_FRAMEWORK]):
            if framework_row is not None:
                raise error(
                    number,
                    IS_FRAMEWORK,
                    f"this is a second framework row (the first is row {framework_row.number}); "
                    "a file holds one framework",
                )
            framework_row = row
            if not row.code:
                raise error(number, IDNUMBER, "the framework has no ID number")
            continue
        if not row.code:
            raise error(number, IDNUMBER, "this competency has no ID number; every one needs one")
        if len(row.code) > 60:
            raise error(number, IDNUMBER, f"{row.code!r} is longer than 60 characters")
        if row.code in by_code:
            raise error(
                number,
                IDNUMBER,
                f"{row.code!r} is already used in row {by_code[row.code].number}",
            )
        if not cells[SHORTNAME].strip():
            raise error(number, SHORTNAME, "this competency has no short name")
        by_code[row.code] = row
        rows.append(row)
    if framework_row is None:
        first = records[0][0] if records else 2
        raise error(first, IS_FRAMEWORK, "there is no framework row (a row with Is framework = 1)")
    return framework_row, rows, by_code


def _link_tree(rows: list[_Row], by_code: dict[str, _Row], notes: list[str]) -> None:
    for row in rows:
        if not row.parent_code:
            continue
        parent = by_code.get(row.parent_code)
        if parent is None:
            notes.append(
                f"Row {row.number}: the parent ID number {row.parent_code!r} is not in the file, "
                f"so {row.code!r} was imported at the top level (Moodle would leave it out)."
            )
            continue
        row.parent = parent
        parent.children.append(row)
    for row in rows:
        seen = {id(row)}
        ancestor = row.parent
        while ancestor is not None:
            if id(ancestor) in seen:
                raise error(
                    row.number,
                    PARENT,
                    f"{row.code!r} is inside itself: its parents loop back to it through "
                    f"{row.parent_code!r}",
                )
            seen.add(id(ancestor))
            ancestor = ancestor.parent
    position = 0

    def walk(row):
        nonlocal position
        position += 1
        row.position = position
        for child in row.children:
            walk(child)

    for row in rows:
        if row.parent is None:
            walk(row)


def _link_related(rows: list[_Row], by_code: dict[str, _Row], notes: list[str]) -> None:
    for row in rows:
        for raw in row.cells[RELATED].split(","):
            code = raw.strip().replace("%2C", ",")
            if not code:
                continue
            other = by_code.get(code)
            if other is None:
                notes.append(
                    f"Row {row.number}, column 'Cross-referenced competency ID numbers': "
                    f"{code!r} is not an ID number in this file, so no link was made to it."
                )
            elif other is row:
                notes.append(
                    f"Row {row.number}, column 'Cross-referenced competency ID numbers': "
                    f"{code!r} is this row itself, so no link was made."
                )
            elif other not in row.related:
                row.related.append(other)


def _note_unused(rows: list[_Row], notes: list[str]) -> None:
    for column, what in (
        (RULE_TYPE, "competency rules (Rule type)"),
        (SCALE_VALUES, "scales of their own (Scale values)"),
    ):
        numbers = [str(row.number) for row in rows if row.cells[column].strip()]
        if numbers:
            notes.append(
                f"Rows {', '.join(numbers)} have {what}, which Capable does not use; "
                "they were not imported."
            )


def _import(records, notes: list[str], *, publish: bool, progress) -> FrameworkVersion:
    fw, rows, by_code = _rows(records)
    _link_tree(rows, by_code, notes)
    _link_related(rows, by_code, notes)
    _note_unused(rows, notes)
    data = parse_data(fw.number, fw.text)
    for code, extra in data.items.items():
        if code not in by_code:
            notes.append(
                f"Row {fw.number}, column 'Description': the framework data names the "
                f"{extra['kind']} {code!r}, which no row has; that line was ignored."
            )
            continue
        by_code[code].kind = extra["kind"]
        by_code[code].extra = extra
    if data.present:
        for row in rows:
            row.kind = row.kind or Item.Kind.STATEMENT
    else:
        guess_kinds(rows)
        slugs(rows)
    check_structure(rows)
    link_levels(rows)
    return _write(fw, rows, data, notes, publish=publish, progress=progress)


def _write(fw: _Row, rows: list[_Row], data, notes, *, publish, progress) -> FrameworkVersion:
    keys = data.keys
    version_slug = fw.code if SLUG_RE.match(fw.code) and len(fw.code) <= 80 else slugify(fw.code)
    if not version_slug:
        raise error(fw.number, IDNUMBER, f"{fw.code!r} cannot be made into a version slug")
    if FrameworkVersion.objects.filter(slug=version_slug).exists():
        raise error(
            fw.number, IDNUMBER, f"a framework version with slug {version_slug!r} already exists"
        )
    version_identifier = (
        _uuid(fw.cells[EXPORT_ID])
        or _uuid(keys.get("identifier", ""))
        or services.derived_identifier("version", version_slug)
    )
    if FrameworkVersion.objects.filter(identifier=version_identifier).exists():
        raise error(
            fw.number,
            EXPORT_ID,
            f"a framework version with identifier {version_identifier} already exists",
        )
    changed = timezone.now().replace(microsecond=0)
    if "changed" in keys:
        try:
            changed = datetime.fromisoformat(keys["changed"])
        except ValueError:
            changed = None
        if changed is None or changed.tzinfo is None:
            raise error(
                fw.number,
                DESCRIPTION,
                f"changed: {keys['changed']!r} is not a date and time with a time zone",
            )
    kind = keys.get("kind")
    if kind is not None and kind not in Framework.Kind.values:
        raise error(fw.number, DESCRIPTION, f"kind: {kind!r} is not one of pcf, pqs")
    if kind is None:
        structured = any(row.kind != Item.Kind.STATEMENT for row in rows)
        kind = Framework.Kind.PCF if structured else Framework.Kind.PQS
    framework_slug = keys.get("framework") or slugify(fw.cells[SHORTNAME])[:80]
    if not framework_slug or not SLUG_RE.match(framework_slug):
        raise error(fw.number, DESCRIPTION, f"framework: {framework_slug!r} is not a slug")
    label = keys.get("version") or fw.code
    if len(label) > 80:
        raise error(fw.number, DESCRIPTION, "version: the label is longer than 80 characters")

    identifiers: dict[uuid.UUID, _Row] = {version_identifier: fw}
    for row in rows:
        identifier = (
            _uuid(row.cells[EXPORT_ID])
            or _uuid(row.extra.get("id", ""))
            or services.derived_identifier("item", version_slug, row.code)
        )
        if identifier in identifiers:
            raise error(
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
            raise error(row.number, EXPORT_ID, f"an item with identifier {identifier} exists")

    framework = Framework.objects.filter(slug=framework_slug).first()
    if framework is None:
        framework = Framework.objects.create(
            slug=framework_slug,
            title=fw.cells[SHORTNAME].strip()[:255] or framework_slug,
            kind=kind,
            creator=keys.get("creator", "")[:255],
            description=data.framework_description,
        )
    predecessor = None
    if keys.get("predecessor"):
        predecessor = FrameworkVersion.objects.filter(slug=keys["predecessor"]).first()
    version = FrameworkVersion.objects.create(
        framework=framework,
        slug=version_slug,
        label=label,
        description=data.version_description,
        identifier=version_identifier,
        predecessor=predecessor,
        last_changed=changed,
    )
    for row in rows:
        short_name = row.cells[SHORTNAME].strip()
        title = "" if short_name == row.code else short_name
        row.obj = Item(
            version=version,
            identifier=row.identifier,
            kind=row.kind,
            code=row.code,
            slug=row.extra.get("slug", ""),
            title=title[:255],
            full_statement=row.text or short_name,
            sort_order=row.position,
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
    Association.objects.bulk_create(_associations(version, rows, changed))
    if publish:
        services.publish_version(version=version, at=changed)
    version.refresh_from_db()
    return version


def _association(version, origin: Item, kind: str, destination: Item, changed) -> Association:
    return Association(
        version=version,
        identifier=services.derived_identifier(
            "association", str(origin.identifier), kind, str(destination.identifier)
        ),
        association_type=kind,
        origin=origin,
        destination=destination,
        last_changed=changed,
    )


def _associations(version, rows: list[_Row], changed) -> list[Association]:
    # A pair of related rows makes one link, from the row listed first, unless the data
    # section says which way (or both ways) Capable's links went.
    declared = {(row.code, code) for row in rows for code in row.extra.get("related", [])}
    made: dict[frozenset, list[Association]] = {}
    for row in sorted(rows, key=lambda r: r.number):
        for other in row.related:
            pair = frozenset((row.code, other.code))
            if is_level_link(row, other) or pair in made:
                continue
            ways = [(a, b) for a, b in ((row, other), (other, row)) if (a.code, b.code) in declared]
            made[pair] = [
                _association(version, a.obj, Association.Type.IS_RELATED_TO, b.obj, changed)
                for a, b in ways or [(row, other)]
            ]
    nested = [
        _association(version, row.obj, Association.Type.IS_CHILD_OF, row.parent.obj, changed)
        for row in rows
        if row.kind == Item.Kind.GROUP and row.parent is not None
    ]
    return [*(link for links in made.values() for link in links), *nested]
