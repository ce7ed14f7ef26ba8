"""Small-number suppression: which counts a published table must hide.

One rule for every table of counts about people that Capable publishes (the workforce
capability profile and development needs in `appraisals.workforce`, a placement provider's
quality profile in `placements.quality`).

A reader who knows this rule must learn nothing from *which* figures are hidden beyond what the
rule says out loud ("fewer than 5 people here"). A secondary choice that depends on the values
("hide the smallest figure beside it") can be run backwards: the reader tries each table that
fits the figures shown, keeps those for which the rule hides exactly what was hidden, and a
figure with one possible value left is given away. So wherever the table has rows that split
people by what was said of them (a :class:`Relation` with ``splits_people``: the ratings of a
row add up to "people judged"), figures are hidden in whole rows, decided by facts the rule
publishes anyway:

1. **Small rows.** A row whose total is 1 to ``SUPPRESSION_THRESHOLD - 1`` is hidden whole:
   every rating, zeros included, and its total. A row of zeros (nobody judged) is shown.
2. **Rows with a small figure.** A row with a larger total and any rating from 1 to
   ``SUPPRESSION_THRESHOLD - 1`` hides all its ratings, zeros included; its total is shown.
   The ratings hidden then come to the total, never a small number, and no zero stands beside
   a hidden figure.
3. **Totals follow their parts.** Where rows add up to another row (the teams add up to all
   teams), a figure of that row is hidden wherever a figure it adds up is hidden, and that row
   is then hidden by rules 1 and 2 in turn (its ratings all, and its total when a part's total
   is hidden). Subtracting the figures shown from all teams can never give a team's away. The
   pattern depends only on which rows are small or hold a small figure, never on which
   figure happens to be smallest.

Tables without such rows (development needs, a provider's student sections) keep the
one-figure rules:

4. **Primary suppression.** A count from 1 to ``SUPPRESSION_THRESHOLD - 1`` is hidden. A zero is
   not hidden for being small, but it is not safe either.
5. **Differencing.** No hidden figure may be worked out from the figures shown, through any one
   relation or any combination of them: a relation with exactly one hidden figure gives it away
   by subtraction, so another figure of that relation is hidden.
6. **Small groups.** The hidden parts of a total that is shown together come to the total less
   the parts shown: they must come to the threshold or more (a non-zero part is hidden until
   they do). Hidden figures adding up to 0 would each be known to be 0.

After each round the whole table is audited (:func:`disclosed`): every relation, and every
combination of them, by exact linear algebra and by the bounds non-negative counts allow. If any
hidden figure can still be pinned down, another figure is hidden (in a table of rows, its whole
row) and the audit runs again.

Figures the reader knows anyway (say, a team with no placements that year has no responses)
are given as ``known``: they are never hidden to protect another and count as shown.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from typing import NamedTuple

SUPPRESSION_THRESHOLD = 5

__all__ = ["SUPPRESSION_THRESHOLD", "Relation", "disclosed", "is_small", "suppress"]


def is_small(count: int) -> bool:
    """A count that must not be shown for its own sake: 1 to SUPPRESSION_THRESHOLD - 1."""
    return 0 < count < SUPPRESSION_THRESHOLD


class Relation(NamedTuple):
    """`parts` add up to `total`. `splits_people` when the parts divide the people in the total
    by what was said of them (ratings), so that "all of them in one part" is itself a finding."""

    parts: tuple
    total: Hashable
    splits_people: bool = False


def _relations(relations: Iterable) -> list[Relation]:
    return [r if isinstance(r, Relation) else Relation(tuple(r[0]), *r[1:]) for r in relations]


def suppress(
    values: Mapping,
    relations: Iterable,
    *,
    prefer_total: bool = False,
    known: Iterable = (),
) -> set:
    """The keys of `values` (non-negative counts) that must not be shown.

    `relations` are :class:`Relation` (or ``(parts, total)`` pairs). Rows (relations that split
    people) are hidden whole or by all their ratings, and what rows add up to follows them
    (rules 1 to 3). Otherwise, when a relation needs another figure hidden, the smallest shown
    part is chosen (zeros included), the total only when no part can help, or the total first
    when `prefer_total`. `known` keys are never hidden. See the module's docstring.
    """
    relations = _relations(relations)
    known = frozenset(known)
    relations_of: dict = {}
    for relation in relations:
        for key in {*relation.parts, relation.total}:
            relations_of.setdefault(key, []).append(relation)
    hidden = {key for key, count in values.items() if is_small(count) and key not in known}
    _close_rows(values, relations, hidden, known)
    checks = (
        lambda: _weak_relations(values, relations, hidden, known),  # quick, one by one
        lambda: disclosed(values, relations, hidden, known=known),  # the whole table
    )
    while True:
        complement = None
        for check in checks:
            for relation, key in check():
                complement = _complement(
                    values, relation, key, hidden, known, prefer_total, relations_of
                )
                if complement is not None:
                    break
            if complement is not None:
                break
        if complement is None:
            return hidden  # nothing is given away, or nothing more can be hidden to help
        hidden.add(complement)
        _close_rows(values, relations, hidden, known)


def _close_rows(values, relations, hidden, known) -> None:
    """Rules 1 to 3 of the module's docstring, until nothing changes: a row (a relation that
    splits people) with a small total is hidden whole; a row with any rating hidden hides them
    all; a figure that rows add up to is hidden wherever one of the figures it adds is."""
    rows = [r for r in relations if r.splits_people]
    if not rows:
        return
    in_rows = {key for r in rows for key in (*r.parts, r.total)}
    # Relations whose figures belong to rows: the teams add up to all teams.
    sums = [r for r in relations if not r.splits_people and r.total in in_rows]

    def hide(keys) -> bool:
        new = {key for key in keys if key not in hidden and key not in known}
        hidden.update(new)
        return bool(new)

    changed = True
    while changed:
        changed = False
        for row in rows:
            if is_small(values[row.total]) or row.total in hidden:
                changed |= hide((*row.parts, row.total))
            elif any(key in hidden for key in row.parts):
                changed |= hide(row.parts)
        for relation in sums:
            if any(key in hidden for key in relation.parts):
                changed |= hide((relation.total,))


def _weak_relations(values, relations, hidden, known) -> list[tuple[Relation, Hashable]]:
    """The quick checks, one relation at a time: exactly one hidden figure; hidden parts of a
    shown total that come to a small number together; a lone hidden part beside zeros in a
    relation that splits people."""
    weak = []
    for relation in relations:
        members = [*relation.parts, relation.total]
        hidden_members = [key for key in members if key in hidden]
        if len(hidden_members) == 1:
            weak.append((relation, hidden_members[0]))
            continue
        group = _small_group(values, relation, hidden)
        if group:
            weak.append((relation, group[0]))
            continue
        lone = _lone_part(values, relation, hidden)
        if lone is not None:
            weak.append((relation, lone))
    return weak


def _small_group(values, relation, hidden) -> list:
    """The hidden parts of a shown total, when together they come to less than the threshold:
    the total less the parts shown gives their sum away, and a small group of people is as
    identifying as a small cell (0 counts too: they would each be known to be 0)."""
    if relation.total in hidden:
        return []
    hidden_parts = [key for key in relation.parts if key in hidden]
    if hidden_parts and sum(values[key] for key in hidden_parts) < SUPPRESSION_THRESHOLD:
        return hidden_parts
    return []


def _lone_part(values, relation, hidden):
    """In a relation that splits people, the one hidden part whose shown neighbours are all 0
    (so it holds everyone in the total), if there is one."""
    if not relation.splits_people or len(relation.parts) < 2:
        return None
    hidden_parts = [key for key in relation.parts if key in hidden]
    if len(hidden_parts) != 1:
        return None
    if all(values[key] == 0 for key in relation.parts if key not in hidden):
        return hidden_parts[0]
    return None


def _complement(values, relation, at_risk, hidden, known, prefer_total, relations_of):
    """The figure of `relation` to hide so that `at_risk` is no longer given away.

    Parts first (or the total first when `prefer_total`); among them, one whose hiding leaves
    fewest other relations with a single hidden figure (each would need yet another), then
    the smallest. A part of a relation whose total is shown as 0 is known to be 0: hiding it
    protects nothing."""
    # Hidden parts of a shown total must come to the threshold or more together: only a
    # non-zero part (or the total) helps them get there.
    short = bool(_small_group(values, relation, hidden))
    lone = _lone_part(values, relation, hidden) == at_risk

    def forced_by(key):
        """The shown totals of 0 that make `key`, a part of theirs, known to be 0."""
        return [
            other.total
            for other in relations_of.get(key, ())
            if key in other.parts and other.total not in hidden and not values[other.total]
        ]

    def new_single(key):
        return sum(
            not any(k in hidden for k in (*other.parts, other.total))
            for other in relations_of.get(key, ())
            if other is not relation
        )

    candidates = []
    for position, key in enumerate(relation.parts):
        if key in hidden or key in known:
            continue
        if short and not values[key]:
            continue
        if lone and values[key]:
            continue  # only a zero beside it helps: it must not be the one part with anyone
        forcing = forced_by(key)
        if forcing:
            # Hiding this 0 protects nothing while a total of 0 shows it; as a last resort,
            # hide that total first (the 0 itself follows in the next round).
            candidates.extend((2, new_single(t), 0, position, t) for t in forcing if t not in known)
            continue
        rank = 1 if prefer_total else 0
        candidates.append((rank, new_single(key), values[key], position, key))
    total = relation.total
    if not lone and total not in hidden and total not in known and not forced_by(total):
        rank = 0 if prefer_total else 1
        candidates.append((rank, new_single(total), values[total], len(relation.parts), total))
    return min(candidates)[-1] if candidates else None


# ---------------------------------------------------------------------------------------------
# The audit


def disclosed(
    values: Mapping, relations: Iterable, hidden: set, *, known: Iterable = ()
) -> list[tuple[Relation, Hashable]]:
    """Each hidden figure that a reader of the shown figures could pin down, with a relation
    through which another figure could be hidden to prevent it. Empty when the table is safe.

    Checks, over all relations together: exact linear algebra (a hidden figure fixed by some
    combination of relations), bounds (counts are never negative, so hidden parts of a shown
    total lie between 0 and it, and must be 0 where the rest add up to it), and lone parts beside
    zeros in relations that split people, and hidden parts of a shown total that together come
    to a small number."""
    relations = _relations(relations)
    known = frozenset(known)
    hidden = set(hidden) - known
    found: dict = {}

    for key in _fixed_by_linear_algebra(values, relations, hidden):
        found.setdefault(key, None)
    low, high = _bounds(values, relations, hidden)
    for key in hidden:
        if low[key] == high[key]:
            found.setdefault(key, None)
    for relation in relations:
        lone = _lone_part(values, relation, hidden)
        if lone is not None:
            found.setdefault(lone, relation)
        group = _small_group(values, relation, hidden)
        if group:
            found.setdefault(group[0], relation)

    result = []
    for key, relation in found.items():
        if relation is not None:
            result.append((relation, key))
            continue
        for candidate in relations:
            if key in candidate.parts or key == candidate.total:
                result.append((candidate, key))
    return result


def _equations(values, relations, hidden):
    """Each relation as {hidden key: coefficient} = constant, from the figures shown."""
    for relation in relations:
        row: dict = {}
        constant = 0
        for key in relation.parts:
            if key in hidden:
                row[key] = row.get(key, 0) + 1
            else:
                constant -= values[key]
        if relation.total in hidden:
            row[relation.total] = row.get(relation.total, 0) - 1
        else:
            constant += values[relation.total]
        row = {key: Fraction(c) for key, c in row.items() if c}
        if row:
            yield row, Fraction(constant)


def _fixed_by_linear_algebra(values, relations, hidden) -> set:
    """Hidden keys whose value follows from the shown figures through a combination of the
    relations: after Gauss-Jordan elimination, a row with a single unknown left."""
    rows: list[tuple[dict, Fraction]] = []
    pivots: dict = {}  # key -> index in rows
    for row, constant in _equations(values, relations, hidden):
        # Earlier rows are fully reduced (no pivot appears in another row), so one pass
        # removes every pivot from the new row.
        for key in [k for k in row if k in pivots]:
            factor = row[key]
            pivot_row, pivot_constant = rows[pivots[key]]
            for other, coefficient in pivot_row.items():
                row[other] = row.get(other, 0) - factor * coefficient
                if not row[other]:
                    del row[other]
            constant -= factor * pivot_constant
        if not row:
            continue
        pivot = next(iter(row))
        scale = row[pivot]
        row = {key: coefficient / scale for key, coefficient in row.items()}
        constant /= scale
        # Keep the rows fully reduced: remove the new pivot from every earlier row.
        for index, (other_row, other_constant) in enumerate(rows):
            factor = other_row.get(pivot)
            if factor:
                for key, coefficient in row.items():
                    other_row[key] = other_row.get(key, 0) - factor * coefficient
                    if not other_row[key]:
                        del other_row[key]
                rows[index] = (other_row, other_constant - factor * constant)
        pivots[pivot] = len(rows)
        rows.append((row, constant))
    return {next(iter(row)) for row, _ in rows if len(row) == 1}


def _bounds(values, relations, hidden) -> tuple[dict, dict]:
    """The least and greatest value each hidden figure can take, given that counts are never
    negative and each relation holds. Narrowed until nothing changes."""
    low = dict.fromkeys(hidden, 0)
    high = dict.fromkeys(hidden, math.inf)

    def lo(key):
        return low[key] if key in hidden else values[key]

    def hi(key):
        return high[key] if key in hidden else values[key]

    for _ in range(100):
        changed = False
        for relation in relations:
            parts, total = relation.parts, relation.total
            if total in hidden:
                new_low = max(low[total], sum(lo(k) for k in parts))
                new_high = min(high[total], sum(hi(k) for k in parts))
                if (new_low, new_high) != (low[total], high[total]):
                    low[total], high[total] = new_low, new_high
                    changed = True
            for key in parts:
                if key not in hidden:
                    continue
                others = [k for k in parts if k != key]
                new_low = max(low[key], lo(total) - sum(hi(k) for k in others))
                new_high = min(high[key], hi(total) - sum(lo(k) for k in others))
                if (new_low, new_high) != (low[key], high[key]):
                    low[key], high[key] = new_low, new_high
                    changed = True
        if not changed:
            break
    # Contradictory bounds (a relation that only nearly holds) pin nothing down.
    for key in hidden:
        if low[key] > high[key]:
            low[key], high[key] = 0, math.inf
    return low, high
