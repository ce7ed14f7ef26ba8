"""Editing what a template judges: the frameworks it lists, each with a level (frameworks that
have levels, such as the PCF) and the stages that assess it. The template page only collects
input and calls these functions; who may edit is `template_services.require_manager`.

Appraisals already started keep the copy they made when they started
(`appraisals.frameworks.snapshot`), so a template's frameworks can change at any time: only
appraisals started afterwards use the change.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from capabilities.models import Framework, FrameworkVersion, Item

from .framework_models import TemplateFramework
from .models import AppraisalTemplate, TemplateStage
from .template_services import require_manager


def levels():
    """The levels a template can choose: those of each framework's current published version."""
    current = [
        version.pk
        for framework in Framework.objects.filter(versions__live=True).distinct()
        if (version := FrameworkVersion.objects.current(framework.slug)) is not None
    ]
    return (
        Item.objects.levels()
        .filter(version__in=current)
        .select_related("version__framework")
        .order_by("version__framework__kind", "version__framework__title", "sort_order")
    )


def _check(template, framework, level, stages, *, row=None) -> dict:
    errors = {}
    if (
        framework is None
        or not FrameworkVersion.objects.published().filter(framework=framework).exists()
    ):
        errors["framework"] = "Choose a published framework"
    elif (
        TemplateFramework.objects.filter(template=template, framework=framework)
        .exclude(pk=getattr(row, "pk", None))
        .exists()
    ):
        errors["framework"] = f"This template already assesses {framework.title}"
    if (
        level is not None
        and framework is not None
        and (level.kind != Item.Kind.LEVEL or level.version.framework_id != framework.pk)
    ):
        errors["level"] = f"Choose a level of {framework.title}, or no level"
    stages = list(stages)
    if not stages:
        errors["stages"] = "Choose at least one stage that assesses this framework"
    elif any(stage.template_id != template.pk for stage in stages):
        errors["stages"] = "Choose stages of this template"
    if errors:
        raise ValidationError(errors)
    return {"stages": stages}


@transaction.atomic
def add_framework(
    *,
    template: AppraisalTemplate,
    user,
    framework: Framework | None,
    level: Item | None = None,
    stages=(),
) -> TemplateFramework:
    require_manager(user, template)
    template = AppraisalTemplate.objects.select_for_update().get(pk=template.pk)
    cleaned = _check(template, framework, level, stages)
    last = template.frameworks.aggregate(last=Max("order"))["last"] or 0
    row = TemplateFramework.objects.create(
        template=template, framework=framework, level=level, order=last + 1
    )
    row.stages.set(cleaned["stages"])
    return row


@transaction.atomic
def update_framework(
    *, row: TemplateFramework, user, level: Item | None = None, stages=()
) -> TemplateFramework:
    require_manager(user, row.template)
    template = AppraisalTemplate.objects.select_for_update().get(pk=row.template_id)
    cleaned = _check(template, row.framework, level, stages, row=row)
    row.level = level
    row.save(update_fields=["level"])
    row.stages.set(cleaned["stages"])
    return row


@transaction.atomic
def remove_framework(*, row: TemplateFramework, user) -> None:
    require_manager(user, row.template)
    row.delete()


def stages_of(template: AppraisalTemplate):
    return TemplateStage.objects.filter(template=template).order_by("order")
