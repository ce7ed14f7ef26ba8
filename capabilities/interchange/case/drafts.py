"""What a new draft of an imported version carries over from its source, so that its export stays
true to the package the framework came from (see `services.create_draft_version`)."""

import uuid

from ...models import FrameworkVersion, Item

# Values that describe the source version or item itself, not the framework: the draft has its own.
NOT_CARRIED = (
    "lastChangeDateTime",
    "version",
    "adoptionStatus",
    "statusStartDate",
    "statusEndDate",
)


def carry_over(source: FrameworkVersion, draft: FrameworkVersion, copies: dict[int, Item]) -> None:
    """Copy the source's kept CASE data to the draft: the kind of structure, definitions,
    package extensions, fields Capable has no column for, and the associations kept as given
    (with new identifiers, their ends moved to the copies and the draft's CFDocument)."""
    extras = source.case_extras or {}
    olds = {item.pk: item for item in source.items.all()}
    if not extras and not any(old.case_extras for old in olds.values()):
        return
    moved = {str(source.identifier): (str(draft.identifier), str(draft))}
    changed_items = []
    for old_pk, copy in copies.items():
        old = olds[old_pk]
        moved[str(old.identifier)] = (str(copy.identifier), copy.title or copy.code)
        if old.case_extras:
            copy.case_extras = {k: v for k, v in old.case_extras.items() if k not in NOT_CARRIED}
            changed_items.append(copy)
    Item.objects.bulk_update(changed_items, ["case_extras"])
    carried = {k: v for k, v in extras.items() if k in ("structure", "definitions", "package")}
    fields = {k: v for k, v in extras.get("fields", {}).items() if k not in NOT_CARRIED}
    if fields:
        carried["fields"] = fields
    associations = []
    for raw in extras.get("associations", []):
        association = dict(raw, identifier=str(uuid.uuid4()))
        for end in ("originNodeURI", "destinationNodeURI"):
            link = raw[end]
            if str(link["identifier"]).lower() in moved:
                identifier, title = moved[str(link["identifier"]).lower()]
                association[end] = {**link, "identifier": identifier, "title": title}
        association["lastChangeDateTime"] = draft.last_changed.isoformat(timespec="seconds")
        associations.append(association)
    if associations:
        carried["associations"] = associations
    draft.case_extras = carried
    draft.save(update_fields=["case_extras"])
