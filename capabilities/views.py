"""Public pages of the framework. Views only assemble context; which versions a person may see is
decided by `permissions.versions_visible_to` (drafts: editors with MFA only)."""

from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from . import interchange
from .crosswalk import crosswalk_checks
from .demo import EXAMPLE_PACKAGE, example_version
from .fan import build_fan
from .models import Association, FrameworkVersion, Item
from .page_cache import found_version, per_version
from .permissions import versions_visible_to
from .structure import FrameworkStructure


def _find(request, *, version: str, **kwargs) -> FrameworkVersion | None:
    """The version named in the URL, if the person may see it (one query)."""
    return (
        versions_visible_to(request.user).select_related("framework").filter(slug=version).first()
    )


def _current(request, **kwargs) -> FrameworkVersion | None:
    return FrameworkVersion.objects.current()


def _version(request, slug: str) -> FrameworkVersion:
    found = found_version(request)
    if found is not None and found.slug == slug:
        return found
    return get_object_or_404(
        versions_visible_to(request.user).select_related("framework"), slug=slug
    )


def _pcf_structure(request, slug: str) -> FrameworkStructure:
    version = _version(request, slug)
    if not version.framework.is_pcf:
        raise Http404("This framework has no domains or levels")
    return FrameworkStructure(version)


def _breadcrumbs(version: FrameworkVersion, *extra):
    return [("Framework", "/framework/"), (str(version), version.get_absolute_url()), *extra]


@require_GET
@per_version(_current)
def framework_home(request):
    version = found_version(request)
    if version is None:
        raise Http404("No framework has been published yet")
    return _render_version(request, version, is_current=True)


@require_GET
@per_version(_find)
def version_detail(request, version):
    return _render_version(request, _version(request, version))


def _render_version(request, version: FrameworkVersion, *, is_current: bool = False):
    structure = FrameworkStructure(version)
    others = versions_visible_to(request.user).exclude(pk=version.pk).select_related("framework")
    context = {
        "version": version,
        "structure": structure,
        "is_current": is_current,
        "other_versions": others,
        "breadcrumbs": [] if is_current else [*_breadcrumbs(version)[:-1], (str(version), None)],
    }
    if version.framework.is_pcf:
        context["fan"] = build_fan(structure.fan_groups())
        return render(request, "capabilities/version.html", context)
    standards = structure.standards_list()
    crosswalk = _crosswalk_by_origin(standards)
    for standard in standards:
        standard.crosswalk = [
            a for a in crosswalk.get(standard.pk, []) if a.association_type not in SUCCESSION
        ]
    context["standards"] = standards
    context["succession"] = _succession(request, standards)
    return render(request, "capabilities/standards.html", context)


# The associations that say one item took over from another (not a thematic relation).
SUCCESSION = (Association.Type.REPLACED_BY, Association.Type.EXACT_MATCH_OF)


def _succession(request, items: list[Item]) -> list[Association]:
    """`replacedBy`/`exactMatchOf` links to or from these items, declared by versions the person
    may see (a draft's crosswalk stays with the draft)."""
    return list(
        Association.objects.filter(
            Q(origin__in=items) | Q(destination__in=items),
            association_type__in=SUCCESSION,
            version__in=versions_visible_to(request.user),
        )
        .select_related("origin__version__framework", "destination__version__framework")
        .order_by("origin__version_id", "origin__sort_order", "destination__sort_order", "pk")
    )


def _crosswalk_by_origin(items: list[Item]) -> dict[int, list[Association]]:
    """Each standard's own links (to PCF statements, each with its rationale in `notes`)."""
    crosswalk: dict[int, list[Association]] = {}
    associations = Association.objects.filter(origin__in=items).select_related(
        "destination__version__framework", "destination__level"
    )
    for association in associations:
        crosswalk.setdefault(association.origin_id, []).append(association)
    return crosswalk


@require_GET
@per_version(_find)
def domain_detail(request, version, domain):
    structure = _pcf_structure(request, version)
    domain_item = structure.domain(domain)
    cells = structure.statements(domain=domain_item)
    rows = [(level, cells.get((domain_item.pk, level.pk), [])) for level in structure.levels]
    related = _related_to_domain(domain_item, structure.version)
    return render(
        request,
        "capabilities/domain.html",
        {
            "version": structure.version,
            "structure": structure,
            "domain": domain_item,
            "rows": rows,
            "related": related,
            "breadcrumbs": _breadcrumbs(structure.version, (domain_item.title, None)),
        },
    )


def _related_to_domain(
    domain: Item, version: FrameworkVersion
) -> list[tuple[Item, list[Association]]]:
    """Items of other frameworks linked to this domain or to one of its statements, each with
    the links that make it related (so the page can say which statement a standard relates to).
    """
    links = (
        Association.objects.filter(Q(destination=domain) | Q(destination__domain=domain))
        .exclude(origin__version__framework=version.framework_id)
        .select_related("origin__version__framework", "destination__version__framework")
        .order_by(
            "origin__version__framework__title", "origin__sort_order", "destination__sort_order"
        )
    )
    related: dict[int, tuple[Item, list[Association]]] = {}
    for link in links:
        related.setdefault(link.origin_id, (link.origin, []))[1].append(link)
    return list(related.values())


@require_GET
@per_version(_find)
def level_detail(request, version, level):
    structure = _pcf_structure(request, version)
    level_item = structure.level(level)
    cells = structure.statements(levels=[level_item])
    rows = [(domain, cells.get((domain.pk, level_item.pk), [])) for domain in structure.domains]
    index = structure.levels.index(level_item)
    return render(
        request,
        "capabilities/level.html",
        {
            "version": structure.version,
            "structure": structure,
            "level": level_item,
            "rows": rows,
            "previous_level": structure.levels[index - 1] if index > 0 else None,
            "next_level": structure.levels[index + 1]
            if index + 1 < len(structure.levels)
            else None,
            "breadcrumbs": _breadcrumbs(structure.version, (level_item.title, None)),
        },
    )


@require_GET
@per_version(_find, key_params=("from", "to"))
def compare(request, version):
    structure = _pcf_structure(request, version)
    errors = {}
    chosen = {}
    for param in ("from", "to"):
        value = request.GET.get(param)
        if value:
            level = structure.find_level(value)
            if level is None:
                errors[param] = "Choose a level from the list"
            chosen[param] = level
    rows = []
    both = chosen.get("from") and chosen.get("to")
    if both and not errors:
        cells = structure.statements(levels=[chosen["from"], chosen["to"]])
        rows = [
            (
                domain,
                cells.get((domain.pk, chosen["from"].pk), []),
                cells.get((domain.pk, chosen["to"].pk), []),
            )
            for domain in structure.domains
        ]
    return render(
        request,
        "capabilities/compare.html",
        {
            "version": structure.version,
            "structure": structure,
            "from_level": chosen.get("from"),
            "to_level": chosen.get("to"),
            "selected_from": request.GET.get("from", ""),
            "selected_to": request.GET.get("to", ""),
            "errors": errors,
            "page_has_errors": bool(errors),  # "Error: " in the title (base.html)
            "rows": rows,
            "breadcrumbs": _breadcrumbs(structure.version, ("Compare levels", None)),
        },
        status=400 if errors else 200,
    )


@require_GET
@per_version(_find)
def statement_detail(request, version, code):
    version_obj = _version(request, version)
    statement = get_object_or_404(
        version_obj.items.select_related("domain", "level", "group"), code=code
    )
    statement.version = version_obj
    links = (
        Association.objects.filter(Q(origin=statement) | Q(destination=statement))
        .select_related("origin__version__framework", "destination__version__framework")
        .order_by("association_type", "pk")
    )
    other_versions, related = [], []
    for link in links:
        outgoing = link.origin_id == statement.pk
        other = link.destination if outgoing else link.origin
        entry = {"association": link, "outgoing": outgoing, "item": other}
        same_framework = other.version.framework_id == version_obj.framework_id
        (other_versions if same_framework else related).append(entry)
    # Only the statement's own links: a link to its domain is shown on the domain's page, never
    # inherited by every statement in it.
    trail = []
    if statement.domain_id:
        statement.domain.version = version_obj
        trail.append((statement.domain.title, statement.domain.get_absolute_url()))
    if statement.level_id:
        statement.level.version = version_obj
        trail.append((statement.level.title, statement.level.get_absolute_url()))
    return render(
        request,
        "capabilities/statement.html",
        {
            "version": version_obj,
            "statement": statement,
            "other_versions": other_versions,
            "related": related,
            "breadcrumbs": _breadcrumbs(version_obj, *trail, (statement.code, None)),
        },
    )


@require_GET
@per_version(_find, personal_chrome=False)
def case_json(request, version):
    version_obj = _version(request, version)
    response = JsonResponse(
        interchange.case.export_package(version_obj),
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Content-Disposition"] = f'inline; filename="{version_obj.slug}-case.json"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
@per_version(_find, personal_chrome=False)
def moodle_csv(request, version):
    version_obj = _version(request, version)
    response = HttpResponse(
        interchange.moodle.export_csv(version_obj), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{version_obj.slug}-moodle.csv"'
    return response


@require_GET
def new_framework_guidance(request):
    """For administrators and framework editors: loading, crosswalking, checking, publishing
    and retiring. Public (nothing in it is private); the crosswalk checks cover the versions the
    person may see."""
    visible = versions_visible_to(request.user)
    return render(
        request,
        "capabilities/guidance_new_framework.html",
        {
            "checks": crosswalk_checks(visible),
            "example": example_version(visible),
            "example_file": EXAMPLE_PACKAGE.relative_to(EXAMPLE_PACKAGE.parents[3]),
            "breadcrumbs": [
                ("Framework", "/framework/"),
                ("When a new framework is published", None),
            ],
        },
    )
