"""`/healthz`: whether this process can reach its database and its cache, for a load balancer,
an orchestrator or a monitor. No sign-in, no session, no redirect to HTTPS or to MFA set-up;
it shows no record and names no server, only which part failed."""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 answered something else")


def _cache() -> None:
    key, value = f"healthz:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was just stored")
    finally:
        cache.delete(key)


CHECKS = {"database": _database, "cache": _cache}


def check_health() -> dict[str, str]:
    """Each part's state: "ok", or "failed" (the cause goes to the log, not to the caller)."""
    states = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Health check: the %s did not answer", name)
            states[name] = "failed"
        else:
            states[name] = "ok"
    return states


@never_cache
@require_safe
def healthz(request):
    states = check_health()
    healthy = all(state == "ok" for state in states.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failed", **states}, status=200 if healthy else 503
    )
