"""The settings modules read top to bottom: a setting is set once per file at module level, so a
later line never silently replaces an earlier one (a second assignment leaves the first, and its
comment, misleading)."""

import ast
from collections import Counter
from pathlib import Path

import pytest

SETTINGS = sorted((Path(__file__).resolve().parent.parent / "cms" / "settings").glob("*.py"))


@pytest.mark.parametrize("path", SETTINGS, ids=lambda p: p.name)
def test_each_setting_is_assigned_once_per_file(path):
    names = Counter(
        target.id
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id.isupper()
    )
    assert [name for name, count in names.items() if count > 1] == []
