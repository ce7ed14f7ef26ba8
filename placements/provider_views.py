"""A placement provider's pages: a summary for its placement leads and its partner HEIs, the
quality profile, and what students of partner HEIs may read before a placement is agreed.

Each view answers 404 to anyone `quality.can_read_*` does not allow, so that nobody else can
tell which providers exist. None of these pages shows a student's name or one student's audit
answers: students' sections are only ever counted together (see `quality`).
"""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from organisations.models import Organisation

from . import quality as figures
from . import registers
from .models import Designation, DesignationKind, Placement, StudentUnit


def _provider(request, slug, allowed) -> Organisation:
    organisation = get_object_or_404(Organisation, slug=slug, kind__in=Organisation.EMPLOYER_KINDS)
    if not allowed(request.user, organisation):
        raise Http404
    return organisation


def _designations(organisation, today):
    """For each kind of designation, the one held today (the latest to expire), or None."""
    held = defaultdict(list)
    for designation in Designation.objects.filter(organisation=organisation).select_related(
        "awarding_body"
    ):
        if designation.is_current(today):
            held[designation.kind].append(designation)
    return [
        {
            "kind": kind,
            "label": label,
            "current": max(held[kind], key=lambda d: (d.expires_on is None, d.expires_on or today))
            if held[kind]
            else None,
        }
        for kind, label in DesignationKind.choices
    ]


@login_required
def provider(request, slug):
    organisation = _provider(request, slug, figures.can_read_provider)
    today = timezone.localdate()
    teams = list(organisation.teams.order_by("name", "pk"))
    placements = Placement.objects.filter(provider_team__organisation=organisation)
    current_by_team = dict(
        figures.current_placements(placements, today)
        .values_list("provider_team_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    units = list(
        StudentUnit.objects.filter(team__organisation=organisation)
        .select_related("team", "head")
        .order_by("team__name", "pk")
    )
    in_units = dict(
        figures.current_placements(placements.filter(unit__in=units), today)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return render(
        request,
        "placements/provider.html",
        {
            "organisation": organisation,
            "teams": [{"team": team, "current": current_by_team.get(team.pk, 0)} for team in teams],
            "units": [
                {
                    "unit": unit,
                    "current": in_units.get(unit.pk, 0),
                    "free": max(unit.capacity - in_units.get(unit.pk, 0), 0),
                }
                for unit in units
            ],
            "designations": _designations(organisation, today),
            "can_read_quality": figures.can_read_quality(request.user, organisation),
            "can_read_registers": registers.can_read_registers(request.user),
            "today": today,
        },
    )


@login_required
def quality(request, slug):
    organisation = _provider(request, slug, figures.can_read_quality)
    return render(
        request,
        "placements/provider_quality.html",
        {
            "organisation": organisation,
            "profile": figures.provider_profile(organisation),
            "threshold": figures.SUPPRESSION_THRESHOLD,
            "can_read_provider": figures.can_read_provider(request.user, organisation),
        },
    )


@login_required
def student_feedback(request, slug):
    organisation = _provider(request, slug, figures.can_read_feedback)
    return render(
        request,
        "placements/provider_feedback.html",
        {
            "organisation": organisation,
            "feedback": figures.student_feedback(organisation),
            "threshold": figures.SUPPRESSION_THRESHOLD,
        },
    )
