"""Django's `{# #}` comments end on the line they start: one that runs onto the next line is not a
comment at all, and its text shows on the page (it did, in every hidden figure of the workforce
view). Longer notes use `{% comment %}`."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNCLOSED = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


def _templates():
    for folder in ROOT.glob("**/templates"):
        if ".venv" in folder.parts or "node_modules" in folder.parts:
            continue
        yield from folder.rglob("*.html")
        yield from folder.rglob("*.txt")


def test_no_template_comment_runs_onto_another_line():
    unclosed = [
        f"{path.relative_to(ROOT)}:{path.read_text()[: match.start()].count(chr(10)) + 1}"
        for path in _templates()
        for match in UNCLOSED.finditer(path.read_text())
    ]
    assert unclosed == []
