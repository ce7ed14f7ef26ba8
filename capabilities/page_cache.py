"""The public framework pages and downloads, cached per published version.

A published version never changes, but its pages also show what other versions say about it
(crosswalks, the list of other versions), so every cached response is keyed by a *generation*:
a stamp in the cache that any change to the framework data (a version published, unpublished
or saved, an item or association saved or deleted) moves on. A change makes every cached page
unreachable at once; they are rebuilt on their next request. The stamp is a time in
nanoseconds, never a counter starting at 0, so a stamp the cache has evicted cannot bring back
pages cached under an earlier one.

What is cached: the response to someone who sees no drafts and has nothing personal on the
page (anonymous, no message waiting), for pages of a published version; `case.json` and the
Moodle CSV (no personal chrome) for anyone. Every response of these views, cached or not,
carries an `ETag` (a hash of its body) and `Last-Modified` (the later of the version's last
publication and the generation), so a client that already has it gets 304 Not Modified.

In production the cache is Redis (shared by the workers); in development and tests, locmem.
"""

import hashlib
import time
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from .models import FrameworkVersion
from .permissions import sees_drafts

GENERATION_KEY = "capabilities:pages:generation"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin")
TIMEOUT = 60 * 60 * 24  # a day; a new generation makes older entries unreachable anyway


def generation() -> int:
    stamp = cache.get(GENERATION_KEY)
    if stamp is None:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        stamp = cache.get(GENERATION_KEY) or time.time_ns()
    return stamp


def _bump() -> None:
    previous = cache.get(GENERATION_KEY) or 0
    cache.set(GENERATION_KEY, max(time.time_ns(), previous + 1), timeout=None)


def framework_changed(**kwargs) -> None:
    """Signal receiver: the framework data changed. Moves the generation on now and again when
    the transaction commits (so a request reading the old rows meanwhile cannot cache them
    under the new generation for long)."""
    _bump()
    transaction.on_commit(_bump)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import published, unpublished

    from .models import Association, Item

    for model in (FrameworkVersion, Item, Association):
        post_save.connect(framework_changed, sender=model, dispatch_uid=f"page_cache_{model}")
        post_delete.connect(framework_changed, sender=model, dispatch_uid=f"page_cache_d{model}")
    published.connect(framework_changed, sender=FrameworkVersion, dispatch_uid="page_cache_pub")
    unpublished.connect(framework_changed, sender=FrameworkVersion, dispatch_uid="page_cache_un")


def _nothing_personal(request) -> bool:
    """True when the page would look the same to anyone: nobody signed in, no message waiting."""
    if request.user.is_authenticated or "messages" in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return session is None or "_messages" not in session


def _stamp(version: FrameworkVersion, stamp: int) -> int:
    published = version.last_published_at or version.last_changed
    return max(int(published.timestamp()), stamp // 1_000_000_000)


def _validated(request, response: HttpResponse, last_modified: int | None) -> HttpResponse:
    if response.status_code != 200 or response.streaming:
        return response
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


def per_version(
    find: Callable[..., FrameworkVersion | None],
    *,
    personal_chrome: bool = True,
    key_params: tuple[str, ...] = (),
):
    """Decorate a view of one framework version. `find(request, **kwargs)` looks the version
    up (one query, scoped to what the person may see) or returns None; the view reads it back
    with `found_version(request)`. `personal_chrome`: the page has the site header, which
    differs for signed-in people (so only anonymous responses are cached). `key_params`: the
    query parameters the page reads (any other query string is ignored)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, **kwargs):
            version = find(request, **kwargs)
            request.capabilities_version = version
            cacheable = (
                version is not None
                and version.live
                and request.method == "GET"
                and (_nothing_personal(request) if personal_chrome else True)
            )
            if not cacheable:
                response = view(request, **kwargs)
                if version is None or sees_drafts(request.user):
                    return response
                return _validated(request, response, _stamp(version, generation()))
            stamp = generation()
            params = "&".join(f"{p}={request.GET.get(p, '')}" for p in key_params)
            page = f"{version.pk}:{version.last_published_at}:{request.path}?{params}"
            key = f"capabilities:page:{stamp}:{hashlib.sha256(page.encode()).hexdigest()}"
            stored = cache.get(key)
            if stored is None:
                response = view(request, **kwargs)
                if response.status_code == 200 and not response.streaming:
                    stored = {
                        "content": response.content,
                        "headers": {h: response[h] for h in KEPT_HEADERS if h in response},
                    }
                    cache.set(key, stored, TIMEOUT)
            else:
                response = HttpResponse(stored["content"])
                for header, value in stored["headers"].items():
                    response[header] = value
            return _validated(request, response, _stamp(version, stamp))

        return wrapper

    return decorate


def found_version(request) -> FrameworkVersion | None:
    return getattr(request, "capabilities_version", None)
