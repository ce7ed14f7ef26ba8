"""Practice assessment panel pages (`panel`): the panels a person may read, setting one up (the
HEI's placement lead), a panel with its sample, and each placement before it with the final
report and the form for the panel's decision. Panels come from `rules.panels_visible_to` (404
otherwise); reading a student's final report here is logged in their access log."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.audit import record_access
from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin

from . import final_report, rules
from . import panel as assessment
from .assessment_models import AssessmentPanel, PanelCase
from .learning import placement_level
from .models import Cohort, Placement, Programme
from .views_common import save_form


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return str(user)


class PanelForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        empty_label="Choose a programme",
        error_messages={"required": "Choose the programme"},
    )
    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        required=False,
        empty_label="Every cohort of the programme",
        label="Cohort (optional)",
    )
    period_from = GovUKDateField(
        label="Placements ending from",
        name_in_errors="first date of the period",
        help_text="For example, 1 6 2026",
    )
    period_to = GovUKDateField(
        label="Placements ending up to", name_in_errors="last date of the period"
    )
    held_on = GovUKDateField(label="Date the panel meets", name_in_errors="date the panel meets")
    members = PersonChoiceField(
        queryset=None,
        label="Members who record the panel's decisions",
        help_text="At least two of the university's placement leads and tutors. Nobody records "
        "the decision on a placement they tutor.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least two members of the panel"},
    )
    other_members = forms.CharField(
        label="Other members (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="By role, for example an independent practice educator or a member with lived "
        "experience.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        heis = rules.panel_convener_organisations(user)
        programmes = Programme.objects.filter(hei__in=heis).select_related("hei")
        self.fields["programme"].queryset = programmes
        self.fields["cohort"].queryset = Cohort.objects.filter(
            programme__in=programmes
        ).select_related("programme")
        self.fields["members"].queryset = rules.panel_members_of(heis)


class PanelDecisionForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    outcome = forms.ChoiceField(
        choices=PanelCase.Outcome.choices,
        widget=forms.RadioSelect,
        label="The panel's decision",
        error_messages={
            "required": "Choose whether the panel agrees, recommends a different outcome or "
            "refers the report back"
        },
    )
    panel_outcome = forms.ChoiceField(
        choices=Placement.Recommendation.choices,
        widget=forms.RadioSelect,
        required=False,
        label="The outcome the panel recommends (if different)",
    )
    comments = forms.CharField(
        label="Reasons and feedback to the practice educator",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Needed when the panel recommends a different outcome or refers the report back.",
    )


@login_required
def panel_list(request):
    panels = (
        rules.panels_visible_to(request.user)
        .select_related("programme__hei", "cohort")
        .annotate(
            considered=Count("cases", distinct=True),
            sampled_count=Count("cases", filter=Q(cases__sampled=True), distinct=True),
            waiting_count=Count(
                "cases",
                filter=Q(cases__sampled=True, cases__outcome__in=["", "refer-back"]),
                distinct=True,
            ),
        )
        .order_by("-held_on", "pk")
    )
    can_convene = rules.panel_convener_organisations(request.user).exists()
    if not can_convene and not rules.panel_member_organisations(request.user).exists():
        raise Http404
    return render(
        request,
        "placements/panels.html",
        {"panels": panels, "can_convene": can_convene},
    )


@login_required
def panel_create(request):
    if not rules.panel_convener_organisations(request.user).exists():
        raise Http404
    form = PanelForm(request.POST or None, user=request.user)

    def convene():
        data = form.cleaned_data
        return assessment.convene_panel(
            programme=data["programme"],
            cohort=data.get("cohort"),
            by=request.user,
            held_on=data["held_on"],
            period_from=data["period_from"],
            period_to=data["period_to"],
            members=data["members"],
            other_members=data["other_members"],
        )

    if request.method == "POST":
        saved = save_form(
            request,
            form,
            convene,
            done=lambda made: f"The panel is set up: {made.cases.count()} placements.",
            then=lambda made: made,
            refusal_on_form=True,
        )
        if saved is not None:
            return saved
    return render(
        request,
        "placements/panel_form.html",
        {"form": form, "error_form": form if form.errors else None},
        status=400 if form.errors else 200,
    )


def _panel(request, uuid) -> AssessmentPanel:
    return get_object_or_404(
        rules.panels_visible_to(request.user).select_related(
            "programme__hei", "cohort", "convened_by"
        ),
        uuid=uuid,
    )


@login_required
def panel_detail(request, panel):
    the_panel = _panel(request, panel)
    cases = list(
        the_panel.cases.select_related(
            "placement__student",
            "placement__practice_educator",
            "placement__provider_team__organisation",
            "decided_by",
        ).order_by("-sampled", "reason", "placement__student__last_name", "pk")
    )
    return render(
        request,
        "placements/panel.html",
        {
            "panel": the_panel,
            "members": list(the_panel.members.order_by("last_name", "first_name")),
            "sampled": [c for c in cases if c.sampled],
            "not_sampled": [c for c in cases if not c.sampled],
        },
    )


def _case_context(request, case, *, form=None) -> dict:
    placement = case.placement
    may_decide = assessment.may_decide(request.user, case)
    return {
        "panel": case.panel,
        "case": case,
        "placement": placement,
        "rows": final_report.judgement_rows(placement),
        "level": placement_level(placement),
        "form": (form or PanelDecisionForm(prefix="panel")) if may_decide else None,
        "error_form": form if form is not None and form.errors else None,
        "concerns": placement.concerns.filter(about_placement=False).count(),
    }


@login_required
def panel_case(request, panel, placement):
    the_panel = _panel(request, panel)
    case = get_object_or_404(
        the_panel.cases.select_related(
            "placement__student",
            "placement__cohort__programme__hei",
            "placement__practice_educator",
            "placement__provider_team__organisation",
            "decided_by",
        ),
        placement__uuid=placement,
    )
    case.panel = the_panel
    here = reverse(
        "placements:panel-case", kwargs={"panel": the_panel.uuid, "placement": placement}
    )
    if request.method != "POST":
        record_access(
            request=request,
            obj=case.placement,
            owner=case.placement.student,
            organisation=the_panel.programme.hei,
        )
        return render(request, "placements/panel_case.html", _case_context(request, case))
    form = PanelDecisionForm(request.POST, prefix="panel")
    saved = save_form(
        request,
        form,
        lambda: assessment.record_panel_decision(
            case=case,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            panel_outcome=form.cleaned_data["panel_outcome"],
            comments=form.cleaned_data["comments"],
        ),
        done="The panel's decision is recorded.",
        then=here,
        record=case,
    )
    if saved is not None:
        return saved
    case.refresh_from_db()
    case.panel = the_panel
    context = _case_context(request, case, form=form)
    if context["form"] is None:
        for error in form.non_field_errors() or ["The panel's decision is not yours to record."]:
            messages.error(request, error)
        return redirect(here)
    return render(request, "placements/panel_case.html", context, status=400)
