"""What can be searched, declared by the app that owns it.

Each app lists `SearchType`s in its own `search.py`; settings.CAPABLE_PRIVATE_SEARCH_TYPES names
them (dotted paths, in the order results are offered). The search views and the reindex command
only ever walk this registry: no view names a model.

A type says:
- `model` and `readable_by(user)`: the app's own access-rule queryset. On the database backend
  this queryset *is* the access control; on Elasticsearch it is the truth the principals mirror.
- `fields`: the text to search, as (field path, weight). The database backend reads the weights
  from the model's `search_fields` (modelsearch); Elasticsearch copies them into `title`/`body`.
- `title`, `url`, `text`: how a result is shown (the snippet is cut from `text`).
- `facets(obj)`: facet values (year, organisation, framework, domain, level) for one record.
- `principals(obj)`: the principals that may read a record (Elasticsearch), and
  `user_principals(user)`: the principals a user holds now (computed from the database at query
  time, so a share revoked or a membership ended a moment ago stops matching at once).
- `select_related` / `prefetch_related`: what showing a page of results needs.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SearchType:
    key: str
    label: str
    model: type[Model]
    readable_by: Callable[[object], QuerySet]
    title: Callable[[Model], str]
    url: Callable[[Model], str]
    text: Callable[[Model], str]
    principals: Callable[[Model], Iterable[str]]
    user_principals: Callable[[object], Iterable[str]]
    facets: Callable[[Model], dict[str, list[str]]] = lambda obj: {}
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # Records of this type that belong in the index at all (e.g. not deleted entries).
    indexable: Callable[[], QuerySet] | None = None
    # Other models whose changes alter who may read records of this type, with a function
    # from a changed instance to the records to reindex (sharing, participants, memberships).
    dependants: tuple[tuple[str, Callable[[Model], QuerySet]], ...] = field(default=())

    def indexable_queryset(self) -> QuerySet:
        qs = self.indexable() if self.indexable else self.model._default_manager.all()
        return qs.order_by("pk")

    def for_display(self, qs: QuerySet) -> QuerySet:
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


@cache
def _load(paths: tuple[str, ...]) -> tuple[SearchType, ...]:
    return tuple(import_string(path) for path in paths)


def search_types() -> tuple[SearchType, ...]:
    return _load(tuple(settings.CAPABLE_PRIVATE_SEARCH_TYPES))


def get_type(key: str) -> SearchType | None:
    return next((t for t in search_types() if t.key == key), None)


def type_for_model(model) -> SearchType | None:
    return next((t for t in search_types() if t.model is model), None)
