"""Which kind of item each row of a Moodle file becomes, and the checks on the tree (see
`moodle_import` for the rules). Rows are `moodle_import._Row`s."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.text import slugify

from ..models import Item
from .moodle_format import PARENT, RELATED
from .moodle_read import error

if TYPE_CHECKING:
    from .moodle_import import _Row


def _height(row: _Row, memo: dict[int, int]) -> int:
    if id(row) not in memo:
        memo[id(row)] = 1 + max((_height(c, memo) for c in row.children), default=-1)
    return memo[id(row)]


def guess_kinds(rows: list[_Row]) -> None:
    """Kinds for a file without Capable's data section (written by Moodle or by hand)."""
    memo: dict[int, int] = {}
    for row in sorted(rows, key=lambda r: -r.position):  # leaves first: shallow recursion
        _height(row, memo)
    nested = any(row.parent is not None for row in rows)
    for row in rows:
        height = memo[id(row)]
        row.kind = (
            Item.Kind.STATEMENT
            if height == 0
            else Item.Kind.DOMAIN
            if height == 1
            else Item.Kind.GROUP
        )
    for row in rows:
        if row.kind != Item.Kind.STATEMENT:
            continue
        if row.parent is not None and row.parent.kind == Item.Kind.GROUP:
            row.kind = Item.Kind.DOMAIN
        elif row.parent is None and nested and _linked_to_nested_statement(row, rows):
            row.kind = Item.Kind.LEVEL


def _linked_to_nested_statement(row: _Row, rows: list[_Row]) -> bool:
    others = set(map(id, row.related)) | {id(r) for r in rows if row in r.related}
    return any(id(r) in others and r.parent is not None and not r.children for r in rows)


def slugs(rows: list[_Row]) -> None:
    """URL slugs for the domains and levels of a file without Capable's data section."""
    used: set[str] = set()
    for row in rows:
        if row.kind not in (Item.Kind.DOMAIN, Item.Kind.LEVEL):
            continue
        base = slugify(row.code)[:110] or "item"
        slug, n = base, 1
        while slug in used:
            n += 1
            slug = f"{base}-{n}"
        used.add(slug)
        row.extra = {**row.extra, "slug": slug}


def check_structure(rows: list[_Row]) -> None:
    allowed_parents = {
        Item.Kind.GROUP: (None, Item.Kind.GROUP),
        Item.Kind.LEVEL: (None,),
        Item.Kind.DOMAIN: (None, Item.Kind.GROUP),
        Item.Kind.STATEMENT: (None, Item.Kind.DOMAIN),
    }
    for row in rows:
        parent_kind = row.parent.kind if row.parent else None
        if parent_kind not in allowed_parents[row.kind]:
            allowed = " or ".join(
                "the framework" if k is None else f"a {k}" for k in allowed_parents[row.kind]
            )
            raise error(
                row.number,
                PARENT,
                f"a {row.kind} must be under {allowed}, not under the {parent_kind} "
                f"{row.parent_code!r}",
            )


def is_level_link(row: _Row, other: _Row) -> bool:
    return {row.kind, other.kind} == {Item.Kind.STATEMENT, Item.Kind.LEVEL}


def link_levels(rows: list[_Row]) -> None:
    for row in rows:
        for other in row.related:
            if not is_level_link(row, other):
                continue
            statement, level = (row, other) if row.kind == Item.Kind.STATEMENT else (other, row)
            if statement.level is not None and statement.level is not level:
                raise error(
                    row.number,
                    RELATED,
                    f"statement {statement.code!r} is cross-referenced with two levels "
                    f"({statement.level.code!r} and {level.code!r})",
                )
            statement.level = level
