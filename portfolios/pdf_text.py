"""The text of the portfolio PDF (`portfolios.pdf`): making any text drawable in the font the
page uses (`TextCleaner`), and reading the export's values as text (dates, hours, file sizes,
mapped statements). Nothing here draws; the page (`pdf_page`) and the sections use it.
"""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOCAL_TIMEZONE = "Europe/London"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --- Text sanitising ----------------------------------------------------------------------------

# Characters we drop outright: zero-width and joining characters, variation selectors, emoji
# skin-tone modifiers. They carry no readable content once their emoji is replaced.
_DROP = {
    0x00AD,  # soft hyphen: fpdf2 would treat it as a break hint; simpler to drop
    0x200B,
    0x200C,
    0x200D,
    0x2060,
    0xFEFF,
    *range(0xFE00, 0xFE10),
    *range(0x1F3FB, 0x1F400),
    *range(0xE0020, 0xE0080),  # emoji tag characters
}

# Readable ASCII stand-ins for punctuation that latin-1 lacks.
_ASCII_EQUIVALENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2039": "<",
    "\u203a": ">",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "--",
    "\u2015": "--",
    "\u2212": "-",
    "\u2022": "-",
    "\u2023": "-",
    "\u2043": "-",
    "\u25cf": "-",
    "\u25e6": "-",
    "\u2026": "...",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2194": "<->",
    "\u21d2": "=>",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2248": "~",
    "\u2713": "v",
    "\u2714": "v",
    "\u2717": "x",
    "\u2718": "x",
    "\u20ac": "EUR",
    "\u2122": "TM",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0126": "H",
    "\u0127": "h",
    "\u0131": "i",
    "\u0152": "OE",
    "\u0153": "oe",
    "\u0192": "f",
    "\u02c6": "^",
    "\u02dc": "~",
}

_SPACES = {"\t": "    ", "\u2028": "\n", "\u2029": "\n"}


class TextCleaner:
    """Make arbitrary text safe for a font that can draw the characters ``can_draw`` accepts."""

    def __init__(self, can_draw: Callable[[str], bool]):
        self._can_draw = can_draw
        self._cache: dict[str, str] = {}
        # Characters known to stand for themselves, and str.translate's table for the others.
        self._kept: set[str] = {"\n", " "}
        self._table: dict[int, str] = {}

    def __call__(self, value: Any) -> str:
        if value is None:
            return ""
        text = value if isinstance(value, str) else str(value)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        # Lone surrogates (possible from JSON) would break NFC and every encoder.
        text = text.encode("utf-8", "replace").decode("utf-8")
        text = unicodedata.normalize("NFC", text)
        # Each distinct character is looked at once per document, not once per occurrence: a
        # 1,000-record portfolio has millions of characters but a few hundred distinct ones.
        new = set(text) - self._kept
        if not new:
            return text
        for ch in new:
            if ord(ch) not in self._table:
                converted = self._char(ch)
                if converted == ch:
                    self._kept.add(ch)
                else:
                    self._table[ord(ch)] = converted
        if new <= self._kept:
            return text
        return text.translate(self._table)

    def _char(self, ch: str) -> str:
        if ch == "\n" or ch == " ":
            return ch
        cached = self._cache.get(ch)
        if cached is None:
            cached = self._cache[ch] = self._convert(ch)
        return cached

    def _convert(self, ch: str) -> str:
        if ch in _SPACES:
            return _SPACES[ch]
        code = ord(ch)
        category = unicodedata.category(ch)
        if code in _DROP or category in {"Cc", "Cf", "Cs"}:
            return ""
        if category == "Zs":
            return " " if not self._can_draw(ch) else ch
        if self._can_draw(ch):
            return ch
        if ch in _ASCII_EQUIVALENTS:
            return _ASCII_EQUIVALENTS[ch]
        # Strip accents one at a time, so "ễ" becomes "ê" before it becomes "e".
        decomposed = unicodedata.normalize("NFD", ch)
        while len(decomposed) > 1 and unicodedata.combining(decomposed[-1]):
            decomposed = decomposed[:-1]
            candidate = unicodedata.normalize("NFC", decomposed)
            if all(self._can_draw(c) for c in candidate):
                return candidate
        # Compatibility forms: ligatures, full-width letters, superscripts.
        compat = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c) and c != ch
        )
        if compat and all(self._can_draw(c) for c in compat):
            return compat
        return "?"


# --- Formatting helpers -------------------------------------------------------------------------


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    moment = _parse_datetime(text)
    return moment.date() if moment else None


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is not None:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError, OverflowError):
            moment = moment.astimezone(ZoneInfo(LOCAL_TIMEZONE))
    return moment


def format_date(day: date) -> str:
    """``date(2026, 11, 25)`` -> ``"25 November 2026"`` (independent of locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _display_date(value: Any) -> str:
    """A date or timestamp from the export as "25 November 2026"; raw text if unparseable."""
    moment = _parse_datetime(value) if isinstance(value, str) and "T" in value else None
    day = moment.date() if moment else _parse_date(value)
    if day is not None:
        return format_date(day)
    return str(value).strip() if value not in (None, "") else ""


def format_hours(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return f"{value} hours"
    if not number.is_finite():
        return f"{value} hours"
    text = f"{number.normalize():f}"
    return f"{text} hour" if number == 1 else f"{text} hours"


def format_size(value: Any) -> str:
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{size} bytes" if size != 1 else "1 byte"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else []


def _as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict]:
    return [item for item in _as_list(value) if isinstance(item, dict)]


def _join(*parts: Any) -> str:
    return ", ".join(p for p in (_text(part) for part in parts) if p)


def mapping_line(mapping: dict) -> str:
    """``"7.ASYE.2 (PCF 2018, Intervention and skills, ASYE): <statement>"``."""
    framework = _text(mapping.get("framework")).upper() or _text(mapping.get("framework_title"))
    source = " ".join(p for p in (framework, _text(mapping.get("version"))) if p)
    context = _join(source, mapping.get("domain"), mapping.get("level"))
    code = _text(mapping.get("code")) or "Statement"
    statement = _text(mapping.get("statement")) or "Statement text not recorded"
    return f"{code} ({context}): {statement}" if context else f"{code}: {statement}"
