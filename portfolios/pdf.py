"""Render a CPD portfolio as a PDF for a moderation panel.

The input is exactly the dict produced by the portfolio JSON export (``format`` is
``"capable-portfolio"``), already assembled by the caller, so this module never touches the
database. The PDF has a cover page, a PCF coverage grid and then every record in date order, with
the mapped capability statements spelled out in full.

Fonts: fpdf2's core fonts (Helvetica) can only draw latin-1, while social workers' text contains
curly quotes, dashes, non-latin names and emoji. We therefore embed the first wide-coverage
TrueType font found on the machine (DejaVu Sans, Liberation Sans, Noto Sans). If none is found, or
it cannot be loaded, we fall back to Helvetica and transliterate everything outside latin-1. In
both cases every character the chosen font cannot draw is transliterated or replaced with ``?``
before it reaches fpdf2, so no input text can make rendering fail.

The parts: the page, its fonts and building blocks in `pdf_page`; text cleaning and the export's
values as text in `pdf_text`; the sections (cover, coverage grid, records) here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fpdf import FontFace

# The page and the text helpers are also imported from here by the appraisal and annual-report
# PDFs (`from portfolios.pdf import ...`), and `find_unicode_font` is patched here by tests.
from .pdf_page import (
    BODY_SIZE,
    LINE,
    MUTED_COLOUR,
    NOT_RECORDED,
    SMALL_LINE,
    SMALL_SIZE,
    TEXT_COLOUR,
    WHITE,
    FontChoice,
    PortfolioPDF,
    find_unicode_font,
)
from .pdf_text import (  # noqa: F401
    TextCleaner,
    _as_dict,
    _as_list,
    _dicts,
    _display_date,
    _join,
    _parse_date,
    _parse_datetime,
    _text,
    format_date,
    format_hours,
    format_size,
    mapping_line,
)

__all__ = ["FontChoice", "find_unicode_font", "render_portfolio_pdf"]

IMPORTED_NOTE = "Imported, not verified by Capable:"
CONFIDENTIALITY_NOTE = (
    "This portfolio must not contain information that could identify a child or family. "
    "Records are written about the social worker's own learning and practice."
)
MAX_PORTRAIT_LEVELS = 5  # more coverage columns than this get a landscape page


def _entry_sort_key(entry: dict) -> tuple:
    day = _parse_date(entry.get("date"))
    title = _text(entry.get("title")).casefold()
    if day is None:
        return (1, date.max, title)
    return (0, day, title)


def _cover(pdf: PortfolioPDF, data: dict, entries: list[dict]) -> None:
    owner = _as_dict(data.get("owner"))
    pdf.add_page()
    pdf.set_y(70)
    pdf.paragraph("CPD portfolio", size=28, bold=True, line=13)
    pdf.ln(4)
    pdf.paragraph(_text(owner.get("name")) or "Name not recorded", size=18, line=9)
    email = _text(owner.get("email"))
    if email:
        pdf.paragraph(email, size=11, line=6, colour=MUTED_COLOUR)
    pdf.ln(10)

    exported = _display_date(data.get("exported_at"))
    if exported:
        pdf.paragraph(f"Exported on {exported}", size=11, line=6)
    drafts = sum(1 for e in entries if _text(e.get("status")).lower() == "draft")
    complete = len(entries) - drafts
    records = "1 record" if len(entries) == 1 else f"{len(entries)} records"
    draft_text = "1 draft" if drafts == 1 else f"{drafts} drafts"
    pdf.paragraph(f"{records}: {complete} complete, {draft_text}", size=11, line=6)
    coverage = _as_dict(data.get("coverage"))
    if coverage:
        framework = " ".join(
            p for p in (_text(coverage.get("framework")), _text(coverage.get("version"))) if p
        )
        target = _text(coverage.get("target_level"))
        if framework:
            pdf.paragraph(f"Mapped to the {framework}", size=11, line=6)
        if target:
            pdf.paragraph(f"Target level: {target}", size=11, line=6)

    pdf.ln(14)
    pdf.notice(CONFIDENTIALITY_NOTE)


def _shade(count: int, highest: int) -> tuple[int, int, int]:
    """White for zero, then greys that deepen with the count.

    The darkest grey (130) keeps black text above 5:1 contrast.
    """
    if count <= 0 or highest <= 0:
        return WHITE
    grey = round(238 - (238 - 130) * (count / highest))
    return (grey, grey, grey)


def _count(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _coverage(pdf: PortfolioPDF, coverage: dict) -> None:
    levels = [_text(level) for level in _as_list(coverage.get("levels"))]
    rows = _dicts(coverage.get("rows"))
    target = _text(coverage.get("target_level"))

    # Up to five levels fit a portrait page; the full PCF (nine levels) gets a landscape page so
    # that level names stay readable instead of breaking mid-word.
    pdf.add_page(orientation="portrait" if len(levels) <= MAX_PORTRAIT_LEVELS else "landscape")
    pdf.paragraph("Coverage of the framework", size=16, bold=True, line=8)
    framework = " ".join(
        p for p in (_text(coverage.get("framework")), _text(coverage.get("version"))) if p
    )
    intro = (
        "Each cell shows the count for that domain and level. Darker shading means a higher count."
    )
    if framework:
        intro = f"{framework}. {intro}"
    pdf.paragraph(intro, size=SMALL_SIZE + 1, line=SMALL_LINE + 0.5, colour=MUTED_COLOUR)
    pdf.ln(4)

    if not levels or not rows:
        pdf.paragraph("No coverage to show.", colour=MUTED_COLOUR)
        return

    counts = [[_count(c) for c in _as_list(row.get("counts"))] for row in rows]
    highest = max((c for row in counts for c in row if c is not None), default=0)
    size = BODY_SIZE if len(levels) <= MAX_PORTRAIT_LEVELS else SMALL_SIZE
    level_width = min(30.0, (pdf.epw - 50) / len(levels))
    domain_width = pdf.epw - level_width * len(levels)
    headings = [
        f"{level} (target)" if target and level == target else level or "Level" for level in levels
    ]

    pdf.font(size)
    with pdf.table(
        width=pdf.epw,
        col_widths=(domain_width, *([level_width] * len(levels))),
        text_align=("LEFT", *(["CENTER"] * len(levels))),
        headings_style=FontFace(emphasis="BOLD", color=TEXT_COLOUR, fill_color=WHITE),
        line_height=size * 0.5,
        padding=1.5 if len(levels) <= MAX_PORTRAIT_LEVELS else 1,
        repeat_headings=1,
    ) as table:
        heading_row = table.row()
        heading_row.cell(pdf.safe("Domain"))
        for heading in headings:
            heading_row.cell(pdf.safe(heading))
        for row, row_counts in zip(rows, counts, strict=True):
            cells = table.row()
            cells.cell(
                pdf.safe(_text(row.get("domain")) or "Domain not recorded"),
                style=FontFace(color=TEXT_COLOUR, fill_color=WHITE),
            )
            for index in range(len(levels)):
                count = row_counts[index] if index < len(row_counts) else 0
                raw = _as_list(row.get("counts"))
                shown = str(count) if count is not None else pdf.safe(_text(raw[index]))
                cells.cell(
                    shown,
                    style=FontFace(color=TEXT_COLOUR, fill_color=_shade(count or 0, highest)),
                )


def _entry(pdf: PortfolioPDF, entry: dict) -> None:
    pdf.keep_space(45)
    pdf.rule()
    pdf.ln(3)
    pdf.paragraph(_text(entry.get("title")) or "Untitled record", size=13, bold=True, line=6.5)

    day = _display_date(entry.get("date")) or "Date not recorded"
    meta = [
        _text(entry.get("activity_type_label")),
        _text(entry.get("type_label")) or _text(entry.get("type")),
        day,
    ]
    hours = format_hours(entry.get("hours"))
    if hours:
        meta.append(hours)
    pdf.paragraph(" | ".join(p for p in meta if p), size=9.5, line=5, colour=MUTED_COLOUR)
    if _text(entry.get("status")).lower() == "draft":
        pdf.paragraph("Draft - not yet marked as complete", size=9.5, bold=True, line=5)

    others = _as_dict(entry.get("written_by_others"))
    if others:
        received = _display_date(others.get("received_on"))
        if _text(others.get("source")) == "observation":
            pdf.label(
                f"Direct observation of practice written by {_text(others.get('author'))}, "
                f"not by the owner{f', on {received}' if received else ''}"
                f"{', signed by both' if others.get('signed_by_both') else ''}"
            )
        else:
            pdf.label(
                f"Feedback received through Capable, written by {_text(others.get('author'))}, "
                f"not by the owner{f', on {received}' if received else ''}"
                f"{' (typed in from a paper form)' if others.get('typed_from_paper') else ''}"
            )
        for answer in _dicts(others.get("answers")):
            pdf.field(_text(answer.get("question")) or "Answer", answer.get("answer"))

    pdf.field("Short description and why it is relevant", entry.get("description"))
    pdf.field("What I learnt", entry.get("learning"))
    pdf.field("Impact on my practice and on the people I work with", entry.get("impact"))

    peer = entry.get("peer_reflection")
    if isinstance(peer, dict):
        who = _join(peer.get("name"), peer.get("role"))
        when = _display_date(peer.get("date"))
        heading = "Peer reflection"
        if who:
            heading += f" with {who}"
        if when:
            heading += f", on {when}" if who else f" on {when}"
        pdf.field(heading, peer.get("learning"))
    else:
        pdf.field("Peer reflection", None)

    standards = [_text(s) for s in _as_list(entry.get("swe_standards")) if _text(s)]
    pdf.ln(1.5)
    pdf.keep_space(LINE * 2)
    pdf.paragraph(
        f"Social Work England standards: {', '.join(standards) or NOT_RECORDED}", bold=True
    )

    mappings = _dicts(entry.get("mappings"))
    pdf.label("Mapped capabilities")
    if mappings:
        for mapping in mappings:
            pdf.bullet(mapping_line(mapping))
    else:
        pdf.paragraph(NOT_RECORDED, colour=MUTED_COLOUR)

    # Comments the owner hid are theirs to keep, not to print for a panel.
    comments = [c for c in _dicts(entry.get("comments")) if not c.get("hidden_by_owner")]
    reviews = [c for c in comments if c.get("imported") is False]
    # Anything not marked as a Capable reviewer's comment is printed as the owner's imported
    # note: never under the name or date the file claims, nor like a reviewer's comment.
    notes = [c for c in comments if c.get("imported") is not False]
    pdf.label("Comments")
    if not reviews:
        pdf.paragraph("None", colour=MUTED_COLOUR)
    for comment in reviews:
        author = _text(comment.get("author")) or "unknown author"
        heading = (
            f"Comment by {_join(author, comment.get('role'), _display_date(comment.get('at')))}:"
        )
        pdf.keep_space(LINE * 2)
        pdf.paragraph(heading, size=9.5, bold=True, line=5)
        pdf.paragraph(_text(comment.get("body")) or NOT_RECORDED)
        pdf.ln(1)
    if notes:
        pdf.label("Imported notes (the owner's, from an imported file)")
        for note in notes:
            pdf.keep_space(LINE * 2)
            pdf.paragraph(IMPORTED_NOTE, size=9.5, line=5, colour=MUTED_COLOUR)
            pdf.paragraph(_text(note.get("body")) or NOT_RECORDED, colour=MUTED_COLOUR)
            pdf.ln(1)

    attachments = _dicts(entry.get("attachments"))
    pdf.label("Attachments (listed only, not included in this PDF)")
    if not attachments:
        pdf.paragraph("None", colour=MUTED_COLOUR)
    for attachment in attachments:
        pdf.bullet(
            _join(
                _text(attachment.get("name")) or "Unnamed file", format_size(attachment.get("size"))
            )
        )
    pdf.ln(6)


def _entries(pdf: PortfolioPDF, entries: list[dict]) -> None:
    pdf.add_page()
    pdf.paragraph("Records", size=16, bold=True, line=8)
    pdf.paragraph(
        "In date order. Drafts are included and marked.",
        size=SMALL_SIZE + 1,
        line=SMALL_LINE + 0.5,
        colour=MUTED_COLOUR,
    )
    pdf.ln(4)
    if not entries:
        pdf.paragraph("No records yet.", colour=MUTED_COLOUR)
        return
    for entry in sorted(entries, key=_entry_sort_key):
        _entry(pdf, entry)


def render_portfolio_pdf(data: dict, *, compress: bool = True) -> bytes:
    """Render the portfolio export dict as PDF bytes.

    ``data`` is the dict the JSON export produces; nothing is read from the database.
    ``compress=False`` leaves page content streams uncompressed, so tests can search them.

    Cost (issue 19; 1,000 records of ~300 words, DejaVu Sans, 1,001 pages, measured side by side
    on a 2-core machine): 4.5 to 4.9 s of CPU before, 1.6 to 1.7 s after (the issue's
    machine measured 3.3 s before: about 1.2 s expected there). What went: the text cleaner's
    per-character Python loop (now `str.translate`, each distinct character converted once) and
    fpdf2's `cell()` per line (its layout, measuring and graphics-state copies; now `_place`).
    What remains is fpdf2's page furniture (`add_page`, header, footer), writing the file, and
    our own word wrapping, roughly equal parts.
    """
    if not isinstance(data, dict):
        raise TypeError("render_portfolio_pdf expects the portfolio export dict")
    owner = _as_dict(data.get("owner"))
    owner_name = _text(owner.get("name"))
    entries = [e for e in _as_list(data.get("entries")) if isinstance(e, dict)]

    pdf = PortfolioPDF(owner_name, find_unicode_font())
    pdf.set_compression(compress)
    pdf.set_lang("en-GB")
    title = f"CPD portfolio \u2013 {owner_name}" if owner_name else "CPD portfolio"
    metadata = TextCleaner(lambda ch: True)  # PDF metadata is UTF-16: any real character is fine
    pdf.set_title(metadata(title))
    pdf.set_author(metadata(owner_name))
    pdf.set_creator("Capable")
    pdf.set_subject("Continuing professional development records")
    exported = _parse_datetime(data.get("exported_at"))
    if exported is not None and exported.tzinfo is not None:
        pdf.set_creation_date(exported)  # deterministic output for the same export

    _cover(pdf, data, entries)
    coverage = data.get("coverage")
    if isinstance(coverage, dict):
        _coverage(pdf, coverage)
    _entries(pdf, entries)
    return bytes(pdf.output())
