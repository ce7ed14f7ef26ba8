"""Coverage: how much of a person's evidence falls in each domain-by-level cell of a version.

Entries keep the statements they were mapped to. When a newer version is published, a mapping to
an older statement is counted in the newer grid by following the version crosswalk: an
`exactMatchOf` association (either way: an exact match is symmetric) or a `replacedBy`
association (from the old statement to its replacement), across versions and across frameworks
(`capabilities.crosswalk`): a post-qualifying standard replaced by an early career standard
counts on the new standard. Every count here takes a fixed number of
queries whatever the number of entries: one for the mappings, the crosswalk's links (one query,
none while cached: `capabilities.crosswalk_cache`), and the framework structure.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.http import urlencode

from capabilities.crosswalk import resolve_to_version
from capabilities.models import Framework, FrameworkVersion, Item
from capabilities.structure import FrameworkStructure
from organisations.models import Membership, Role

from .models import Entry, Mapping

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


def _owner_mappings(owner, *, records_only: bool = False) -> list[tuple[int, int, int]]:
    """(entry id, item id, item's version id) for the owner's live entries' statements (only the
    complete ones, without drafts, when `records_only`)."""
    mappings = Mapping.objects.filter(
        entry__portfolio__owner=owner,
        entry__deleted_at__isnull=True,
        item__kind=Item.Kind.STATEMENT,
    )
    if records_only:
        mappings = mappings.filter(entry__status=Entry.Status.COMPLETE)
    return list(mappings.values_list("entry_id", "item_id", "item__version_id"))


def mapped_items(
    owner, version: FrameworkVersion, rows: list | None = None
) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """For the statements of `version`: ({item id: {entries mapped to it}}, {item id: {entries
    mapped elsewhere that count on it through the crosswalk}})."""
    rows = _owner_mappings(owner) if rows is None else rows
    direct: dict[int, set[int]] = defaultdict(set)
    foreign: dict[int, set[int]] = defaultdict(set)
    for entry_id, item_id, version_id in rows:
        (direct if version_id == version.pk else foreign)[item_id].add(entry_id)
    crosswalked: dict[int, set[int]] = defaultdict(set)
    if foreign:
        for item_id, target_ids in resolve_to_version(set(foreign), version).items():
            for target_id in target_ids:
                crosswalked[target_id] |= foreign[item_id]
    return direct, crosswalked


def mapped_cells(
    owner, version: FrameworkVersion, *, records_only: bool = False
) -> dict[tuple[int, int], set[int]]:
    """{(domain id, level id) of `version`: {entry ids}} for the owner's live entries (only the
    complete ones, without drafts, when `records_only`)."""
    direct, crosswalked = mapped_items(
        owner, version, _owner_mappings(owner, records_only=records_only)
    )
    cells: dict[tuple[int, int], set[int]] = defaultdict(set)
    ids = set(direct) | set(crosswalked)
    if not ids:
        return cells
    places = {
        pk: (domain_id, level_id)
        for pk, domain_id, level_id in Item.objects.filter(pk__in=ids).values_list(
            "pk", "domain_id", "level_id"
        )
    }
    for counted in (direct, crosswalked):
        for item_id, entries in counted.items():
            if item_id in places:
                cells[places[item_id]] |= entries
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


# ---------------------------------------------------------------------------------------------
# Standards (frameworks without domains and levels: the post-qualifying standards, early career
# standards an organisation loads)


@dataclass
class StandardCount:
    standard: Item
    count: int
    # Of `count`, the entries mapped to another framework's statement (an older standard this
    # one replaces), counted here through the crosswalk.
    through_crosswalk: int


@dataclass
class StandardsCoverage:
    version: FrameworkVersion
    standards: list[StandardCount]
    entries_counted: int
    through_crosswalk: int

    @property
    def missing(self) -> list[Item]:
        return [row.standard for row in self.standards if not row.count]


def current_standards_versions() -> list[FrameworkVersion]:
    """The newest published version of each framework that is not the PCF (one query)."""
    newest: dict[int, FrameworkVersion] = {}
    versions = (
        FrameworkVersion.objects.published()
        .exclude(framework__kind=Framework.Kind.PCF)
        .select_related("framework")
        .order_by("-first_published_at", "-pk")
    )
    for version in versions:
        newest.setdefault(version.framework_id, version)
    return sorted(newest.values(), key=lambda v: (v.framework.title, v.pk))


def standards_coverage(owner) -> list[StandardsCoverage]:
    """For each current standards framework: how many of the owner's entries count on each
    standard, directly or through the crosswalk from the standards it replaces. Queries: the
    versions, their standards, the mappings, and the crosswalk's links when not cached."""
    versions = current_standards_versions()
    if not versions:
        return []
    standards: dict[int, list[Item]] = defaultdict(list)
    for item in (
        Item.objects.statements()
        .filter(version__in=versions)
        .order_by("version_id", "sort_order", "code")
    ):
        standards[item.version_id].append(item)
    rows = _owner_mappings(owner, records_only=True)
    result = []
    for version in versions:
        direct, crosswalked = mapped_items(owner, version, rows)
        counts = []
        for item in standards[version.pk]:
            item.version = version
            counted = direct.get(item.pk, set()) | crosswalked.get(item.pk, set())
            counts.append(
                StandardCount(item, len(counted), len(counted - direct.get(item.pk, set())))
            )
        everything = set().union(*direct.values(), *crosswalked.values())
        only_crosswalked = set().union(*crosswalked.values()) - set().union(*direct.values())
        result.append(
            StandardsCoverage(
                version=version,
                standards=counts,
                entries_counted=len(everything),
                through_crosswalk=len(only_crosswalked),
            )
        )
    return result


def drafts_mapped(owner) -> int:
    """The owner's live drafts mapped to any statement: shown apart, not counted in the grid."""
    return (
        Entry.objects.live()
        .filter(portfolio__owner=owner, status=Entry.Status.DRAFT, mappings__isnull=False)
        .distinct()
        .count()
    )
