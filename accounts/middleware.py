import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control

from .mfa import has_mfa, requires_mfa


class RequireMFAMiddleware:
    """Anyone the access rules let read another person's record (or who can reach the admin)
    cannot open pages that may hold other people's data until MFA is set up.

    Secure by default: every path needs it except the public ones listed in
    CAPABLE_MFA_EXEMPT_PATHS (sign-in and MFA set-up, the public framework, search, guidance).
    Draft framework versions under those public paths ask for MFA themselves
    (`capabilities.permissions`). The answer is worked out once per request, and only for people
    without MFA (`accounts.mfa.requires_mfa`: one query of EXISTS clauses, its SQL compiled once a
    day, so the check costs well under a millisecond; nothing about the answer is cached).
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


def untracked(request) -> bool:
    """Requests to CAPABLE_UNTRACKED_PATHS leave no trace in the session or its tracking."""
    paths = tuple(getattr(settings, "CAPABLE_UNTRACKED_PATHS", ()))
    return bool(paths) and request.path.startswith(paths)


class SessionActivityMiddleware:
    """Renew a signed-in session and record its activity at most once a minute.

    The session ends after SESSION_COOKIE_AGE of inactivity: each save sets its expiry to
    now + that age. Rather than save the session on every request (a database write on every
    page, which on SQLite makes readers queue behind one another), this marks the session
    modified only when its last renewal is CAPABLE_SESSION_ACTIVITY_SECONDS old, or when the
    address or browser has changed; then allauth's session tracking (last seen, IP address,
    browser) is updated too. So the inactivity timeout holds to within a minute, and a page
    read within a minute of the last one writes nothing.

    Requests to CAPABLE_UNTRACKED_PATHS are left alone entirely (no renewal, no tracking), so an
    anonymous practice-voice note cannot be lined up with the sender's session activity."""

    KEY = "_capable_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not untracked(request):
            self.record(request)
        return self.get_response(request)

    @classmethod
    def record(cls, request) -> None:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated:
            return
        if not session.session_key:
            return
        client = cls._client(request)
        if client is None:
            return
        now = timezone.now().timestamp()
        interval = getattr(settings, "CAPABLE_SESSION_ACTIVITY_SECONDS", 60)
        seen = session.get(cls.KEY)
        if (
            isinstance(seen, list)
            and len(seen) == 2
            and isinstance(seen[0], int | float)
            and 0 <= now - seen[0] < interval
            and seen[1] == client
        ):
            return
        session[cls.KEY] = [now, client]
        from allauth.usersessions.internal import usersessionkit

        usersessionkit.track_activity(request, user=user, session=session)

    @staticmethod
    def _client(request) -> str | None:
        from allauth.account.adapter import get_adapter

        try:
            ip = get_adapter().get_client_ip(request)
        except PermissionDenied:
            return None
        agent = request.META.get("HTTP_USER_AGENT", "")
        return hashlib.sha256(f"{ip}\n{agent}".encode()).hexdigest()[:16]
