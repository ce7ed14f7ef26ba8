"""A read model of one framework version: groups, domains, levels and statements in order.

Built with a fixed number of queries whatever the size of the framework, so the public pages
that show a domain, a level or two levels side by side cost the same for any version.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.http import Http404

from .models import FrameworkVersion, Item


@dataclass
class Group:
    item: Item
    domains: list[Item] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.item.title


class FrameworkStructure:
    def __init__(self, version: FrameworkVersion):
        self.version = version
        self.groups: list[Group] = []
        self.domains: list[Item] = []
        self.levels: list[Item] = []
        self.standards: list[Item] = []
        items = version.items.exclude(kind=Item.Kind.STATEMENT).order_by("sort_order", "code")
        groups_by_id: dict[int, Group] = {}
        for item in items:
            item.version = version
            if item.kind == Item.Kind.GROUP:
                groups_by_id[item.pk] = Group(item)
                self.groups.append(groups_by_id[item.pk])
            elif item.kind == Item.Kind.DOMAIN:
                self.domains.append(item)
            elif item.kind == Item.Kind.LEVEL:
                self.levels.append(item)
        for domain in self.domains:
            if domain.group_id in groups_by_id:
                groups_by_id[domain.group_id].domains.append(domain)
        self._domains_by_slug = {d.slug: d for d in self.domains}
        self._levels_by_slug = {lv.slug: lv for lv in self.levels}

    # Look-ups that answer 404 for a slug the version does not have.
    def domain(self, slug: str) -> Item:
        try:
            return self._domains_by_slug[slug]
        except KeyError:
            raise Http404("No such domain in this version") from None

    def level(self, slug: str) -> Item:
        try:
            return self._levels_by_slug[slug]
        except KeyError:
            raise Http404("No such level in this version") from None

    def find_level(self, slug: str | None) -> Item | None:
        return self._levels_by_slug.get(slug or "")

    def statements(self, *, domain: Item | None = None, levels: list[Item] | None = None):
        """Statements grouped as {(domain_id, level_id): [statement, ...]} in order."""
        qs = self.version.items.statements().order_by("sort_order", "code")
        if domain is not None:
            qs = qs.filter(domain=domain)
        if levels is not None:
            qs = qs.filter(level__in=levels)
        cells: dict[tuple[int, int], list[Item]] = defaultdict(list)
        for statement in qs:
            statement.version = self.version
            cells[(statement.domain_id, statement.level_id)].append(statement)
        return cells

    def standards_list(self) -> list[Item]:
        """For frameworks without domains (the PQS): their standards in order."""
        statements = list(self.version.items.statements().order_by("sort_order", "code"))
        for statement in statements:
            statement.version = self.version
        return statements

    def fan_groups(self) -> list[dict]:
        return [
            {
                "title": group.title,
                "domains": [
                    {"number": d.code, "title": d.title, "url": d.get_absolute_url()}
                    for d in group.domains
                ],
            }
            for group in self.groups
        ]
