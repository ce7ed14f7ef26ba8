"""The PSW's page for reassigning a participant of an appraisal in progress. Thin: the rule and
the checks live in `reassign`; the reason runs the identifying-information guard."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import User
from cms.forms import ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin, record_confirmation
from organisations.models import Membership

from . import reassign
from .starting import CHOOSABLE


class ReassignForm(GuardedFormMixin, forms.Form):
    guard_fields = ("reason",)

    role = forms.ChoiceField(
        label="Role to reassign",
        choices=[("", "Choose a role")],
        error_messages={"required": "Choose the role to reassign"},
    )
    to_user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Who takes the role from now on",
        empty_label="Choose a person",
        error_messages={"required": "Choose who takes the role"},
    )
    reason = forms.CharField(
        label="Why the role is being reassigned",
        help_text="Kept in the appraisal's history, which its participants read. Do not name "
        "or describe children, families or colleagues' private matters.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the role is being reassigned"},
        strip=False,
    )

    def __init__(self, *args, appraisal, **kwargs):
        super().__init__(*args, auto_id="reassign-%s", **kwargs)
        self.fields["role"].choices = [("", "Choose a role")] + [
            (role.value, role.label) for role in reassign.ROLES
        ]
        kinds = {kind for role in reassign.ROLES for kind in CHOOSABLE[role]}
        self.fields["to_user"].queryset = (
            User.objects.filter(
                pk__in=Membership.objects.active()
                .filter(organisation=appraisal.organisation, role__in=kinds)
                .values("user")
            )
            .exclude(pk=appraisal.appraisee_id)
            .order_by("last_name", "first_name", "pk")
        )


@login_required
def reassign_participant(request, appraisal):
    """404 for anyone who may not reassign in this appraisal (or once it is no longer running)."""
    appraisal = get_object_or_404(
        reassign.appraisals_reassignable_by(request.user).with_people(), uuid=appraisal
    )
    form = ReassignForm(request.POST or None, appraisal=appraisal)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = reassign.reassign(
                appraisal=appraisal,
                role=data["role"],
                to=data["to_user"],
                reason=data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            ServiceErrorsMixin.add_service_error(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            record_confirmation(record=change, findings=form.guard_confirmed, by=request.user)
            messages.success(
                request, f"{change.to_user} is now the {change.role_words} in this appraisal."
            )
            return redirect(appraisal)
    return render(
        request,
        "appraisals/reassign.html",
        {"appraisal": appraisal, "form": form},
        status=400 if form.is_bound else 200,
    )
