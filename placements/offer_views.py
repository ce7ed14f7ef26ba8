"""Placement offers (`offers`): a provider's placement lead publishes its teams' places per term
and changes how many; an HEI's placement lead sees the offers of its partner employers against
a cohort's demand. Anyone else gets 404 (`rules.offer_providers_of`, `rules.offer_heis_of`)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.messages import report_refusal
from organisations.models import Team

from . import offers, rules
from .capacity_models import OFFER_KINDS, PlacementOffer
from .models import Cohort, SettingType


class OfferChoiceField(forms.ModelChoiceField):
    """An offer, labelled with where, what and when, and the places left (annotate `taken`)."""

    def label_from_instance(self, offer):
        left = max(offer.capacity - getattr(offer, "taken", 0), 0)
        return (
            f"{offer.team.name}, {offer.team.organisation}: {offer.get_kind_display().lower()}, "
            f"{offer.get_setting_type_display().lower()}, {offer.term} "
            f"({left} of {offer.capacity} places left)"
        )


class OfferForm(ServiceErrorsMixin, forms.Form):
    guard_opt_out = "The term's name is a label for a period of the year, not about a person."

    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"required": "Choose the team offering the places"},
    )
    term = forms.CharField(
        max_length=60,
        help_text="As placement leads know it, such as Autumn 2027.",
        error_messages={"required": "Enter the term, such as Autumn 2027"},
    )
    starts_on = GovUKDateField(
        label="Placements start from", name_in_errors="date placements start from"
    )
    ends_on = GovUKDateField(label="Placements end by", name_in_errors="date placements end by")
    kind = forms.ChoiceField(
        choices=OFFER_KINDS,
        widget=forms.RadioSelect,
        label="Kind of placement",
        help_text="Its length is each student's programme's setting (70 and 100 days by default).",
        error_messages={"required": "Choose first or final placement"},
    )
    setting_type = forms.ChoiceField(
        choices=SettingType.choices,
        widget=forms.RadioSelect,
        label="Kind of setting",
        help_text="Local authority children's and adult services offer statutory tasks.",
        error_messages={"required": "Choose the kind of setting"},
    )
    capacity = forms.IntegerField(
        label="Places",
        help_text="How many students the team takes this term.",
        error_messages={
            "required": f"Enter a number of places from 1 to {offers.MAX_PLACES}",
            "invalid": f"Enter a number of places from 1 to {offers.MAX_PLACES}",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = (
            Team.objects.filter(organisation__in=rules.offer_providers_of(user))
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )


class CapacityForm(ServiceErrorsMixin, forms.Form):
    capacity = forms.IntegerField(
        label="Places",
        error_messages={
            "required": f"Enter a number of places from 0 to {offers.MAX_PLACES}",
            "invalid": f"Enter a number of places from 0 to {offers.MAX_PLACES}",
        },
    )


def _capacity_id(offer) -> str:
    return f"id_offer_{offer.pk}_%s"


@login_required
def offer_list(request):
    """A provider's offers, with places taken and left, and the form to publish one; an HEI's
    placement lead is sent on to the offers against demand."""
    providers = rules.offer_providers_of(request.user)
    if not providers.exists():
        if rules.offer_heis_of(request.user).exists():
            return redirect("placements:offer-demand")
        raise Http404
    form = OfferForm(user=request.user)
    capacity_error = None
    if request.method == "POST":
        if request.POST.get("what") == "capacity":
            offer = get_object_or_404(
                PlacementOffer.objects.filter(team__organisation__in=providers),
                uuid=request.POST.get("offer"),
            )
            capacity = CapacityForm(request.POST, auto_id=_capacity_id(offer))
            if capacity.is_valid():
                try:
                    offers.change_capacity(
                        offer=offer, by=request.user, capacity=capacity.cleaned_data["capacity"]
                    )
                except PermissionDenied as error:
                    report_refusal(request, error, denied="You cannot change that offer.")
                    return redirect("placements:offers")
                except ValidationError as error:
                    capacity.add_service_error(error)
                else:
                    messages.success(request, f"{offer} now has {offer.capacity} places.")
                    return redirect("placements:offers")
            capacity_error = (offer.pk, capacity)
        else:
            form = OfferForm(request.POST, user=request.user)
            if form.is_valid():
                try:
                    offer = offers.publish_offer(by=request.user, **form.cleaned_data)
                except PermissionDenied as error:
                    form.add_error("team", str(error))
                except ValidationError as error:
                    form.add_service_error(error)
                else:
                    messages.success(request, f"Published: {offer}.")
                    return redirect("placements:offers")
    listed = list(
        offers.with_places(PlacementOffer.objects.filter(team__organisation__in=providers))
    )
    for offer in listed:
        offer.left = max(offer.capacity - offer.taken, 0)
        offer.capacity_form = (
            capacity_error[1]
            if capacity_error and capacity_error[0] == offer.pk
            else CapacityForm(initial={"capacity": offer.capacity}, auto_id=_capacity_id(offer))
        )
    failed = form if form.errors else (capacity_error[1] if capacity_error else None)
    return render(
        request,
        "placements/offers.html",
        {
            "form": form,
            "offers": listed,
            "error_form": failed,
            "is_hei_lead": rules.offer_heis_of(request.user).exists(),
        },
        status=400 if failed is not None else 200,
    )


class DemandForm(forms.Form):
    guard_opt_out = "Choices of a cohort and a term to show; nothing is written."

    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        empty_label="Choose a cohort",
        error_messages={"required": "Choose a cohort", "invalid_choice": "Choose a cohort"},
    )
    term = forms.ChoiceField(
        choices=(), error_messages={"required": "Choose a term", "invalid_choice": "Choose a term"}
    )

    def __init__(self, *args, heis, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = (
            Cohort.objects.filter(programme__hei__in=heis)
            .select_related("programme__hei")
            .order_by("programme__name", "name")
        )
        terms = offers.terms_open_to(heis)
        self.fields["term"].choices = [("", "Choose a term")] + [(t, t) for t in terms]


@login_required
def offer_demand(request):
    """For an HEI's placement lead: one cohort's demand in one term against the offers of the
    HEI's partner employers, summed by kind and by employer."""
    heis = rules.offer_heis_of(request.user)
    if not heis.exists():
        raise Http404
    form = DemandForm(request.GET or None, heis=heis)
    demand = offers.demand_against_offers(**form.cleaned_data) if form.is_valid() else None
    return render(
        request,
        "placements/offer_demand.html",
        {
            "form": form,
            "demand": demand,
            "is_provider_lead": rules.offer_providers_of(request.user).exists(),
        },
        status=400 if form.errors else 200,
    )


@login_required
def offer_delete(request, offer):
    """The provider's placement lead deletes an offer no placement was proposed on, after a
    confirmation page; an offer with placements can only be closed (no places left). 404 for
    anyone but a placement lead of the team's employer."""
    offer = get_object_or_404(
        offers.with_places(
            PlacementOffer.objects.filter(
                team__organisation__in=rules.offer_providers_of(request.user)
            )
        ),
        uuid=offer,
    )
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "delete":
                offers.delete_offer(offer=offer, by=request.user)
                messages.success(request, f"Deleted: {offer}.")
            elif what == "close":
                offers.close_offer(offer=offer, by=request.user)
                messages.success(request, f"Closed: {offer}. No more placements can take a place.")
            else:
                raise Http404
        except (PermissionDenied, ValidationError) as error:
            report_refusal(request, error, denied="You cannot change that offer.")
            return redirect("placements:offer-delete", offer=offer.uuid)
        return redirect("placements:offers")
    return render(
        request,
        "placements/offer_delete.html",
        {
            "offer": offer,
            "left": max(offer.capacity - offer.taken, 0),
        },
    )
