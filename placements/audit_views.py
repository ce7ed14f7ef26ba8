"""A placement's quality audit: each party's part and the HEI's moderation. The placement is
found through `views._placement` (404 when the person may not read it)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin

from . import rules, services
from .models import (
    ActionItem,
    Audit,
    AuditParty,
)
from .views_common import placement_for, record_reading, report_problem, save_form

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
    placement = placement_for(request, placement)
    roles = services.roles_in(request.user, placement)
    audit = Audit.objects.filter(placement=placement).select_related("template").first()
    if audit is None:
        record_reading(request, placement, roles)
        return render(request, "placements/audit.html", {"placement": placement, "audit": None})
    audit.placement = placement
    if request.method == "POST":
        return _audit_post(request, placement, audit)
    record_reading(request, placement, roles)
    return render(request, "placements/audit.html", _audit_context(request, placement, audit))


def _audit_post(request, placement, audit):
    here = reverse("placements:audit", kwargs={"placement": placement.uuid})
    what = request.POST.get("what", "")
    if what == "part":
        party = request.POST.get("party", "")
        if party not in rules.audit_parties_of(request.user, placement):
            messages.error(request, "That part of the audit is not yours to complete.")
            return redirect(here)
        form = AuditPartForm(request.POST, audit=audit, party=party)
        saved = save_form(
            request,
            form,
            lambda: services.submit_audit_part(
                audit=audit,
                by=request.user,
                party=party,
                ratings=form.ratings(),
                comments=form.comments(),
            ),
            done=f"Your part ({form.label}) is submitted.",
            then=here,
        )
        if saved is not None:
            return saved
        context = _audit_context(request, placement, audit, part_forms={party: form})
        context["error_form"] = form
        return render(request, "placements/audit.html", context, status=400)
    if what == "moderate":
        if not rules.is_hei_lead_for(request.user, placement):
            messages.error(request, "Only the HEI's placement lead moderates an audit.")
            return redirect(here)
        form = ModerationForm(request.POST, audit=audit)
        saved = save_form(
            request,
            form,
            lambda: services.moderate(
                audit=audit,
                by=request.user,
                notes=form.cleaned_data["notes"],
                actions=form.actions(),
            ),
            done="The audit is moderated.",
            then=here,
            record=audit,
        )
        if saved is not None:
            return saved
        context = _audit_context(request, placement, audit, moderation=form)
        if context["moderation"] is None:  # not ready, or already moderated
            for error in form.non_field_errors():
                messages.error(request, error)
            return redirect(here)
        context["error_form"] = form
        return render(request, "placements/audit.html", context, status=400)
    if what == "action":
        action = get_object_or_404(audit.actions, pk=request.POST.get("action") or 0)
        try:
            services.update_action(
                action=action, by=request.user, status=request.POST.get("status", "")
            )
        except (ValidationError, PermissionDenied) as error:
            report_problem(request, error)
        else:
            messages.success(request, "The action is updated.")
        return redirect(here)
    raise Http404
