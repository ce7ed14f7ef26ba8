"""The stage page: each question with every role's answer, the framework part, signing off,
amendments after sign-off and the appraisee's note of disagreement.

The framework part is grouped by framework (the PCF domains, the standards of a
post-qualifying framework): the appraisee's self-assessment and each judging role's judgement
(the template's `judged_by`: appraiser, assessor or both), each in its own column. As in
`views`, each view finds the appraisal through `rules` (404 otherwise) and hands every change to
`services`, which decides whether it is allowed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from capabilities.models import Item
from cms.forms import ServiceErrorsMixin
from cms.guard_forms import confirmed_fingerprints, record_confirmation

from . import former, frameworks, services
from .forms import ANSWER, AmendForm, DissentForm, StageForm
from .models import Access, Appraisal, DomainAssessment, Participant, Stage, TemplateQuestion
from .views import _appraisal, _problem, _record_read, _stages

# The framework part -------------------------------------------------------------------------

# The heading of each column, by role.
COLUMN_HEADINGS = {
    Participant.APPRAISEE: "Self-assessment",
    Participant.APPRAISER: "Appraiser's judgement",
    Participant.ASSESSOR: "Assessor's judgement",
}


def _typed_rating(data: QueryDict, role: str, domain) -> int | None:
    raw = data.get(f"{role}-{domain.pk}-rating", "")
    return int(raw) if raw.isdigit() else None


def _saved(assessment: DomainAssessment | None, role: str) -> tuple[int | None, str]:
    if assessment is None:
        return None, ""
    if role == Participant.APPRAISEE:
        return assessment.self_rating, assessment.self_comment
    return assessment.rating_of(role), assessment.comment_of(role)


def domain_rows(appraisal: Appraisal, stage: Stage, roles, *, stage_form=None) -> list[dict]:
    """One group per framework assessed at the stage (its title, and one row per domain or
    standard), each row with a column for the self-assessment and one per judging role. A
    column is editable by whoever holds its role while the stage is open; after an error it
    shows what was typed, with its errors."""
    groups = frameworks.assessed_at(stage)
    if not groups:
        return []
    typed = stage_form.typed() if stage_form is not None else {}
    errors = stage_form.errors if stage_form is not None else {}
    assessments = {a.domain_id: a for a in stage.domain_assessments.prefetch_related("evidence")}
    scale = appraisal.template.rating_scale
    column_roles = [Participant.APPRAISEE, *appraisal.judging_roles()]
    result = []
    for group in groups:
        rows = []
        for domain in group.items:
            a = assessments.get(domain.pk)
            columns = []
            for role in column_roles:
                rating, comment = _saved(a, role)
                name = f"{role}-{domain.pk}"
                columns.append(
                    {
                        "role": role,
                        "name": name,
                        "heading": COLUMN_HEADINGS[role],
                        "person": appraisal.participants()[role],
                        "editable": role in roles and stage.status == Stage.Status.OPEN,
                        "is_self": role == Participant.APPRAISEE,
                        "label": scale[rating]
                        if rating is not None and rating < len(scale)
                        else "",
                        "comment": comment,
                        "typed": typed.get(f"{name}-comment"),
                        "errors": errors.get(f"{name}-comment", []),
                        "rating": _typed_rating(stage_form.data, role, domain)
                        if stage_form is not None
                        else rating,
                    }
                )
            rows.append({"domain": domain, "assessment": a, "columns": columns})
        result.append(
            {
                "title": group.title,
                "framework": group.framework,
                "is_domains": domain_kind(group.items),
                "rows": rows,
            }
        )
    return result


def domain_kind(items) -> bool:
    return bool(items) and items[0].kind == Item.Kind.DOMAIN


def save_domains(request, appraisal: Appraisal, stage: Stage, roles, texts) -> None:
    """Every self-assessment and judgement the page posted, for the roles the user holds."""
    entries = {str(e.entry.uuid): e.entry for e in appraisal.evidence.select_related("entry")}
    for domain in services.items_for(stage):
        for role in (Participant.APPRAISEE, *appraisal.judging_roles()):
            prefix = f"{role}-{domain.pk}"
            if role not in roles or f"{prefix}-rating" not in request.POST:
                continue
            services.assess_domain(
                stage=stage,
                user=request.user,
                role=role,
                domain=domain,
                rating=_typed_rating(request.POST, role, domain),
                comment=texts.get(f"{prefix}-comment", ""),
                evidence=[
                    entries[u] for u in request.POST.getlist(f"{prefix}-evidence") if u in entries
                ],
            )


# The page -----------------------------------------------------------------------------------


def _stage(appraisal, number) -> Stage:
    return get_object_or_404(_stages(appraisal), order=number)


def _refused(request, form, error) -> None:
    """A service's refusal of what a form sent: a ValidationError goes on the form (its error
    summary, and beside the fields it names) so the page shows it with what was typed; anything
    else (not allowed) goes in a banner."""
    if isinstance(error, ValidationError) and form is not None:
        ServiceErrorsMixin.add_service_error(form, error)
    else:
        _problem(request, error)


def _stage_context(
    request, appraisal, stage, *, stage_form=None, amend_form=None, dissent_form=None
):
    """The stage page. After an error the forms come back bound: each text area shows what was
    typed (or its redaction), with its errors."""
    typed = stage_form.typed() if stage_form is not None else {}
    errors = stage_form.errors if stage_form is not None else {}
    # A former participant reads the questions their role saw, and acts in no role.
    scope = getattr(appraisal, "signed_scope", None)
    seen_as = (
        former.roles_seen(request.user, appraisal)
        if scope is not None
        else appraisal.roles_of(request.user)
    )
    roles = [] if getattr(appraisal, "read_only", False) else seen_as
    questions = (
        services.visible_questions(stage, seen_as)
        if seen_as
        else list(stage.template_stage.questions.all())
    )
    answers = {(a.question_id, a.role): a for a in stage.answers.select_related("author")}
    amendments = list(
        stage.amendments.select_related("made_by", "question").prefetch_related("sign_offs")
    )
    if scope is not None:
        # The stage as they signed it: later changes are not shared with them.
        shown = former.answers_as_signed(scope, stage, answers.values(), amendments)
        for key, answer in list(answers.items()):
            if shown[answer.pk] is None:
                del answers[key]
            else:
                answer.text = shown[answer.pk]  # shown, never saved
        amendments = former.amendments_as_signed(scope, stage, amendments)
    rows = []
    for question in questions:
        cells = []
        for role in Participant.values:
            if question.access_for(role) == Access.NONE or appraisal.participants()[role] is None:
                continue
            answer = answers.get((question.pk, role))
            cells.append(
                {
                    "role": role,
                    "label": Participant(role).label,
                    "access": question.access_for(role),
                    "answer": answer,
                    "editable": role in roles
                    and services.can_answer(question, role)
                    and stage.status == Stage.Status.OPEN,
                    "amendable": role in roles
                    and services.can_answer(question, role)
                    and stage.status == Stage.Status.SIGNED,
                    "typed": typed.get(f"answer-{question.pk}-{role}"),
                    "errors": errors.get(f"answer-{question.pk}-{role}", []),
                }
            )
        rows.append({"question": question, "cells": cells})
    domains = domain_rows(appraisal, stage, roles, stage_form=stage_form)
    progress = services.progress(stage) if stage.status == Stage.Status.OPEN else []
    signers = appraisal.signers()
    signed = list(stage.sign_offs.select_related("user", "amendment"))
    dissents = list(stage.dissents.select_related("author"))
    if scope is not None:
        signed = former.sign_offs_as_signed(scope, stage, signed)
        dissents = former.dissents_as_signed(scope, stage, dissents)
    signed_roles = {s.role for s in signed if s.amendment_id is None}
    for amendment in amendments:
        done = {s.role for s in amendment.sign_offs.all()}
        # Participant members: the form posts the value, the button reads the label.
        amendment.can_sign = [Participant(r) for r in roles if r in signers and r not in done]
    return {
        "appraisal": appraisal,
        "stage": stage,
        "stages": _stages(appraisal),
        "ended_on": scope.ended_on if scope else None,
        "roles": roles,
        "rows": rows,
        "domains": domains,
        "scale": list(enumerate(appraisal.template.rating_scale)),
        "shared_evidence": appraisal.evidence.select_related("entry").filter(
            entry__deleted_at__isnull=True
        )
        if not getattr(appraisal, "read_only", False)
        else [],
        "read_only": getattr(appraisal, "read_only", False),
        "progress": progress,
        "blockers": [entry["text"] for entry in progress if entry["owes"]],
        "role_choices": [Participant(r) for r in roles],
        "can_sign": [Participant(r) for r in roles if r in signers and r not in signed_roles]
        if stage.status == Stage.Status.OPEN
        else [],
        "sign_offs": signed,
        "signers": [Participant(r).label for r in signers],
        "amendments": amendments,
        "dissents": dissents,
        "is_appraisee": Participant.APPRAISEE in roles,
        "is_appraiser": Participant.APPRAISER in roles,
        "judging_roles": appraisal.judging_roles(),
        "stage_form": stage_form,
        "amend_form": amend_form or AmendForm(),
        "dissent_form": dissent_form or DissentForm(),
        "error_form": next(
            (f for f in (stage_form, amend_form, dissent_form) if f is not None and f.errors),
            None,
        ),
    }


@login_required
def stage(request, appraisal, number):
    appraisal = _appraisal(request, appraisal, record=False)
    stage = _stage(appraisal, number)  # 404 for a stage a former participant did not sign
    if request.method in ("GET", "HEAD"):
        _record_read(request, appraisal)
    if request.method == "POST":
        return _save_stage(request, appraisal, stage)
    return render(request, "appraisals/stage.html", _stage_context(request, appraisal, stage))


def _save_stage(request, appraisal, stage):
    roles = appraisal.roles_of(request.user)
    if not roles:
        raise Http404
    questions = {q.pk: q for q in stage.template_stage.questions.all()}
    domains = {item.pk: item for item in services.items_for(stage)}
    form = StageForm(
        request.POST,
        questions=questions,
        domains=domains,
        confirmed_fingerprints=confirmed_fingerprints(stage),
    )
    try:
        if request.POST.get("action") == "skip":
            services.skip_stage(stage=stage, user=request.user)
            messages.success(request, f"{stage.name} was skipped.")
            return redirect(appraisal)
        if not form.is_valid():
            return _stage_error(request, appraisal, stage, stage_form=form)
        texts = form.cleaned_data
        # A stage's answers and judgements are saved together: all of them or none.
        with transaction.atomic():
            for key in texts:
                match = ANSWER.fullmatch(key)
                if match is None:
                    continue
                question, role = questions.get(int(match[1])), match[2]
                if question is None or role not in roles:
                    continue
                services.save_answer(
                    stage=stage, question=question, user=request.user, role=role, text=texts[key]
                )
            if domains:
                save_domains(request, appraisal, stage, roles, texts)
            record_confirmation(record=stage, findings=form.guard_confirmed, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        if request.POST.get("action") == "skip":
            _problem(request, error)
        else:
            _refused(request, form, error)
        return _stage_error(request, appraisal, stage, stage_form=form)
    messages.success(request, "Saved.")
    return redirect(stage)


def _stage_error(request, appraisal, stage, **forms_):
    _record_read(request, appraisal)  # the stage is shown again: a read
    context = _stage_context(request, appraisal, stage, **forms_)
    return render(request, "appraisals/stage.html", context, status=400)


@login_required
@require_POST
def sign(request, appraisal, number):
    appraisal = _appraisal(request, appraisal)
    stage = _stage(appraisal, number)
    role = request.POST.get("role", "")
    try:
        if amendment_id := request.POST.get("amendment"):
            amendment = get_object_or_404(stage.amendments, pk=amendment_id)
            services.sign_amendment(amendment=amendment, user=request.user, role=role)
            messages.success(request, "You signed the amendment.")
        else:
            services.sign_off(stage=stage, user=request.user, role=role)
            messages.success(request, f"You signed {stage.name}.")
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    return redirect(stage)


def _record_from_form(request, appraisal, stage, form, form_name, save, done):
    """A record the stage page's `form` asks a service to make (`save(cleaned_data)`): shown
    again with its errors (400) when the form or the service refuses it; otherwise the guard's
    confirmation is kept with the record and the reader goes back to the stage, told `done`."""
    if not form.is_valid():
        return _stage_error(request, appraisal, stage, **{form_name: form})
    try:
        record = save(form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        _refused(request, form, error)
        return _stage_error(request, appraisal, stage, **{form_name: form})
    record_confirmation(record=record, findings=form.guard_confirmed, by=request.user)
    messages.success(request, done)
    return redirect(stage)


@login_required
@require_POST
def amend(request, appraisal, number):
    appraisal = _appraisal(request, appraisal)
    stage = _stage(appraisal, number)
    question = get_object_or_404(
        TemplateQuestion, pk=request.POST.get("question") or 0, stage=stage.template_stage
    )
    return _record_from_form(
        request,
        appraisal,
        stage,
        AmendForm(request.POST),
        "amend_form",
        lambda data: services.amend(
            stage=stage,
            user=request.user,
            role=request.POST.get("role", ""),
            question=question,
            text=data["text"],
            reason=data["reason"],
        ),
        "The amendment is recorded. It needs signing by everyone who signed the stage.",
    )


@login_required
@require_POST
def dissent(request, appraisal, number):
    appraisal = _appraisal(request, appraisal)
    stage = _stage(appraisal, number)
    return _record_from_form(
        request,
        appraisal,
        stage,
        DissentForm(request.POST),
        "dissent_form",
        lambda data: services.record_dissent(stage=stage, user=request.user, text=data["text"]),
        "Your note of disagreement is kept with this stage's record.",
    )
