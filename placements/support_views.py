"""A placement's learning-support plan (`support`). The student writes it and chooses who reads
it; a reader the student shares it with reads it while the consent stands. Everyone else gets
404, as for a page that does not exist (`rules.support_plans_visible_to`)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.audit import record_access
from cms.forms import ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin, confirmed_fingerprints, record_confirmation

from . import rules, support
from .support_models import SupportReaderRole
from .views_common import placement_for, report_problem


class SupportPlanForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label="The support and adjustments you need on this placement",
        help_text=(
            "For example, how you prefer to receive feedback, breaks you need, or equipment. "
            "Only you, and the people you choose to share it with below, can read it."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Write the support and adjustments you need"},
    )


def _student_context(request, placement, *, form=None) -> dict:
    plan = support.plan_of(placement)
    consents = list(plan.consents.select_related("reader")) if plan else []
    live = {(c.reader_id, c.role): c for c in consents if c.revoked_at is None}
    return {
        "placement": placement,
        "plan": plan,
        "is_student": True,
        "form": form or SupportPlanForm(prefix="plan", initial={"text": plan.text if plan else ""}),
        "error_form": form if form is not None and form.errors else None,
        "people": [
            {
                "role": role,
                "label": SupportReaderRole(role).label,
                "person": person,
                "consent": live.get((person.pk, role)),
            }
            for role, person in support.people_to_share_with(placement)
        ],
        "history": consents,
    }


@login_required
def support_plan(request, placement):
    placement = placement_for(request, placement)
    if placement.student_id != request.user.pk:
        plan = get_object_or_404(
            rules.support_plans_visible_to(request.user).exclude(placement__student=request.user),
            placement=placement,
        )
        if request.method != "GET":
            raise Http404
        # In the student's own access log only: no organisation's log shows it.
        record_access(request=request, obj=plan, owner=placement.student)
        consent = plan.consents.live().filter(reader=request.user).order_by("given_at").first()
        return render(
            request,
            "placements/support.html",
            {"placement": placement, "plan": plan, "is_student": False, "consent": consent},
        )
    if request.method != "POST":
        return render(request, "placements/support.html", _student_context(request, placement))
    here = redirect("placements:support", placement=placement.uuid)
    what = request.POST.get("what", "")
    if what == "share":
        try:
            consent = support.give_consent(
                placement=placement, by=request.user, role=request.POST.get("role", "")
            )
        except (ValidationError, PermissionDenied) as error:
            report_problem(request, error)
        else:
            messages.success(
                request,
                f"Your plan is shared with {consent.reader} "
                f"({consent.get_role_display().lower()}).",
            )
        return here
    if what == "revoke":
        plan = support.plan_of(placement)
        if plan is None:
            raise Http404
        consent = get_object_or_404(plan.consents, pk=request.POST.get("consent") or 0)
        try:
            support.revoke_consent(consent=consent, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            report_problem(request, error)
        else:
            messages.success(request, f"{consent.reader} can no longer read your plan.")
        return here
    form = SupportPlanForm(
        request.POST,
        prefix="plan",
        confirmed_fingerprints=confirmed_fingerprints(support.plan_of(placement)),
    )
    if form.is_valid():
        try:
            plan = support.save_plan(
                placement=placement, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            record_confirmation(record=plan, findings=form.guard_confirmed, by=request.user)
            messages.success(request, "Your learning-support plan is saved.")
            return here
    context = _student_context(request, placement, form=form)
    return render(request, "placements/support.html", context, status=400)
