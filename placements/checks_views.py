"""The pre-placement checks page of a placement: every check, whether the programme requires
it, who confirmed it and when, and a button for whoever may confirm it now (`checks`). Anyone
who sees the placement sees its checks; others get 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from cms.forms import GovUKDateField, ServiceErrorsMixin

from . import checks, services
from .lifecycle_models import CheckKind
from .views_common import placement_for, record_reading, report_problem


class InductionForm(ServiceErrorsMixin, forms.Form):
    induction_on = GovUKDateField(
        label="Date of the induction",
        name_in_errors="date of the induction",
        help_text="For example, 1 9 2026",
    )


def _context(request, placement, roles, *, form=None) -> dict:
    steps = services.steps_for(request.user, placement, roles)
    return {
        "placement": placement,
        "rows": checks.check_rows(placement, steps),
        "missing": [CheckKind(k).label for k in checks.missing_checks(placement)],
        "form": form or InductionForm(prefix="induction"),
        "error_form": form if form is not None and form.errors else None,
    }


@login_required
def placement_checks(request, placement):
    placement = placement_for(request, placement)
    roles = services.roles_in(request.user, placement)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        form = None
        induction_on = None
        if kind == CheckKind.INDUCTION:
            form = InductionForm(request.POST, prefix="induction")
            if not form.is_valid():
                context = _context(request, placement, roles, form=form)
                return render(request, "placements/checks.html", context, status=400)
            induction_on = form.cleaned_data["induction_on"]
        try:
            checks.confirm_check(
                placement=placement, by=request.user, kind=kind, induction_on=induction_on
            )
        except ValidationError as error:
            if form is not None and hasattr(error, "error_dict"):
                form.add_service_error(error)
                context = _context(request, placement, roles, form=form)
                return render(request, "placements/checks.html", context, status=400)
            report_problem(request, error)
        except PermissionDenied as error:
            report_problem(request, error)
        else:
            messages.success(request, f"{CheckKind(kind).label} confirmed.")
        return redirect("placements:checks", placement=placement.uuid)
    record_reading(request, placement, roles)
    return render(request, "placements/checks.html", _context(request, placement, roles))
