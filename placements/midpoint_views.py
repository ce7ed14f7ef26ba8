"""The midpoint review page of a placement (`midpoint`): each domain's judgement and comment,
and the form for the practice educator, co-assessor or tutor who records it. Anyone who sees the
placement reads it; others get 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin

from . import midpoint, services
from .learning import placement_level
from .lifecycle_models import MidpointReview
from .views_common import placement_for, record_reading, save_form


class MidpointForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    """The date, then a judgement and a comment for each domain of the current PCF."""

    held_on = GovUKDateField(
        label="Date of the midpoint review", name_in_errors="date of the midpoint review"
    )

    def __init__(self, *args, domains, level=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.domains = domains
        at = f" at {level.title}" if level is not None else ""
        scale = list(enumerate(MidpointReview.SCALE))
        for domain in domains:
            self.fields[midpoint.rating_field(domain)] = forms.TypedChoiceField(
                label=f"{domain.code}. {domain.title}: judgement{at}",
                choices=scale,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a judgement for {domain.title}"},
            )
            self.fields[midpoint.comment_field(domain)] = forms.CharField(
                label=f"{domain.title}: comment",
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": f"Write a comment on {domain.title}"},
            )

    @property
    def rows(self):
        return [
            {
                "domain": domain,
                "rating": self[midpoint.rating_field(domain)],
                "comment": self[midpoint.comment_field(domain)],
            }
            for domain in self.domains
        ]

    def judgements(self) -> dict:
        data = self.cleaned_data
        return {
            domain: (
                data.get(midpoint.rating_field(domain)),
                data.get(midpoint.comment_field(domain)),
            )
            for domain in self.domains
        }


def _initial(review: MidpointReview | None) -> dict:
    if review is None:
        return {}
    initial = {"held_on": review.held_on}
    for key, value in review.judgements.items():
        initial[f"domain_{key}"] = value.get("rating")
        initial[f"comment_{key}"] = value.get("comment", "")
    return initial


def _context(request, placement, roles, *, form=None) -> dict:
    review = (
        MidpointReview.objects.filter(placement=placement)
        .select_related("level", "recorded_by")
        .first()
    )
    steps = services.steps_for(request.user, placement, roles)
    level = placement_level(placement)
    if "midpoint" in steps and form is None:
        form = MidpointForm(domains=midpoint.pcf_domains(), level=level, initial=_initial(review))
    return {
        "placement": placement,
        "review": review,
        "rows": midpoint.judgement_rows(review),
        "level": level,
        "form": form if "midpoint" in steps else None,
        "error_form": form if form is not None and form.errors else None,
        "scale": MidpointReview.SCALE,
    }


@login_required
def midpoint_review(request, placement):
    placement = placement_for(request, placement)
    roles = services.roles_in(request.user, placement)
    if request.method != "POST":
        record_reading(request, placement, roles)
        return render(request, "placements/midpoint.html", _context(request, placement, roles))
    form = MidpointForm(
        request.POST, domains=midpoint.pcf_domains(), level=placement_level(placement)
    )
    here = reverse("placements:midpoint", kwargs={"placement": placement.uuid})
    saved = save_form(
        request,
        form,
        lambda: midpoint.record_midpoint_review(
            placement=placement,
            by=request.user,
            held_on=form.cleaned_data["held_on"],
            judgements=form.judgements(),
        ),
        done="The midpoint review is recorded.",
        then=here,
    )
    if saved is not None:
        return saved
    context = _context(request, placement, roles, form=form)
    if context["form"] is None:
        messages.error(request, services.STEPS["midpoint"].who_text)
        return redirect(here)
    return render(request, "placements/midpoint.html", context, status=400)
