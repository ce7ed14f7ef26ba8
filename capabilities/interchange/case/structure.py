"""How an imported package's structure is read: Capable's own structure back into foreign keys,
anyone else's kept as the associations say (see `importer`)."""

import uuid
from itertools import pairwise

from ...models import Association, Item
from .common import ITEM_TYPES


class NewItem:
    """An item of the package being imported, before it is saved."""

    def __init__(self, index: int, raw: dict, where: str, type_title: str):
        self.index = index
        self.raw = raw
        self.where = where
        self.identifier = uuid.UUID(raw["identifier"])
        self.kind = ITEM_TYPES.get(type_title, (Item.Kind.STATEMENT, ""))[0]
        self.parent: dict[str, NewItem] = {}
        self.child_of_sequence: int | None = None
        self.obj: Item | None = None


def sort_orders(items: list[NewItem], fields: dict) -> dict[uuid.UUID, int]:
    positions: dict[str, int] = {}
    orders = {}
    for new in items:
        positions[new.kind] = positions.get(new.kind, 0) + 1
        order = fields[new.identifier]["sort_order"]
        if order is None:
            order = (
                new.child_of_sequence if new.child_of_sequence is not None else positions[new.kind]
            )
        orders[new.identifier] = order
    return orders


def read_structure(items, fields, resolved, document_id) -> set[int] | None:
    """Read Capable's own structure back into foreign keys: the associations absorbed (by id()),
    or None when the package's structure is not exactly what Capable derives (then every
    association is kept as given, and only the first isChildOf of an item orders it)."""
    absorbed = {id(a) for a in resolved if a["derived"] and _apply_structure(a)}
    found = {
        (
            a["type"],
            str(_end_id(a["origin"], document_id)),
            str(_end_id(a["destination"], document_id)),
        )
        for a in resolved
        if id(a) in absorbed
    }
    if found == _expected_structure(items, fields, document_id):
        return absorbed
    for new in items:
        new.parent = {}
        new.child_of_sequence = None
    for association in resolved:
        origin = association["origin"]
        if (
            association["type"] == Association.Type.IS_CHILD_OF
            and isinstance(origin, NewItem)
            and origin.child_of_sequence is None
        ):
            origin.child_of_sequence = association["sequence"]
    return None


def _end_id(end, document_id):
    return document_id if end == "document" else end.identifier


def _expected_structure(items: list[NewItem], fields: dict, document_id) -> set[tuple]:
    """The structural associations Capable's export would derive for these items."""
    child_of = Association.Type.IS_CHILD_OF
    expected = set()
    for new in items:
        group, domain, level = (new.parent.get(f) for f in ("group", "domain", "level"))
        if new.kind == Item.Kind.DOMAIN and group:
            expected.add((child_of, str(new.identifier), str(group.identifier)))
        elif new.kind == Item.Kind.STATEMENT and domain:
            expected.add((child_of, str(new.identifier), str(domain.identifier)))
        else:
            expected.add((child_of, str(new.identifier), str(document_id)))
        if new.kind == Item.Kind.STATEMENT and level:
            expected.add((Association.Type.IS_PART_OF, str(new.identifier), str(level.identifier)))
    orders = sort_orders(items, fields)
    levels = sorted(
        (new for new in items if new.kind == Item.Kind.LEVEL),
        key=lambda n: (orders[n.identifier], fields[n.identifier]["code"]),
    )
    for level, following in pairwise(levels):
        expected.add((Association.Type.PRECEDES, str(level.identifier), str(following.identifier)))
    return expected


def _apply_structure(association: dict) -> bool:
    """Turn a structural association into a foreign key. False if it is not structure."""
    kind, origin, destination = (
        association["type"],
        association["origin"],
        association["destination"],
    )
    if not isinstance(origin, NewItem):
        return False
    if destination == "document":
        if kind != Association.Type.IS_CHILD_OF:
            return False
        if origin.child_of_sequence is None:
            origin.child_of_sequence = association["sequence"]
        return True
    if not isinstance(destination, NewItem):
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
