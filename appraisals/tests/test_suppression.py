"""The one small-number suppression rule (appraisals.suppression), on tables built by hand."""

import random

import pytest

from appraisals.suppression import Relation, disclosed, is_small, suppress
from appraisals.tests.disclosure import run_backwards, small_groups, worked_out

TOTAL = "total"
ALL = "all"


def table(rows: dict[str, list[int]]):
    """Values and relations of a table of teams by ratings with row totals and all teams, as
    the capability profile has them."""
    ratings = range(len(next(iter(rows.values()))))
    values = {}
    for team, counts in rows.items():
        for rating in ratings:
            values[(team, rating)] = counts[rating]
        values[(team, TOTAL)] = sum(counts)
    for column in [*ratings, TOTAL]:
        values[(ALL, column)] = sum(values[(team, column)] for team in rows)
    relations = [
        Relation(tuple((t, r) for r in ratings), (t, TOTAL), splits_people=True)
        for t in [*rows, ALL]
    ]
    relations += [Relation(tuple((t, c) for t in rows), (ALL, c)) for c in [*ratings, TOTAL]]
    return values, relations


def published(values, hidden):
    return {key: None if key in hidden else value for key, value in values.items()}


def attack(values, relations, hidden):
    """Hidden figures worked out, and small groups given away, by a reader of the table."""
    figures = published(values, hidden)
    relations = [tuple(r) for r in relations]
    found = worked_out(figures, relations)
    groups = small_groups(figures, relations)
    return {**found, **({"groups": groups} if groups else {})}


def test_a_row_with_a_small_total_is_hidden_whole():
    values, relations = table({"A": [0, 1, 0, 0]})
    hidden = suppress(values, relations)
    # Not [0, hidden, 0, 0], nor [hidden, hidden, 0, 0] with a predictable second figure:
    # every rating, zeros included, and the total (and all teams with it).
    assert hidden == set(values)
    assert attack(values, relations, hidden) == {}


def test_a_small_figure_beside_a_shown_total_takes_its_whole_row_with_it():
    values = {"a": 0, "b": 3, "c": 7, "d": 9, "t": 19}
    relations = [Relation(("a", "b", "c", "d"), "t", splits_people=True)]
    # Hiding "the smallest figure beside it" would tell a reader which one that was: all the
    # ratings go, and they come to the total (19), never a small group.
    assert suppress(values, relations) == {"a", "b", "c", "d"}


def test_a_figure_hidden_in_a_row_to_protect_another_takes_the_row_with_it():
    # e (3) takes b (6) with it in their column; b then hides its whole row, zeros included.
    values = {"a": 0, "b": 6, "c": 9, "t": 15, "e": 3, "f": 9}
    relations = [Relation(("a", "b", "c"), "t", splits_people=True), Relation(("b", "e"), "f")]
    assert suppress(values, relations) == {"e", "b", "a", "c"}


def test_all_teams_hides_what_any_team_hides():
    # A's 3 hides A's ratings (its 9 people stay shown); all teams' ratings go with them, or
    # subtracting B would give A's back. B, with nothing small, is shown in full.
    values, relations = table({"A": [0, 3, 6], "B": [0, 7, 8]})
    hidden = suppress(values, relations)
    assert hidden == {(t, r) for t in ("A", ALL) for r in range(3)}
    assert attack(values, relations, hidden) == {}


def test_hidden_figures_never_come_to_a_small_number_or_zero_together():
    values = {"a": 3, "b": 0, "c": 7, "t": 10, "x": 0, "y": 0, "u": 0}
    relations = [Relation(("a", "b", "c"), "t"), Relation(("b", "x", "y"), "u")]
    # a and b would come to 3 together; b, x and y to 0, so each would be known to be 0.
    assert disclosed(values, relations, {"a", "b"}) != []
    assert disclosed(values, relations, {"a", "b", "c", "x"}) != []
    hidden = suppress(values, relations)
    assert hidden == {"a", "c"}
    assert disclosed(values, relations, hidden) == []


def test_known_figures_are_never_hidden_and_count_as_shown():
    values = {"a": 3, "b": 0, "c": 0, "t": 3}
    relations = [Relation(("a", "b", "c"), "t", splits_people=True)]
    # Three people, all rated a: the whole row is hidden, but not a figure that is known.
    assert suppress(values, relations) == {"a", "b", "c", "t"}
    assert suppress(values, relations, known={"b"}) == {"a", "c", "t"}


def test_prefer_total_hides_the_total_first():
    values = {"s1": 3, "s2": 6, "d": 9}
    assert suppress(values, [Relation(("s1", "s2"), "d")], prefer_total=True) == {"s1", "d"}
    assert suppress(values, [Relation(("s1", "s2"), "d")]) == {"s1", "s2"}


def test_the_audit_finds_a_figure_given_away_only_by_several_relations_together():
    """Two blocks of four hidden figures, joined by one more: every row and column has at
    least two hidden figures, yet rows 1 and 2 less columns 1 and 2 give the joining one."""
    counts = [[6, 7, 0, 0], [8, 9, 2, 0], [0, 0, 6, 7], [0, 0, 8, 9]]
    values, relations = table({f"R{n}": row for n, row in enumerate(counts)})
    block = {("R0", 0), ("R0", 1), ("R1", 0), ("R1", 1)}
    block |= {("R2", 2), ("R2", 3), ("R3", 2), ("R3", 3)}
    hidden = block | {("R1", 2)}
    assert [key for _, key in disclosed(values, relations, hidden)] == [("R1", 2)] * 2
    # suppress() never leaves such a pattern.
    safe = suppress(values, relations)
    assert disclosed(values, relations, safe) == []
    assert attack(values, relations, safe) == {}


@pytest.mark.parametrize("seed", range(8))
def test_no_random_table_gives_a_hidden_figure_away(seed):
    rng = random.Random(seed)
    for _ in range(100):
        teams = rng.randint(1, 4)
        ratings = rng.randint(2, 5)
        rows = {
            f"T{t}": [rng.choice([0, 0, 0, 1, 2, 3, 4, 5, 6, 9, 14]) for _ in range(ratings)]
            for t in range(teams)
        }
        values, relations = table(rows)
        hidden = suppress(values, relations)
        assert {key for key, value in values.items() if is_small(value)} <= hidden
        assert attack(values, relations, hidden) == {}, rows
        assert disclosed(values, relations, hidden) == [], rows


def test_the_checker_catches_what_the_old_rule_let_through():
    """The test's own attack is not toothless: it reads the lone judgement off the row the
    profile used to publish, and a figure left alone beside a total."""
    values, relations = table({"A": [0, 1, 0, 0]})
    old = {("A", 1), ("A", TOTAL), (ALL, 1), (ALL, TOTAL)}
    assert ("A", 1) in attack(values, relations, old)
    assert ("A", 1) in attack(values, relations, {("A", 1)})


def rule(values, relations):
    """The rule as a reader who knows it would run it, on (parts, total, splits_people)."""
    return suppress(values, [Relation(tuple(parts), *rest) for parts, *rest in relations])


def predictable_filler(values, relations):
    """The kind of rule the profile used to follow: hide the small figures, then the first
    figure shown beside them in their row (a 0 as often as not), and a small total."""
    hidden = {key for key, value in values.items() if is_small(value)}
    for parts, _total, _ in relations:
        if any(p in hidden for p in parts):
            hidden.add(next(p for p in parts if p not in hidden))
    return hidden


def test_a_reader_who_knows_a_predictable_rule_runs_it_backwards():
    """One person, rated c: the page hides a, c and the total. Whoever knows that the first
    figure beside is picked, and that one person was judged, knows a is the 0 and c their
    rating. The whole row hidden leaves them every possibility."""
    values = {"a": 0, "b": 0, "c": 1, "t": 1}
    relations = [(("a", "b", "c"), "t", True)]
    page = predictable_filler(values, relations)
    assert page == {"a", "c", "t"}
    figures = published(values, page)
    assert run_backwards(figures, relations, predictable_filler, known={"t": 1}) == {
        "a": 0,
        "c": 1,
    }
    # Two people, both rated c: the same.
    values = {"a": 0, "b": 0, "c": 2, "t": 2}
    figures = published(values, predictable_filler(values, relations))
    given_away = run_backwards(figures, relations, predictable_filler, known={"t": 2})
    assert given_away == {"a": 0, "c": 2}

    for values in ({"a": 0, "b": 0, "c": 1, "t": 1}, {"a": 0, "b": 0, "c": 2, "t": 2}):
        hidden = rule(values, relations)
        assert hidden == set(values)
        figures = published(values, hidden)
        assert run_backwards(figures, relations, rule, known={"t": values["t"]}) == {}


@pytest.mark.parametrize("seed", range(2))
def test_no_random_table_can_be_run_backwards(seed):
    rng = random.Random(seed)
    for _ in range(12):
        rows = {
            f"T{t}": [rng.choice([0, 0, 1, 2, 3, 5, 6]) for _ in range(rng.randint(2, 3))]
            for t in range(rng.randint(1, 2))
        }
        if len({len(counts) for counts in rows.values()}) > 1:
            continue
        values, relations = table(rows)
        hidden = suppress(values, relations)
        figures = published(values, hidden)
        given_away = run_backwards(figures, [tuple(r) for r in relations], rule, cap=8)
        assert given_away == {}, rows
