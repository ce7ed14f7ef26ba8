from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .mfa import has_mfa, requires_mfa


class RequireMFAMiddleware:
    """Anyone the access rules let read another person's record (or who can reach the admin)
    cannot open pages that may hold other people's data until MFA is set up.

    Secure by default: every path needs it except the public ones listed in
    CAPABLE_MFA_EXEMPT_PATHS (sign-in and MFA set-up, the public framework, search, guidance).
    Draft framework versions under those public paths ask for MFA themselves
    (`capabilities.permissions`). The answer is worked out once per request, and only for people
    without MFA (`accounts.mfa.requires_mfa`: a few EXISTS queries).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_set_up_mfa(request):
            url = reverse("accounts:mfa_required")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        path = request.path
        if path == "/" or path.startswith(tuple(settings.CAPABLE_MFA_EXEMPT_PATHS)):
            return False
        user = request.user
        if not user.is_authenticated:
            return False
        cached = getattr(request, "_capable_needs_mfa", None)
        if cached is None:
            cached = not has_mfa(user) and requires_mfa(user)
            request._capable_needs_mfa = cached
        return cached


class PrivateResponseMiddleware:
    """Responses to signed-in people may hold personal data: never cache them anywhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated or getattr(response, "holds_personal_data", False):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response


class UserSessionsMiddleware:
    """allauth's session tracking (last seen time and IP address on every request), except on
    the paths in CAPABLE_UNTRACKED_PATHS: there, nothing about the request is written, so an
    anonymous practice-voice note cannot be lined up with the sender's session activity."""

    def __init__(self, get_response):
        from allauth.usersessions.middleware import UserSessionsMiddleware as Tracking

        self.get_response = get_response
        self.tracking = Tracking(get_response)

    def __call__(self, request):
        untracked = getattr(settings, "CAPABLE_UNTRACKED_PATHS", ())
        if any(request.path.startswith(path) for path in untracked):
            return self.get_response(request)
        return self.tracking(request)
