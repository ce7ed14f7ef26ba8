import logging

from django.conf import settings
from django.db import DatabaseError
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers, patch_cache_control

logger = logging.getLogger(__name__)


class AdminContentSecurityPolicyMiddleware:
    """Give Wagtail's admin (which uses inline scripts and styles) its own, looser policy.

    It sits after Django's ContentSecurityPolicyMiddleware in MIDDLEWARE, so it sees the response
    first and sets the per-response override that middleware reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(("/admin/", "/django-admin/")):
            response._csp_config = settings.ADMIN_CSP
        return response


class KeepTypedWorkMiddleware:
    """A safety net for a change that fails after it was sent: the database was locked or busy,
    or a write conflicted. Instead of a bare server error, answer 503 (with Retry-After) with a
    page that says the change was not saved, shows everything typed, and sends the same fields
    again with one button (with a fresh CSRF token). Files are never sent again (the page says
    so), and passwords and codes are never echoed.

    Validation errors never reach here: forms re-render with what was typed themselves."""

    RETRY_AFTER_SECONDS = 5
    # Never echoed: the CSRF token (a fresh one is given), passwords and one-time codes.
    SECRET_NAMES = frozenset({"csrfmiddlewaretoken", "code", "otp", "token", "recovery_code"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.method != "POST" or not isinstance(exception, DatabaseError):
            return None
        logger.warning(
            "Change not saved (%s) on %s", type(exception).__name__, request.path, exc_info=True
        )
        fields, secrets = [], False
        for name, values in request.POST.lists():
            lowered = name.lower()
            if lowered in self.SECRET_NAMES or "password" in lowered or "secret" in lowered:
                secrets = secrets or lowered != "csrfmiddlewaretoken"
                continue
            for value in values:
                fields.append(
                    {
                        "name": name,
                        "value": value,
                        "label": self._label(name),
                        "text": self._is_text(value),
                        "long": "\n" in value or len(value) > 200,
                    }
                )
        context = {
            "action": request.get_full_path(),
            "fields": fields,
            "files": sorted({f.name for f in request.FILES.values()}),
            "secrets": secrets,
        }
        try:
            response = render(request, "errors/not_saved.html", context, status=503)
        except DatabaseError:
            # The page around the form needs the database too; keep the form without it.
            response = render(request, "errors/not_saved_plain.html", context, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _is_text(value: str) -> bool:
        """Words someone typed (shown to them), not an id, number, date part or choice."""
        return any(ch.isspace() for ch in value.strip()) or len(value) > 40

    @staticmethod
    def _label(name: str) -> str:
        words = name.replace("_", " ").replace("-", " ").split()
        words = [w for w in words if not w.isdigit()]
        return " ".join(words).capitalize() or name
