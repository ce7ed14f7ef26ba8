"""Placement pages: the list and a placement's page with the steps taken on it (proposing is in
`proposal_views`, the quality audit in `audit_views`, each later stage in its own module).

Each page finds the placement through `rules.placements_visible_to` (404 otherwise) and hands
every change to `services`, which decides whether it is allowed."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Value, When
from django.http import Http404
from django.shortcuts import redirect, render

from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin
from cms.paging import paginate
from portfolios.observations import observation_count

from . import final_report, panel, rules, services
from .checks import missing_checks
from .concerns import concerns_visible_to
from .lifecycle_models import CheckKind
from .models import Placement
from .views_common import placement_for, record_reading, report_problem, save_form

# The order groups appear in on the list page.
STATUS_ORDER = [
    Placement.Status.IN_PROGRESS,
    Placement.Status.AGREED,
    Placement.Status.PROPOSED,
    Placement.Status.COMPLETED,
    Placement.Status.ENDED_EARLY,
    Placement.Status.WITHDRAWN,
    Placement.Status.CANCELLED,
]


# ---------------------------------------------------------------------------------------------
# The list


LIST_PAGE_ROWS = 50


@login_required
def placement_list(request):
    """The placements the person may see, grouped by status (in STATUS_ORDER), a page of
    LIST_PAGE_ROWS at a time: a placement lead's organisation may have thousands. Each group's
    caption gives its full count (one GROUP BY); the page's rows are one query. With
    `?waiting=moderation`, only those whose audit waits for the person's moderation (the home's
    task for a lead with many, `audit_tasks`)."""
    visible = rules.placements_visible_to(request.user)
    waiting = request.GET.get("waiting") == "moderation"
    if waiting:
        visible = visible.filter(audit__in=rules.audits_to_moderate(request.user))
    counts = dict(visible.order_by().values_list("status").annotate(n=Count("pk")))
    rank = Case(
        *[When(status=status, then=Value(n)) for n, status in enumerate(STATUS_ORDER)],
        default=Value(len(STATUS_ORDER)),
    )
    placements = (
        visible.select_related(
            "student",
            "cohort__programme__hei",
            "provider_team__organisation",
            "practice_educator",
            "hei_tutor",
            "audit",
        )
        .prefetch_related("audit__parts", "panel_cases")
        .order_by(rank, "-starts_on", "pk")
    )
    paged = paginate(request, placements, per_page=LIST_PAGE_ROWS, count=sum(counts.values()))
    by_status = {status: [] for status in STATUS_ORDER}
    for placement in paged.rows:
        placement.next_step = services.next_step(placement)
        by_status[placement.status].append(placement)
    groups = [
        {
            "status": status,
            "label": Placement.Status(status).label,
            "placements": rows,
            "count": counts.get(status, 0),
        }
        for status, rows in by_status.items()
        if rows
    ]
    return render(
        request,
        "placements/list.html",
        {
            "groups": groups,
            "paged": paged,
            "waiting": waiting,
            "can_propose": rules.placement_lead_organisations(request.user).exists(),
            "sits_on_panels": rules.panel_member_organisations(request.user).exists(),
        },
    )


# ---------------------------------------------------------------------------------------------
# A placement's page


class DecisionForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=Placement.Recommendation.choices,
        widget=forms.RadioSelect,
        label="The HEI's decision",
        error_messages={"required": "Choose pass, fail or refer"},
    )


class DaysForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    on = GovUKDateField(label="Date", name_in_errors="date")
    days = forms.DecimalField(
        label="Days",
        initial=1,
        max_digits=3,
        decimal_places=1,
        help_text="1 for a full day, 0.5 for half a day",
        error_messages={
            "required": "Enter the number of days",
            "invalid": "Enter the number of days as a number, like 1 or 0.5",
            "max_digits": "Enter a number of days up to 1",
            "max_whole_digits": "Enter a number of days up to 1",
            "max_decimal_places": "Enter a whole or a half day: 1 or 0.5",
        },
    )
    note = forms.CharField(label="Note (optional)", required=False, max_length=200)


class ExtendForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    days = forms.IntegerField(
        label="Days to add",
        min_value=1,
        error_messages={"required": "Enter the days to add", "invalid": "Enter a whole number"},
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the placement is being extended"},
    )


class ReduceForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    days = forms.IntegerField(
        label="Days to take off",
        min_value=1,
        error_messages={
            "required": "Enter the days to take off",
            "invalid": "Enter a whole number of days",
            "min_value": "Enter a number of days more than 0",
        },
    )
    reason = forms.CharField(
        label="Why",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the placement is being reduced"},
    )


class ReasonForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    """A step that only needs a reason; each subclass gives its question and the message shown
    when the reason is left out."""

    question = ""
    reason_required = ""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = self.question
        field.error_messages = {**field.error_messages, "required": self.reason_required}


class EndEarlyForm(ReasonForm):
    question = "Why is the placement ending early?"
    reason_required = "Say why the placement is ending early"


class WithdrawForm(ReasonForm):
    question = "Why is the student being withdrawn?"
    reason_required = "Say why the student is being withdrawn"


class CancelForm(ReasonForm):
    question = "Why is the placement being cancelled?"
    reason_required = "Say why the placement is being cancelled"


# step: (form class, prefix, function calling the service with the cleaned data, message)
FORM_STEPS = {
    "hei_decision": (
        DecisionForm,
        "decision",
        lambda p, by, d: services.record_hei_decision(placement=p, by=by, decision=d["decision"]),
        "The HEI's decision is recorded.",
    ),
    "log_days": (
        DaysForm,
        "days",
        lambda p, by, d: services.log_days(
            placement=p, by=by, on=d["on"], days=d["days"], note=d["note"]
        ),
        "Days logged.",
    ),
    "extend": (
        ExtendForm,
        "extend",
        lambda p, by, d: services.extend(placement=p, by=by, days=d["days"], reason=d["reason"]),
        "The placement is extended.",
    ),
    "reduce": (
        ReduceForm,
        "reduce",
        lambda p, by, d: services.reduce(placement=p, by=by, days=d["days"], reason=d["reason"]),
        "The days needed are reduced.",
    ),
    "end_early": (
        EndEarlyForm,
        "end",
        lambda p, by, d: services.end_early(placement=p, by=by, reason=d["reason"]),
        "The placement has ended early.",
    ),
    "withdraw": (
        WithdrawForm,
        "withdraw",
        lambda p, by, d: services.withdraw(placement=p, by=by, reason=d["reason"]),
        "The student is withdrawn from the placement.",
    ),
    "cancel": (
        CancelForm,
        "cancel",
        lambda p, by, d: services.cancel(placement=p, by=by, reason=d["reason"]),
        "The placement is cancelled.",
    ),
}

BUTTON_STEPS = {
    "agree": (services.agree, "The placement is agreed."),
    "start": (services.start, "The placement has started."),
    "complete": (services.complete, "The placement is complete and its quality audit is open."),
}


def _detail_context(request, placement, roles, bound=None) -> dict:
    steps = services.steps_for(request.user, placement, roles)
    forms_by_step = {}
    for step, (form_class, prefix, _call, _message) in FORM_STEPS.items():
        if step in steps:
            forms_by_step[step] = (
                bound if bound is not None and bound.prefix == prefix else form_class(prefix=prefix)
            )
    days = list(placement.days_log.select_related("recorded_by", "confirmed_by"))
    logged = sum((entry.days for entry in days), start=0)
    confirmed = sum((entry.days for entry in days if entry.confirmed_at), start=0)
    if "log_days" in forms_by_step and not placement.cohort.programme.half_days_allowed:
        forms_by_step["log_days"].fields[
            "days"
        ].help_text = "1 for each day: your programme counts whole days only"
    return {
        "placement": placement,
        "roles": roles,
        "steps": steps,
        "buttons": [
            {"step": s, "label": services.STEPS[s].label}
            for s in ("agree", "start", "complete")
            if s in steps
        ],
        "forms": forms_by_step,
        "days": days,
        "logged": logged,
        "confirmed": confirmed,
        "unconfirmed": logged - confirmed,
        "needed": services.days_needed(placement),
        "remaining": placement.days_allowed - logged,
        "audit": getattr(placement, "audit", None),
        "observations": observation_count(placement=placement),
        "next_step": services.next_step(placement),
        "missing_checks": [CheckKind(k).label for k in missing_checks(placement)],
        "open_concerns": concerns_visible_to(request.user, placement, roles)
        .filter(resolved_at__isnull=True)
        .count(),
        "is_student": placement.student_id == request.user.pk,
        # The student's own plan, or one they share with this person today; nobody else's.
        "support_plan_link": placement.student_id == request.user.pk
        or rules.support_plan_shared_with(request.user, placement),
        "exits": Placement.EXITS,
        "panel_case": panel.latest_case(placement),
        # What the HEI's decision waits for from the panel (the form shows again with its errors).
        "panel_waits": ""
        if (bound is not None and bound.prefix == "decision")
        or placement.hei_decision
        or placement.status not in (Placement.Status.COMPLETED, Placement.Status.ENDED_EARLY)
        else services.panel_waits(placement),
        "may_write_report": final_report.may_write(request.user, placement, roles),
        "designations": services.designation_status(placement.provider)
        if placement.status == Placement.Status.PROPOSED
        else None,
    }


@login_required
def placement_detail(request, placement):
    placement = placement_for(request, placement)
    roles = services.roles_in(request.user, placement)
    if request.method == "POST":
        return _detail_post(request, placement, roles)
    record_reading(request, placement, roles)
    return render(request, "placements/detail.html", _detail_context(request, placement, roles))


def _detail_post(request, placement, roles):
    step = request.POST.get("step", "")
    if step == "share-portfolio":
        try:
            made = services.share_portfolio_with_assessors(placement=placement, by=request.user)
        except PermissionDenied as error:
            report_problem(request, error)
        else:
            messages.success(
                request,
                f"Your portfolio is shared with {len(made)} more "
                f"{'person' if len(made) == 1 else 'people'} assessing this placement. You can "
                "see and stop each share on your portfolio's sharing page.",
            )
        return redirect(placement)
    if step == "confirm_days":
        entry = request.POST.get("entry")
        try:
            count = services.confirm_days(
                placement=placement, by=request.user, entries=[entry] if entry else None
            )
        except (ValidationError, PermissionDenied) as error:
            report_problem(request, error)
        else:
            messages.success(request, f"{count} {'entry' if count == 1 else 'entries'} confirmed.")
        return redirect(placement)
    if step in BUTTON_STEPS:
        call, message = BUTTON_STEPS[step]
        try:
            call(placement=placement, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            report_problem(request, error)
        else:
            messages.success(request, message)
        return redirect(placement)
    if step not in FORM_STEPS:
        raise Http404
    form_class, prefix, call, message = FORM_STEPS[step]
    form = form_class(request.POST, prefix=prefix)
    saved = save_form(
        request,
        form,
        lambda: call(placement, request.user, form.cleaned_data),
        done=message,
        then=placement,
        record=placement,
    )
    if saved is not None:
        return saved
    placement.refresh_from_db()
    context = _detail_context(request, placement, roles, bound=form)
    if step not in context["forms"]:
        # Not theirs to take (any more): say why rather than showing a form they cannot use.
        for error in form.non_field_errors() or [services.STEPS[step].who_text]:
            messages.error(request, error)
        return redirect(placement)
    context["error_form"] = form
    return render(request, "placements/detail.html", context, status=400)
