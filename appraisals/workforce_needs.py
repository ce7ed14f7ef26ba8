"""Common development needs: the organisation's agreed objectives counted by framework domain and
capability statement, never their texts, small numbers suppressed."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from django.db.models import Exists, OuterRef

from capabilities.crosswalk import carry_forward

from .models import Appraisal, Objective
from .suppression import Relation, is_small, suppress
from .workforce_common import Cell


@dataclasses.dataclass(frozen=True)
class StatementNeed:
    code: str
    text: str
    count: Cell


@dataclasses.dataclass(frozen=True)
class DomainNeed:
    code: str
    title: str
    count: Cell
    statements: list[StatementNeed]


@dataclasses.dataclass(frozen=True)
class DevelopmentNeeds:
    domains: list[DomainNeed]
    not_mapped: Cell

    def __bool__(self) -> bool:
        return bool(self.domains) or self.not_mapped.suppressed or bool(self.not_mapped.count)


def _live_objectives(organisation):
    """Agreed objectives and carried ones, each counted once: a carried objective is counted in
    the cycle it was carried into, not also in the one it came from."""
    return (
        Objective.objects.filter(
            appraisal__organisation=organisation,
            status__in=[Objective.Status.AGREED, Objective.Status.CARRIED],
        )
        .exclude(appraisal__status=Appraisal.Status.CANCELLED)
        .exclude(Exists(Objective.objects.filter(carried_from=OuterRef("pk"))))
    )


OBJECTIVE_ITEMS = {
    "item_id": {
        "item__kind": "kind",
        "item__code": "code",
        "item__title": "title",
        "item__full_statement": "full_statement",
        "item__sort_order": "sort_order",
        "item__domain_id": "domain_id",
        "item__domain__code": "domain__code",
        "item__domain__title": "domain__title",
        "item__domain__sort_order": "domain__sort_order",
    }
}


def development_needs(organisation) -> DevelopmentNeeds:
    """The organisation's agreed (and carried) objectives, counted by framework domain and by
    capability statement. Objective texts are never returned: they could identify people. Any
    group of fewer than 5 objectives is suppressed; where the statements of a domain add up to
    its count and one of them is suppressed, the domain's count is suppressed too (so a
    suppressed statement always means fewer than 5). Objectives linked to replaced statements
    count on their replacements. Two queries (more while the crosswalk's links are not cached
    and while following it: the replacements' fields)."""
    objectives = _live_objectives(organisation)
    links = Objective.statements.through.objects.filter(objective__in=objectives).values(
        "objective_id",
        "item_id",
        "item__kind",
        "item__code",
        "item__title",
        "item__full_statement",
        "item__sort_order",
        "item__domain_id",
        "item__domain__code",
        "item__domain__title",
        "item__domain__sort_order",
    )
    # An objective linked to a statement that has been replaced (a post-qualifying standard by
    # an early career standard, a statement by its next version) counts on its replacement.
    links = carry_forward(list(links), OBJECTIVE_ITEMS)
    not_mapped = objectives.filter(statements__isnull=True).count()

    domain_info: dict = {}
    statement_info: dict = {}
    by_domain: dict = defaultdict(set)
    by_statement: dict = defaultdict(set)
    for link in links:
        item = link["item_id"]
        if link["item__domain_id"]:
            domain = link["item__domain_id"]
            domain_info[domain] = (
                (link["item__domain__sort_order"], link["item__domain__code"]),
                link["item__domain__code"],
                link["item__domain__title"] or link["item__domain__code"],
            )
        elif link["item__kind"] == "domain":
            domain = item
            domain_info[domain] = (
                (link["item__sort_order"], link["item__code"]),
                link["item__code"],
                link["item__title"] or link["item__code"],
            )
        else:
            domain = None
            domain_info[None] = ((10**9, ""), "", "Other framework items")
        by_domain[domain].add(link["objective_id"])
        if domain != item:
            by_statement[(domain, item)].add(link["objective_id"])
            statement_info[item] = (
                (link["item__sort_order"], link["item__code"]),
                link["item__code"],
                link["item__title"] or link["item__full_statement"],
            )

    values: dict = {("domain", d): len(objs) for d, objs in by_domain.items()}
    values.update({("statement", k): len(objs) for k, objs in by_statement.items()})
    equations = []
    for domain in by_domain:
        parts = [("statement", k) for k in by_statement if k[0] == domain]
        # Only when each objective in the domain is mapped to one statement there do the
        # statement counts add up to the domain's.
        if parts and sum(values[p] for p in parts) == values[("domain", domain)]:
            equations.append(Relation(tuple(parts), ("domain", domain)))
    hidden = suppress(values, equations, prefer_total=True)

    def cell(key):
        return Cell.hidden() if key in hidden else Cell(count=values[key])

    domains = []
    for domain in sorted(by_domain, key=lambda d: domain_info[d][0]):
        statements = [
            StatementNeed(
                code=statement_info[item][1],
                text=statement_info[item][2],
                count=cell(("statement", (domain, item))),
            )
            for (d, item) in sorted(
                (k for k in by_statement if k[0] == domain),
                key=lambda k: statement_info[k[1]][0],
            )
        ]
        domains.append(
            DomainNeed(
                code=domain_info[domain][1],
                title=domain_info[domain][2],
                count=cell(("domain", domain)),
                statements=statements,
            )
        )
    return DevelopmentNeeds(
        domains=domains,
        not_mapped=Cell.hidden() if is_small(not_mapped) else Cell(count=not_mapped),
    )
