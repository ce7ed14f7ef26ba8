"""A reader's attack on a published table of counts, for tests: independent of the rule in
`appraisals.suppression`, it only uses what a page shows.

`figures` maps each figure to its count, or None where the page says "not shown". `relations`
are (parts, total, splits_people): the parts add up to the total; `splits_people` when the parts
divide the people in the total by what was said of them (the ratings of a row)."""

from __future__ import annotations


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
