"""Tests for the moderation-panel PDF (portfolios.pdf).

None of these tests use the ``db`` fixture: pytest-django blocks database access, so they also
check that rendering works from the export dict alone.

Text assertions force the Helvetica fallback and render uncompressed: core-font text is written
literally into the content stream as ``(...) Tj`` strings, while embedded TrueType text is written
as glyph ids.
"""

import copy
import re
from datetime import date
from pathlib import Path

import pytest

from portfolios import pdf as pdf_module
from portfolios import pdf_page
from portfolios.pdf import (
    FontChoice,
    TextCleaner,
    find_unicode_font,
    format_date,
    format_hours,
    format_size,
    mapping_line,
    render_portfolio_pdf,
)
from tests.pdf_text import literal

UNICODE_HEAVY = (
    "\u201cZo\u00eb\u201d said it\u2019s fine \u2014 \u0141ukasz & Nguy\u1ec5n\u2026 "
    "\u2022 \u00bd \u20ac5 \U0001f60a\U0001f44d\U0001f3fd \U0001f3f3\ufe0f\u200d\U0001f308 "
    "\u4e2d\u6587 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u2013 zak\u0142ad "
    "\u017c\u00f3\u0142\u0107 Vi\u1ec7t Nam\ttab\r\nline\x00\x07\ud800 \u00ad\u200b"
)


def mapping(code="7.ASYE.2", statement="Use a range of skills to intervene effectively."):
    return {
        "framework": "pcf",
        "framework_title": "Professional Capabilities Framework",
        "version": "2018",
        "code": code,
        "identifier": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
        "statement": statement,
        "domain": "Intervention and skills",
        "level": "ASYE",
    }


def make_entry(title="Direct work session", day="2026-03-01", **overrides):
    entry = {
        "id": "6fa459ea-ee8a-3ca4-894e-db77e160355e",
        "type": "reflection",
        "type_label": "Reflection on practice",
        "title": title,
        "date": day,
        "hours": "1.5",
        "status": "complete",
        "description": "A session on wishes and feelings.",
        "learning": "How to pace direct work.",
        "impact": "Children get more time to talk.",
        "peer_reflection": {
            "name": "Jo Adebayo",
            "role": "senior social worker",
            "date": "2026-03-04",
            "learning": "We talked about pacing.",
        },
        "swe_standards": ["4.1", "4.3"],
        "mappings": [mapping()],
        "comments": [
            {
                "author": "Priya Shah",
                "role": "practice educator",
                "at": "2026-03-10T14:00:00+00:00",
                "body": "Good use of theory.",
                "imported": False,
            }
        ],
        "attachments": [
            {
                "name": "observation.pdf",
                "content_type": "application/pdf",
                "size": 12345,
                "sha256": "0" * 64,
                "path": "attachments/6fa459ea/observation.pdf",
            }
        ],
        "created_at": "2026-03-01T10:00:00+00:00",
        "updated_at": "2026-03-10T14:00:00+00:00",
    }
    entry.update(overrides)
    return entry


def make_data(entries=None, coverage="default", name="Sam Okafor"):
    if coverage == "default":
        coverage = {
            "framework": "Professional Capabilities Framework",
            "version": "2018",
            "target_level": "ASYE",
            "levels": ["End of last placement", "ASYE", "Social worker"],
            "rows": [
                {"domain": "Professionalism", "counts": [0, 2, 1]},
                {"domain": "Values and ethics", "counts": [1, 0, 0]},
            ],
        }
    return {
        "format": "capable-portfolio",
        "format_version": 1,
        "exported_at": "2026-11-25T09:30:00+00:00",
        "owner": {"name": name, "email": "sam@example.org"},
        "entries": [make_entry()] if entries is None else entries,
        "coverage": coverage,
    }


def page_count(output: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b", output))


def assert_valid_pdf(output):
    assert isinstance(output, bytes)
    assert output.startswith(b"%PDF-")
    assert output.rstrip().endswith(b"%%EOF")


@pytest.fixture
def unicode_font():
    font = find_unicode_font()
    if font is None:
        pytest.skip("no DejaVu/Liberation/Noto Sans on this machine")
    return font


def render_text(data) -> bytes:
    return render_portfolio_pdf(data, compress=False)


# --- Basic output ---------------------------------------------------------------------------


def test_output_is_a_complete_pdf_as_bytes():
    assert_valid_pdf(render_portfolio_pdf(make_data()))


def test_compressed_output_hides_text_and_uncompressed_shows_it(core_font):
    compressed = render_portfolio_pdf(make_data())
    plain = render_portfolio_pdf(make_data(), compress=False)
    assert literal("Direct work session") not in compressed
    assert literal("Direct work session") in plain


def test_pages_are_a4_portrait():
    output = render_text(make_data())
    boxes = set(re.findall(rb"/MediaBox \[([^\]]*)\]", output))
    assert boxes == {b"0 0 595.28 841.89"}


def test_metadata(core_font):
    output = render_text(make_data())
    title = "CPD portfolio \u2013 Sam Okafor".encode("utf-16-be").hex().encode()
    assert b"/Title <feff" + title + b">" in output
    assert b"/Author (Sam Okafor)" in output
    assert b"/Creator (Capable)" in output


# --- Cover, header and footer ---------------------------------------------------------------


def test_cover_page(core_font):
    drafts = [make_entry("Draft one", "2026-04-01", status="draft")]
    data = make_data(
        entries=[make_entry("A", "2026-01-01"), make_entry("B", "2026-02-01"), *drafts]
    )
    output = render_text(data)
    assert output.index(b"(CPD portfolio) Tj") < output.index(b"(Sam Okafor) Tj")
    assert output.index(b"(Sam Okafor) Tj") < output.index(literal("Coverage of the framework"))
    assert literal("sam@example.org") in output
    assert literal("Exported on 25 November 2026") in output
    assert literal("3 records: 2 complete, 1 draft") in output
    assert literal("This portfolio must not contain information") in output


def test_page_numbers_and_running_header(core_font):
    entries = [make_entry(f"Record {i}", f"2026-01-{i + 1:02d}") for i in range(20)]
    output = render_text(make_data(entries=entries))
    pages = page_count(output)
    assert pages > 3
    # fpdf2 writes the substituted total as its own string: "(Page 3 of ) Tj (12) Tj".
    footers = re.findall(rb"\(Page (\d+) of (?:\) Tj \()?(\d+)\) Tj", output)
    assert [(int(n), int(total)) for n, total in footers] == [
        (number, pages) for number in range(1, pages + 1)
    ]
    # Header on every page but the cover; the cover shows the name once in its own text.
    assert output.count(b"(Sam Okafor) Tj") == pages
    assert output.count(b"(CPD portfolio) Tj") == pages  # cover title + a header per other page


# --- Coverage grid --------------------------------------------------------------------------


def test_coverage_grid(core_font):
    output = render_text(make_data())
    assert literal("Coverage of the framework") in output
    assert literal("ASYE (target)") in output
    assert literal("Social worker (target)") not in output
    assert literal("Professionalism") in output
    assert literal("End of last") in output  # the heading wraps onto two lines


def test_coverage_cells_are_shaded_by_count_with_black_text(core_font):
    output = render_text(make_data())
    darkest = b"0.5098 0.5098 0.5098 rg"  # the highest count (2) gets grey 130
    assert darkest in output
    cell = output.split(darkest, 1)[1][:200]
    assert b"0 g (2) Tj" in cell


def test_shading_deepens_with_count_and_keeps_contrast():
    greys = [pdf_module._shade(count, 4)[0] for count in range(5)]
    assert greys[0] == 255
    assert greys == sorted(greys, reverse=True)
    assert len(set(greys)) == 5
    assert min(greys) >= 130  # black text on grey 130 is above 5:1 contrast


def test_coverage_none_skips_the_section(core_font):
    output = render_text(make_data(coverage=None))
    assert_valid_pdf(output)
    assert literal("Coverage of the framework") not in output
    assert literal("(target)") not in output


def test_many_levels_get_a_landscape_page(core_font):
    levels = [f"Level {i}" for i in range(9)]
    coverage = {
        "framework": "PCF",
        "version": "2018",
        "target_level": "Level 3",
        "levels": levels,
        "rows": [{"domain": "Knowledge", "counts": list(range(9))}],
    }
    output = render_text(make_data(coverage=coverage))
    assert b"/MediaBox [0 0 841.89 595.28]" in output
    assert literal("Level 3 (target)") in output


# --- Entries --------------------------------------------------------------------------------


def test_entry_content(core_font):
    output = render_text(make_data())
    expected = [
        "Direct work session",
        "Reflection on practice | 1 March 2026 | 1.5 hours",
        "Short description and why it is relevant",
        "A session on wishes and feelings.",
        "What I learnt",
        "Impact on my practice and on the people I work with",
        "Peer reflection with Jo Adebayo, senior social worker, on 4 March 2026",
        "We talked about pacing.",
        "Social Work England standards: 4.1, 4.3",
        "Mapped capabilities",
        "7.ASYE.2 (PCF 2018, Intervention and skills, ASYE): Use a range of skills",
        "Comment by Priya Shah, practice educator, 10 March 2026:",
        "Good use of theory.",
        "observation.pdf, 12 KB",
    ]
    positions = []
    for text in expected:
        assert literal(text) in output, text
        positions.append(output.index(literal(text)))
    assert positions == sorted(positions), "record fields are out of order"


def test_comments_the_owner_hid_are_not_printed(core_font):
    data = make_data()
    entry = data["entries"][0]
    entry["comments"][0]["hidden_by_owner"] = True
    output = render_text(data)
    assert literal("Good use of theory.") not in output
    assert literal("Comment by Priya Shah") not in output


def test_full_statement_is_spelled_out_even_when_it_wraps(core_font):
    statement = " ".join(f"word{i}" for i in range(80))
    data = make_data(entries=[make_entry(mappings=[mapping(statement=statement)])])
    output = render_text(data)
    for i in range(80):
        assert re.search(rb"\bword" + str(i).encode() + rb"\b", output), i


def test_empty_fields_show_not_recorded(core_font):
    complete = render_text(make_data())
    assert literal("Not recorded") not in complete

    entry = make_entry(
        learning="",
        impact=None,
        peer_reflection=None,
        swe_standards=[],
        mappings=[],
        comments=[],
        attachments=[],
    )
    output = render_text(make_data(entries=[entry]))
    assert output.count(b"(Not recorded) Tj") == 4  # learning, impact, peer, mappings
    assert literal("Social Work England standards: Not recorded") in output


def test_entries_in_date_order_with_undated_drafts_last(core_font):
    entries = [
        make_entry("Undated draft", None, status="draft"),
        make_entry("Zebra March", "2026-03-01"),
        make_entry("Later", "2026-11-02"),
        make_entry("Earliest", "2025-12-31"),
        make_entry("Apple March", "2026-03-01"),
    ]
    output = render_text(make_data(entries=entries))
    order = ["Earliest", "Apple March", "Zebra March", "Later", "Undated draft"]
    positions = [output.index(literal(title)) for title in order]
    assert positions == sorted(positions)
    assert literal("Date not recorded") in output


def test_drafts_are_marked(core_font):
    entries = [
        make_entry("Finished record", "2026-01-01"),
        make_entry("Unfinished record", "2026-02-01", status="draft"),
    ]
    output = render_text(make_data(entries=entries))
    marker = literal("Draft - not yet marked as complete")
    assert output.count(marker) == 1
    assert output.index(literal("Unfinished record")) < output.index(marker)


def test_hours_are_optional(core_font):
    output = render_text(make_data(entries=[make_entry(hours=None)]))
    assert b"(Reflection on practice | 1 March 2026) Tj" in output


# --- Fonts and robustness -------------------------------------------------------------------


@pytest.mark.parametrize("font_path", ["unicode", "core"])
def test_unicode_heavy_text_renders_in_both_font_paths(font_path, monkeypatch):
    if font_path == "core":
        monkeypatch.setattr(pdf_module, "find_unicode_font", lambda: None)
    elif find_unicode_font() is None:
        pytest.skip("no DejaVu/Liberation/Noto Sans on this machine")
    entry = make_entry(
        title=UNICODE_HEAVY,
        description=UNICODE_HEAVY * 20,
        learning=UNICODE_HEAVY,
        impact="x" * 3000,  # one word wider than the page
        peer_reflection={"name": UNICODE_HEAVY, "role": None, "date": "bad", "learning": None},
        mappings=[mapping(statement=UNICODE_HEAVY)],
        comments=[{"author": UNICODE_HEAVY, "body": UNICODE_HEAVY, "at": None}],
        attachments=[{"name": UNICODE_HEAVY, "size": None}],
    )
    coverage = make_data()["coverage"]
    coverage["rows"][0]["domain"] = UNICODE_HEAVY
    data = make_data(entries=[entry], coverage=coverage, name=UNICODE_HEAVY)
    output = render_text(data)
    assert_valid_pdf(output)
    if font_path == "core":
        assert b"/FontFile2" not in output
        assert b"/BaseFont /Helvetica" in output
        assert literal('"Zo\u00eb" said it\'s fine -- Lukasz & Nguy\u00ean... - ') in output
    else:
        assert b"/FontFile2" in output
        assert b"/BaseFont /Helvetica" not in output
        # The embedded font's ToUnicode map lists every character drawn: these were kept as
        # written (Ł, ễ, curly quote, em dash) rather than transliterated.
        for code in (b"<0141>", b"<1EC5>", b"<201C>", b"<2014>"):
            assert code in output, code


def test_unicode_font_is_embedded_when_available(unicode_font):
    output = render_text(make_data())
    assert b"/FontFile2" in output
    assert unicode_font.regular.stem.split("-")[0].encode() in output


def test_unreadable_font_file_falls_back_to_helvetica(monkeypatch, tmp_path):
    broken = tmp_path / "Broken.ttf"
    broken.write_bytes(b"not a font")
    monkeypatch.setattr(
        pdf_module, "find_unicode_font", lambda: FontChoice("Broken", broken, broken)
    )
    output = render_text(make_data(name="\u0141ukasz Nowak"))
    assert_valid_pdf(output)
    assert literal("Lukasz Nowak") in output


def test_zero_entries_and_no_coverage(core_font):
    output = render_text(make_data(entries=[], coverage=None))
    assert_valid_pdf(output)
    assert literal("0 records: 0 complete, 0 drafts") in output
    assert literal("No records yet.") in output
    assert page_count(output) == 2


def test_malformed_values_do_not_crash(core_font):
    entry = make_entry(
        date="not a date",
        hours="lots",
        swe_standards=None,
        mappings=["junk", None, {}],
        comments=[{"at": "yesterday"}],
        attachments=[{}],
        peer_reflection="junk",
    )
    data = make_data(entries=[entry, "junk", None])
    data["owner"] = None
    data["exported_at"] = None
    data["coverage"]["rows"].append({"domain": None, "counts": [None, "x"]})
    output = render_text(data)
    assert_valid_pdf(output)
    assert literal("Name not recorded") in output
    assert literal("lots hours") in output


def test_two_hundred_entries_produce_many_pages():
    entries = [
        make_entry(f"Record {i:03d}", f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}") for i in range(200)
    ]
    output = render_text(make_data(entries=entries))
    assert_valid_pdf(output)
    assert page_count(output) > 10


def test_input_is_not_modified(core_font):
    data = make_data(entries=[make_entry("B", "2026-02-01"), make_entry("A", "2026-01-01")])
    before = copy.deepcopy(data)
    render_portfolio_pdf(data)
    assert data == before


def test_rejects_non_dict():
    with pytest.raises(TypeError):
        render_portfolio_pdf(["not", "a", "dict"])


# --- Font search ----------------------------------------------------------------------------


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    return path


def test_font_search_prefers_dejavu_then_liberation_then_noto(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_page, "FONT_DIRS", (tmp_path,))
    assert find_unicode_font() is None

    noto = _touch(tmp_path / "truetype/noto/NotoSans-Regular.ttf")
    assert find_unicode_font() == FontChoice("NotoSans", noto, noto)  # no bold: regular reused

    liberation = _touch(tmp_path / "truetype/liberation/LiberationSans-Regular.ttf")
    liberation_bold = _touch(tmp_path / "truetype/liberation/LiberationSans-Bold.ttf")
    assert find_unicode_font() == FontChoice("LiberationSans", liberation, liberation_bold)

    dejavu = _touch(tmp_path / "truetype/dejavu/DejaVuSans.ttf")
    dejavu_bold = _touch(tmp_path / "truetype/dejavu/DejaVuSans-Bold.ttf")
    assert find_unicode_font() == FontChoice("DejaVuSans", dejavu, dejavu_bold)


# --- Text cleaning and formatting -----------------------------------------------------------


def test_latin1_cleaner_transliterates():
    clean = TextCleaner(lambda ch: ord(ch) < 256)
    assert clean("\u201cZo\u00eb\u201d \u2014 it\u2019s \u2013 fine\u2026") == (
        '"Zo\u00eb" -- it\'s - fine...'
    )
    assert clean("\u0141ukasz Nguy\u1ec5n \u0153uvre \ufb01le") == "Lukasz Nguy\u00ean oeuvre file"
    assert clean("\U0001f44d\U0001f3fd ok\u200d\ufe0f") == "? ok"
    assert clean("a\tb\r\nc\rd\x00\x07\ud800") == "a    b\nc\nd?"
    assert clean(None) == ""
    assert all(ord(ch) < 256 for ch in clean(UNICODE_HEAVY))


def test_unicode_cleaner_keeps_what_the_font_can_draw():
    drawable = {ord(ch) for ch in "Zo\u00eb\u0141ukasz\u201c\u201d "}
    clean = TextCleaner(lambda ch: ord(ch) in drawable)
    assert (
        clean("\u201cZo\u00eb \u0141ukasz\u201d \U0001f60a") == "\u201cZo\u00eb \u0141ukasz\u201d ?"
    )


def test_formatting_helpers():
    assert format_date(date(2026, 11, 5)) == "5 November 2026"
    assert format_hours("1.5") == "1.5 hours"
    assert format_hours("1.0") == "1 hour"
    assert format_hours(2) == "2 hours"
    assert format_hours(None) == ""
    assert format_size(12345) == "12 KB"
    assert format_size(500) == "500 bytes"
    assert format_size(5 * 1024 * 1024) == "5.0 MB"
    assert format_size(None) == ""
    assert mapping_line(mapping()) == (
        "7.ASYE.2 (PCF 2018, Intervention and skills, ASYE): "
        "Use a range of skills to intervene effectively."
    )
    assert mapping_line({"code": "1.1"}) == "1.1: Statement text not recorded"
