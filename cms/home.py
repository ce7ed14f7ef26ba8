"""The person's home: what is waiting for them, and the areas they may use.

Each app contributes through one small interface: in its AppConfig.ready() it calls
`register(tasks=..., areas=...)` with functions taking the signed-in user and returning
`Task`s and `Area`s built with that app's own access rules. This module never imports an app's
models.

The header's "Tasks (N)" count and links are cached per person under a version number
(`home:v:<user id>`). Any app whose data feeds tasks calls `tasks_changed(user_ids)` (or
connects `clear_on_save(Model, people)` to its models' post_save/post_delete), which bumps the
version so the next page rebuilds them; the cache also expires after TASK_CACHE_SECONDS as a
backstop for changes made by the passage of time (a due date passing).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

TASK_CACHE_SECONDS = 300
# Home and Tasks, then this many areas, then Account and Sign out: one line at 1280 px.
HEADER_AREAS = 3

GROUPS = (
    "My learning",
    "People I support",
    "My organisation",
    "Placements and quality",
    "Framework",
)


@dataclass(frozen=True)
class Task:
    what: str
    url: str
    group: str
    for_whom: str = ""
    due_on: datetime.date | None = None
    overdue: bool = False


@dataclass(frozen=True)
class Area:
    label: str
    url: str
    group: str
    description: str = ""
    # A short label for the header (at most one per app), or "" to appear only on the home;
    # the header shows the HEADER_AREAS with the lowest rank.
    header: str = ""
    header_rank: int = 100


_task_providers: list[Callable] = []
_area_providers: list[Callable] = []


def register(*, tasks: Callable | None = None, areas: Callable | None = None) -> None:
    if tasks is not None and tasks not in _task_providers:
        _task_providers.append(tasks)
    if areas is not None and areas not in _area_providers:
        _area_providers.append(areas)


def is_overdue(due_on: datetime.date | None, today: datetime.date | None = None) -> bool:
    return due_on is not None and due_on < (today or timezone.localdate())


def _task_order(task: Task):
    return (not task.overdue, task.due_on is None, task.due_on or datetime.date.max, task.what)


def _many_rules_ahead(user) -> None:
    """Every app's rules are about to be asked: read the person's roles once for all of them
    (`organisations.selectors.remember_roles`; during a request only)."""
    from organisations.selectors import remember_roles

    remember_roles(user)


def tasks_for(user) -> list[Task]:
    if not user.is_authenticated:
        return []
    _many_rules_ahead(user)
    tasks = [task for provider in _task_providers for task in provider(user)]
    return sorted(tasks, key=_task_order)


def areas_for(user) -> list[Area]:
    if not user.is_authenticated:
        return []
    _many_rules_ahead(user)
    areas = [area for provider in _area_providers for area in provider(user)]
    order = {group: number for number, group in enumerate(GROUPS)}
    return sorted(areas, key=lambda area: order.get(area.group, len(GROUPS)))


def grouped_areas(user, areas: list[Area] | None = None) -> list[tuple[str, list[Area]]]:
    if areas is None:
        areas = areas_for(user)
    return [
        (group, [area for area in areas if area.group == group])
        for group in GROUPS
        if any(area.group == group for area in areas)
    ]


# ---------------------------------------------------------------------------------------------
# The header's cache


def _version_key(user_id) -> str:
    return f"home:v:{user_id}"


def tasks_changed(user_ids: Iterable) -> None:
    """Forget the cached header of these people: their tasks changed."""
    for user_id in {user_id for user_id in user_ids if user_id}:
        try:
            cache.incr(_version_key(user_id))
        except ValueError:
            cache.set(_version_key(user_id), 1, None)


def header_links(areas: list[Area]) -> list[Area]:
    seen, links = set(), []
    for area in sorted((a for a in areas if a.header), key=lambda a: a.header_rank):
        if area.header not in seen:
            seen.add(area.header)
            links.append(area)
    return links[:HEADER_AREAS]


def _header_key(user) -> str:
    return f"home:header:{user.pk}:{cache.get(_version_key(user.pk), 0)}"


def _header(tasks: list[Task], areas: list[Area]) -> dict:
    return {"task_count": len(tasks), "links": header_links(areas)}


def header_for(user) -> dict:
    """{"task_count": N, "links": [Area, ...]} for the header, cached per person."""
    key = _header_key(user)
    header = cache.get(key)
    if header is None:
        header = _header(tasks_for(user), areas_for(user))
        cache.set(key, header, TASK_CACHE_SECONDS)
    return header


def home_for(user) -> tuple[list[Task], list[Area]]:
    """The home's tasks and areas, each worked out once: the header's count and links are
    cached from them, so the header of the same page (and of the next pages) asks no app again.
    The version is read before the work, so a change made meanwhile bumps it past this entry."""
    key = _header_key(user)
    tasks, areas = tasks_for(user), areas_for(user)
    cache.set(key, _header(tasks, areas), TASK_CACHE_SECONDS)
    return tasks, areas


def clear_on_save(model, people: Callable) -> None:
    """Bump the version of `people(instance)` (user ids) whenever an instance of `model` is
    saved or deleted, and of everyone when the instance cannot tell (e.g. a deleted parent)."""

    def handler(sender, instance, **kwargs):
        try:
            user_ids = people(instance)
        except Exception:
            return
        tasks_changed(user_ids)

    uid = f"home:{model._meta.label}"
    post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":save")
    post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + ":delete")


def header_context(request) -> dict:
    """Context processor: the header's links and count, lazily (only templates that use it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = {}

    def get():
        if not cached:
            cached.update(header_for(user))
        return cached

    class Lazy:
        @property
        def task_count(self):
            return get()["task_count"]

        @property
        def links(self):
            return get()["links"]

    return {"home_header": Lazy()}
