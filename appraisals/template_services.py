"""Editing appraisal templates: every rule lives here, and the template pages only collect input
and call these functions.

Who: the Principal Social Workers and organisation admins of the template's organisation
(`rules.templates_managed_by`). Anyone else gets PermissionDenied.

What happens to appraisals already started from a template: each one made its own stage rows
(order and due date) when it started, so they are never renumbered or removed here. That is why a
stage cannot be removed or moved once a template has appraisals, and why the two settings that
change what a stage demands before sign-off (assessing the domains, the ASYE final review) are
fixed from then on. New stages go at the end and only reach new appraisals. Questions belong to
the template stage, so they are shared: a question that somebody has answered is never removed
or reworded, because the signed record would then say something else.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from capabilities.models import FrameworkVersion, Item

from . import rules
from .models import (
    ASYE_SLOTS,
    Access,
    Answer,
    AppraisalTemplate,
    CountersignerFrom,
    JudgedBy,
    SharedEvidence,
    TemplateQuestion,
    TemplateStage,
)

MIN_RATINGS = 2
MAX_RATINGS = 7
MAX_RATING_LENGTH = 80
MAX_DUE_AFTER_DAYS = 3 * 366

IN_USE_EXPLANATION = (
    "Appraisals already started from this template keep their own stages, in their own order "
    "and with their own due dates, so stages cannot be removed or moved once a template is in "
    "use. You can still add a stage at the end, or rename a stage and change when it is due: "
    "appraisals started from now on use the changed template, and those already started keep "
    "their stages as they are."
)

ROLE_FIELDS = ("appraisee", "appraiser", "countersigner", "assessor")


# ---------------------------------------------------------------------------------------------
# Who may edit, and what is in use


def require_manager(user, template_or_organisation) -> None:
    organisation_id = getattr(template_or_organisation, "organisation_id", None)
    if organisation_id is None:
        organisation_id = template_or_organisation.pk
    if not rules.template_manager_organisations(user).filter(pk=organisation_id).exists():
        raise PermissionDenied(
            "Only a Principal Social Worker or admin of the organisation edits its templates."
        )


def appraisal_count(template: AppraisalTemplate) -> int:
    return template.appraisals.count()


def in_use(template: AppraisalTemplate) -> bool:
    return template.appraisals.exists()


def question_answered(question: TemplateQuestion) -> bool:
    return Answer.objects.filter(question=question).exists()


# ---------------------------------------------------------------------------------------------
# Template fields


def parse_rating_scale(value) -> list[str]:
    """The ratings, lowest first, from lines of text (or a list): blank lines ignored, each
    rating used once, between MIN_RATINGS and MAX_RATINGS of them."""
    lines = value.splitlines() if isinstance(value, str) else list(value or [])
    ratings = [" ".join(str(line).split()) for line in lines]
    ratings = [rating for rating in ratings if rating]
    if len(ratings) < MIN_RATINGS:
        raise ValidationError(
            {"rating_scale": f"Enter at least {MIN_RATINGS} ratings, one on each line"}
        )
    if len(ratings) > MAX_RATINGS:
        raise ValidationError(
            {"rating_scale": f"Enter no more than {MAX_RATINGS} ratings, one on each line"}
        )
    if too_long := [r for r in ratings if len(r) > MAX_RATING_LENGTH]:
        raise ValidationError(
            {
                "rating_scale": f"Ratings must be {MAX_RATING_LENGTH} characters or fewer "
                f"(“{too_long[0][:30]}…” is longer)"
            }
        )
    seen = set()
    for rating in ratings:
        if rating.casefold() in seen:
            raise ValidationError({"rating_scale": f"“{rating}” is in the scale twice"})
        seen.add(rating.casefold())
    return ratings


def target_levels(template: AppraisalTemplate | None = None):
    """The levels a template can target: those of the current PCF (and the level it already
    has, if that belongs to an older version)."""
    version = FrameworkVersion.objects.current("pcf")
    levels = Item.objects.levels()
    ids = set()
    if version is not None:
        ids |= set(levels.filter(version=version).values_list("pk", flat=True))
    if template is not None and template.target_level_id:
        ids.add(template.target_level_id)
    return levels.filter(pk__in=ids).select_related("version").order_by("sort_order", "pk")


def _check_name(organisation, name: str, *, exclude=None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Enter a name for the template"})
    clash = AppraisalTemplate.objects.filter(organisation=organisation, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": f"{organisation} already has a template called “{name}”"})
    return name


def _check_target_level(level, template=None):
    if level is not None and not target_levels(template).filter(pk=level.pk).exists():
        raise ValidationError({"target_level": "Choose a level of the current framework"})
    return level


def _check_countersigner_from(countersigner_from: str) -> str:
    if countersigner_from not in CountersignerFrom.values:
        raise ValidationError({"countersigner_from": "Choose who countersigns"})
    return countersigner_from


def _check_judged_by(judged_by: str) -> str:
    if judged_by not in JudgedBy.values:
        raise ValidationError({"judged_by": "Choose who judges each domain"})
    return judged_by


MAX_OBSERVATIONS = 12


def _check_observations(value: int | None) -> int:
    """The number of direct observations an ASYE asks for (left out: the usual three)."""
    if value is None:
        return ASYE_SLOTS[SharedEvidence.Slot.OBSERVATION]
    if not 0 <= value <= MAX_OBSERVATIONS:
        raise ValidationError(
            {"observations_needed": f"Enter a number of observations from 0 to {MAX_OBSERVATIONS}"}
        )
    return value


@transaction.atomic
def create_template(
    *,
    user,
    organisation,
    name: str,
    kind: str = AppraisalTemplate.Kind.CUSTOM,
    description: str = "",
    rating_scale=None,
    target_level: Item | None = None,
    requires_countersignature: bool = False,
    judged_by: str | None = JudgedBy.APPRAISER,
    countersigner_from: str | None = CountersignerFrom.MANAGER,
    observations_needed: int | None = None,
) -> AppraisalTemplate:
    """An empty template (no stages yet): stages and questions are added on its edit page."""
    require_manager(user, organisation)
    if kind not in AppraisalTemplate.Kind.values:
        raise ValidationError({"kind": "Choose what kind of template this is"})
    return AppraisalTemplate.objects.create(
        organisation=organisation,
        name=_check_name(organisation, name),
        kind=kind,
        description=(description or "").strip(),
        rating_scale=parse_rating_scale(rating_scale or []),
        target_level=_check_target_level(target_level),
        requires_countersignature=requires_countersignature,
        judged_by=_check_judged_by(judged_by or JudgedBy.APPRAISER),
        countersigner_from=_check_countersigner_from(
            countersigner_from or CountersignerFrom.MANAGER
        ),
        observations_needed=_check_observations(observations_needed),
        created_by=user,
    )


@transaction.atomic
def update_template(
    *,
    template: AppraisalTemplate,
    user,
    name: str,
    kind: str,
    description: str,
    rating_scale,
    target_level: Item | None,
    requires_countersignature: bool,
    is_active: bool,
    judged_by: str | None = None,
    countersigner_from: str | None = None,
    observations_needed: int | None = None,
) -> AppraisalTemplate:
    """Change the template's own fields. Once appraisals exist, its kind and the number of
    ratings are fixed: their records store ratings by position on the scale, and an ASYE
    programme's final review depends on its kind. Ratings can still be reworded."""
    require_manager(user, template)
    template = AppraisalTemplate.objects.select_for_update().get(pk=template.pk)
    scale = parse_rating_scale(rating_scale)
    if kind not in AppraisalTemplate.Kind.values:
        raise ValidationError({"kind": "Choose what kind of template this is"})
    if in_use(template):
        errors = {}
        if kind != template.kind:
            errors["kind"] = (
                "Appraisals have been started from this template, so its kind cannot change. "
                "Make a new template instead"
            )
        if len(scale) != len(template.rating_scale):
            errors["rating_scale"] = (
                f"Appraisals have been started from this template and their ratings are "
                f"recorded on its scale of {len(template.rating_scale)}, so you can reword the "
                f"ratings but not add or remove any"
            )
        if errors:
            raise ValidationError(errors)
    if (
        kind != AppraisalTemplate.Kind.ASYE
        and template.stages.filter(is_final_review=True).exists()
    ):
        raise ValidationError(
            {"kind": "Only an ASYE programme has a final review: change that stage first"}
        )
    template.name = _check_name(template.organisation, name, exclude=template)
    template.kind = kind
    template.description = (description or "").strip()
    template.rating_scale = scale
    template.target_level = _check_target_level(target_level, template)
    template.requires_countersignature = requires_countersignature
    if judged_by is not None:
        template.judged_by = _check_judged_by(judged_by)
    if countersigner_from is not None:
        template.countersigner_from = _check_countersigner_from(countersigner_from)
    if observations_needed is not None:
        template.observations_needed = _check_observations(observations_needed)
    template.is_active = is_active
    template.save()
    return template


# ---------------------------------------------------------------------------------------------
# Stages


def _check_stage(template, *, name, due_after_days, is_final_review, stage=None) -> dict:
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = "Enter a name for the stage"
    elif template.stages.filter(name__iexact=name).exclude(pk=getattr(stage, "pk", None)).exists():
        errors["name"] = f"This template already has a stage called “{name}”"
    if due_after_days is None or not 0 <= due_after_days <= MAX_DUE_AFTER_DAYS:
        errors["due_after_days"] = (
            f"Enter the number of days after the start date, from 0 to {MAX_DUE_AFTER_DAYS}"
        )
    if is_final_review:
        if template.kind != AppraisalTemplate.Kind.ASYE:
            errors["is_final_review"] = (
                "Only an ASYE programme has a final review with a recommendation"
            )
        elif (
            template.stages.filter(is_final_review=True)
            .exclude(pk=getattr(stage, "pk", None))
            .exists()
        ):
            errors["is_final_review"] = "This template already has a final review"
    if errors:
        raise ValidationError(errors)
    return {"name": name}


@transaction.atomic
def add_stage(
    *,
    template: AppraisalTemplate,
    user,
    name: str,
    due_after_days: int,
    optional: bool = False,
    assesses_domains: bool = False,
    sets_objectives: bool = False,
    is_final_review: bool = False,
) -> TemplateStage:
    """A new stage, after the last one. Appraisals already started do not get it."""
    require_manager(user, template)
    template = AppraisalTemplate.objects.select_for_update().get(pk=template.pk)
    cleaned = _check_stage(
        template, name=name, due_after_days=due_after_days, is_final_review=is_final_review
    )
    last = template.stages.aggregate(last=Max("order"))["last"] or 0
    return TemplateStage.objects.create(
        template=template,
        order=last + 1,
        name=cleaned["name"],
        due_after_days=due_after_days,
        optional=optional,
        assesses_domains=assesses_domains,
        sets_objectives=sets_objectives,
        is_final_review=is_final_review,
    )


@transaction.atomic
def update_stage(
    *,
    stage: TemplateStage,
    user,
    name: str,
    due_after_days: int,
    optional: bool,
    assesses_domains: bool,
    sets_objectives: bool,
    is_final_review: bool,
) -> TemplateStage:
    require_manager(user, stage.template)
    template = AppraisalTemplate.objects.select_for_update().get(pk=stage.template_id)
    stage = TemplateStage.objects.get(pk=stage.pk)
    cleaned = _check_stage(
        template,
        name=name,
        due_after_days=due_after_days,
        is_final_review=is_final_review,
        stage=stage,
    )
    if in_use(template) and (
        assesses_domains != stage.assesses_domains or is_final_review != stage.is_final_review
    ):
        raise ValidationError(
            "Appraisals have been started from this template, so whether this stage assesses "
            "the domains or is the final review cannot change: it would change what those "
            "appraisals need before this stage is signed off."
        )
    stage.name = cleaned["name"]
    stage.due_after_days = due_after_days
    stage.optional = optional
    stage.assesses_domains = assesses_domains
    stage.sets_objectives = sets_objectives
    stage.is_final_review = is_final_review
    stage.save()
    return stage


def _refuse_if_in_use(template, doing: str) -> None:
    count = appraisal_count(template)
    if count:
        started = "1 appraisal has" if count == 1 else f"{count} appraisals have"
        raise ValidationError(
            f"You cannot {doing}: {started} been started from this template, and each keeps "
            f"its own stages. Appraisals started from now on use the template as you change it."
        )


def _renumber(queryset) -> None:
    """Orders 1, 2, 3... in the current order. Moving down to a free number never collides."""
    for number, row in enumerate(queryset.order_by("order", "pk"), start=1):
        if row.order != number:
            row.order = number
            row.save(update_fields=["order"])


@transaction.atomic
def remove_stage(*, stage: TemplateStage, user) -> None:
    require_manager(user, stage.template)
    template = AppraisalTemplate.objects.select_for_update().get(pk=stage.template_id)
    _refuse_if_in_use(template, f"remove “{stage.name}”")
    stage.delete()
    _renumber(template.stages.all())


def _swap(queryset, first, second) -> None:
    """Exchange the orders of two rows without ever holding the same order twice."""
    a, b = first.order, second.order
    parking = (queryset.aggregate(top=Max("order"))["top"] or 0) + 1
    queryset.filter(pk=first.pk).update(order=parking)
    queryset.filter(pk=second.pk).update(order=a)
    queryset.filter(pk=first.pk).update(order=b)


def _neighbour(queryset, row, direction: str):
    if direction == "up":
        return queryset.filter(order__lt=row.order).order_by("-order").first()
    if direction == "down":
        return queryset.filter(order__gt=row.order).order_by("order").first()
    raise ValidationError("Move up or down.")


@transaction.atomic
def move_stage(*, stage: TemplateStage, user, direction: str) -> None:
    require_manager(user, stage.template)
    template = AppraisalTemplate.objects.select_for_update().get(pk=stage.template_id)
    _refuse_if_in_use(template, "move stages")
    stage = TemplateStage.objects.get(pk=stage.pk)
    other = _neighbour(template.stages.all(), stage, direction)
    if other is None:
        raise ValidationError(f"“{stage.name}” is already the {_end(direction)} stage.")
    _swap(template.stages.all(), stage, other)


def _end(direction: str) -> str:
    return "first" if direction == "up" else "last"


# ---------------------------------------------------------------------------------------------
# Questions


def _check_question(template, *, text: str, access: dict) -> dict:
    errors = {}
    text = " ".join((text or "").split())
    if not text:
        errors["text"] = "Enter the question"
    elif len(text) > TemplateQuestion._meta.get_field("text").max_length:
        errors["text"] = "The question must be 500 characters or fewer: put detail in the help text"
    for role in ROLE_FIELDS:
        if access.get(role) not in Access.values:
            errors[role] = "Choose what this role does with the question"
    if not errors:
        answering = [r for r in ROLE_FIELDS if access[r] in (Access.ANSWER, Access.MUST)]
        if not template.is_asye:
            # Only ASYE programmes have an assessor.
            answering = [r for r in answering if r != "assessor"]
        if not answering:
            errors["appraisee"] = (
                "Somebody must be able to answer: choose “may answer” or “must answer” for at "
                "least one role"
                + ("" if template.is_asye else " (only ASYE programmes have an assessor)")
            )
    if errors:
        raise ValidationError(errors)
    return {"text": text}


@transaction.atomic
def add_question(
    *, stage: TemplateStage, user, text: str, help_text: str = "", **access
) -> TemplateQuestion:
    """A new question at the end of the stage. It also shows in stages of appraisals already
    under way that have not been signed off."""
    require_manager(user, stage.template)
    access = {
        role: access.get(role, TemplateQuestion._meta.get_field(role).default)
        for role in ROLE_FIELDS
    }
    cleaned = _check_question(stage.template, text=text, access=access)
    last = stage.questions.aggregate(last=Max("order"))["last"] or 0
    return TemplateQuestion.objects.create(
        stage=stage,
        order=last + 1,
        text=cleaned["text"],
        help_text=(help_text or "").strip(),
        **access,
    )


@transaction.atomic
def update_question(
    *, question: TemplateQuestion, user, text: str, help_text: str = "", **access
) -> TemplateQuestion:
    """Change a question and who does what with it. Once somebody has answered it, its wording
    is fixed (the help text and access can still change)."""
    require_manager(user, question.stage.template)
    question = TemplateQuestion.objects.select_for_update().get(pk=question.pk)
    access = {role: access.get(role, getattr(question, role)) for role in ROLE_FIELDS}
    cleaned = _check_question(question.stage.template, text=text, access=access)
    if cleaned["text"] != question.text and question_answered(question):
        raise ValidationError(
            {
                "text": "This question has been answered in an appraisal, so its wording cannot "
                "change: the answers would then seem to answer another question. Add a new "
                "question instead"
            }
        )
    question.text = cleaned["text"]
    question.help_text = (help_text or "").strip()
    for role, value in access.items():
        setattr(question, role, value)
    question.save()
    return question


@transaction.atomic
def remove_question(*, question: TemplateQuestion, user) -> None:
    stage = question.stage
    require_manager(user, stage.template)
    if question_answered(question):
        raise ValidationError(
            f"You cannot remove “{question.text}”: it has been answered in an appraisal, and "
            f"the answer stays part of that record."
        )
    question.delete()
    _renumber(stage.questions.all())


@transaction.atomic
def move_question(*, question: TemplateQuestion, user, direction: str) -> None:
    """Questions can be reordered at any time: it only changes the order they are shown in."""
    stage = question.stage
    require_manager(user, stage.template)
    TemplateStage.objects.select_for_update().get(pk=stage.pk)
    _renumber(stage.questions.all())
    question = TemplateQuestion.objects.get(pk=question.pk)
    other = _neighbour(stage.questions.all(), question, direction)
    if other is None:
        raise ValidationError(f"That is already the {_end(direction)} question of the stage.")
    _swap(stage.questions.all(), question, other)
