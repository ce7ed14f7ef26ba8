"""What anyone may open without signing in: an issuer's profile, keys and status list, a shared
credential, and the verifier."""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from organisations.models import Organisation

from . import issuing, keys, statuslist
from .achievements import CRITERIA
from .forms import VerifyForm
from .models import Credential
from .verification import verify as verify_token

JSON_LD = "application/ld+json"


def _organisation(uuid):
    # Only organisations that issue (they have a key) publish anything.
    return get_object_or_404(Organisation, uuid=uuid, credential_key__isnull=False)


def _json(data, content_type=JSON_LD):
    response = JsonResponse(data, content_type=content_type, json_dumps_params={"indent": 2})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def issuer(request, organisation):
    return _json(issuing.issuer_profile(_organisation(organisation)))


def jwks(request, organisation):
    return _json(keys.jwks(_organisation(organisation)), "application/jwk-set+json")


def jwk(request, organisation, thumbprint):
    """One public key, where a credential's `kid` points."""
    found = keys.public_jwk(_organisation(organisation), thumbprint)
    if found is None:
        raise Http404
    return _json(found, "application/jwk+json")


def status_list(request, organisation):
    organisation = _organisation(organisation)
    response = HttpResponse(
        statuslist.signed_status_list(organisation), content_type="application/vc+jwt"
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


def achievement(request, organisation, kind):
    organisation = _organisation(organisation)
    if kind not in Credential.Kind.values:
        raise Http404
    return _json(
        {
            "@context": issuing.CONTEXT,
            "id": request.build_absolute_uri(),
            "type": ["Achievement"],
            "name": Credential.Kind(kind).label,
            "description": f"{Credential.Kind(kind).label}, issued by {organisation.name}.",
            "criteria": {"narrative": CRITERIA[kind]},
            "creator": issuing.issuer_profile(organisation, full=False),
        }
    )


def public(request, credential):
    """A credential its holder shared: verified, with no name or email shown."""
    credential = get_object_or_404(Credential, uuid=credential)
    if request.GET.get("format") == "jwt":
        # OB 3.0 "Web Resource": the compact JWS, served as text/plain.
        return HttpResponse(credential.jwt, content_type="text/plain; charset=utf-8")
    return render(
        request,
        "credentials/verify.html",
        {"result": verify_token(credential.jwt), "form": None, "credential": credential},
    )


def verify(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = verify_token(form.cleaned_data["token"])
    return render(request, "credentials/verify.html", {"form": form, "result": result})
