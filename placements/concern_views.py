"""Concerns about a placement (`concerns`): the list and the forms to raise one, and each
concern's page with its action plan. A student's concern about the placement itself does not
exist for the provider's people: absent from the list, 404 on its page."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin

from . import concerns, services
from .views_common import placement_for, record_reading, report_problem, save_form


class ConcernForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label="What is the concern?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe the concern"},
    )


class ConcernActionForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    text = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the action"},
    )
    due_on = GovUKDateField(
        label="Due date", name_in_errors="date the action is due", help_text="For example, 1 3 2027"
    )


def _list_context(request, placement, roles, *, forms_=None) -> dict:
    forms_ = forms_ or {}
    return {
        "placement": placement,
        "concerns": list(
            concerns.concerns_visible_to(request.user, placement, roles).prefetch_related("actions")
        ),
        "cause_form": forms_.get("cause") or ConcernForm(prefix="cause")
        if concerns.may_raise(roles, placement)
        else None,
        "placement_form": forms_.get("placement") or ConcernForm(prefix="placement")
        if concerns.may_raise(roles, placement, about_placement=True)
        else None,
        "error_form": next((f for f in forms_.values() if f.errors), None),
        "hei_reader": concerns.sees_hidden(roles),
    }


@login_required
def concern_list(request, placement):
    placement = placement_for(request, placement)
    roles = services.roles_in(request.user, placement)
    if request.method != "POST":
        record_reading(request, placement, roles)
        return render(request, "placements/concerns.html", _list_context(request, placement, roles))
    kind = request.POST.get("kind", "")
    if kind not in ("cause", "placement"):
        kind = "cause"
    form = ConcernForm(request.POST, prefix=kind)
    saved = save_form(
        request,
        form,
        lambda: concerns.raise_concern(
            placement=placement,
            by=request.user,
            text=form.cleaned_data["text"],
            about_placement=kind == "placement",
        ),
        done="Your concern is raised. The HEI tutor has been told.",
        then=lambda concern: reverse(
            "placements:concern", kwargs={"placement": placement.uuid, "concern": concern.uuid}
        ),
        back=reverse("placements:concerns", kwargs={"placement": placement.uuid}),
    )
    if saved is not None:
        return saved
    context = _list_context(request, placement, roles, forms_={kind: form})
    return render(request, "placements/concerns.html", context, status=400)


def _concern_context(request, placement, roles, concern, *, form=None) -> dict:
    return {
        "placement": placement,
        "concern": concern,
        "actions": list(concern.actions.select_related("added_by")),
        "form": (form or ConcernActionForm(prefix="action"))
        if concerns.may_plan(roles, concern)
        else None,
        "error_form": form if form is not None and form.errors else None,
        "can_resolve": concerns.may_resolve(roles, concern),
        "can_mark_done": concerns.may_mark_done(roles, concern),
    }


@login_required
def concern_detail(request, placement, concern):
    placement = placement_for(request, placement)
    roles = services.roles_in(request.user, placement)
    concern = get_object_or_404(
        concerns.concerns_visible_to(request.user, placement, roles), uuid=concern
    )
    concern.placement = placement
    here = reverse(
        "placements:concern", kwargs={"placement": placement.uuid, "concern": concern.uuid}
    )
    if request.method != "POST":
        record_reading(request, placement, roles)
        return render(
            request, "placements/concern.html", _concern_context(request, placement, roles, concern)
        )
    if request.POST.get("what") == "resolve":
        try:
            concerns.resolve(concern=concern, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            report_problem(request, error)
        else:
            messages.success(request, "The concern is resolved.")
        return redirect(here)
    if request.POST.get("what") == "done":
        action = get_object_or_404(concern.actions, pk=request.POST.get("action") or 0)
        try:
            concerns.mark_action_done(action=action, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            report_problem(request, error)
        else:
            messages.success(request, "The action is marked done.")
        return redirect(here)
    form = ConcernActionForm(request.POST, prefix="action")
    saved = save_form(
        request,
        form,
        lambda: concerns.add_action(
            concern=concern,
            by=request.user,
            text=form.cleaned_data["text"],
            due_on=form.cleaned_data["due_on"],
        ),
        done="The action is added to the plan.",
        then=here,
    )
    if saved is not None:
        return saved
    context = _concern_context(request, placement, roles, concern, form=form)
    if context["form"] is None:
        for error in form.non_field_errors():
            messages.error(request, error)
        return redirect(here)
    return render(request, "placements/concern.html", context, status=400)
