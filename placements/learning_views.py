"""The learning agreement page of a placement (`learning`): what was agreed, who has signed,
the form for the practice educator or tutor who records it, and a signing button for the
student, the practice educator and the tutor. Anyone who sees the placement reads it; others
get 404. Reading it is logged like the placement's page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.models import User
from capabilities.models import Item
from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin
from portfolios.picker import build_picker

from . import learning, services
from .lifecycle_models import LearningAgreement, SupervisionFrequency
from .views_common import placement_for, record_reading, report_problem, save_form

FIND = "find"


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return str(user)


class LearningAgreementForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    guard_exempt = {"statement_query": "a search for framework statements, not saved"}

    meeting_on = GovUKDateField(
        label="Date of the meeting",
        name_in_errors="date of the learning agreement meeting",
        help_text="For example, 12 9 2026",
    )
    present = PersonChoiceField(
        queryset=None,
        label="Who was at the meeting",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who was at the meeting"},
    )
    statements = forms.ModelMultipleChoiceField(
        queryset=Item.objects.statements().filter(version__live=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose statements from a published framework"},
    )
    statement_query = forms.CharField(label="Find statements", required=False, max_length=200)
    learning_needs = forms.CharField(
        label="Learning needs in words (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the student wants to learn, beyond the statements chosen above.",
    )
    supervision_frequency = forms.ChoiceField(
        choices=SupervisionFrequency.choices,
        widget=forms.RadioSelect,
        label="How often is supervision?",
        error_messages={"required": "Choose how often supervision happens"},
    )
    supervision_minutes = forms.IntegerField(
        label="How long is each supervision, in minutes?",
        min_value=1,
        max_value=learning.MAX_SUPERVISION_MINUTES,
        error_messages={
            "required": "Enter how long supervision lasts, in minutes",
            "invalid": "Enter the length of supervision as a whole number of minutes",
            "min_value": "Enter a length of supervision of at least 1 minute",
            "max_value": f"Enter a length of supervision up to {learning.MAX_SUPERVISION_MINUTES} "
            "minutes",
        },
    )
    workload = forms.CharField(
        label="Workload",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The kind and amount of work the student takes on, and how it grows.",
        error_messages={"required": "Describe the student's workload"},
    )

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.placement = placement
        people = learning.placement_people(placement)
        self.fields["present"].queryset = User.objects.filter(pk__in=[p.pk for p in people])
        self.fields["statements"].error_anchor = "id_statement_query"

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "meeting_on": data["meeting_on"],
            "present": list(data["present"]),
            "statements": list(data["statements"]),
            "supervision_frequency": data["supervision_frequency"],
            "supervision_minutes": data["supervision_minutes"],
            "workload": data["workload"],
            "learning_needs": data["learning_needs"],
        }


def _initial(agreement: LearningAgreement | None) -> dict:
    if agreement is None:
        return {}
    return {
        "meeting_on": agreement.meeting_on,
        "present": list(agreement.present.all()),
        "learning_needs": agreement.learning_needs,
        "supervision_frequency": agreement.supervision_frequency,
        "supervision_minutes": agreement.supervision_minutes,
        "workload": agreement.workload,
    }


def _picker(placement, selected: set[int], query: str):
    """The statement picker, showing the placement's level only (all levels if the framework
    has no level for it)."""
    level = learning.placement_level(placement)
    picker = build_picker(
        selected_ids=selected, query=query, open_level=level.slug if level else ""
    )
    if level is not None:
        picker.levels = [lv for lv in picker.levels if lv.level.pk == level.pk]
        for lv in picker.levels:
            lv.open = True
    picker.standards = []
    picker.older = []
    return picker, level


def _context(request, placement, roles, *, form=None, selected=None, query="", finding=False):
    agreement = (
        LearningAgreement.objects.filter(placement=placement)
        .select_related("educator_signed_by", "tutor_signed_by", "recorded_by")
        .prefetch_related("present", "statements__domain")
        .first()
    )
    steps = services.steps_for(request.user, placement, roles)
    can_record = "learning_agreement" in steps
    if can_record and form is None:
        form = LearningAgreementForm(placement=placement, initial=_initial(agreement))
    if selected is None:
        selected = set(agreement.statements.values_list("pk", flat=True)) if agreement else set()
    picker, level = _picker(placement, selected, query) if can_record else (None, None)
    role = learning.signer_role(request.user, placement, roles)
    can_sign = (
        agreement is not None
        and role is not None
        and getattr(agreement, learning.SIGNERS[role][0]) is None
        and placement.status in (placement.Status.AGREED, placement.Status.IN_PROGRESS)
    )
    return {
        "placement": placement,
        "agreement": agreement,
        "unsigned": learning.unsigned_by(agreement) if agreement else [],
        "form": form if can_record else None,
        "error_form": form if form is not None and form.errors else None,
        "picker": picker,
        "level": level or learning.placement_level(placement),
        "show_errors": request.method == "POST" and not finding,
        "finding": finding,
        "can_sign": can_sign,
    }


@login_required
def learning_agreement(request, placement):
    placement = placement_for(request, placement)
    roles = services.roles_in(request.user, placement)
    if request.method != "POST":
        record_reading(request, placement, roles)
        return render(
            request, "placements/learning_agreement.html", _context(request, placement, roles)
        )
    if request.POST.get("action") == "sign":
        try:
            learning.sign_learning_agreement(placement=placement, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            report_problem(request, error)
        else:
            messages.success(request, "You have signed the learning agreement.")
        return redirect("placements:learning-agreement", placement=placement.uuid)
    form = LearningAgreementForm(request.POST, placement=placement)
    finding = request.POST.get("action") == FIND
    if finding:
        form._errors = ErrorDict()  # searching the picker is not a save
    else:
        saved = save_form(
            request,
            form,
            lambda: learning.save_learning_agreement(
                placement=placement, by=request.user, **form.service_arguments()
            ),
            done="The learning agreement is saved. Each person now signs it.",
            then=reverse("placements:learning-agreement", kwargs={"placement": placement.uuid}),
        )
        if saved is not None:
            return saved
    selected = set()
    for value in request.POST.getlist("statements"):
        if value.isdigit():
            selected.add(int(value))
    context = _context(
        request,
        placement,
        roles,
        form=form,
        selected=selected,
        query=request.POST.get("statement_query", ""),
        finding=finding,
    )
    if context["form"] is None:
        messages.error(request, services.STEPS["learning_agreement"].who_text)
        return redirect("placements:learning-agreement", placement=placement.uuid)
    return render(
        request,
        "placements/learning_agreement.html",
        context,
        status=200 if finding else 400,
    )
