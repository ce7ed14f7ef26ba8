"""The appraisal template pages, for the Principal Social Workers and admins who manage their
organisation's templates. A template anyone else asks for is a 404 (`rules.templates_managed_by`).

Every change is a plain POST form with a named submit button (`action`), so the pages work without
JavaScript. The views collect input and call `template_services`, which holds the rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from . import rules, template_frameworks, template_services
from .defaults import DEFAULTS, ensure_default_templates
from .models import (
    AppraisalTemplate,
    CountersignerFrom,
    JudgedBy,
    TemplateQuestion,
    default_rating_scale,
)
from .template_forms import (
    FrameworkForm,
    QuestionForm,
    StageForm,
    TemplateEditForm,
    TemplateForm,
)


def _require_manager(request):
    if not rules.template_manager_organisations(request.user).exists():
        raise Http404


def _problem(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def template_list(request):
    _require_manager(request)
    organisations = rules.template_manager_organisations(request.user).order_by("name")
    if request.method == "POST" and request.POST.get("action") == "add-defaults":
        organisation = get_object_or_404(organisations, slug=request.POST.get("organisation"))
        before = organisation.appraisal_templates.count()
        ensure_default_templates(organisation)
        added = organisation.appraisal_templates.count() - before
        messages.success(
            request,
            f"Added {added} default template{'' if added == 1 else 's'} for {organisation}.",
        )
        return redirect("appraisals:templates")
    templates = (
        rules.templates_managed_by(request.user)
        .select_related("organisation", "target_level")
        .annotate(
            stage_count=Count("stages", distinct=True),
            appraisal_count=Count("appraisals", distinct=True),
        )
        .order_by("organisation__name", "name")
    )
    default_names = {spec.name for spec in DEFAULTS}
    groups = []
    for organisation in organisations:
        mine = [t for t in templates if t.organisation_id == organisation.pk]
        groups.append(
            {
                "organisation": organisation,
                "templates": mine,
                "missing_defaults": bool(default_names - {t.name for t in mine}),
            }
        )
    return render(request, "appraisals/templates_list.html", {"groups": groups})


def _template_fields(data) -> dict:
    return {
        "name": data["name"],
        "kind": data["kind"],
        "description": data["description"],
        "rating_scale": data["rating_scale"],
        "target_level": data["target_level"],
        "judged_by": data["judged_by"],
        "countersigner_from": data["countersigner_from"],
        "requires_countersignature": data["requires_countersignature"],
        "observations_needed": data["observations_needed"],
    }


@login_required
def template_create(request):
    _require_manager(request)
    form = TemplateForm(
        request.POST or None,
        user=request.user,
        initial={
            "kind": AppraisalTemplate.Kind.CUSTOM,
            "rating_scale": "\n".join(default_rating_scale()),
            "judged_by": JudgedBy.APPRAISER,
            "countersigner_from": CountersignerFrom.MANAGER,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = template_services.create_template(
                user=request.user,
                organisation=form.chosen_organisation,
                **_template_fields(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Created “{template.name}”. Now add its stages.")
            return redirect("appraisals:template-edit", template=template.uuid)
    return render(
        request,
        "appraisals/template_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# The edit page: one GET, many small POST forms


def _row(queryset, value):
    if not str(value or "").isdigit():
        raise Http404
    return get_object_or_404(queryset, pk=int(value))


class _Edit:
    """What the edit page shows, with the one bound form that failed (if any) in its place."""

    def __init__(self, request, template):
        self.request = request
        self.template = template
        self.failed = None  # (kind, pk, bound form)

    def fail(self, kind, pk, form, error=None):
        if error is not None:
            form.add_service_error(error)
        self.failed = (kind, pk, form)

    def _form(self, kind, pk, make):
        if self.failed and self.failed[:2] == (kind, pk):
            return self.failed[2]
        return make()

    def context(self):
        template = self.template
        in_use = template_services.appraisal_count(template)
        stages = []
        for stage in template.stages.prefetch_related(
            Prefetch("questions", queryset=TemplateQuestion.objects.order_by("order", "pk"))
        ).order_by("order"):
            questions = [
                {
                    "question": q,
                    "form": self._form(
                        "question",
                        q.pk,
                        lambda q=q: QuestionForm(
                            initial=QuestionForm.initial_for(q), prefix=f"question-{q.pk}"
                        ),
                    ),
                }
                for q in stage.questions.all()
            ]
            stages.append(
                {
                    "stage": stage,
                    "form": self._form(
                        "stage",
                        stage.pk,
                        lambda stage=stage: StageForm(
                            initial=StageForm.initial_for(stage), prefix=f"stage-{stage.pk}"
                        ),
                    ),
                    "questions": questions,
                    "new_question": self._form(
                        "new-question",
                        stage.pk,
                        lambda stage=stage: QuestionForm(prefix=f"new-question-{stage.pk}"),
                    ),
                }
            )
        template_form = self._form(
            "template",
            None,
            lambda: TemplateEditForm(
                initial=TemplateEditForm.initial_for(template),
                user=self.request.user,
                template=template,
                prefix="template",
            ),
        )
        listed = [
            {
                "row": row,
                "form": self._form(
                    "framework",
                    row.pk,
                    lambda row=row: FrameworkForm(
                        initial=FrameworkForm.initial_for(row),
                        template=template,
                        row=row,
                        prefix=f"framework-{row.pk}",
                    ),
                ),
            }
            for row in template.frameworks.select_related("framework", "level").prefetch_related(
                "stages"
            )
        ]
        return {
            "template": template,
            "template_form": template_form,
            "frameworks": listed,
            "new_framework": self._form(
                "new-framework",
                None,
                lambda: FrameworkForm(template=template, prefix="new-framework"),
            ),
            "stages": stages,
            "new_stage": self._form("new-stage", None, lambda: StageForm(prefix="new-stage")),
            "failed_form": self.failed[2] if self.failed else None,
            "failed_kind": self.failed[0] if self.failed else "",
            "failed_pk": self.failed[1] if self.failed else None,
            "appraisal_count": in_use,
            "in_use_explanation": template_services.IN_USE_EXPLANATION,
        }


def _edit_url(template, anchor=""):
    url = reverse("appraisals:template-edit", kwargs={"template": template.uuid})
    return f"{url}#{anchor}" if anchor else url


@login_required
def template_edit(request, template):
    template = get_object_or_404(
        rules.templates_managed_by(request.user).select_related("organisation", "target_level"),
        uuid=template,
    )
    page = _Edit(request, template)
    if request.method == "POST":
        response = _act(request, template, page)
        if response is not None:
            return response
    return render(
        request,
        "appraisals/template_edit.html",
        page.context(),
        status=400 if page.failed else 200,
    )


def _act(request, template, page):
    """Do the posted action. Returns a redirect when done, or None to show the page again with
    the failed form in place."""
    action = request.POST.get("action", "")
    user = request.user
    stages = template.stages.all()
    questions = TemplateQuestion.objects.filter(stage__template=template)

    if action == "save-template":
        form = TemplateEditForm(request.POST, user=user, template=template, prefix="template")
        if not form.is_valid():
            return page.fail("template", None, form)
        try:
            template_services.update_template(
                template=template,
                user=user,
                is_active=form.cleaned_data["is_active"],
                **_template_fields(form.cleaned_data),
            )
        except ValidationError as error:
            return page.fail("template", None, form, error)
        messages.success(request, "Template saved.")
        return redirect(_edit_url(template))

    if action in ("add-framework", "save-framework", "remove-framework"):
        return _act_on_framework(request, template, page, action)

    if action in ("add-stage", "save-stage"):
        stage = _row(stages, request.POST.get("stage")) if action == "save-stage" else None
        kind, prefix = ("stage", f"stage-{stage.pk}") if stage else ("new-stage", "new-stage")
        form = StageForm(request.POST, prefix=prefix)
        if not form.is_valid():
            return page.fail(kind, stage.pk if stage else None, form)
        try:
            if stage:
                stage = template_services.update_stage(stage=stage, user=user, **form.cleaned_data)
            else:
                stage = template_services.add_stage(
                    template=template, user=user, **form.cleaned_data
                )
        except ValidationError as error:
            return page.fail(kind, stage.pk if stage else None, form, error)
        messages.success(
            request, f"{'Saved' if action == 'save-stage' else 'Added'} “{stage.name}”."
        )
        return redirect(_edit_url(template, f"stage-{stage.pk}"))

    if action in ("remove-stage", "stage-up", "stage-down"):
        stage = _row(stages, request.POST.get("stage"))
        try:
            if action == "remove-stage":
                template_services.remove_stage(stage=stage, user=user)
                messages.success(request, f"Removed “{stage.name}”.")
                return redirect(_edit_url(template, "stages"))
            template_services.move_stage(
                stage=stage, user=user, direction=action.removeprefix("stage-")
            )
        except ValidationError as error:
            _problem(request, error)
        return redirect(_edit_url(template, f"stage-{stage.pk}"))

    if action in ("add-question", "save-question"):
        if action == "save-question":
            question = _row(questions.select_related("stage"), request.POST.get("question"))
            stage, kind, pk = question.stage, "question", question.pk
            prefix = f"question-{question.pk}"
        else:
            question = None
            stage = _row(stages, request.POST.get("stage"))
            kind, pk, prefix = "new-question", stage.pk, f"new-question-{stage.pk}"
        form = QuestionForm(request.POST, prefix=prefix)
        if not form.is_valid():
            return page.fail(kind, pk, form)
        try:
            if question:
                template_services.update_question(question=question, user=user, **form.cleaned_data)
            else:
                template_services.add_question(stage=stage, user=user, **form.cleaned_data)
        except ValidationError as error:
            return page.fail(kind, pk, form, error)
        messages.success(request, "Question saved." if question else "Question added.")
        return redirect(_edit_url(template, f"stage-{stage.pk}"))

    if action in ("remove-question", "question-up", "question-down"):
        question = _row(questions.select_related("stage"), request.POST.get("question"))
        try:
            if action == "remove-question":
                template_services.remove_question(question=question, user=user)
                messages.success(request, "Question removed.")
            else:
                template_services.move_question(
                    question=question, user=user, direction=action.removeprefix("question-")
                )
        except ValidationError as error:
            _problem(request, error)
        return redirect(_edit_url(template, f"stage-{question.stage_id}"))

    messages.error(request, "Choose what to do with one of the buttons on the page.")
    return redirect(_edit_url(template))


def _act_on_framework(request, template, page, action):
    """Add, change or remove one of the frameworks the template assesses."""
    user = request.user
    rows = template.frameworks.select_related("framework")
    if action == "remove-framework":
        row = _row(rows, request.POST.get("framework-row"))
        template_frameworks.remove_framework(row=row, user=user)
        messages.success(request, f"{row.framework.title} is no longer assessed.")
        return redirect(_edit_url(template, "frameworks"))
    row = _row(rows, request.POST.get("framework-row")) if action == "save-framework" else None
    kind, pk = ("framework", row.pk) if row else ("new-framework", None)
    prefix = f"framework-{row.pk}" if row else "new-framework"
    form = FrameworkForm(request.POST, template=template, row=row, prefix=prefix)
    if not form.is_valid():
        return page.fail(kind, pk, form)
    data = form.cleaned_data
    try:
        if row:
            row = template_frameworks.update_framework(
                row=row, user=user, level=data["level"], stages=data["stages"]
            )
        else:
            row = template_frameworks.add_framework(
                template=template,
                user=user,
                framework=data["framework"],
                level=data["level"],
                stages=data["stages"],
            )
    except ValidationError as error:
        return page.fail(kind, pk, form, error)
    messages.success(request, f"{'Saved' if action == 'save-framework' else 'Added'} {row}.")
    return redirect(_edit_url(template, "frameworks"))
