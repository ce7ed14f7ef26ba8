"""The statement picker: published statements grouped by level and domain (PCF) and by framework
(PQS), filtered by what the person typed (with the site search's own matching, search.statements),
as plain HTML checkboxes so it works without JavaScript. Statements already chosen but filtered
out are carried as hidden inputs so a search never drops a mapping. A fixed number of queries
whatever the size of the frameworks."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from capabilities.crosswalk import successors
from capabilities.models import Framework, FrameworkVersion, Item
from search.statements import statement_ids_matching


@dataclass
class PickerStatement:
    item: Item
    checked: bool
    # Standards that a published framework has replaced: what replaced them, so that new
    # evidence goes to the new standards (old mappings still count through the crosswalk).
    replaced_by: list[Item] = field(default_factory=list)


@dataclass
class PickerDomain:
    domain: Item
    statements: list[PickerStatement] = field(default_factory=list)


@dataclass
class PickerLevel:
    level: Item
    domains: list[PickerDomain] = field(default_factory=list)
    open: bool = False

    @property
    def checked_count(self) -> int:
        return sum(s.checked for d in self.domains for s in d.statements)


@dataclass
class PickerFramework:
    version: FrameworkVersion
    statements: list[PickerStatement] = field(default_factory=list)

    @property
    def checked_count(self) -> int:
        return sum(s.checked for s in self.statements)


@dataclass
class Picker:
    pcf: FrameworkVersion | None
    levels: list[PickerLevel]
    standards: list[PickerFramework]
    older: list[PickerStatement]
    hidden_ids: list[int]
    query: str

    @property
    def shown_count(self) -> int:
        return sum(len(d.statements) for lv in self.levels for d in lv.domains) + sum(
            len(f.statements) for f in self.standards
        )


def build_picker(*, selected_ids: set[int], query: str = "", open_level: str = "") -> Picker:
    words = query.casefold().split()
    pcf = FrameworkVersion.objects.current("pcf")
    current_versions = [pcf] if pcf else []
    standards_versions = [
        v
        for v in (
            FrameworkVersion.objects.current(slug)
            for slug in Framework.objects.filter(kind=Framework.Kind.PQS)
            .order_by("title")
            .values_list("slug", flat=True)
        )
        if v
    ]
    current_versions += standards_versions
    version_ids = [v.pk for v in current_versions]
    items = list(
        Item.objects.filter(
            Q(version_id__in=version_ids) | Q(pk__in=selected_ids), version__live=True
        )
        .exclude(kind=Item.Kind.GROUP)
        .select_related("version__framework")
        .order_by("version_id", "sort_order", "code")
    )
    by_id = {item.pk: item for item in items}
    hidden: list[int] = []
    # The same search as /search/ (search.statements): stemmed words, every one required.
    matching = (
        statement_ids_matching(query, version_ids={i.version_id for i in items}) if words else set()
    )

    def keep(item: Item) -> PickerStatement | None:
        checked = item.pk in selected_ids
        if words and item.pk not in matching:
            if checked:
                hidden.append(item.pk)
            return None
        return PickerStatement(item, checked)

    levels: list[PickerLevel] = []
    if pcf:
        pcf_items = [i for i in items if i.version_id == pcf.pk]
        level_items = [i for i in pcf_items if i.kind == Item.Kind.LEVEL]
        domain_items = [i for i in pcf_items if i.kind == Item.Kind.DOMAIN]
        cells: dict[tuple[int, int], list[PickerStatement]] = defaultdict(list)
        for item in pcf_items:
            if item.kind == Item.Kind.STATEMENT and (kept := keep(item)):
                cells[(item.level_id, item.domain_id)].append(kept)
        for level in level_items:
            picker_level = PickerLevel(level)
            for domain in domain_items:
                if statements := cells.get((level.pk, domain.pk)):
                    picker_level.domains.append(PickerDomain(domain, statements))
            if picker_level.domains:
                picker_level.open = bool(
                    words or level.slug == open_level or picker_level.checked_count
                )
                levels.append(picker_level)

    standards = []
    for version in standards_versions:
        statements = [
            kept
            for item in items
            if item.version_id == version.pk
            and item.kind == Item.Kind.STATEMENT
            and (kept := keep(item))
        ]
        if statements:
            standards.append(PickerFramework(version, statements))
    _note_replacements([s for framework in standards for s in framework.statements])

    older = [
        kept
        for pk in sorted(selected_ids)
        if (item := by_id.get(pk)) and item.version_id not in version_ids and (kept := keep(item))
    ]
    return Picker(pcf, levels, standards, older, hidden, query)


def _note_replacements(statements: list[PickerStatement]) -> None:
    """Fill in `replaced_by` (the crosswalk's links when not cached, and one query for the new items)."""
    became = successors({s.item.pk for s in statements})
    if not became:
        return
    new_items = Item.objects.filter(pk__in=set().union(*became.values())).select_related(
        "version__framework"
    )
    by_pk = {item.pk: item for item in new_items}
    for statement in statements:
        statement.replaced_by = [
            by_pk[pk] for pk in sorted(became.get(statement.item.pk, ())) if pk in by_pk
        ]
