"""The final report page of a placement (`final_report`): the overall summary, the recommendation
and each domain's judgement and evidence, with the practice assessment panel's decision when it
has one; and the form for the practice educator or co-assessor who writes it. Anyone who sees
the placement reads it; others get 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from cms.forms import ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin

from . import final_report, panel, services
from .assessment_models import FinalReportJudgements
from .learning import placement_level
from .midpoint import pcf_domains
from .models import Placement
from .views_common import placement_for, record_reading, save_form


class FinalReportForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    """A judgement and the evidence for each domain of the current PCF, then the overall summary
    and the recommendation."""

    text = forms.CharField(
        label="Overall summary",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the student can do at the end of the placement, across the domains.",
        error_messages={"required": "Write the overall summary of the final report"},
    )
    recommendation = forms.ChoiceField(
        choices=Placement.Recommendation.choices,
        widget=forms.RadioSelect,
        label="Your recommendation",
        help_text="A pass needs every domain met at the level.",
        error_messages={"required": "Choose pass, fail or refer"},
    )

    def __init__(self, *args, domains, level=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = domains
        at = f" at {level.title}" if level is not None else ""
        scale = list(enumerate(FinalReportJudgements.SCALE))
        for domain in domains:
            self.fields[final_report.judgement_field(domain)] = forms.TypedChoiceField(
                label=f"{domain.code}. {domain.title}: judgement{at}",
                choices=scale,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Give a judgement for {domain.title}"},
            )
            self.fields[final_report.evidence_field(domain)] = forms.CharField(
                label=f"{domain.title}: evidence",
                help_text="What you saw, read or heard that shows it.",
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"required": f"Give the evidence for {domain.title}"},
            )
        # The domains first, then the summary and the recommendation.
        domain_fields = [n for n in self.fields if n not in ("text", "recommendation")]
        self.order_fields([*domain_fields, "text", "recommendation"])

    @property
    def rows(self):
        return [
            {
                "domain": domain,
                "judgement": self[final_report.judgement_field(domain)],
                "evidence": self[final_report.evidence_field(domain)],
            }
            for domain in self.domains
        ]

    def judgements(self) -> dict:
        data = self.cleaned_data
        return {
            domain: (
                data.get(final_report.judgement_field(domain)),
                data.get(final_report.evidence_field(domain)),
            )
            for domain in self.domains
        }


def _initial(placement: Placement) -> dict:
    initial = {"text": placement.final_report, "recommendation": placement.recommendation}
    record = FinalReportJudgements.objects.filter(placement=placement).first()
    if record is not None:
        for key, value in record.judgements.items():
            initial[f"judgement_{key}"] = value.get("rating")
            initial[f"evidence_{key}"] = value.get("evidence", "")
    return initial


def _context(request, placement, roles, *, form=None) -> dict:
    level = placement_level(placement)
    may_write = final_report.may_write(request.user, placement, roles)
    if may_write and form is None:
        form = FinalReportForm(domains=pcf_domains(), level=level, initial=_initial(placement))
    return {
        "placement": placement,
        "rows": final_report.judgement_rows(placement),
        "level": level,
        "form": form if may_write else None,
        "error_form": form if form is not None and form.errors else None,
        "scale": FinalReportJudgements.SCALE,
        "case": panel.latest_case(placement),
        "referred_back": panel.referred_back(placement),
    }


@login_required
def final_report_page(request, placement):
    placement = placement_for(request, placement)
    roles = services.roles_in(request.user, placement)
    here = reverse("placements:final-report", kwargs={"placement": placement.uuid})
    if request.method != "POST":
        record_reading(request, placement, roles)
        return render(request, "placements/final_report.html", _context(request, placement, roles))
    form = FinalReportForm(request.POST, domains=pcf_domains(), level=placement_level(placement))
    saved = save_form(
        request,
        form,
        lambda: final_report.record_final_report(
            placement=placement,
            by=request.user,
            text=form.cleaned_data["text"],
            recommendation=form.cleaned_data["recommendation"],
            judgements=form.judgements(),
        ),
        done="Your final report and recommendation are recorded.",
        then=here,
    )
    if saved is not None:
        return saved
    placement.refresh_from_db()
    context = _context(request, placement, roles, form=form)
    if context["form"] is None:
        for error in form.non_field_errors() or [services.STEPS["final_report"].who_text]:
            messages.error(request, error)
        return redirect(here)
    return render(request, "placements/final_report.html", context, status=400)
