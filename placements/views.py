"""Placement pages: the list, proposing a placement, a placement's page and its quality audit.

Each page finds the placement through `rules.placements_visible_to` (404 otherwise) and hands
every change to `services`, which decides whether it is allowed."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.audit import record_access
from accounts.models import User
from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin, record_confirmation
from cms.messages import report_refusal
from cms.paging import paginate
from organisations.models import Membership, Organisation, Role, Team
from portfolios.observations import observation_count

from . import final_report, panel, rules, services
from .capacity_models import OFFER_KINDS, PlacementOffer
from .checks import missing_checks
from .concerns import concerns_visible_to
from .designations import GRANTED
from .lifecycle_models import CheckKind
from .models import (
    ActionItem,
    Audit,
    AuditParty,
    Cohort,
    Designation,
    DesignationKind,
    Placement,
    SettingType,
    StudentUnit,
)
from .offer_views import OfferChoiceField
from .offers import offers_with_places_for

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


def _problem(request, error) -> None:
    report_refusal(request, error, denied="You cannot do that on this placement.")


def _placement(request, uuid) -> Placement:
    placement = get_object_or_404(
        rules.placements_visible_to(request.user).select_related(
            "student",
            "cohort__programme__hei",
            "provider_team__organisation",
            "unit__team",
            "practice_educator",
            "co_assessor",
            "onsite_supervisor",
            "hei_tutor",
            "proposed_by",
            "provider_agreed_by",
            "hei_agreed_by",
        ),
        uuid=uuid,
    )
    return placement


def _record_reading(request, placement, roles) -> None:
    """Reading a student's placement record is logged, for anyone but the student."""
    if placement.student_id == request.user.pk:
        return
    hei_side = bool({services.TUTOR, services.HEI_LEAD} & roles)
    record_access(
        request=request,
        obj=placement,
        owner=placement.student,
        organisation=placement.cohort.programme.hei if hei_side else placement.provider,
    )


# ---------------------------------------------------------------------------------------------
# The list


LIST_PAGE_ROWS = 50


@login_required
def placement_list(request):
    """The placements the person may see, grouped by status (in STATUS_ORDER), a page of
    LIST_PAGE_ROWS at a time: a placement lead's organisation may have thousands. Each group's
    caption gives its full count (one GROUP BY); the page's rows are one query."""
    visible = rules.placements_visible_to(request.user)
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
            "can_propose": rules.placement_lead_organisations(request.user).exists(),
            "sits_on_panels": rules.panel_member_organisations(request.user).exists(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Proposing


def related_organisations(user):
    """The organisations a placement lead works with: their own, and their partners in teaching
    partnerships (an HEI's employers, an employer's HEIs)."""
    leads = rules.placement_lead_organisations(user)
    return Organisation.objects.filter(
        Q(pk__in=leads.values("pk"))
        | Q(partnerships_led__employers__in=leads)
        | Q(partnerships__hei__in=leads)
    ).distinct()


class MembershipChoiceField(forms.ModelChoiceField):
    """A person chosen by one of their roles, labelled with the role and where they hold it."""

    def label_from_instance(self, membership):
        detail = membership.get_role_display()
        if membership.peps_stage:
            detail = membership.get_peps_stage_display()
        return f"{membership.user} ({detail}, {membership.organisation})"


class CohortChoiceField(forms.ModelChoiceField):
    """A cohort, labelled with its programme's placement lengths (the programme's settings)."""

    def label_from_instance(self, cohort):
        return f"{cohort} ({cohort.programme.rules_text})"


class TeamChoiceField(forms.ModelChoiceField):
    """A team, labelled with its employer and the designations the employer holds today (set
    `designations`: {organisation id: [designation names]})."""

    designations: dict = {}

    def label_from_instance(self, team):
        held = self.designations.get(team.organisation_id)
        status = " and ".join(held) if held else "no Approved Practice Setting or teaching status"
        return f"{team.name}, {team.organisation} ({status})"


def designations_held(organisations) -> dict:
    """{organisation id: names of the designations it holds today}, in one query."""
    today = timezone.localdate()
    held: dict = {}
    current = (
        Designation.objects.filter(
            organisation__in=organisations, status__in=GRANTED, starts_on__lte=today
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("organisation_id", "kind")
        .distinct()
        .order_by("organisation_id", "kind")
    )
    for organisation, kind in current:
        held.setdefault(organisation, []).append(DesignationKind(kind).label)
    return held


class PlacementForm(ServiceErrorsMixin, forms.Form):
    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(),
        empty_label="Choose a cohort",
        error_messages={"required": "Choose the student's cohort"},
    )
    student = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a student",
        error_messages={"required": "Choose a student"},
    )
    kind = forms.ChoiceField(
        choices=OFFER_KINDS,
        widget=forms.RadioSelect,
        label="Kind of placement",
        help_text="Its length is the one the cohort's programme sets.",
        error_messages={"required": "Choose the kind of placement"},
    )
    setting_type = forms.ChoiceField(
        choices=SettingType.choices,
        widget=forms.RadioSelect,
        label="Kind of setting",
        help_text="The programme checks that each student has contrasting settings, and a "
        "statutory one where it asks for it.",
        error_messages={"required": "Choose the kind of setting"},
    )
    provider_team = TeamChoiceField(
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        label="Team",
        help_text="Each team's employer is shown with its Approved Practice Setting and teaching "
        "organisation status today.",
        error_messages={"required": "Choose the team the student joins"},
    )
    offer = OfferChoiceField(
        queryset=PlacementOffer.objects.none(),
        required=False,
        empty_label="Not from an offer",
        label="Place on an offer (optional)",
        help_text="The placement takes one of the offer's places: same team, kind, setting and "
        "term.",
    )
    unit = forms.ModelChoiceField(
        queryset=StudentUnit.objects.none(),
        required=False,
        empty_label="Not in a student unit",
        label="Student unit (optional)",
    )
    practice_educator = MembershipChoiceField(
        queryset=Membership.objects.none(),
        empty_label="Choose a practice educator",
        error_messages={"required": "Choose the practice educator"},
    )
    co_assessor = MembershipChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No co-assessor",
        label="Co-assessor (optional)",
        help_text="A PEPS stage 2 practice educator. Needed when a stage 1 educator takes a final "
        "placement.",
    )
    onsite_supervisor = MembershipChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No on-site supervisor",
        label="On-site supervisor",
        help_text="Needed when the practice educator does not work for the provider.",
    )
    hei_tutor = MembershipChoiceField(
        queryset=Membership.objects.none(),
        empty_label="Choose a tutor",
        label="HEI tutor",
        error_messages={"required": "Choose the HEI tutor"},
    )
    starts_on = GovUKDateField(
        label="Start date", name_in_errors="start date", help_text="For example, 1 9 2026"
    )
    ends_on = GovUKDateField(
        label="End date", name_in_errors="end date", help_text="For example, 30 1 2027"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        related = related_organisations(user)
        heis = related.filter(kind=Organisation.Kind.HEI)
        employers = related.filter(kind__in=Organisation.EMPLOYER_KINDS)
        cohorts = Cohort.objects.filter(programme__hei__in=heis).select_related("programme")
        self.fields["cohort"].queryset = cohorts
        self.fields["student"].queryset = User.objects.filter(
            pk__in=cohorts.values("students")
        ).order_by("last_name", "first_name", "email")
        self.fields["provider_team"].queryset = Team.objects.filter(
            organisation__in=employers
        ).select_related("organisation")
        self.fields["provider_team"].designations = designations_held(employers)
        self.fields["offer"].queryset = offers_with_places_for(user)
        self.fields["unit"].queryset = StudentUnit.objects.filter(
            team__organisation__in=employers
        ).select_related("team__organisation")
        current = Membership.objects.active().select_related("user", "organisation")
        order = ("user__last_name", "user__first_name", "organisation__name")
        educators = current.filter(
            role=Role.PRACTICE_EDUCATOR, peps_stage__isnull=False, organisation__in=related
        ).order_by(*order)
        self.fields["practice_educator"].queryset = educators
        self.fields["co_assessor"].queryset = educators.filter(peps_stage=2)
        self.fields["onsite_supervisor"].queryset = current.filter(
            role__in=services.SUPERVISOR_ROLES, organisation__in=employers
        ).order_by(*order)
        self.fields["hei_tutor"].queryset = current.filter(
            role=Role.HEI_TUTOR, organisation__in=heis
        ).order_by(*order)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        person = {
            name: data[name].user if data.get(name) else None
            for name in ("practice_educator", "co_assessor", "onsite_supervisor", "hei_tutor")
        }
        return {
            "student": data["student"],
            "cohort": data["cohort"],
            "provider_team": data["provider_team"],
            "unit": data.get("unit"),
            "offer": data.get("offer"),
            "kind": data["kind"],
            "setting_type": data["setting_type"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            **person,
        }


@login_required
def placement_create(request):
    if not rules.placement_lead_organisations(request.user).exists():
        raise Http404
    form = PlacementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.propose_placement(by=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_error(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Proposed: {placement}.")
            return redirect(placement)
    return render(
        request, "placements/form.html", {"form": form}, status=400 if form.errors else 200
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


class EndEarlyForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the placement ending early?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the placement is ending early"},
    )


class WithdrawForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the student being withdrawn?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the student is being withdrawn"},
    )


class CancelForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the placement being cancelled?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the placement is being cancelled"},
    )


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
    placement = _placement(request, placement)
    roles = services.roles_in(request.user, placement)
    if request.method == "POST":
        return _detail_post(request, placement, roles)
    _record_reading(request, placement, roles)
    return render(request, "placements/detail.html", _detail_context(request, placement, roles))


def _detail_post(request, placement, roles):
    step = request.POST.get("step", "")
    if step == "share-portfolio":
        try:
            made = services.share_portfolio_with_assessors(placement=placement, by=request.user)
        except PermissionDenied as error:
            _problem(request, error)
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
            _problem(request, error)
        else:
            messages.success(request, f"{count} {'entry' if count == 1 else 'entries'} confirmed.")
        return redirect(placement)
    if step in BUTTON_STEPS:
        call, message = BUTTON_STEPS[step]
        try:
            call(placement=placement, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            _problem(request, error)
        else:
            messages.success(request, message)
        return redirect(placement)
    if step not in FORM_STEPS:
        raise Http404
    form_class, prefix, call, message = FORM_STEPS[step]
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            call(placement, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        except PermissionDenied as error:
            _problem(request, error)
            return redirect(placement)
        else:
            record_confirmation(
                record=placement,
                findings=getattr(form, "guard_confirmed", []),
                by=request.user,
            )
            messages.success(request, message)
            return redirect(placement)
    placement.refresh_from_db()
    context = _detail_context(request, placement, roles, bound=form)
    if step not in context["forms"]:
        # Not theirs to take (any more): say why rather than showing a form they cannot use.
        for error in form.non_field_errors() or [services.STEPS[step].who_text]:
            messages.error(request, error)
        return redirect(placement)
    context["error_form"] = form
    return render(request, "placements/detail.html", context, status=400)


# ---------------------------------------------------------------------------------------------
# The quality audit


class AuditPartForm(GuardedFormMixin, forms.Form):
    """One party's part: a rating for each criterion of the party's sections and a comment on
    each section. `sections` pairs each section with its bound fields for the template."""

    def __init__(self, *args, audit: Audit, party: str, **kwargs):
        super().__init__(*args, prefix=party, **kwargs)
        self.party = party
        self.label = AuditParty(party).label
        scale = list(enumerate(audit.template.scale))
        self.section_list = [
            s for s in audit.template.sections.prefetch_related("criteria") if s.party == party
        ]
        for section in self.section_list:
            for criterion in section.criteria.all():
                self.fields[services.criterion_field(criterion)] = forms.TypedChoiceField(
                    label=criterion.text,
                    choices=scale,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": f"Rate “{criterion.text}”"},
                )
            self.fields[services.section_field(section)] = forms.CharField(
                label=f"Comments: {section.title} (optional)",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    @property
    def sections(self):
        return [
            {
                "section": section,
                "ratings": [self[services.criterion_field(c)] for c in section.criteria.all()],
                "comment": self[services.section_field(section)],
            }
            for section in self.section_list
        ]

    def ratings(self) -> dict:
        return {
            c.pk: self.cleaned_data[services.criterion_field(c)]
            for s in self.section_list
            for c in s.criteria.all()
        }

    def comments(self) -> dict:
        return {s.pk: self.cleaned_data[services.section_field(s)] for s in self.section_list}

    def add_service_error(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class ModerationForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    ROWS = 3

    notes = forms.CharField(
        label="Moderation notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the audit shows about this placement setting. The provider reads these.",
    )

    def __init__(self, *args, audit: Audit, **kwargs):
        super().__init__(*args, prefix="moderate", **kwargs)
        owners = services.provider_members(audit.placement.provider)
        for n in range(1, self.ROWS + 1):
            self.fields[f"action_{n}_text"] = forms.CharField(
                label=f"Action {n}: what needs to be done", required=False
            )
            self.fields[f"action_{n}_owner"] = forms.ModelChoiceField(
                queryset=owners,
                required=False,
                empty_label="Choose who owns it",
                label=f"Action {n}: owner at {audit.placement.provider}",
            )
            self.fields[f"action_{n}_due_on"] = GovUKDateField(
                label=f"Action {n}: due date",
                name_in_errors=f"due date of action {n}",
                required=False,
            )

    @property
    def rows(self):
        return [
            [self[f"action_{n}_{part}"] for part in ("text", "owner", "due_on")]
            for n in range(1, self.ROWS + 1)
        ]

    def actions(self) -> list[dict]:
        rows = []
        for n in range(1, self.ROWS + 1):
            row = {
                "text": self.cleaned_data.get(f"action_{n}_text", ""),
                "owner": self.cleaned_data.get(f"action_{n}_owner"),
                "due_on": self.cleaned_data.get(f"action_{n}_due_on"),
            }
            if any(row.values()):
                rows.append(row)
        return rows


def _audit_context(request, placement, audit, *, part_forms=None, moderation=None) -> dict:
    view = services.audit_view_for(request.user, audit)
    part_forms = part_forms or {}
    for row in view["parts"]:
        if row["own"] and not row["submitted"] and audit.status == Audit.Status.OPEN:
            row["form"] = part_forms.get(row["party"]) or AuditPartForm(
                audit=audit, party=row["party"]
            )
    can_moderate = services.can_moderate(request.user, audit)
    actions = list(audit.actions.select_related("owner"))
    for action in actions:
        action.can_update = services.may_update_action(request.user, action)
    return {
        **view,
        "placement": placement,
        "is_hei_lead": rules.is_hei_lead_for(request.user, placement),
        "missing": [AuditParty(p).label for p in services.missing_parts(audit)],
        "moderation": (moderation or ModerationForm(audit=audit)) if can_moderate else None,
        "actions": actions,
        "action_statuses": ActionItem.Status.choices,
    }


@login_required
def audit(request, placement):
    placement = _placement(request, placement)
    roles = services.roles_in(request.user, placement)
    audit = Audit.objects.filter(placement=placement).select_related("template").first()
    if audit is None:
        _record_reading(request, placement, roles)
        return render(request, "placements/audit.html", {"placement": placement, "audit": None})
    audit.placement = placement
    if request.method == "POST":
        return _audit_post(request, placement, audit)
    _record_reading(request, placement, roles)
    return render(request, "placements/audit.html", _audit_context(request, placement, audit))


def _audit_post(request, placement, audit):
    what = request.POST.get("what", "")
    if what == "part":
        party = request.POST.get("party", "")
        if party not in rules.audit_parties_of(request.user, placement):
            messages.error(request, "That part of the audit is not yours to complete.")
            return redirect("placements:audit", placement=placement.uuid)
        form = AuditPartForm(request.POST, audit=audit, party=party)
        if form.is_valid():
            try:
                part = services.submit_audit_part(
                    audit=audit,
                    by=request.user,
                    party=party,
                    ratings=form.ratings(),
                    comments=form.comments(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            except PermissionDenied as error:
                _problem(request, error)
                return redirect("placements:audit", placement=placement.uuid)
            else:
                record_confirmation(record=part, findings=form.guard_confirmed, by=request.user)
                messages.success(request, f"Your part ({form.label}) is submitted.")
                return redirect("placements:audit", placement=placement.uuid)
        context = _audit_context(request, placement, audit, part_forms={party: form})
        context["error_form"] = form
        return render(request, "placements/audit.html", context, status=400)
    if what == "moderate":
        if not rules.is_hei_lead_for(request.user, placement):
            messages.error(request, "Only the HEI's placement lead moderates an audit.")
            return redirect("placements:audit", placement=placement.uuid)
        form = ModerationForm(request.POST, audit=audit)
        if form.is_valid():
            try:
                services.moderate(
                    audit=audit,
                    by=request.user,
                    notes=form.cleaned_data["notes"],
                    actions=form.actions(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            except PermissionDenied as error:
                _problem(request, error)
                return redirect("placements:audit", placement=placement.uuid)
            else:
                record_confirmation(record=audit, findings=form.guard_confirmed, by=request.user)
                messages.success(request, "The audit is moderated.")
                return redirect("placements:audit", placement=placement.uuid)
        context = _audit_context(request, placement, audit, moderation=form)
        if context["moderation"] is None:  # not ready, or already moderated
            for error in form.non_field_errors():
                messages.error(request, error)
            return redirect("placements:audit", placement=placement.uuid)
        context["error_form"] = form
        return render(request, "placements/audit.html", context, status=400)
    if what == "action":
        action = get_object_or_404(audit.actions, pk=request.POST.get("action") or 0)
        try:
            services.update_action(
                action=action, by=request.user, status=request.POST.get("status", "")
            )
        except (ValidationError, PermissionDenied) as error:
            _problem(request, error)
        else:
            messages.success(request, "The action is updated.")
        return redirect("placements:audit", placement=placement.uuid)
    raise Http404
