"""Highlighted snippets: a short window of a record's text around the first word searched for,
escaped, with the words searched for marked. Built from text the reader may already read."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WINDOW_WORDS = 30


def terms_of(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.casefold()) if len(t) > 1]


def snippet(text: str, query: str, *, words: int = WINDOW_WORDS) -> SafeString:
    text = " ".join((text or "").split())
    terms = terms_of(query)
    if not text:
        return mark_safe("")
    tokens = text.split(" ")
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, terms)) + r")", re.I) if terms else None
    first = next((i for i, t in enumerate(tokens) if pattern and pattern.search(t)), 0)
    start = max(0, first - words // 3)
    chosen = tokens[start : start + words]
    shown = escape(" ".join(chosen))
    if pattern:
        shown = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", shown)
    prefix = "… " if start else ""
    suffix = " …" if start + words < len(tokens) else ""
    return mark_safe(prefix + shown + suffix)
