"""What each stage of an appraisal judges: the frameworks and their items (issue 14).

A template lists the frameworks it assesses and the stages for each (`TemplateFramework`); one
that lists none assesses the appraisee's default framework at its stages that assess the domains:
the practice leader standards for a Principal Social Worker, the practice supervisor standards
for line managers, practice educators and on-site supervisors, and the PCF at the target level
for everyone else. Starting a cycle copies this into `AppraisalFramework` rows (`snapshot`), and
the rest of the workflow reads the copy (`frameworks_of`, `assessed_at`). Appraisals started
before frameworks were copied read the PCF, as they always did.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from capabilities.models import Framework, FrameworkVersion, Item
from organisations.models import Membership, Role

from .framework_models import AppraisalFramework, TemplateFramework

PCF = "pcf"
PRACTITIONER_STANDARDS = "pqs-practitioners"
SUPERVISOR_STANDARDS = "pqs-supervisors"
LEADER_STANDARDS = "pqs-leaders"

# The default framework by role, the first role the appraisee holds deciding.
DEFAULT_BY_ROLE = (
    (Role.PRINCIPAL_SOCIAL_WORKER, LEADER_STANDARDS),
    (Role.LINE_MANAGER, SUPERVISOR_STANDARDS),
    (Role.PRACTICE_EDUCATOR, SUPERVISOR_STANDARDS),
    (Role.ONSITE_SUPERVISOR, SUPERVISOR_STANDARDS),
    (Role.PRACTITIONER, PCF),
)

# How the blocker list counts each framework's items when a stage assesses more than one.
SHORT_NAMES = {
    PCF: ("PCF domain", "PCF domains"),
    PRACTITIONER_STANDARDS: ("practitioner standard", "practitioner standards"),
    SUPERVISOR_STANDARDS: ("practice supervisor standard", "practice supervisor standards"),
    LEADER_STANDARDS: ("practice leader standard", "practice leader standards"),
}


@dataclass
class Assessed:
    """One framework at one stage: the appraisal's copy and the items rated against it."""

    framework: AppraisalFramework
    items: list[Item]

    @property
    def title(self) -> str:
        return self.framework.title

    @property
    def slug(self) -> str:
        return self.framework.version.framework.slug

    def count(self, n: int, *, named: bool) -> str:
        """ "3 domains", or with `named` (several frameworks at the stage) "3 PCF domains"."""
        is_domain = bool(self.items) and self.items[0].kind == Item.Kind.DOMAIN
        if named:
            one, many = SHORT_NAMES.get(
                self.slug, (f"item of {self.title}", f"items of {self.title}")
            )
        else:
            one, many = ("domain", "domains") if is_domain else ("standard", "standards")
        return f"{n} {one if n == 1 else many}"


# ---------------------------------------------------------------------------------------------
# Defaults and the copy made at the start


def _roles(organisation, appraisee, on: date | None) -> set[str]:
    return set(
        Membership.objects.active(on)
        .filter(organisation=organisation, user=appraisee)
        .values_list("role", flat=True)
    )


def default_framework(*, organisation, appraisee, on: date | None = None) -> Framework | None:
    """The framework the appraisee's role suggests (see DEFAULT_BY_ROLE), if it is published;
    else the PCF."""
    roles = _roles(organisation, appraisee, on)
    slug = next((slug for role, slug in DEFAULT_BY_ROLE if role in roles), PCF)
    version = FrameworkVersion.objects.current(slug) or FrameworkVersion.objects.current(PCF)
    return version.framework if version else None


def choosable_frameworks():
    """The frameworks with a published version, which an appraisal can be judged against."""
    published = FrameworkVersion.objects.published().values("framework")
    return Framework.objects.filter(pk__in=published).order_by("kind", "title")


def pcf_levels():
    """The levels of the current PCF, for choosing the level an appraisal is judged against."""
    version = FrameworkVersion.objects.current(PCF)
    if version is None:
        return Item.objects.none()
    return version.items.levels().order_by("sort_order", "pk")


def _current(framework: Framework, level: Item | None) -> tuple[FrameworkVersion | None, Item]:
    """The version to copy (the one published now) and the level in it. A level from an older
    version is matched by code in the current one; without a match the older version is kept."""
    version = FrameworkVersion.objects.current(framework.slug)
    if level is None or version is None:
        return version or (level.version if level else None), level
    if level.version_id == version.pk:
        return version, level
    same = version.items.levels().filter(code=level.code).first()
    return (version, same) if same else (level.version, level)


def snapshot(
    *,
    appraisal,
    stages,
    framework: Framework | None = None,
    level: Item | None = None,
    on: date | None = None,
) -> list[AppraisalFramework]:
    """Copy what `appraisal` assesses at its new `stages`: the template's frameworks, or (when it
    lists none) `framework` at `level`, else the appraisee's default, at the stages that assess
    the domains. The PCF's level is the appraisal's target level unless the template sets one."""
    template = appraisal.template
    by_template_stage = {s.template_stage_id: s for s in stages}
    listed = list(
        TemplateFramework.objects.filter(template=template)
        .select_related("framework", "level__version")
        .prefetch_related("stages")
    )
    if listed and framework is not None:
        raise ValidationError(
            {"framework": "This template sets the frameworks it assesses; change the template"}
        )
    plan = []
    if listed:
        for row in listed:
            chosen = row.level
            if row.framework.is_pcf and chosen is None:
                chosen = appraisal.target_level
            plan.append((row.framework, chosen, [s.pk for s in row.stages.all()]))
    else:
        if framework is not None and FrameworkVersion.objects.current(framework.slug) is None:
            raise ValidationError({"framework": "Choose a framework with a published version"})
        framework = framework or default_framework(
            organisation=appraisal.organisation, appraisee=appraisal.appraisee, on=on
        )
        if framework is None:
            return []
        if not framework.is_pcf:
            level = None
        elif level is None:
            level = appraisal.target_level
        if level is not None and level.version.framework_id != framework.pk:
            raise ValidationError({"level": f"Choose a level of {framework.title}"})
        assessing = [s.template_stage_id for s in stages if s.template_stage.assesses_domains]
        plan.append((framework, level, assessing))
    made = []
    for order, (fw, chosen, template_stage_ids) in enumerate(plan, start=1):
        version, chosen = _current(fw, chosen)
        if version is None:
            continue
        row = AppraisalFramework.objects.create(
            appraisal=appraisal, version=version, level=chosen, order=order
        )
        row.stages.set(
            [by_template_stage[pk] for pk in template_stage_ids if pk in by_template_stage]
        )
        made.append(row)
    pcf_level = next((r.level for r in made if r.level_id and r.version.framework.is_pcf), None)
    if appraisal.target_level_id is None and pcf_level is not None:
        appraisal.target_level = pcf_level
        appraisal.save(update_fields=["target_level"])
    return made


# ---------------------------------------------------------------------------------------------
# Reading the copy


def frameworks_of(appraisal) -> list[AppraisalFramework]:
    """The frameworks `appraisal` assesses, in order, each with `stage_ids` (the stages that
    assess it). Cached on the appraisal object: the copy never changes once started."""
    cached = getattr(appraisal, "_frameworks_assessed", None)
    if cached is not None:
        return cached
    prefetched = getattr(appraisal, "_prefetched_objects_cache", {}).get("frameworks")
    rows = list(
        prefetched
        if prefetched is not None
        else appraisal.frameworks.select_related("version__framework", "level").prefetch_related(
            "stages"
        )
    )
    for row in rows:
        row.stage_ids = {s.pk for s in row.stages.all()}
    if not rows and appraisal.pk:
        rows = _before_copies(appraisal)
    appraisal._frameworks_assessed = rows
    if not hasattr(appraisal, "_items_by_version"):
        appraisal._items_by_version = {}
    return rows


def prefetch_frameworks():
    """For a list of appraisals: `.prefetch_related(prefetch_frameworks())` loads what
    `frameworks_of` reads for all of them at once."""
    return Prefetch(
        "frameworks",
        queryset=AppraisalFramework.objects.select_related(
            "version__framework", "level"
        ).prefetch_related("stages"),
    )


def share_items(appraisals) -> None:
    """Appraisals listed together read each framework version's items once between them."""
    shared: dict = {}
    for appraisal in appraisals:
        appraisal._items_by_version = shared


def _before_copies(appraisal) -> list[AppraisalFramework]:
    """An appraisal started before frameworks were copied: the PCF of its target level (else
    the current PCF) at the stages that assess the domains, as it was then."""
    version = (
        appraisal.target_level.version
        if appraisal.target_level_id
        else FrameworkVersion.objects.current(PCF)
    )
    if version is None:
        return []
    row = AppraisalFramework(
        appraisal=appraisal, version=version, level=appraisal.target_level, order=1
    )
    row.stage_ids = set(
        appraisal.stages.filter(template_stage__assesses_domains=True).values_list("pk", flat=True)
    )
    return [row]


def items_of(appraisal, row: AppraisalFramework) -> list[Item]:
    frameworks_of(appraisal)
    cache = appraisal._items_by_version
    if row.version_id not in cache:
        cache[row.version_id] = row.version.assessed_items()
    return cache[row.version_id]


def assessed_at(stage) -> list[Assessed]:
    """The frameworks assessed at `stage`, each with its items, in the template's order."""
    appraisal = stage.appraisal
    return [
        Assessed(row, items_of(appraisal, row))
        for row in frameworks_of(appraisal)
        if stage.pk in row.stage_ids
    ]


def assesses(stage) -> bool:
    return any(stage.pk in row.stage_ids for row in frameworks_of(stage.appraisal))


def items_at(stage) -> list[Item]:
    """Every item rated at `stage`, all frameworks together."""
    return [item for group in assessed_at(stage) for item in group.items]


def first_items(appraisal) -> list[Item]:
    """The items of the appraisal's first framework (the PCF domains, for a practitioner)."""
    rows = frameworks_of(appraisal)
    return items_of(appraisal, rows[0]) if rows else []


def owed_words(owed: list[tuple[Assessed, list[Item]]]) -> str:
    """ "9 domains", "2 domains (Knowledge, Values and Ethics)", or with several frameworks
    "9 PCF domains and 8 practitioner standards". `owed` has every framework at the stage,
    with what is still owed in each (perhaps nothing): it names them when there are several."""
    named = len(owed) > 1
    parts = []
    for group, items in owed:
        if not items:
            continue
        words = group.count(len(items), named=named)
        if len(items) <= 2 and not named:
            words += f" ({', '.join(i.title or i.code for i in items)})"
        parts.append(words)
    return " and ".join(parts)
