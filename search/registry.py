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
- `scope(user)` (optional): a few narrow querysets of the model, each starting from an index
  (the person's own rows, their shares, their roles' organisations), whose union holds at least
  everything `readable_by(user)` returns. The database backend looks for matches only among
  them *and* still applies the rule, so a scope can make a search fast but never widen what is
  found (too narrow a scope would hide records: `search.tests` checks each covers its rule for
  every demo role). An access rule is an OR of conditions behind subqueries, which PostgreSQL
  can only test row by row over the whole table; the scope's union lets it start from the few
  rows the person could read, so the cost follows their data, not the region's.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db.models import Model, Prefetch, QuerySet
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
    prefetch_related: tuple[str | Prefetch, ...] = ()
    # Records of this type that belong in the index at all (e.g. not deleted entries).
    indexable: Callable[[], QuerySet] | None = None
    # Other models whose changes alter who may read records of this type, with a function
    # from a changed instance to the records to reindex (sharing, participants, memberships).
    dependants: tuple[tuple[str, Callable[[Model], QuerySet]], ...] = field(default=())
    scope: Callable[[object], Iterable[QuerySet]] | None = None

    def indexable_queryset(self) -> QuerySet:
        qs = self.indexable() if self.indexable else self.model._default_manager.all()
        return qs.order_by("pk")

    def readable_within_scope(self, user) -> QuerySet:
        """The access rule's queryset, narrowed to the scope when the type has one (the same
        records: the scope holds them all)."""
        rule = self.readable_by(user)
        if self.scope is None:
            return rule
        parts = [qs.order_by().values("pk") for qs in self.scope(user)]
        if not parts:
            return rule.none()
        return rule.filter(pk__in=parts[0].union(*parts[1:]) if len(parts) > 1 else parts[0])

    def readable(self, user) -> QuerySet:
        """The records `user` may read, as a plain queryset of the model to search in."""
        return self.model._default_manager.filter(
            pk__in=self.readable_within_scope(user).values("pk")
        )

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
