"""The holder's credentials (issue, read, download) and the issuer's page (revoke)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.audit import record_reads

from . import issuing, rules
from .achievements import earned_by
from .baking import baked_png, baked_svg
from .verification import verify


@login_required
def mine(request):
    """What the person has earned, and an "Issue credential" button for what is not issued."""
    if request.method == "POST":
        try:
            credential = issuing.issue(holder=request.user, key=request.POST.get("achievement", ""))
        except issuing.NotEarned as error:
            raise Http404("Nothing earned to issue.") from error
        messages.success(request, f"Credential issued: {credential.name}")
        return redirect(credential)
    issued = {(c.kind, str(c.source)): c for c in rules.credentials_of(request.user)}
    rows = [
        (earned, issued.get((earned.kind, str(earned.source.uuid))))
        for earned in earned_by(request.user)
    ]
    return render(
        request,
        "credentials/mine.html",
        {"rows": rows, "issues": rules.issues_credentials(request.user)},
    )


def _own(request, credential):
    return get_object_or_404(rules.credentials_of(request.user), uuid=credential)


@login_required
def detail(request, credential):
    credential = _own(request, credential)
    result = verify(credential.jwt)
    return render(request, "credentials/detail.html", {"credential": credential, "result": result})


@login_required
def download_json(request, credential):
    credential = _own(request, credential)
    body = json.dumps({"jwt": credential.jwt, "credential": credential.payload}, indent=2)
    response = HttpResponse(body, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.uuid}.json"'
    return response


@login_required
def download_svg(request, credential):
    credential = _own(request, credential)
    svg = baked_svg(name=credential.name, issuer=credential.issuer.name, jwt=credential.jwt)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="badge-{credential.uuid}.svg"'
    return response


@login_required
def download_png(request, credential):
    credential = _own(request, credential)
    png = baked_png(name=credential.name, issuer=credential.issuer.name, jwt=credential.jwt)
    response = HttpResponse(png, content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="badge-{credential.uuid}.png"'
    return response


@login_required
def download_jwt(request, credential):
    """OB 3.0 "File": the compact JWS alone, in a .jwt file any verifier reads."""
    credential = _own(request, credential)
    response = HttpResponse(credential.jwt, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="credential-{credential.uuid}.jwt"'
    return response


@login_required
def issued(request):
    """The credentials this person's organisations issued that they may revoke."""
    credentials = list(rules.revocable_by(request.user))
    record_reads(request=request, records=[(c, c.holder) for c in credentials if c.holder])
    return render(request, "credentials/issued.html", {"credentials": credentials})


@login_required
@require_POST
def revoke(request, credential):
    credential = get_object_or_404(rules.revocable_by(request.user), uuid=credential)
    issuing.revoke(credential=credential, by=request.user, request=request)
    messages.success(request, f"Revoked: {credential}")
    return redirect("credentials:issued")
