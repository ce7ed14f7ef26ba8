"""Following the crosswalk: which statements of one framework version count as which of another.

Two kinds of stored association carry meaning from an older item to a newer one:

- `replacedBy`, from the old item to the item that replaces it (one way);
- `exactMatchOf`, which is symmetric (Capable writes it from the new item to the old one, as
  `create_draft_version` does).

They link versions of one framework (2018 to the next) and frameworks to each other (a
post-qualifying standard replaced by an early career standard). Portfolios and appraisals ask
the same two questions, so both live here:

- `resolve_to_version`: what does each of these items count as in *that* version? (the
  portfolio's coverage of a chosen version);
- `successors`: what has each of these items become? (the workforce figures, which count old
  judgements and objectives against what replaced them).

The walks read the crosswalk's links from the cache (:mod:`capabilities.crosswalk_cache`, one
query when the framework data has changed since they were last read, none otherwise) whatever
the number of items and hops (bounded by MAX_CROSSWALK_HOPS).
"""

from collections import defaultdict
from dataclasses import dataclass

from . import crosswalk_cache
from .models import Association, FrameworkVersion, Item

MAX_CROSSWALK_HOPS = 10


def resolve_to_version(item_ids: set[int], version: FrameworkVersion) -> dict[int, set[int]]:
    """For items of other versions, the items of `version` they correspond to through the
    crosswalk. Returns {foreign item id: {item ids in version}}; unmatched ids are absent."""
    resolved: dict[int, set[int]] = defaultdict(set)
    if not item_ids:
        return resolved
    graph = crosswalk_cache.links()
    # Each frontier item remembers which original items reached it.
    origins: dict[int, set[int]] = {pk: {pk} for pk in item_ids}
    frontier = set(item_ids)
    seen = set(item_ids)
    for _ in range(MAX_CROSSWALK_HOPS):
        if not frontier:
            break
        next_frontier: set[int] = set()
        for source in frontier:
            targets = [*graph.exact.get(source, ()), *graph.replaced.get(source, ())]
            for target, target_version in targets:
                for original in origins[source]:
                    if target_version == version.pk:
                        resolved[original].add(target)
                    elif target not in seen:
                        origins.setdefault(target, set()).add(original)
                        next_frontier.add(target)
        seen |= next_frontier
        frontier = next_frontier
    return resolved


def successors(item_ids) -> dict[int, set[int]]:
    """What each item has become: {item id: {ids of the newest items it counts as}}, for items
    that a published version has replaced or matched (directly or through several versions).
    Items nobody replaced are absent: they still count as themselves."""
    item_ids = set(item_ids)
    if not item_ids:
        return {}
    forward = crosswalk_cache.links().forward
    nexts: dict[int, set[int]] = defaultdict(set)
    frontier = set(item_ids)
    seen = set(item_ids)
    for _ in range(MAX_CROSSWALK_HOPS):
        if not frontier:
            break
        found: set[int] = set()
        for old in frontier:
            for new in forward.get(old, ()):
                nexts[old].add(new)
                found.add(new)
        frontier = found - seen
        seen |= found

    def newest(pk: int, path: frozenset) -> set[int]:
        if pk not in nexts:
            return {pk}
        result: set[int] = set()
        for following in nexts[pk]:
            # A loop (A replaced by B, B by A) ends where it turns back on itself.
            result |= {following} if following in path else newest(following, path | {following})
        return result

    return {pk: newest(pk, frozenset({pk})) for pk in item_ids if pk in nexts}


def carry_forward(rows: list[dict], keys: dict[str, dict[str, str]]) -> list[dict]:
    """Rows read with `.values()` that name framework items, with each replaced item swapped for
    what it became (`successors`), so figures that aggregate by item count old judgements and
    mappings on the current items.

    `keys` maps a row's item-id key to the row keys describing that item and the Item fields
    they come from, e.g. {"domain_id": {"domain__code": "code", "domain__title": "title"}}. A
    row whose item became several items is repeated, once for each. Rows are returned in their
    order. One query (the new items' fields) when an item was replaced, besides the crosswalk's
    links when not cached; none when no row names an item.
    """
    ids = {row[key] for row in rows for key in keys if row[key] is not None}
    if not ids:
        return rows
    now = successors(ids)
    if not now:
        return rows
    lookups = {"pk"} | {field for described in keys.values() for field in described.values()}
    fields = {
        values["pk"]: values
        for values in Item.objects.filter(pk__in=set().union(*now.values())).values(*lookups)
    }
    carried = []
    for row in rows:
        variants = [dict(row)]
        for key, described in keys.items():
            targets = sorted(pk for pk in now.get(row[key], ()) if pk in fields)
            if not targets:
                continue
            expanded = []
            for variant in variants:
                for target in targets:
                    copy = dict(variant, **{key: target})
                    for row_key, field in described.items():
                        copy[row_key] = fields[target][field]
                    expanded.append(copy)
            variants = expanded
        carried.extend(variants)
    return carried


@dataclass
class CrosswalkCheck:
    """How much of an older version a newer one's crosswalk covers."""

    replaced: FrameworkVersion
    by: FrameworkVersion
    linked: int
    unlinked: list[Item]

    @property
    def total(self) -> int:
        return self.linked + len(self.unlinked)


def crosswalk_checks(versions) -> list[CrosswalkCheck]:
    """For each version in `versions` (a queryset: those the person may see) that declares
    `replacedBy`/`exactMatchOf` links to another version's statements: how many of that other
    version's statements it links, and which it leaves out (their evidence would stop counting
    on the new framework). Three queries."""
    exact = Association.Type.EXACT_MATCH_OF
    rows = Association.objects.filter(
        version__in=versions,
        association_type__in=(Association.Type.REPLACED_BY, exact),
        origin__kind=Item.Kind.STATEMENT,
        destination__kind=Item.Kind.STATEMENT,
    ).values_list(
        "association_type",
        "version_id",
        "origin_id",
        "origin__version_id",
        "destination_id",
        "destination__version_id",
    )
    linked: dict[tuple[int, int], set[int]] = defaultdict(set)
    for kind, declared_by, origin, origin_version, destination, destination_version in rows:
        if kind == exact and origin_version == declared_by:
            old, old_version = destination, destination_version
        else:
            old, old_version = origin, origin_version
        if old_version != declared_by:
            linked[(old_version, declared_by)].add(old)
    if not linked:
        return []
    involved = {pk for pair in linked for pk in pair}
    by_pk = {
        v.pk: v
        for v in FrameworkVersion.objects.filter(pk__in=involved).select_related("framework")
    }
    statements: dict[int, list[Item]] = defaultdict(list)
    for item in (
        Item.objects.statements()
        .filter(version_id__in={old for old, _ in linked})
        .order_by("sort_order", "code")
    ):
        item.version = by_pk[item.version_id]
        statements[item.version_id].append(item)
    checks = [
        CrosswalkCheck(
            replaced=by_pk[old],
            by=by_pk[new],
            linked=sum(1 for s in statements[old] if s.pk in ids),
            unlinked=[s for s in statements[old] if s.pk not in ids],
        )
        for (old, new), ids in linked.items()
    ]
    return sorted(checks, key=lambda c: (str(c.by), str(c.replaced)))
