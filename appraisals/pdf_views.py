"""Downloading an appraisal as a PDF: for anyone who may read the appraisal (including a former
participant, the stages they signed only), nobody else."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.audit import record_access
from accounts.models import AccessEvent

from . import former, rules
from .pdf import appraisal_data, appraisals_with_related, render_appraisal_pdf, signed_stages_data


def filename_for(appraisal) -> str:
    person = appraisal.appraisee
    slug = slugify(person.get_full_name()) or slugify(person.email.split("@")[0]) or "appraisee"
    return f"appraisal-{slug}-{appraisal.starts_on.isoformat()}.pdf"


@login_required
@require_GET
@never_cache
def appraisal_pdf(request, appraisal):
    appraisal = get_object_or_404(
        appraisals_with_related(rules.appraisals_readable_by(request.user)), uuid=appraisal
    )
    if rules.appraisals_visible_to(request.user).filter(pk=appraisal.pk).exists():
        # The questions the reader's roles see, as on the stage page (a PSW holds none: all).
        data = appraisal_data(appraisal, roles=appraisal.roles_of(request.user))
        name = filename_for(appraisal)
    else:
        # A former participant: a copy of the stages they signed, titled so (issue 10).
        scope = former.scope_for(request.user, appraisal)
        data = signed_stages_data(appraisal, user=request.user, scope=scope)
        name = filename_for(appraisal).replace("appraisal-", "appraisal-stages-you-signed-", 1)
    body = render_appraisal_pdf(data)
    if appraisal.appraisee_id != request.user.pk:
        record_access(
            request=request,
            obj=appraisal,
            owner=appraisal.appraisee,
            action=AccessEvent.Action.EXPORT,
            organisation=appraisal.organisation,
        )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
