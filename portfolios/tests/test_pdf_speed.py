"""The PDF's fast paths (issue 19) write what the slow ones wrote: the text cleaner looks at each
distinct character once, and lines are placed without fpdf2's per-line layout."""

import pytest

from portfolios.pdf import PortfolioPDF, TextCleaner, find_unicode_font

MIXED = "Café “quoted” \u2013 ễ ﬁ\tend\r\nzero\u200bwidth \x07bell 😀 plain"


@pytest.mark.parametrize("drawable", [lambda ch: ord(ch) < 256, lambda ch: ord(ch) < 0x2000])
def test_the_cleaner_gives_what_converting_each_character_gave(drawable):
    cleaner = TextCleaner(drawable)
    reference = TextCleaner(drawable)
    expected = "".join(reference._char(ch) for ch in reference_input(MIXED))
    assert cleaner(MIXED) == expected
    assert cleaner(MIXED) == expected  # again, from what it has learnt
    assert cleaner("plain text") == "plain text"


def reference_input(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def test_a_placed_line_is_the_operator_fpdf_would_write():
    font = find_unicode_font()
    if font is None:
        pytest.skip("no TrueType font on this machine: lines go through FPDF.text() itself")
    pdf = PortfolioPDF("Sam Example", font)
    assert not pdf.uses_core_font
    pdf.add_page()
    pdf.font(11)
    pdf.set_text_color(80, 80, 80)
    line = pdf.safe("Zoë\u2019s “reflection” \u2013 ễ and ünïcode")
    page = pdf.pages[pdf.page]
    pdf.text(20, 10, "")  # the font is set on the page first, by either
    start = len(page.contents)
    pdf._place(20, 30, line)
    middle = len(page.contents)
    pdf.text(20, 30, line)  # the same glyphs are picked by now, so the bytes must match
    placed, written = page.contents[start:middle], page.contents[middle:]
    assert placed == written
    assert placed.startswith(b"q ") and b"Tj ET Q" in placed


def test_the_same_export_gives_the_same_bytes_whatever_the_hash_seed(tmp_path):
    """Glyphs are picked in the order characters appear, never in a set's order."""
    import hashlib
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import django, hashlib; django.setup()\n"
        "from portfolios.pdf import render_portfolio_pdf\n"
        "data = {'owner': {'name': 'Zo\\u00eb'}, 'exported_at': '2026-03-05T10:00:00+00:00',"
        " 'entries': [{'title': 'Caf\\u00e9 \\u201cx\\u201d \\u0177 \\u0175', 'description':"
        " 'abc xyz \\u00fc\\u00ef \\u0151\\u0171 qrs', 'mappings': [{'code': '1.1'}]}]}\n"
        "print(hashlib.sha256(render_portfolio_pdf(data)).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[2]
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        env.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
        run = subprocess.run(  # noqa: S603 (our own fixed script, run by this Python)
            [sys.executable, "-c", script], env=env, cwd=root, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
        digests.add(run.stdout.strip())
    assert len(digests) == 1
    assert hashlib.sha256(b"").hexdigest() not in digests
