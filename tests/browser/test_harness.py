"""The checks every journey relies on can fail: each finds the problem it is for."""

import pytest

from .conftest import new_page
from .ui import MODES, UI, PageProblem

DESKTOP = next(mode for mode in MODES if mode.name == "desktop")
KEYBOARD = next(mode for mode in MODES if mode.name == "keyboard-text-200")
NARROW = next(mode for mode in MODES if mode.name == "no-js-320px")

PAGE = """<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>
<header><p>Site</p></header><main><h1>Heading</h1>{body}</main></body></html>"""


@pytest.fixture
def make_ui(chromium, site):
    contexts = []

    def make(mode, body, title="A page"):
        context, page = new_page(chromium, site, mode)
        contexts.append(context)
        page.set_content(PAGE.format(title=title, body=body))
        return UI(page, site, mode)

    yield make
    for context in contexts:
        context.close()


def test_a_clean_page_passes(make_ui):
    ui = make_ui(DESKTOP, '<p>Plain text.</p><a href="#x" id="x">A link</a>')
    assert ui.page_problems() == []


def test_axe_violations_fail_with_rule_and_element(make_ui):
    ui = make_ui(DESKTOP, '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" class="pic">')
    problems = ui.page_problems()
    assert any("axe image-alt" in problem and "img" in problem for problem in problems)


def test_sideways_scrolling_fails_with_the_widest_element(make_ui):
    ui = make_ui(NARROW, '<p class="wide" style="width: 600px">Too wide for a phone</p>')
    (problem,) = ui.page_problems()
    assert "scrolls sideways" in problem and "Too wide" in problem


def test_a_table_in_its_own_scrolling_region_is_fine(make_ui):
    ui = make_ui(NARROW, '<div style="overflow-x: auto"><p style="width: 600px">Wide</p></div>')
    assert ui.page_problems() == []


def test_errors_without_focus_or_title_fail(make_ui):
    ui = make_ui(DESKTOP, '<div class="govuk-error-summary"><p>There is a problem</p></div>')
    problems = ui.page_problems()
    assert any("title does not start 'Error: '" in problem for problem in problems)
    assert any("does not have focus" in problem for problem in problems)


def test_one_h1_per_page(make_ui):
    ui = make_ui(DESKTOP, "<h1>Another</h1>")
    assert "2 h1 headings, not one" in ui.page_problems()


def test_keyboard_needs_a_visible_focus_indicator(make_ui):
    ui = make_ui(
        KEYBOARD,
        '<a href="#a" id="a" style="outline: none">Hidden focus</a>'
        '<a href="#b" id="b">Seen focus</a>',
    )
    with pytest.raises(PageProblem, match="no visible focus indicator"):
        ui._tab_to(ui.page.get_by_role("link", name="Hidden focus"))
    ui._tab_to(ui.page.get_by_role("link", name="Seen focus"))
