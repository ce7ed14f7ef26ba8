"""Absolute addresses for links sent to people (emails, notifications).

In development (``SITE_URL_FROM_REQUEST``, on in ``cms.settings.dev``) a link follows the host and
port the request came in on, so ``make run PORT=8101`` mails links to 8101: the request passed in,
else the one being answered (allauth's middleware keeps it in ``allauth.core.context``, so
services need not pass it along). Otherwise, and whenever there is no request (management
commands, scheduled reminders), links use ``SITE_URL``.
Identifiers that must never change with the host (CASE URIs) use ``SITE_URL`` directly.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def site_url(request: HttpRequest | None = None) -> str:
    """The site's origin, without a trailing slash."""
    if request is None and getattr(settings, "SITE_URL_FROM_REQUEST", False):
        from allauth.core import context

        request = context.request
    if request is not None and getattr(settings, "SITE_URL_FROM_REQUEST", False):
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL.rstrip("/")


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (or a full URL, of which only the path and query are kept) made absolute."""
    bits = urlsplit(path)
    if bits.scheme or bits.netloc:
        path = bits.path + (f"?{bits.query}" if bits.query else "")
    if not path.startswith("/"):
        path = "/" + path
    return site_url(request) + path


def site_domain(request: HttpRequest | None = None) -> str:
    """The host (and port) people see in the site's address."""
    return urlsplit(site_url(request)).netloc
