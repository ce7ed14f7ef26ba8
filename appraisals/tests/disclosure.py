"""A reader's attack on a published table of counts, for tests. `worked_out` and `small_groups`
are independent of the rule in `appraisals.suppression`: they only use what a page shows.
`run_backwards` is the reader who also knows the rule (given to it as a function) and asks which
tables would have been published the way the page is.

`figures` maps each figure to its count, or None where the page says "not shown". `relations`
are (parts, total, splits_people): the parts add up to the total; `splits_people` when the parts
divide the people in the total by what was said of them (the ratings of a row)."""

from __future__ import annotations

import itertools


def worked_out(figures: dict, relations: list[tuple]) -> dict:
    """The hidden figures a reader can pin down, each with how, trying every relation (every
    row, column and total) again and again, with what earlier rounds found:

    * a relation with one figure not known gives it by subtraction;
    * counts are never negative, so unknown parts of a known total that the known parts already
      fill are each 0;
    * in a relation that splits people, one unknown part beside parts all known to be 0 holds
      everyone in the total: a lone judgement can be read off, even with the total hidden."""
    known = {key: value for key, value in figures.items() if value is not None}
    found: dict = {}
    changed = True
    while changed:
        changed = False
        for parts, total, splits_people in relations:
            unknown = [key for key in (*parts, total) if key not in known]
            if len(unknown) == 1:
                (key,) = unknown
                if key == total:
                    value = sum(known[p] for p in parts)
                else:
                    value = known[total] - sum(known[p] for p in parts if p != key)
                known[key] = value
                found[key] = f"{value}, by subtraction"
                changed = True
                continue
            if unknown and total in known:
                rest = known[total] - sum(known[p] for p in parts if p in known)
                if rest == 0:
                    for key in unknown:
                        known[key] = 0
                        found[key] = "0, as the parts shown already add up to the total"
                    changed = True
                    continue
            if splits_people and len(parts) > 1:
                unknown_parts = [p for p in parts if p not in known]
                if len(unknown_parts) == 1 and all(known[p] == 0 for p in parts if p in known):
                    found.setdefault(unknown_parts[0], "everyone in the total: the rest are 0")
    return {key: how for key, how in found.items() if figures.get(key) is None}


def profile_figures(level) -> tuple[dict, list[tuple]]:
    """The figures and relations of one level of the capability profile (a LevelProfile), as
    its page shows them: each table's rows (ratings add up to "People judged") and, figure by
    figure, the teams adding up to all teams."""
    figures = {}
    relations = []
    tables = level.tables  # all teams first
    for t, table in enumerate(tables):
        for r, row in enumerate(table.rows):
            columns = [*row.cells, row.total]
            for c, cell in enumerate(columns):
                figures[(t, r, c)] = None if cell.suppressed else cell.count
            ratings = tuple((t, r, c) for c in range(len(row.cells)))
            relations.append((ratings, (t, r, len(row.cells)), True))
    for r, row in enumerate(tables[0].rows):
        for c in range(len(row.cells) + 1):
            teams = tuple((t, r, c) for t in range(1, len(tables)))
            relations.append((teams, (0, r, c), False))
    return figures, relations


def small_groups(figures: dict, relations: list[tuple], threshold: int = 5) -> list:
    """Relations with a total shown whose hidden parts, together, come to 1 to threshold - 1
    (the total less the parts shown): a small group of people given away as a whole."""
    groups = []
    for parts, total, _ in relations:
        hidden = [p for p in parts if figures[p] is None]
        if hidden and figures[total] is not None:
            rest = figures[total] - sum(figures[p] for p in parts if figures[p] is not None)
            if rest < threshold:
                groups.append((hidden, rest))
    return groups


# ---------------------------------------------------------------------------------------------
# A reader who knows the rule


def _compositions(total: int, parts: int):
    """Every way of writing `total` as `parts` non-negative counts, in order."""
    if parts == 0:
        if total == 0:
            yield ()
        return
    if parts == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def _components(relations: list[tuple]) -> list[list[tuple]]:
    """The relations in groups that share no figure (in the profile: one group per domain)."""
    groups: list[tuple[set, list]] = []
    for relation in relations:
        keys = {*relation[0], relation[1]}
        joined = [g for g in groups if g[0] & keys]
        merged = (keys.union(*(g[0] for g in joined)), [r for g in joined for r in g[1]])
        merged[1].append(relation)
        groups = [g for g in groups if not any(g is j for j in joined)] + [merged]
    return [relations for _, relations in groups]


def _derive(values: dict, relations: list[tuple]) -> None:
    """Fill in each total from its parts, again and again, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for parts, total, _ in relations:
            if total not in values and all(p in values for p in parts):
                values[total] = sum(values[p] for p in parts)
                changed = True


def run_backwards(
    figures: dict,
    relations: list[tuple],
    rerun,
    *,
    known: dict | None = None,
    cap: int = 10,
    threshold: int = 5,
) -> dict:
    """The hidden figures a reader who knows the suppression rule can pin down: for each group
    of rows with hidden figures, every table that fits the figures shown (a hidden row total
    taken up to `cap`) is put through the rule again (`rerun(values, relations)` gives the keys
    it hides), and only tables for which it hides exactly what the page hides are kept. A hidden
    figure with one possible value left among them is given away, whatever the value; so is a
    rating that holds someone in every such table where the row has fewer than `threshold`
    people ("of these few people, at least one was rated X").

    `known` are hidden figures the reader knows from elsewhere (how many people a team had
    appraised, from another table of the page): tables must fit them too.

    Rows are the relations that split people; the figures they start from (parts that are not
    themselves a total) are tried, the rest follow by addition."""
    totals = {total for _, total, _ in relations}
    given_away: dict = {}
    for group in _components(relations):
        keys = {k for parts, total, _ in group for k in (*parts, total)}
        hidden = {k for k in keys if figures[k] is None}
        if not hidden:
            continue
        shown = {k: figures[k] for k in keys if figures[k] is not None}
        shown |= {k: v for k, v in (known or {}).items() if k in keys}
        choices = []  # per starting row: its hidden parts and their possible values
        for parts, total, splits_people in group:
            if not splits_people or any(p in totals for p in parts):
                continue
            unknown = [p for p in parts if p in hidden]
            if not unknown:
                continue
            if total in shown:
                rest = shown[total] - sum(shown[p] for p in parts if p in shown)
                options = list(_compositions(rest, len(unknown))) if rest >= 0 else []
            else:
                options = [o for n in range(cap + 1) for o in _compositions(n, len(unknown))]
            choices.append((unknown, options))
        loose = [k for k in hidden if k not in totals and not any(k in u for u, _ in choices)]
        choices += [([k], [(n,) for n in range(cap + 1)]) for k in loose]
        possible: dict = {k: set() for k in hidden}
        rated = [(p, total) for parts, total, splits in group if splits for p in parts]
        someone = {p: True for p, _ in rated if p in hidden}
        for combination in itertools.product(*(options for _, options in choices)):
            values = dict(shown)
            for (unknown, _), counts in zip(choices, combination, strict=True):
                values.update(zip(unknown, counts, strict=True))
            _derive(values, group)
            if any(k not in values for k in keys):
                continue
            if any(values[k] != shown[k] for k in shown):
                continue  # does not fit the figures shown, or known
            if set(rerun(values, group)) & keys != hidden:
                continue  # the rule would have published another pattern
            for k in hidden:
                possible[k].add(values[k])
            for part, total in rated:
                if part in someone and not (values[part] and values[total] < threshold):
                    someone[part] = False
        for k, found in possible.items():
            if k in (known or {}):
                continue
            if not found:
                raise AssertionError(f"no table fits the published figures around {k!r}")
            if len(found) == 1:
                given_away[k] = next(iter(found))
            elif someone.get(k):
                given_away[k] = "someone, in every table that fits"
    return given_away
