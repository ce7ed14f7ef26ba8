"""Coverage: how much of a person's evidence falls in each domain-by-level cell of a version.

Entries keep the statements they were mapped to. When a newer version is published, a mapping to
an older statement is counted in the newer grid by following the version crosswalk: an
`exactMatchOf` association (either way: an exact match is symmetric) or a `replacedBy`
association (from the old statement to its replacement). Every count here takes a fixed number of
queries whatever the number of entries: one for the mappings, one per crosswalk hop (bounded by
the number of versions), and the framework structure.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from capabilities.models import Association, FrameworkVersion, Item
from capabilities.structure import FrameworkStructure
from organisations.models import Membership, Role

from .models import Entry, Mapping

MAX_CROSSWALK_HOPS = 10

# The level a person works towards, by their role, when they have not chosen one.
TARGET_LEVEL_BY_ROLE = {
    Role.STUDENT: "last-placement",
    Role.PRACTITIONER: "social-worker",
    Role.PRACTICE_EDUCATOR: "experienced",
    Role.ONSITE_SUPERVISOR: "experienced",
    Role.LINE_MANAGER: "advanced",
    Role.PRINCIPAL_SOCIAL_WORKER: "strategic",
    Role.HEI_TUTOR: "advanced",
    Role.PLACEMENT_LEAD: "advanced",
}


@dataclass
class Cell:
    domain: Item
    level: Item
    count: int

    @property
    def url(self) -> str:
        # Only records are counted (drafts apart): the link lists the same entries.
        query = urlencode(
            {"domain": self.domain.slug, "level": self.level.slug, "status": "complete"}
        )
        return f"{reverse('portfolios:index')}?{query}"

    @property
    def band(self) -> int:
        """The heat map's shade (`app-heat--<band>`): none, 1, 2 to 3, 4 to 6, 7 or more entries."""
        for band, upper in enumerate((0, 1, 3, 6)):
            if self.count <= upper:
                return band
        return 4


@dataclass
class Row:
    domain: Item
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Coverage:
    version: FrameworkVersion
    levels: list[Item]
    target: Item
    all_levels: list[Item]
    rows: list[Row]
    entries_counted: int

    @property
    def target_index(self) -> int:
        return self.levels.index(self.target)

    @property
    def missing_at_target(self) -> list[Item]:
        index = self.target_index
        return [row.domain for row in self.rows if row.cells[index].count == 0]

    def as_export_dict(self) -> dict:
        return {
            "framework": self.version.framework.title,
            "version": self.version.label,
            "target_level": self.target.title,
            "levels": [level.title for level in self.levels],
            "rows": [
                {"domain": row.domain.title, "counts": [cell.count for cell in row.cells]}
                for row in self.rows
            ],
        }


def resolve_to_version(item_ids: set[int], version: FrameworkVersion) -> dict[int, set[int]]:
    """For statements of other versions, the statements of `version` they correspond to through
    the crosswalk. Returns {foreign item id: {item ids in version}}; unmatched ids are absent."""
    resolved: dict[int, set[int]] = defaultdict(set)
    # Each frontier item remembers which original items reached it.
    origins: dict[int, set[int]] = {pk: {pk} for pk in item_ids}
    frontier = set(item_ids)
    seen = set(item_ids)
    for _ in range(MAX_CROSSWALK_HOPS):
        if not frontier:
            break
        links = Association.objects.filter(
            Q(association_type=Association.Type.EXACT_MATCH_OF)
            & (Q(origin_id__in=frontier) | Q(destination_id__in=frontier))
            | Q(association_type=Association.Type.REPLACED_BY, origin_id__in=frontier)
        ).values_list(
            "origin_id", "destination_id", "origin__version_id", "destination__version_id"
        )
        next_frontier: set[int] = set()
        for origin_id, destination_id, origin_version, destination_version in links:
            pairs = []
            if origin_id in frontier:
                pairs.append((origin_id, destination_id, destination_version))
            if destination_id in frontier:
                pairs.append((destination_id, origin_id, origin_version))
            for source, target, target_version in pairs:
                for original in origins[source]:
                    if target_version == version.pk:
                        resolved[original].add(target)
                    elif target not in seen:
                        origins.setdefault(target, set()).add(original)
                        next_frontier.add(target)
        seen |= next_frontier
        frontier = next_frontier
    return resolved


def mapped_cells(
    owner, version: FrameworkVersion, *, records_only: bool = False
) -> dict[tuple[int, int], set[int]]:
    """{(domain id, level id) of `version`: {entry ids}} for the owner's live entries (only the
    complete ones, without drafts, when `records_only`)."""
    mappings = Mapping.objects.filter(
        entry__portfolio__owner=owner,
        entry__deleted_at__isnull=True,
        item__kind=Item.Kind.STATEMENT,
    )
    if records_only:
        mappings = mappings.filter(entry__status=Entry.Status.COMPLETE)
    rows = list(
        mappings.values_list(
            "entry_id", "item_id", "item__version_id", "item__domain_id", "item__level_id"
        )
    )
    cells: dict[tuple[int, int], set[int]] = defaultdict(set)
    foreign: dict[int, set[int]] = defaultdict(set)
    for entry_id, item_id, version_id, domain_id, level_id in rows:
        if version_id == version.pk:
            cells[(domain_id, level_id)].add(entry_id)
        else:
            foreign[item_id].add(entry_id)
    if foreign:
        resolved = resolve_to_version(set(foreign), version)
        targets = {pk for pks in resolved.values() for pk in pks}
        places = {
            pk: (domain_id, level_id)
            for pk, domain_id, level_id in Item.objects.filter(pk__in=targets).values_list(
                "pk", "domain_id", "level_id"
            )
        }
        for item_id, target_ids in resolved.items():
            for target_id in target_ids:
                if target_id in places:
                    cells[places[target_id]] |= foreign[item_id]
    return cells


def entry_ids_in(owner, version: FrameworkVersion, *, domain=None, level=None) -> set[int]:
    """Entries counted in a domain, a level, or one cell of `version` (crosswalk included)."""
    ids: set[int] = set()
    for (domain_id, level_id), entries in mapped_cells(owner, version).items():
        if (domain is None or domain.pk == domain_id) and (level is None or level.pk == level_id):
            ids |= entries
    return ids


def default_target_slug(user) -> str | None:
    membership = (
        Membership.objects.active().filter(user=user).order_by("-asye", "starts_on").first()
    )
    if membership is None:
        return None
    if membership.asye:
        return "asye"
    return TARGET_LEVEL_BY_ROLE.get(membership.role)


def build_coverage(
    owner, *, version: FrameworkVersion | None = None, level_slug: str | None = None
) -> Coverage | None:
    """The grid for the owner's target level and the levels either side of it."""
    version = version or FrameworkVersion.objects.current("pcf")
    if version is None:
        return None
    structure = FrameworkStructure(version)
    levels = structure.levels
    if not levels or not structure.domains:
        return None
    by_slug = {level.slug: level for level in levels}
    target = by_slug.get(level_slug or "") or by_slug.get(default_target_slug(owner) or "")
    target = target or levels[min(len(levels) - 1, len(levels) // 2)]
    index = levels.index(target)
    shown = levels[max(0, index - 1) : index + 2]
    cells = mapped_cells(owner, version, records_only=True)
    rows = [
        Row(
            domain=domain,
            cells=[
                Cell(domain, level, len(cells.get((domain.pk, level.pk), ()))) for level in shown
            ],
        )
        for domain in structure.domains
    ]
    counted = set().union(*cells.values()) if cells else set()
    return Coverage(
        version=version,
        levels=shown,
        target=target,
        all_levels=levels,
        rows=rows,
        entries_counted=len(counted),
    )


def coverage_summary(user) -> dict | None:
    """The coverage grid as plain data, for the JSON export and the PDF."""
    coverage = build_coverage(user)
    return coverage.as_export_dict() if coverage else None


def drafts_mapped(owner) -> int:
    """The owner's live drafts mapped to any statement: shown apart, not counted in the grid."""
    return (
        Entry.objects.live()
        .filter(portfolio__owner=owner, status=Entry.Status.DRAFT, mappings__isnull=False)
        .distinct()
        .count()
    )
