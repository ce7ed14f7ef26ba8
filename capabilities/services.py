"""Writes to the framework: loading shipped content, publishing, and starting a new draft version.

Every function here is keyword-only and runs in one transaction.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from wagtail.search.backends import get_search_backends

from .models import Association, Framework, FrameworkVersion, Item

# Namespace for identifiers derived from codes, so the shipped framework keeps the same CASE
# identifiers on every machine and every load.
IDENTIFIER_NAMESPACE = uuid.UUID("5b0b7f1e-3c1a-4d59-9a53-7f0e1c2a6d41")
DATA_DIR = Path(__file__).resolve().parent / "data"
SHIPPED_FILES = (
    "pcf-2018.json",
    "pqs-practitioners.json",
    "pqs-supervisors.json",
    "pqs-leaders.json",
)


def derived_identifier(*parts: str) -> uuid.UUID:
    return uuid.uuid5(IDENTIFIER_NAMESPACE, ":".join(parts))


@dataclass
class LoadResult:
    version: FrameworkVersion
    created: bool
    items: int = 0
    associations: int = 0


@transaction.atomic
def publish_version(*, version: FrameworkVersion, user=None, at: datetime | None = None) -> None:
    """Publish a draft version directly (the admin goes through the Wagtail workflow instead)."""
    if version.live:
        return
    revision = version.save_revision(user=user, clean=False)
    revision.publish(user=user, skip_permission_checks=True)
    version.refresh_from_db()
    if at is not None:
        FrameworkVersion.objects.filter(pk=version.pk).update(
            first_published_at=at, last_published_at=at
        )
        version.refresh_from_db()


@transaction.atomic
def load_shipped_file(*, path: Path, publish: bool = True) -> LoadResult:
    """Load one of the project's own content files (see capabilities/data/README.md).

    Idempotent: a version that already exists is left as it is.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    fw = data["framework"]
    framework, _ = Framework.objects.update_or_create(
        slug=fw["slug"],
        defaults={
            "title": fw["title"],
            "kind": fw.get("kind", Framework.Kind.PCF),
            "creator": fw.get("creator", ""),
            "description": fw.get("description", ""),
        },
    )
    ver = data["version"]
    existing = FrameworkVersion.objects.filter(slug=ver["slug"]).first()
    if existing is not None:
        return LoadResult(version=existing, created=False)
    changed = _parse_datetime(ver.get("last_changed"))
    version = FrameworkVersion.objects.create(
        framework=framework,
        slug=ver["slug"],
        label=ver["label"],
        description=ver.get("description", ""),
        identifier=derived_identifier("version", ver["slug"]),
        last_changed=changed,
    )

    def item(kind, code, order, **fields):
        return Item(
            version=version,
            identifier=derived_identifier("item", version.slug, code),
            kind=kind,
            code=code,
            sort_order=order,
            last_changed=changed,
            **fields,
        )

    items = 0
    groups = {}
    for order, g in enumerate(data.get("groups", []), start=1):
        groups[g["code"]] = item(
            Item.Kind.GROUP,
            g["code"],
            order,
            title=g["title"],
            full_statement=g["description"],
            slug=g["code"].lower(),
        )
        groups[g["code"]].save()
        items += 1
    levels = {}
    for order, lv in enumerate(data.get("levels", []), start=1):
        levels[lv["code"]] = item(
            Item.Kind.LEVEL,
            lv["code"],
            order,
            title=lv["title"],
            slug=lv["slug"],
            full_statement=lv["description"],
            stage=lv.get("stage", ""),
            pathways=lv.get("pathways", []),
        )
        levels[lv["code"]].save()
        items += 1
    statements = []
    for d in data.get("domains", []):
        domain = item(
            Item.Kind.DOMAIN,
            str(d["number"]),
            d["number"],
            title=d["title"],
            slug=d["slug"],
            full_statement=d["statement"],
            group=groups.get(d.get("group")),
        )
        domain.save()
        items += 1
        for level_code, texts in d.get("levels", {}).items():
            level = levels[level_code]
            for n, text in enumerate(texts, start=1):
                statements.append(
                    item(
                        Item.Kind.STATEMENT,
                        f"{d['number']}.{level_code}.{n}",
                        d["number"] * 10_000 + level.sort_order * 100 + n,
                        full_statement=text,
                        domain=domain,
                        level=level,
                    )
                )
    for order, s in enumerate(data.get("standards", []), start=1):
        statements.append(
            item(
                Item.Kind.STATEMENT,
                s["code"],
                order,
                title=s["title"],
                full_statement=s["statement"],
            )
        )
    Item.objects.bulk_create(statements)
    items += len(statements)
    index_items(statements)

    associations = _crosswalk_to_pcf(version, data.get("standards", []), changed)
    if publish:
        publish_version(version=version, at=changed)
    return LoadResult(version=version, created=True, items=items, associations=associations)


class CrosswalkError(ValueError):
    """A shipped crosswalk link that cannot be loaded as written."""


# The PCF levels a post-qualifying standard may be linked to: the standards describe practice
# after qualifying, so a link to a student level would be a mistake in the data.
CROSSWALK_STAGES = (Item.Stage.POST_QUALIFYING, Item.Stage.ADVANCED)


def _crosswalk_to_pcf(version, standards, changed) -> int:
    """Each PQS standard isRelatedTo the PCF capability statements it names, with the reason.

    A standard lists `pcf_statements`: [{"code": "5.ASYE.2", "rationale": "..."}]. Links land
    on statements, never on a whole domain, so a statement's page lists only what relates to it.
    The rationale is stored as the association's notes (exported as CASE notes).
    """
    pcf = FrameworkVersion.objects.current("pcf")
    if not standards or pcf is None:
        return 0
    targets = {
        s.code: s
        for s in pcf.items.statements()
        .select_related("level")
        .filter(level__stage__in=CROSSWALK_STAGES)
    }
    by_code = {i.code: i for i in version.items.statements()}
    rows = []
    for standard in standards:
        origin = by_code[standard["code"]]
        if "pcf_domains" in standard:
            raise CrosswalkError(
                f"{standard['code']}: link to PCF statements (pcf_statements), not whole domains"
            )
        for seq, link in enumerate(standard.get("pcf_statements", []), start=1):
            destination = targets.get(link.get("code"))
            if destination is None:
                raise CrosswalkError(
                    f"{standard['code']}: {link.get('code')!r} is not a post-qualifying PCF "
                    f"statement in {pcf}"
                )
            rationale = (link.get("rationale") or "").strip()
            if not rationale:
                raise CrosswalkError(f"{standard['code']} → {destination.code}: give a rationale")
            rows.append(
                Association(
                    version=version,
                    identifier=derived_identifier(
                        "association",
                        str(origin.identifier),
                        "isRelatedTo",
                        str(destination.identifier),
                    ),
                    association_type=Association.Type.IS_RELATED_TO,
                    origin=origin,
                    destination=destination,
                    sequence_number=seq,
                    notes=rationale,
                    last_changed=changed,
                )
            )
    Association.objects.bulk_create(rows)
    return len(rows)


def _parse_datetime(value: str | None) -> datetime:
    if not value:
        return timezone.now().replace(microsecond=0)
    parsed = datetime.fromisoformat(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, timezone.UTC)


def index_items(items: list[Item]) -> None:
    """bulk_create skips the signals that keep the search index current; index them here."""
    if not items:
        return
    saved = list(Item.objects.filter(identifier__in=[i.identifier for i in items]))
    for backend in get_search_backends(with_auto_update=True):
        backend.add_bulk(Item, saved)


def load_shipped_frameworks(*, publish: bool = True) -> list[LoadResult]:
    """The PCF first (the PQS crosswalk points at it), then the three PQS frameworks."""
    return [load_shipped_file(path=DATA_DIR / name, publish=publish) for name in SHIPPED_FILES]


@transaction.atomic
def create_draft_version(
    *, source: FrameworkVersion, slug: str, label: str, description: str = ""
) -> FrameworkVersion:
    """Start the next version of a framework as a draft copy of `source`.

    Every item is copied with a new identifier, and each copy is linked to the item it came from
    by an `exactMatchOf` association declared by the new version: the version-to-version
    crosswalk. Editors change that to `replacedBy` (from the old item) or remove it where a
    statement's meaning changes.
    """
    now = timezone.now()
    draft = FrameworkVersion.objects.create(
        framework=source.framework,
        slug=slug,
        label=label,
        description=description or source.description,
        predecessor=source,
        last_changed=now,
    )
    old_items = list(source.items.order_by("kind", "sort_order", "pk"))
    copies: dict[int, Item] = {}
    # Groups, domains and levels first so statements can point at their copies.
    for old in sorted(old_items, key=lambda i: i.kind == Item.Kind.STATEMENT):
        copy = Item(
            version=draft,
            kind=old.kind,
            code=old.code,
            slug=old.slug,
            title=old.title,
            full_statement=old.full_statement,
            notes=old.notes,
            sort_order=old.sort_order,
            stage=old.stage,
            pathways=list(old.pathways),
            group=copies.get(old.group_id),
            domain=copies.get(old.domain_id),
            level=copies.get(old.level_id),
            last_changed=now,
        )
        copy.save()
        copies[old.pk] = copy
    Association.objects.bulk_create(
        Association(
            version=draft,
            association_type=Association.Type.EXACT_MATCH_OF,
            origin=copies[old.pk],
            destination=old,
            last_changed=now,
        )
        for old in old_items
    )
    # Crosswalks the source declared to other frameworks carry over to the copies.
    Association.objects.bulk_create(
        Association(
            version=draft,
            association_type=a.association_type,
            origin=copies.get(a.origin_id, a.origin),
            destination=copies.get(a.destination_id, a.destination),
            sequence_number=a.sequence_number,
            notes=a.notes,
            last_changed=now,
        )
        for a in source.associations.select_related("origin", "destination")
        if a.association_type != Association.Type.EXACT_MATCH_OF
    )
    # A version imported from another system keeps what its package carried (CASE).
    from .interchange.case.drafts import carry_over

    carry_over(source, draft, copies)
    return draft
