"""Wagtail admin for the placement set-up that has no page of its own yet: HEI programmes and
cohorts, student units, teaching partnerships, designation criteria and audit templates.
Superusers only, like organisations: these decide who sees whose placements."""

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from organisations.wagtail_hooks import SuperuserOnlyPermissionPolicy

from .models import AuditTemplate, Cohort, Criterion, Partnership, Programme, StudentUnit

# The placement rules a programme sets.
PROGRAMME_SETTINGS = [
    "first_placement_days",
    "final_placement_days",
    "skills_days",
    "practice_days_total",
    "half_days_allowed",
    "final_needs_designation",
    "statutory_placement_required",
    "requires_dbs",
    "requires_occupational_health",
    "requires_suitability",
    "requires_induction",
    "panel_sample_percent",
    "peps_currency_years",
]

for _model in (Programme, Cohort, StudentUnit, Partnership, Criterion, AuditTemplate):
    register_permission_policy(_model, SuperuserOnlyPermissionPolicy(_model))


def _viewset(model_, name_, fields, display, icon_="folder-open-inverse", filters=()):
    return type(
        f"{model_.__name__}ViewSet",
        (ModelViewSet,),
        {
            "model": model_,
            "name": f"admin_{name_}",
            "url_prefix": f"placements/{name_}",
            "icon": icon_,
            "form_fields": fields,
            "list_display": display,
            "list_filter": list(filters),
            "search_backend_name": None,
            "copy_view_enabled": False,
        },
    )


class PlacementsGroup(ModelViewSetGroup):
    menu_label = "Placements"
    menu_icon = "date"
    menu_order = 220
    items = (
        _viewset(
            Programme,
            "programmes",
            ["hei", "name", *PROGRAMME_SETTINGS, "observations_required"],
            ["name", "hei"],
            filters=["hei"],
        ),
        _viewset(Cohort, "cohorts", ["programme", "name", "students"], ["name", "programme"]),
        _viewset(StudentUnit, "units", ["team", "head", "capacity"], ["team", "head", "capacity"]),
        _viewset(
            Partnership, "partnerships", ["name", "slug", "hei", "employers"], ["name", "hei"]
        ),
        _viewset(
            Criterion,
            "criteria",
            ["kind", "code", "title", "description", "order", "is_active"],
            ["code", "title", "kind", "is_active"],
            filters=["kind", "is_active"],
        ),
        _viewset(
            AuditTemplate,
            "audit-templates",
            ["name", "scale", "is_default"],
            ["name", "is_default"],
        ),
    )


@hooks.register("register_admin_viewset")
def register_placements_viewsets():
    return PlacementsGroup()
