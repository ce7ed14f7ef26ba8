"""The crosswalk's links, read from the database once per generation of the framework data.

Following the crosswalk one query per hop costs a query for each step between framework
versions (fourteen for a portfolio's coverage across the shipped frameworks), and the workforce
figures walk it from every PCF domain and level on each request. The links change only when the
framework data does, so they are read in one query and kept in the cache under the generation
of :mod:`capabilities.page_cache` (moved on whenever a version is published, unpublished or
saved, or an item or association is saved or deleted): a change makes the cached links
unreachable and the next reader reads them again. Each process also keeps the links it last
built, indexed for walking, for as long as the generation stays the same.

Data changed without signals (`QuerySet.update`, `bulk_create`) is seen when the generation
next moves: the services that bulk-create links save their version first, in the same
transaction, and the generation moves again when it commits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache

from . import page_cache
from .models import Association

KEY = "capabilities:crosswalk:links:{stamp}"


@dataclass(frozen=True)
class Links:
    """The crosswalk, indexed by item.

    - `exact`: {item: ((other item, its version), ...)} for every `exactMatchOf`, either way
      round, declared by any version (drafts too);
    - `replaced`: {old item: ((new item, its version), ...)} for every `replacedBy`;
    - `forward`: {old item: {new items}} as *published* versions declare them: an old item
      `replacedBy` another, or an `exactMatchOf` between an old item and one of the declaring
      version's own (either way round); a version cannot retire its own items.
    """

    exact: dict[int, tuple[tuple[int, int], ...]]
    replaced: dict[int, tuple[tuple[int, int], ...]]
    forward: dict[int, frozenset[int]]


def _rows() -> list[tuple]:
    return list(
        Association.objects.filter(
            association_type__in=(Association.Type.EXACT_MATCH_OF, Association.Type.REPLACED_BY)
        )
        .order_by("pk")
        .values_list(
            "association_type",
            "origin_id",
            "destination_id",
            "origin__version_id",
            "destination__version_id",
            "version_id",
            "version__live",
        )
    )


def _index(rows: list[tuple]) -> Links:
    exact: dict[int, list] = defaultdict(list)
    replaced: dict[int, list] = defaultdict(list)
    forward: dict[int, set] = defaultdict(set)
    for kind, origin, destination, origin_version, destination_version, declared_by, live in rows:
        if kind == Association.Type.EXACT_MATCH_OF:
            exact[origin].append((destination, destination_version))
            exact[destination].append((origin, origin_version))
            if live and origin_version == declared_by and destination_version != declared_by:
                forward[destination].add(origin)
            elif live and destination_version == declared_by and origin_version != declared_by:
                forward[origin].add(destination)
        else:
            replaced[origin].append((destination, destination_version))
            if live and origin_version != declared_by:
                forward[origin].add(destination)
    return Links(
        exact={pk: tuple(found) for pk, found in exact.items()},
        replaced={pk: tuple(found) for pk, found in replaced.items()},
        forward={pk: frozenset(found) for pk, found in forward.items()},
    )


# The links this process last indexed: (generation, Links), replaced whole.
_built: tuple = (None, None)


def links() -> Links:
    """The crosswalk as it stands. No query while the cache holds the links for the current
    generation; one when it does not."""
    global _built
    stamp = page_cache.generation()
    built_stamp, built = _built
    if built_stamp == stamp:
        return built
    key = KEY.format(stamp=stamp)
    rows = cache.get(key)
    if rows is None:
        rows = _rows()
        cache.set(key, rows, page_cache.TIMEOUT)
    built = _index(rows)
    _built = (stamp, built)
    return built
