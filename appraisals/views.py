"""Appraisal pages: the list, an appraisal's page, its shared evidence, objectives and the ASYE
recommendation (the stage page is in `stage_views`). Each view first finds the appraisal through
`rules.appraisals_visible_to` (404 otherwise), then hands every change to `services`, which
decides whether it is allowed."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.audit import record_access
from capabilities.models import FrameworkVersion, Item
from cms.guard_forms import record_confirmation
from cms.messages import report_refusal
from cms.paging import paginate
from portfolios.rules import entries_owned_by

from . import former, frameworks, reassign, rules, services, voice
from .forms import ObjectiveForm
from .models import Appraisal, Participant, SharedEvidence, Stage


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


def _problem(request, error) -> None:
    report_refusal(request, error, denied="You cannot do that in this appraisal.")


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
