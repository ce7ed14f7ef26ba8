"""The portfolio PDF's page (`PortfolioPDF`): A4 with margins, the font it embeds (the first
wide-coverage TrueType font found, else Helvetica; see `portfolios.pdf`), the running header and
footer, and the building blocks the sections draw with: paragraphs wrapped by words, labelled
fields, bullets, a shaded notice and a rule. The appraisal and annual-report PDFs build on it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import TextMode, XPos, YPos
from fpdf.fonts import TTFFont

from .pdf_text import TextCleaner, _text

logger = logging.getLogger(__name__)

# --- Layout -------------------------------------------------------------------------------------

MARGIN = 18  # mm, left/right/top/bottom
BODY_SIZE = 10
SMALL_SIZE = 8.5
LINE = 5  # mm line height for body text
SMALL_LINE = 4.2
TEXT_COLOUR = (0, 0, 0)
WHITE = (255, 255, 255)
MUTED_COLOUR = (70, 70, 70)  # still >= 9:1 contrast on white
RULE_COLOUR = (150, 150, 150)
NOT_RECORDED = "Not recorded"

# --- Fonts --------------------------------------------------------------------------------------

FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
    Path("/System/Library/Fonts/Supplemental"),
)


@dataclass(frozen=True)
class FontChoice:
    """A TrueType family to embed: ``bold`` may be the regular file if no bold face exists."""

    family: str
    regular: Path
    bold: Path


# In preference order: (family name, regular file names, bold file names, sub-folders to try).
FONT_CANDIDATES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    ("DejaVuSans", ("DejaVuSans.ttf",), ("DejaVuSans-Bold.ttf",), ("truetype/dejavu", "dejavu")),
    (
        "LiberationSans",
        ("LiberationSans-Regular.ttf",),
        ("LiberationSans-Bold.ttf",),
        ("truetype/liberation", "truetype/liberation2", "liberation", "liberation-sans"),
    ),
    (
        "NotoSans",
        ("NotoSans-Regular.ttf",),
        ("NotoSans-Bold.ttf",),
        ("truetype/noto", "noto", "google-noto", "opentype/noto"),
    ),
)


def find_unicode_font() -> FontChoice | None:
    """Return the first wide-coverage TTF family installed here, or None.

    DejaVu Sans is tried first (``/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf``), then
    Liberation Sans, then Noto Sans. Tests monkeypatch this to force the Helvetica fallback.
    """
    for family, regular_names, bold_names, subdirs in FONT_CANDIDATES:
        for base in FONT_DIRS:
            for folder in (*(base / sub for sub in subdirs), base):
                regular = _first_file(folder, regular_names)
                if regular is None:
                    continue
                bold = _first_file(folder, bold_names) or regular
                return FontChoice(family=family, regular=regular, bold=bold)
    return None


def _first_file(folder: Path, names: Iterable[str]) -> Path | None:
    for name in names:
        path = folder / name
        try:
            if path.is_file():
                return path
        except OSError:
            continue
    return None


# --- The page -----------------------------------------------------------------------------------


class PortfolioPDF(FPDF):
    def __init__(self, owner_name: str, font: FontChoice | None):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN)
        self.alias_nb_pages()
        self.font_family_name = "Helvetica"
        self.clean = TextCleaner(lambda ch: ord(ch) < 256)
        if font is not None:
            self._use_ttf(font)
        self.owner_name = self.clean(owner_name)

    def _use_ttf(self, font: FontChoice) -> None:
        try:
            self.add_font(font.family, "", str(font.regular))
            self.add_font(font.family, "B", str(font.bold))
        except Exception:  # a broken or unreadable font file: fall back to Helvetica
            logger.warning("Could not load font %s; using Helvetica", font, exc_info=True)
            return
        key = font.family.lower()
        drawable = set(self.fonts[key].cmap) & set(self.fonts[key + "B"].cmap)
        self.font_family_name = font.family
        self.clean = TextCleaner(lambda ch: ord(ch) in drawable)

    @property
    def uses_core_font(self) -> bool:
        return self.font_family_name == "Helvetica"

    def font(self, size: float = BODY_SIZE, bold: bool = False) -> None:
        self.set_font(self.font_family_name, "B" if bold else "", size)

    def safe(self, value: Any) -> str:
        text = self.clean(value)
        if self.uses_core_font:  # belt and braces: core fonts must only ever see latin-1
            text = text.encode("latin-1", "replace").decode("latin-1")
        return text

    # Page furniture -------------------------------------------------------------------------

    # What the running header says on the right of every page after the first (the owner's name
    # is on the left). Other documents built on this page set their own.
    header_label = "CPD portfolio"

    def header(self) -> None:
        if self.page_no() <= 1:
            return
        self.font(SMALL_SIZE)
        self.set_text_color(*MUTED_COLOUR)
        self.set_xy(self.l_margin, 9)
        label = self._fit(self.header_label, self.epw / 2)
        label_width = self.get_string_width(label) + 2
        name = self._fit(self.owner_name, self.epw - label_width - 4)
        self.cell(self.epw - label_width, 4, name)
        self.cell(label_width, 4, label, align="R")
        self.set_draw_color(*RULE_COLOUR)
        self.set_line_width(0.2)
        self.line(self.l_margin, 14, self.w - self.r_margin, 14)
        self.set_text_color(*TEXT_COLOUR)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_y(-12)
        self.font(SMALL_SIZE)
        self.set_text_color(*MUTED_COLOUR)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(*TEXT_COLOUR)

    def _fit(self, text: str, width: float) -> str:
        if self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "...") > width:
            text = text[:-1]
        return text + "..."

    # Building blocks ------------------------------------------------------------------------

    def paragraph(
        self,
        value: Any,
        *,
        size: float = BODY_SIZE,
        bold: bool = False,
        line: float = LINE,
        indent: float = 0,
        colour: tuple[int, int, int] = TEXT_COLOUR,
    ) -> None:
        text = self.safe(value)
        self.font(size, bold)
        self.set_text_color(*colour)
        # fpdf2's multi_cell re-measures the whole paragraph for every character it adds, which
        # is quadratic in the paragraph's length; wrapping here by words measured once each keeps
        # a long portfolio to a second or two. Lines are written with cell(), which still breaks
        # pages automatically.
        self._lines(self._wrap(text, self.epw - indent), line=line, indent=indent)
        self.set_text_color(*TEXT_COLOUR)

    def _lines(self, lines: list[str], *, line: float, indent: float) -> None:
        """Write wrapped lines where `cell(epw - indent, line, ...)` would, one below another,
        starting a new page as `cell` does. With `text()`, which only places the string:
        `cell` lays out, measures and styles each line again, most of the time of a long
        portfolio (see `render_portfolio_pdf`)."""
        x = self.l_margin + indent + self.c_margin
        for text_line in lines:
            if self.will_page_break(line):
                self.add_page(same=True)
            if text_line:
                # The baseline where cell() puts it: the middle of the line, less 0.3 em.
                self._place(x, self.y + 0.5 * line + 0.3 * self.font_size, text_line)
            self.y += line
        self.x = self.l_margin

    def _place(self, x: float, y: float, text: str) -> None:
        """`FPDF.text()` for plain filled text in an embedded font, with the glyph mapping done
        by `str.translate` (fpdf2 maps and concatenates each character in Python: a quarter of
        a long portfolio's time). Anything else goes to `text()` itself."""
        font = self.current_font
        plain = (
            isinstance(font, TTFFont)
            and not font.is_symbol
            and not font.color_font
            and self.text_mode == TextMode.FILL
            and not (self.underline or self.strikethrough or self._record_text_quad_points)
        )
        if not plain:
            self.text(x, y, text)
            return
        seen, glyphs = self.__dict__.setdefault("_glyphs", {}).setdefault(font.fontkey, (set(), {}))
        new = set(text) - seen
        if new:
            # In the order they appear (as fpdf2 picks them), so the same export gives the
            # same bytes whatever the hash seed.
            for ch in dict.fromkeys(text):
                if ch in new:
                    mapped = font.subset.pick(ord(ch))
                    glyphs[ord(ch)] = chr(mapped) if mapped is not None else ""
            seen |= new
        if not self.current_font_is_set_on_page:
            self._out(self._set_font_for_page(font, self.font_size_pt))
        encoded = font.escape_text(text.translate(glyphs))
        op = f"BT {x * self.k:.2f} {(self.h - y) * self.k:.2f} Td ({encoded}) Tj ET"
        if self.fill_color != self.text_color:
            op = f"q {self.text_color.serialize().lower()} {op} Q"
        self._out(op)

    def _wrap(self, text: str, width: float) -> list[str]:
        cache = self.__dict__.setdefault("_word_widths", {})
        font = (self.font_family, self.font_style, self.font_size_pt)

        def measure(word: str) -> float:
            key = (font, word)
            if key not in cache:
                cache[key] = self.get_string_width(word)
            return cache[key]

        space = measure(" ")
        lines: list[str] = []
        for paragraph in text.split("\n"):
            current: list[str] = []
            used = 0.0
            for word in paragraph.split(" "):
                if not word:
                    continue
                word_width = measure(word)
                while word_width > width:  # a word wider than the line: split it
                    cut = len(word)
                    while cut > 1 and self.get_string_width(word[:cut]) > width:
                        cut -= 1
                    if current:
                        lines.append(" ".join(current))
                        current, used = [], 0.0
                    lines.append(word[:cut])
                    word = word[cut:]
                    word_width = measure(word)
                extra = word_width + (space if current else 0)
                if current and used + extra > width:
                    lines.append(" ".join(current))
                    current, used = [word], word_width
                else:
                    current.append(word)
                    used += extra
            lines.append(" ".join(current))
        return lines

    def keep_space(self, height: float) -> None:
        """Start a new page unless ``height`` mm fit, so headings are not stranded."""
        if self.will_page_break(height):
            self.add_page()

    def label(self, text: str) -> None:
        self.ln(1.5)
        self.keep_space(LINE * 3)
        self.paragraph(text, bold=True)

    def field(self, label: str, value: Any) -> None:
        self.label(label)
        value = _text(value)
        if value:
            self.paragraph(value)
        else:
            self.paragraph(NOT_RECORDED, colour=MUTED_COLOUR)

    def bullet(self, value: Any, *, size: float = BODY_SIZE, line: float = LINE) -> None:
        self.keep_space(line * 2)
        self.font(size)
        self._place(
            self.l_margin + self.c_margin,
            self.y + 0.5 * line + 0.3 * self.font_size,
            self.safe("\u2022"),
        )
        self.paragraph(value, size=size, line=line, indent=5)

    def notice(self, text: str, *, size: float = BODY_SIZE, bold: bool = False) -> None:
        """A shaded box, for what a reader must not miss."""
        self.keep_space(LINE * 3)
        self.set_fill_color(235, 235, 235)
        self.font(size, bold)
        self.multi_cell(
            self.epw,
            LINE,
            self.safe(text),
            align="L",
            fill=True,
            padding=3,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_fill_color(255, 255, 255)

    def rule(self) -> None:
        self.set_draw_color(*RULE_COLOUR)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
