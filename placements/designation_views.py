"""Approved Practice Setting and teaching organisation pages. Each view finds designations
through `rules.designations_visible_to` (404 otherwise) and hands every change to `designations`,
which decides whether it is allowed. Someone who may see a designation but not do what they
posted gets 404 too, as everywhere else, never 403."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import (
    REDACT_FIELD,
    GuardedFormMixin,
    confirmed_fingerprints,
    record_confirmation,
)
from cms.messages import report_refusal
from organisations.models import Organisation, Role

from . import designations as services
from .models import Criterion, Designation, DesignationKind
from .rules import designations_visible_to, organisations_where


def _problem(request, error) -> None:
    report_refusal(request, error, denied="You cannot do that with this application.")


def _employer_organisations(user):
    """Organisations whose designations `user` follows (as in `rules.designations_visible_to`)."""
    return organisations_where(
        user, Role.PLACEMENT_LEAD, Role.ORG_ADMIN, Role.PRINCIPAL_SOCIAL_WORKER
    ).filter(kind__in=Organisation.EMPLOYER_KINDS)


def _row(designation: Designation, today) -> dict:
    days = (designation.expires_on - today).days if designation.expires_on else None
    return {
        "designation": designation,
        "current": designation.is_current(today),
        "days_left": days,
        "expiring": days is not None and 0 <= days <= max(services.REMINDER_DAYS),
        "expired": days is not None and days < 0,
    }


@login_required
def designation_list(request):
    user = request.user
    employers = _employer_organisations(user)
    bodies = services.awarding_bodies_of(user)
    if not employers.exists() and not bodies.exists():
        raise Http404
    today = timezone.localdate()
    visible = designations_visible_to(user).select_related(
        "organisation", "awarding_body", "reviewer"
    )
    ours = visible.filter(organisation__in=employers).order_by(
        "organisation__name", "kind", "-starts_on", "-pk"
    )
    to_review = visible.filter(
        awarding_body__in=bodies, status=Designation.Status.SUBMITTED
    ).order_by("submitted_at", "pk")
    decided = visible.filter(awarding_body__in=bodies, status__in=services.DECISIONS).order_by(
        "-decided_at", "-pk"
    )[:50]
    return render(
        request,
        "placements/designations.html",
        {
            "ours": [_row(d, today) for d in ours],
            "to_review": to_review,
            "decided": [_row(d, today) for d in decided],
            "is_employer": employers.exists(),
            "is_awarding_body": bodies.exists(),
            "can_apply": services.applicant_organisations(user).exists(),
        },
    )


class ApplicationForm(ServiceErrorsMixin, forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        label="Organisation",
        error_messages={"required": "Choose the organisation that is applying"},
    )
    kind = forms.ChoiceField(
        choices=DesignationKind.choices,
        widget=forms.RadioSelect,
        label="Status applied for",
        error_messages={"required": "Choose the status to apply for"},
    )
    awarding_body = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.AWARDING_BODY),
        to_field_name="slug",
        label="Awarding body",
        help_text="The body that reviews the application and decides.",
        error_messages={"required": "Choose the awarding body"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = services.applicant_organisations(user)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].empty_label = None


@login_required
def designation_create(request):
    if not services.applicant_organisations(request.user).exists():
        raise Http404
    initial = {key: request.GET[key] for key in ("organisation", "kind") if request.GET.get(key)}
    form = ApplicationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            designation = services.start_application(
                organisation=data["organisation"],
                kind=data["kind"],
                awarding_body=data["awarding_body"],
                by=request.user,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            form.add_service_error(error)
        else:
            what = "renewal application" if designation.renewal_of_id else "application"
            messages.success(
                request,
                f"The {what} is started. Add evidence for each criterion, then submit it.",
            )
            return redirect("placements:designation", designation=designation.uuid)
    return render(
        request,
        "placements/designation_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


class EvidenceForm(GuardedFormMixin, forms.Form):
    """A text area for each criterion (named `evidence-<criterion id>`)."""

    def __init__(self, *args, criteria, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[self.name_for(criterion)] = forms.CharField(
                label=f"{criterion.code} {criterion.title}",
                help_text=criterion.description,
                required=False,
                initial=evidence[criterion.pk].text if criterion.pk in evidence else "",
                widget=forms.Textarea(attrs={"rows": 6}),
            )

    @staticmethod
    def name_for(criterion) -> str:
        return f"evidence-{criterion.pk}"


class DecisionForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in services.DECISIONS],
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose the decision"},
    )
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Conditions",
        help_text="Only for “approved with conditions”: what the employer must do, and by when.",
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Reasons for the decision",
        help_text="The employer reads these.",
    )
    starts_on = GovUKDateField(
        name_in_errors="start date",
        required=False,
        label="Starts on",
        help_text="Not needed when the application is not approved. For example, 1 9 2026",
    )
    expires_on = GovUKDateField(
        name_in_errors="expiry date",
        required=False,
        label="Expires on",
        help_text="After the start date.",
    )


def _criteria(designation: Designation) -> list[Criterion]:
    """The active criteria of the kind, and any retired one the application has evidence for."""
    with_evidence = designation.evidence.values("criterion")
    return list(
        Criterion.objects.filter(kind=designation.kind)
        .filter(Q(is_active=True) | Q(pk__in=with_evidence))
        .order_by("order", "code")
    )


def _detail_context(request, designation, *, evidence_form=None, decision_form=None) -> dict:
    user = request.user
    today = timezone.localdate()
    criteria = _criteria(designation)
    evidence = {e.criterion_id: e for e in designation.evidence.all()}
    is_applicant = services.can_apply_for(user, designation.organisation)
    editing = is_applicant and designation.status == Designation.Status.DRAFT
    deciding = designation.status == Designation.Status.SUBMITTED and services.can_decide(
        user, designation
    )
    if editing and evidence_form is None:
        evidence_form = EvidenceForm(criteria=criteria, evidence=evidence)
    if deciding and decision_form is None:
        decision_form = DecisionForm(initial={"starts_on": today})
    visible = designations_visible_to(user)
    renewal_of = (
        visible.filter(pk=designation.renewal_of_id).first() if designation.renewal_of_id else None
    )
    rows = [
        {
            "criterion": criterion,
            "evidence": evidence.get(criterion.pk),
            "field": evidence_form[EvidenceForm.name_for(criterion)]
            if editing and criterion.is_active
            else None,
        }
        for criterion in criteria
    ]
    days_left = (designation.expires_on - today).days if designation.expires_on else None
    return {
        "designation": designation,
        "rows": rows,
        "evidence_form": evidence_form,
        "decision_form": decision_form,
        "editing": editing,
        "deciding": deciding,
        "is_applicant": is_applicant,
        "missing": services.missing_criteria(designation)
        if designation.status == Designation.Status.DRAFT
        else [],
        "current": designation.is_current(today),
        "days_left": days_left,
        "renewal_due": is_applicant and services.renewal_due(designation, on=today),
        "renewal": visible.filter(renewal_of=designation).order_by("-pk").first(),
        "renewal_of": renewal_of,
        "expires_soon_date": today + timedelta(days=max(services.REMINDER_DAYS)),
    }


@login_required
def designation_detail(request, designation):
    designation = get_object_or_404(
        designations_visible_to(request.user).select_related(
            "organisation", "awarding_body", "reviewer", "renewal_of"
        ),
        uuid=designation,
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not action and REDACT_FIELD in request.POST:
            action = "save"  # the guard's Redact button on the evidence: saves nothing
        if action in ("save", "submit"):
            return _save_evidence(request, designation, submit=action == "submit")
        if action == "decide":
            return _decide(request, designation)
        raise Http404
    return render(
        request, "placements/designation_detail.html", _detail_context(request, designation)
    )


def _save_evidence(request, designation, *, submit: bool):
    if not services.can_apply_for(request.user, designation.organisation):
        raise Http404
    criteria = [c for c in _criteria(designation) if c.is_active]
    evidence = {e.criterion_id: e for e in designation.evidence.all()}
    form = EvidenceForm(
        request.POST,
        criteria=criteria,
        evidence=evidence,
        confirmed_fingerprints=confirmed_fingerprints(designation),
    )
    if not form.is_valid():  # every field is optional text: only the guard refuses it
        return render(
            request,
            "placements/designation_detail.html",
            _detail_context(request, designation, evidence_form=form),
            status=400,
        )
    try:
        for criterion in criteria:
            name = EvidenceForm.name_for(criterion)
            if name in request.POST:
                services.save_evidence(
                    designation=designation,
                    criterion=criterion,
                    text=form.cleaned_data.get(name, ""),
                    by=request.user,
                )
        if submit:
            services.submit(designation=designation, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        designation.refresh_from_db()
        missing = {c.pk for c in services.missing_criteria(designation)}
        if submit and designation.status == Designation.Status.DRAFT and missing:
            for criterion in criteria:
                if criterion.pk in missing:
                    form.add_error(
                        EvidenceForm.name_for(criterion),
                        f"Add evidence for {criterion.code} {criterion.title}",
                    )
            return render(
                request,
                "placements/designation_detail.html",
                _detail_context(request, designation, evidence_form=form),
                status=400,
            )
        _problem(request, error)
        return redirect("placements:designation", designation=designation.uuid)
    record_confirmation(record=designation, findings=form.guard_confirmed, by=request.user)
    if submit:
        messages.success(
            request, f"Submitted to {designation.awarding_body} for review. Evidence is now fixed."
        )
    else:
        messages.success(request, "Evidence saved.")
    return redirect("placements:designation", designation=designation.uuid)


def _decide(request, designation):
    if not services.can_decide(request.user, designation):
        raise Http404
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide(
                designation=designation,
                by=request.user,
                status=data["status"],
                notes=data["notes"],
                conditions=data["conditions"],
                starts_on=data["starts_on"],
                expires_on=data["expires_on"],
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_service_error(error)
            else:
                _problem(request, error)
                return redirect("placements:designation", designation=designation.uuid)
        else:
            record_confirmation(record=designation, findings=form.guard_confirmed, by=request.user)
            messages.success(request, "The decision is recorded.")
            return redirect("placements:designation", designation=designation.uuid)
    return render(
        request,
        "placements/designation_detail.html",
        _detail_context(request, designation, decision_form=form),
        status=400,
    )
