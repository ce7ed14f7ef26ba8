"""Moodle competency framework CSV, as written and read by Moodle's `tool_lpimportcsv`.

The file has Moodle's 14 columns (header row first, in this order): Parent ID number, ID number,
Short name, Description, Description format, Scale values, Scale configuration, Rule type
(optional), Rule outcome (optional), Rule config (optional), Cross-referenced competency ID
numbers, Exported ID (optional), Is framework, Taxonomy. Moodle maps columns by position; Capable
checks the headers but compares them without case, spaces or punctuation, because Moodle's own
files spell them differently ("Shortname", "Cross referenced competency id numbers").

This module writes the file (`export_csv`); `moodle_import` reads it (`import_file`, and
`import_csv` here for the version alone), `moodle_read` does the reading Moodle's CSV reader does
(encoding, delimiter, HTML descriptions) and `moodle_data` the framework data section.

Conventions, so that a file Capable writes imports into Moodle as a usable framework and comes
back into Capable unchanged, directly or after Moodle has exported it again:

- **The framework row** (Is framework = 1) is the framework version. ID number = the version's
  slug, Short name = the framework's title, Exported ID = the version's CASE identifier (Moodle
  ignores it), Taxonomy = one term per depth ("concept,domain,competency" for a PCF with groups,
  "competency" for post-qualifying standards), Scale values "Not yet demonstrated,Demonstrated"
  with "Demonstrated" as the default and proficient rating (Moodle needs a scale to create a
  framework). Its Description (format 4, Markdown) is the version's description, then a
  "## Framework" section with the framework's description, then a "## Capable framework data"
  section: a Markdown list of `key: value` lines Capable reads back. `framework` (slug), `kind`
  (pcf/pqs), `version` (label), `identifier` (the version's), `changed` (ISO 8601), `creator`
  and `predecessor` (a version slug), and one line per item naming its kind, ID number and CASE
  identifier, with its slug, stage, pathways and the destinations of its `isRelatedTo`
  associations (`related A, B`, so their direction survives) when it has them:
  `- level ASYE: slug asye; stage post-qualifying; pathways Educator, Manager; id 3f2…`.
  Moodle keeps a framework's description as it is, so identifiers survive Moodle's own export,
  which writes its numeric ids into Exported ID. In values, `%`, line breaks, `;` and `,` (in
  pathways) are written as `%25`, `%0A`, `%3B` and `%2C`.
- **Competency rows.** ID number = the item's code; Exported ID = the item's CASE identifier (a
  UUID there wins over the data section's); Description = the full statement (format 2, plain
  text); Short name = the item's title, or its ID number when it has no title (a Short name equal
  to the ID number means "no title"). Rule type is empty, Rule outcome 0 and Rule config "null",
  as Moodle writes them.
- **Tree.** Domain groups are depth-1 rows, each followed by what is inside it in order: groups
  nested in it (an `isChildOf` association from a group to a group, which is how Capable keeps
  the fourth and deeper levels of a Moodle framework) and its domains (depth 2), each domain
  followed by its statements (depth 3); domains without a group are depth-1 rows, then the
  levels, in order, as depth-1 rows, then statements without a domain (the standards of a
  post-qualifying framework) as depth-1 rows. A statement's level is given by listing the
  level's ID number in its "Cross-referenced competency ID numbers" (Moodle makes that a related
  competency). Other cross-references between rows are `isRelatedTo` associations within the
  version; Capable writes the version's own `isRelatedTo` associations there, on the origin's
  row (Moodle's relations have no direction; its exporter lists them on both rows).
- **What cannot survive a round trip** (use CASE JSON for a complete copy): item notes,
  per-item change dates, associations with other framework versions (crosswalks), and
  association types within the version other than `isRelatedTo` and `isChildOf` between groups
  (a relation added in Moodle comes back once, from the row listed first). Coming from Moodle: numeric ids, competency rules, per-competency
  scales, the framework's scale and taxonomy terms, and HTML markup (descriptions become plain
  text). Moodle shortens ID numbers and short names to 100 characters. At the top of the file,
  rows come back grouped by kind (groups, domains, levels, statements); inside a parent, in the
  order of the file.

Files written by Moodle (without the Capable data section) import too: `moodle_import` says how
the depth of a row maps to groups, domains, levels and statements.
"""

import csv
import io
from collections.abc import Callable

from ..models import Association, FrameworkVersion, Item
from .moodle_data import framework_description
from .moodle_format import (
    FORMAT_MARKDOWN,
    FORMAT_PLAIN,
    HEADERS,
    KIND_ORDER,
    SCALE,
    SCALE_CONFIGURATION,
    related_escape,
)
from .moodle_import import MoodleImport, import_csv, import_file

__all__ = ["HEADERS", "MoodleImport", "export_csv", "import_csv", "import_file"]


def _key(item: Item):
    return (KIND_ORDER[item.kind], item.sort_order, item.code)


def _nesting(items: list[Item], version: FrameworkVersion) -> dict[int, Item]:
    """Groups inside groups: child group pk -> parent group, from isChildOf associations."""
    groups = {item.pk: item for item in items if item.kind == Item.Kind.GROUP}
    parent: dict[int, Item] = {}
    links = version.associations.filter(
        association_type=Association.Type.IS_CHILD_OF,
        origin__in=list(groups),
        destination__in=list(groups),
    ).order_by("sequence_number", "pk")
    for link in links:
        if link.origin_id in parent or link.origin_id == link.destination_id:
            continue
        ancestor = link.destination_id  # refuse a loop
        while ancestor in parent and ancestor != link.origin_id:
            ancestor = parent[ancestor].pk
        if ancestor != link.origin_id:
            parent[link.origin_id] = groups[link.destination_id]
    return parent


def _ordered_rows(items: list[Item], nested: dict[int, Item]) -> list[tuple[Item, Item | None]]:
    """(item, parent) in file order: the tree depth first, then levels, then loose statements."""
    by_kind: dict[str, list[Item]] = {kind: [] for kind in KIND_ORDER}
    for item in sorted(items, key=_key):
        by_kind[item.kind].append(item)
    ids = {item.pk for item in items}
    statements_of: dict[int | None, list[Item]] = {}
    for statement in by_kind[Item.Kind.STATEMENT]:
        parent = statement.domain_id if statement.domain_id in ids else None
        statements_of.setdefault(parent, []).append(statement)
    inside: dict[int, list[Item]] = {}
    for group in by_kind[Item.Kind.GROUP]:
        if group.pk in nested:
            inside.setdefault(nested[group.pk].pk, []).append(group)
    for domain in by_kind[Item.Kind.DOMAIN]:
        if domain.group_id in ids:
            inside.setdefault(domain.group_id, []).append(domain)
    rows: list[tuple[Item, Item | None]] = []

    def add(item: Item, parent: Item | None):
        rows.append((item, parent))
        if item.kind == Item.Kind.DOMAIN:
            rows.extend((s, item) for s in statements_of.get(item.pk, []))
            return
        for child in sorted(inside.get(item.pk, []), key=lambda i: (i.sort_order, i.code)):
            add(child, item)

    for group in by_kind[Item.Kind.GROUP]:
        if group.pk not in nested:
            add(group, None)
    for domain in by_kind[Item.Kind.DOMAIN]:
        if domain.group_id not in ids:
            add(domain, None)
    rows.extend((level, None) for level in by_kind[Item.Kind.LEVEL])
    rows.extend((s, None) for s in statements_of.get(None, []))
    return rows


def _taxonomy(rows: list[tuple[Item, Item | None]]) -> str:
    depth: dict[int, int] = {}
    for item, parent in rows:
        depth[item.pk] = depth[parent.pk] + 1 if parent else 1
    deepest = max(depth.values(), default=1)
    if deepest >= 3:
        return ",".join(["concept"] * (deepest - 2) + ["domain", "competency"])
    if deepest == 2:
        return "domain,competency"
    return "competency"


def export_csv(version: FrameworkVersion, *, progress: Callable[[int], object] | None = None):
    """The version as a Moodle competency framework CSV file (text)."""
    version = FrameworkVersion.objects.select_related("framework", "predecessor").get(pk=version.pk)
    items = list(version.items.all())
    rows = _ordered_rows(items, _nesting(items, version))
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
            framework_description(
                version,
                [item for item, _ in rows],
                {pk: sorted(others, key=_key) for pk, others in related.items()},
            ),
            FORMAT_MARKDOWN,
            SCALE,
            SCALE_CONFIGURATION,
            "",
            "",
            "",
            "",
            str(version.identifier),
            "1",
            _taxonomy(rows),
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
                ",".join(related_escape(other.code) for other in cross),
                str(item.identifier),
                "",
                "",
            ]
        )
        if progress:
            progress(1)
    return out.getvalue()
