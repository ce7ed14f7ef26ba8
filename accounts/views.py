from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .mfa import has_mfa, role_requires_mfa


@login_required
def mfa_required(request):
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    return render(
        request,
        "accounts/mfa_required.html",
        {
            "next_url": next_url,
            "required": role_requires_mfa(request.user),
            "done": has_mfa(request.user),
        },
    )
