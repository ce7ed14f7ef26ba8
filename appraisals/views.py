"""Appraisal pages. Each view first finds the appraisal through `rules.appraisals_visible_to`
(404 otherwise), then hands every change to `services`, which decides whether it is allowed."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.audit import record_access
from capabilities.models import FrameworkVersion, Item
from cms.forms import ServiceErrorsMixin
from cms.guard_forms import confirmed_fingerprints, record_confirmation
from cms.messages import report_refusal
from cms.paging import paginate
from portfolios.rules import entries_owned_by

from . import former, frameworks, reassign, rules, services, stage_views, voice
from .forms import ANSWER, AmendForm, DissentForm, ObjectiveForm, StageForm
from .models import (
    Access,
    Appraisal,
    Participant,
    SharedEvidence,
    Stage,
    TemplateQuestion,
)


def _appraisal(request, uuid, *, record: bool = True) -> Appraisal:
    """The appraisal, if `request.user` may open it (404 otherwise). A former participant may
    read (GET) what they signed: then `read_only` is set, `signed_scope` says which stages and up
    to when (`former`), and every change answers 404."""
    reading = request.method in ("GET", "HEAD")
    readable = rules.appraisals_readable_by if reading else rules.appraisals_visible_to
    appraisal = get_object_or_404(readable(request.user).with_people(), uuid=uuid)
    appraisal.read_only = (
        reading and not rules.appraisals_visible_to(request.user).filter(pk=appraisal.pk).exists()
    )
    appraisal.signed_scope = (
        former.scope_for(request.user, appraisal) if appraisal.read_only else None
    )
    # A read is logged when a page is shown; writes are logged as changes by the services, with
    # what changed.
    if record and reading:
        _record_read(request, appraisal)
    return appraisal


def _record_read(request, appraisal) -> None:
    if appraisal.appraisee_id != request.user.pk:
        record_access(
            request=request,
            obj=appraisal,
            owner=appraisal.appraisee,
            organisation=appraisal.organisation,
        )


def _stages(appraisal):
    """The stages the reader may open: all of them, or for a former participant those they
    signed."""
    stages = appraisal.stages.select_related("template_stage").order_by("order")
    scope = getattr(appraisal, "signed_scope", None)
    if scope is not None:
        stages = stages.filter(pk__in=scope.stage_ids)
    return stages


def _stage(appraisal, number) -> Stage:
    return get_object_or_404(_stages(appraisal), order=number)


def _problem(request, error) -> None:
    report_refusal(request, error, denied="You cannot do that in this appraisal.")


def _refused(request, form, error) -> None:
    """A service's refusal of what a form sent: a ValidationError goes on the form (its error
    summary, and beside the fields it names) so the page shows it with what was typed; anything
    else (not allowed) goes in a banner."""
    if isinstance(error, ValidationError) and form is not None:
        ServiceErrorsMixin.add_service_error(form, error)
    else:
        _problem(request, error)


RUNNING_PAGE_ROWS = 50


@login_required
def appraisal_list(request):
    user = request.user
    base = Appraisal.objects.select_related(
        "template", "organisation", "team", "appraisee", "appraiser"
    ).prefetch_related(
        Prefetch(
            "stages", queryset=Stage.objects.select_related("template_stage").order_by("order")
        )
    )
    mine = base.filter(appraisee=user)
    # A PSW takes part in every appraisal of the organisation: one page at a time, newest first.
    running = paginate(
        request,
        base.filter(pk__in=rules.appraisals_run_by(user).values("pk")).order_by("-starts_on", "pk"),
        per_page=RUNNING_PAGE_ROWS,
        param="running-page",
    )
    signed_before = base.filter(pk__in=rules.appraisals_signed_in_ended_role(user).values("pk"))
    offers_voice, offers_replies = voice.links_for(user)
    return render(
        request,
        "appraisals/list.html",
        {
            "mine": mine,
            "running": running,
            "signed_before": signed_before,
            "can_start": rules.cycle_starter_organisations(user).exists(),
            "is_psw": rules.psw_organisations(user).exists(),
            "sees_cohort": rules.cohort_organisations(user).exists(),
            "manages_templates": rules.template_manager_organisations(user).exists(),
            "offers_voice": offers_voice,
            "offers_replies": offers_replies,
        },
    )


@login_required
def detail(request, appraisal):
    return _detail(request, _appraisal(request, appraisal))


def _detail(request, appraisal, *, objective_form=None, status=200):
    stages = list(_stages(appraisal))
    objectives = appraisal.objectives.prefetch_related("statements")
    evidence = appraisal.evidence.select_related("entry").filter(entry__deleted_at__isnull=True)
    scope = appraisal.signed_scope
    if scope is not None:
        # A former participant reads the stages they signed and nothing else: no objectives,
        # evidence or ASYE slots, and a recommendation or panel decision only if it was theirs.
        objectives = objectives.none()
        evidence = evidence.none()
    roles = [] if appraisal.read_only else appraisal.roles_of(request.user)
    return render(
        request,
        "appraisals/detail.html",
        {
            "appraisal": appraisal,
            "stages": stages,
            "objectives": objectives,
            "evidence": evidence,
            "slots": services.asye_slots(appraisal)
            if appraisal.template.is_asye and scope is None
            else None,
            "roles": roles,
            # What the appraisal judges: each framework with its level and stages.
            "judged_against": [
                {
                    "title": row.title,
                    "stages": [s.template_stage.name for s in stages if s.pk in row.stage_ids],
                }
                for row in frameworks.frameworks_of(appraisal)
            ],
            "read_only": appraisal.read_only,
            "ended_on": scope.ended_on if scope else None,
            "show_recommendation": scope is None
            or appraisal.recommendation_by_id == request.user.pk,
            "show_panel": scope is None or appraisal.panel_confirmed_by_id == request.user.pk,
            "is_appraisee": Participant.APPRAISEE in roles,
            "can_recommend": bool({Participant.ASSESSOR, Participant.APPRAISER} & set(roles)),
            "can_record_panel": not appraisal.read_only
            and rules.may_record_panel_decision(request.user, appraisal),
            # Who took part, and why it changed: not for a former participant (nothing new).
            "reassignments": appraisal.reassignments.select_related(
                "from_user", "to_user", "made_by"
            )
            if scope is None
            else (),
            "can_reassign": scope is None and reassign.can_reassign(request.user, appraisal),
            "recommendations": Appraisal.Recommendation.choices,
            "current_version": FrameworkVersion.objects.current("pcf"),
            "objective_form": objective_form or ObjectiveForm(),
            "error_form": objective_form if objective_form and objective_form.errors else None,
        },
        status=status,
    )


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
    domains = stage_views.domain_rows(appraisal, stage, roles, stage_form=stage_form)
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
                stage_views.save_domains(request, appraisal, stage, roles, texts)
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


@login_required
@require_POST
def amend(request, appraisal, number):
    appraisal = _appraisal(request, appraisal)
    stage = _stage(appraisal, number)
    question = get_object_or_404(
        TemplateQuestion, pk=request.POST.get("question") or 0, stage=stage.template_stage
    )
    form = AmendForm(request.POST)
    if not form.is_valid():
        return _stage_error(request, appraisal, stage, amend_form=form)
    try:
        amendment = services.amend(
            stage=stage,
            user=request.user,
            role=request.POST.get("role", ""),
            question=question,
            text=form.cleaned_data["text"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as error:
        _refused(request, form, error)
        return _stage_error(request, appraisal, stage, amend_form=form)
    record_confirmation(record=amendment, findings=form.guard_confirmed, by=request.user)
    messages.success(
        request, "The amendment is recorded. It needs signing by everyone who signed the stage."
    )
    return redirect(stage)


@login_required
@require_POST
def dissent(request, appraisal, number):
    appraisal = _appraisal(request, appraisal)
    stage = _stage(appraisal, number)
    form = DissentForm(request.POST)
    if not form.is_valid():
        return _stage_error(request, appraisal, stage, dissent_form=form)
    try:
        note = services.record_dissent(
            stage=stage, user=request.user, text=form.cleaned_data["text"]
        )
    except (ValidationError, PermissionDenied) as error:
        _refused(request, form, error)
        return _stage_error(request, appraisal, stage, dissent_form=form)
    record_confirmation(record=note, findings=form.guard_confirmed, by=request.user)
    messages.success(request, "Your note of disagreement is kept with this stage's record.")
    return redirect(stage)


@login_required
def evidence(request, appraisal):
    appraisal = _appraisal(request, appraisal)
    if Participant.APPRAISEE not in appraisal.roles_of(request.user):
        raise Http404
    own = entries_owned_by(request.user).order_by("-occurred_on", "title")
    if request.method == "POST":
        entry = get_object_or_404(own, uuid=request.POST.get("entry") or None)
        try:
            if request.POST.get("action") == "remove":
                services.unshare_evidence(appraisal=appraisal, user=request.user, entry=entry)
                messages.success(
                    request, f"“{entry.title}” is no longer shared into this appraisal."
                )
            else:
                services.share_evidence(
                    appraisal=appraisal,
                    user=request.user,
                    entry=entry,
                    slot=request.POST.get("slot", ""),
                )
                messages.success(request, f"“{entry.title}” is shared into this appraisal.")
        except (ValidationError, PermissionDenied) as error:
            _problem(request, error)
        return redirect("appraisals:evidence", appraisal=appraisal.uuid)
    shared = {e.entry_id: e for e in appraisal.evidence.all()}
    rows = [{"entry": entry, "shared": shared.get(entry.pk)} for entry in own]
    return render(
        request,
        "appraisals/evidence.html",
        {
            "appraisal": appraisal,
            "rows": rows,
            "slots": SharedEvidence.Slot.choices,
            "asye": appraisal.template.is_asye,
        },
    )


@login_required
@require_POST
def objectives(request, appraisal):
    appraisal = _appraisal(request, appraisal)
    form = ObjectiveForm(request.POST)
    if not form.is_valid():
        return _detail(request, appraisal, objective_form=form, status=400)
    version = FrameworkVersion.objects.current("pcf")
    codes = [
        c.strip() for c in form.cleaned_data["statements"].replace(";", ",").split(",") if c.strip()
    ]
    statements = (
        list(Item.objects.statements().filter(version=version, code__in=codes)) if version else []
    )
    unknown = set(codes) - {s.code for s in statements}
    try:
        if unknown:
            raise ValidationError(
                f"No statement with the code {', '.join(sorted(unknown))} in the current framework."
            )
        review_on = None
        if raw := form.cleaned_data["review_on"]:
            try:
                review_on = datetime.date.fromisoformat(raw)
            except ValueError:
                raise ValidationError("Enter the review date as YYYY-MM-DD.") from None
        objective = services.add_objective(
            appraisal=appraisal,
            user=request.user,
            text=form.cleaned_data["text"],
            statements=statements,
            review_on=review_on,
        )
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
        return _detail(request, appraisal, objective_form=form, status=400)
    record_confirmation(record=objective, findings=form.guard_confirmed, by=request.user)
    messages.success(request, "Objective added.")
    return redirect(appraisal)


@login_required
@require_POST
def recommendation(request, appraisal):
    appraisal = _appraisal(request, appraisal)
    try:
        if request.POST.get("panel"):
            services.confirm_by_panel(
                appraisal=appraisal, user=request.user, decision=request.POST.get("decision", "")
            )
            messages.success(request, "The moderation panel's decision is recorded.")
        else:
            services.record_recommendation(
                appraisal=appraisal,
                user=request.user,
                recommendation=request.POST.get("recommendation", ""),
            )
            messages.success(request, "The recommendation is recorded.")
    except (ValidationError, PermissionDenied) as error:
        _problem(request, error)
    return redirect(appraisal)
