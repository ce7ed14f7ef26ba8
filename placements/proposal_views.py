"""Proposing a placement: the placement lead's form, with the people, team and offer to choose
from (each labelled with what the lead needs to choose well), and the page that takes it.
`services.propose_placement` decides whether the proposal is allowed."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from cms.forms import GovUKDateField, ServiceErrorsMixin
from organisations.models import Membership, Organisation, Role, Team

from . import currency, rules, services
from .capacity_models import OFFER_KINDS, PlacementOffer
from .designations import GRANTED
from .models import (
    Cohort,
    Designation,
    DesignationKind,
    SettingType,
    StudentUnit,
)
from .offer_views import OfferChoiceField
from .offers import offers_with_places_for
from .views_common import save_form

# ---------------------------------------------------------------------------------------------
# Proposing


def related_organisations(user):
    """The organisations a placement lead works with: their own, and their partners in teaching
    partnerships (an HEI's employers, an employer's HEIs)."""
    leads = rules.placement_lead_organisations(user)
    return Organisation.objects.filter(
        Q(pk__in=leads.values("pk"))
        | Q(partnerships_led__employers__in=leads)
        | Q(partnerships__hei__in=leads)
    ).distinct()


class MembershipChoiceField(forms.ModelChoiceField):
    """A person chosen by one of their roles, labelled with the role and where they hold it; a
    practice educator also with their currency on the register when `currencies` is set
    ({person id: text}), e.g. "(PEPS stage 2, lapsed, Northshire)"."""

    currencies: dict | None = None

    def label_from_instance(self, membership):
        detail = membership.get_role_display()
        if membership.peps_stage:
            detail = membership.get_peps_stage_display()
            if self.currencies is not None:
                detail += f", {self.currencies.get(membership.user_id, 'award not recorded')}"
        return f"{membership.user} ({detail}, {membership.organisation})"


def currency_labels(people, cohorts) -> dict:
    """{person id: "current" or "lapsed"} for the people with a PEPS award on the register,
    judged over the currency period of the cohorts' programmes (when they differ, each period
    whose judgement differs is named: "lapsed (2-year period), current (3-year period)"). Three
    queries, whatever the number of people."""
    periods = sorted(set(cohorts.values_list("programme__peps_currency_years", flat=True)))
    periods = periods or [currency.DEFAULT_CURRENCY_YEARS]
    judged = currency.judge_many(people, periods)
    labels = {}
    for pk, by_period in judged.items():
        statuses = {c.label.lower() for c in by_period.values()}
        if len(statuses) == 1:
            labels[pk] = statuses.pop()
        else:
            labels[pk] = ", ".join(
                f"{c.label.lower()} ({years}-year period)" for years, c in by_period.items()
            )
    return labels


class CohortChoiceField(forms.ModelChoiceField):
    """A cohort, labelled with its programme's placement lengths (the programme's settings)."""

    def label_from_instance(self, cohort):
        return f"{cohort} ({cohort.programme.rules_text})"


class TeamChoiceField(forms.ModelChoiceField):
    """A team, labelled with its employer and the designations the employer holds today (set
    `designations`: {organisation id: [designation names]})."""

    designations: dict = {}

    def label_from_instance(self, team):
        held = self.designations.get(team.organisation_id)
        status = " and ".join(held) if held else "no Approved Practice Setting or teaching status"
        return f"{team.name}, {team.organisation} ({status})"


def designations_held(organisations) -> dict:
    """{organisation id: names of the designations it holds today}, in one query."""
    today = timezone.localdate()
    held: dict = {}
    current = (
        Designation.objects.filter(
            organisation__in=organisations, status__in=GRANTED, starts_on__lte=today
        )
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
        .values_list("organisation_id", "kind")
        .distinct()
        .order_by("organisation_id", "kind")
    )
    for organisation, kind in current:
        held.setdefault(organisation, []).append(DesignationKind(kind).label)
    return held


class PlacementForm(ServiceErrorsMixin, forms.Form):
    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(),
        empty_label="Choose a cohort",
        error_messages={"required": "Choose the student's cohort"},
    )
    student = forms.ModelChoiceField(
        queryset=User.objects.none(),
        empty_label="Choose a student",
        error_messages={"required": "Choose a student"},
    )
    kind = forms.ChoiceField(
        choices=OFFER_KINDS,
        widget=forms.RadioSelect,
        label="Kind of placement",
        help_text="Its length is the one the cohort's programme sets.",
        error_messages={"required": "Choose the kind of placement"},
    )
    setting_type = forms.ChoiceField(
        choices=SettingType.choices,
        widget=forms.RadioSelect,
        label="Kind of setting",
        help_text="The programme checks that each student has contrasting settings, and a "
        "statutory one where it asks for it.",
        error_messages={"required": "Choose the kind of setting"},
    )
    provider_team = TeamChoiceField(
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        label="Team",
        help_text="Each team's employer is shown with its Approved Practice Setting and teaching "
        "organisation status today.",
        error_messages={"required": "Choose the team the student joins"},
    )
    offer = OfferChoiceField(
        queryset=PlacementOffer.objects.none(),
        required=False,
        empty_label="Not from an offer",
        label="Place on an offer (optional)",
        help_text="The placement takes one of the offer's places: same team, kind, setting and "
        "term.",
    )
    unit = forms.ModelChoiceField(
        queryset=StudentUnit.objects.none(),
        required=False,
        empty_label="Not in a student unit",
        label="Student unit (optional)",
    )
    practice_educator = MembershipChoiceField(
        queryset=Membership.objects.none(),
        empty_label="Choose a practice educator",
        error_messages={"required": "Choose the practice educator"},
    )
    co_assessor = MembershipChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No co-assessor",
        label="Co-assessor (optional)",
        help_text="A PEPS stage 2 practice educator. Needed when a stage 1 educator takes a final "
        "placement.",
    )
    onsite_supervisor = MembershipChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="No on-site supervisor",
        label="On-site supervisor",
        help_text="Needed when the practice educator does not work for the provider.",
    )
    hei_tutor = MembershipChoiceField(
        queryset=Membership.objects.none(),
        empty_label="Choose a tutor",
        label="HEI tutor",
        error_messages={"required": "Choose the HEI tutor"},
    )
    starts_on = GovUKDateField(
        label="Start date", name_in_errors="start date", help_text="For example, 1 9 2026"
    )
    ends_on = GovUKDateField(
        label="End date", name_in_errors="end date", help_text="For example, 30 1 2027"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        related = related_organisations(user)
        heis = related.filter(kind=Organisation.Kind.HEI)
        employers = related.filter(kind__in=Organisation.EMPLOYER_KINDS)
        cohorts = Cohort.objects.filter(programme__hei__in=heis).select_related("programme")
        self.fields["cohort"].queryset = cohorts
        self.fields["student"].queryset = User.objects.filter(
            pk__in=cohorts.values("students")
        ).order_by("last_name", "first_name", "email")
        self.fields["provider_team"].queryset = Team.objects.filter(
            organisation__in=employers
        ).select_related("organisation")
        self.fields["provider_team"].designations = designations_held(employers)
        self.fields["offer"].queryset = offers_with_places_for(user)
        self.fields["unit"].queryset = StudentUnit.objects.filter(
            team__organisation__in=employers
        ).select_related("team__organisation")
        current = Membership.objects.active().select_related("user", "organisation")
        order = ("user__last_name", "user__first_name", "organisation__name")
        educators = current.filter(
            role=Role.PRACTICE_EDUCATOR, peps_stage__isnull=False, organisation__in=related
        ).order_by(*order)
        self.fields["practice_educator"].queryset = educators
        self.fields["co_assessor"].queryset = educators.filter(peps_stage=2)
        labels = currency_labels(educators.values("user"), cohorts)
        self.fields["practice_educator"].currencies = labels
        self.fields["co_assessor"].currencies = labels
        self.fields["onsite_supervisor"].queryset = current.filter(
            role__in=services.SUPERVISOR_ROLES, organisation__in=employers
        ).order_by(*order)
        self.fields["hei_tutor"].queryset = current.filter(
            role=Role.HEI_TUTOR, organisation__in=heis
        ).order_by(*order)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        person = {
            name: data[name].user if data.get(name) else None
            for name in ("practice_educator", "co_assessor", "onsite_supervisor", "hei_tutor")
        }
        return {
            "student": data["student"],
            "cohort": data["cohort"],
            "provider_team": data["provider_team"],
            "unit": data.get("unit"),
            "offer": data.get("offer"),
            "kind": data["kind"],
            "setting_type": data["setting_type"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            **person,
        }


@login_required
def placement_create(request):
    if not rules.placement_lead_organisations(request.user).exists():
        raise Http404
    form = PlacementForm(request.POST or None, user=request.user)
    if request.method == "POST":
        saved = save_form(
            request,
            form,
            lambda: services.propose_placement(by=request.user, **form.service_arguments()),
            done=lambda placement: f"Proposed: {placement}.",
            then=lambda placement: placement,
            refusal_on_form=True,
        )
        if saved is not None:
            return saved
    return render(
        request, "placements/form.html", {"form": form}, status=400 if form.errors else 200
    )
