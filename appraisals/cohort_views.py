"""The ASYE cohort page and its chase button, for the organisation's ASYE coordinators and
Principal Social Workers (404 for anyone else). Thin: what is shown comes from `cohort.cohort`,
the chase rule from `cohort.chase`. Showing the page is a read of each programme on it, logged in
each appraisee's access log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.audit import record_reads
from cms.messages import report_refusal

from . import cohort, rules
from .models import AppraisalTemplate


def _organisations(user) -> list:
    organisations = list(rules.cohort_organisations(user).order_by("name", "pk"))
    if not organisations:
        raise Http404
    return organisations


def _chosen(organisations, slug):
    """The organisation `?organisation=<slug>` names among `organisations` (404 if none), else
    the first."""
    if not slug:
        return organisations[0]
    for organisation in organisations:
        if organisation.slug == slug:
            return organisation
    raise Http404


@login_required
def cohort_page(request):
    organisations = _organisations(request.user)
    organisation = _chosen(organisations, request.GET.get("organisation"))
    rows = cohort.cohort(request.user, organisation)
    record_reads(
        request=request,
        records=[(row.appraisal, row.appraisal.appraisee) for row in rows],
        organisation=organisation,
    )
    return render(
        request,
        "appraisals/cohort.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "rows": rows,
            "today": timezone.localdate(),
            "can_start": rules.templates_startable_by(request.user)
            .filter(organisation=organisation, kind=AppraisalTemplate.Kind.ASYE, is_active=True)
            .exists(),
        },
    )


@login_required
@require_POST
def chase(request, appraisal, number):
    appraisal = get_object_or_404(
        rules.asye_cohorts_visible_to(request.user).select_related("organisation"), uuid=appraisal
    )
    stage = get_object_or_404(appraisal.stages.select_related("template_stage"), order=number)
    try:
        chased = cohort.chase(stage=stage, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        report_refusal(request, error, denied="You cannot chase this review.")
    else:
        messages.success(
            request,
            f"Chased {stage.name} of {appraisal.appraisee}'s ASYE: "
            f"{chased.people} {'person' if chased.people == 1 else 'people'} reminded by email.",
        )
    url = reverse("appraisals:asye-cohort")
    return redirect(f"{url}?organisation={appraisal.organisation.slug}#asye-{appraisal.uuid}")
