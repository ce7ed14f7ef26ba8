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


def test_every_apps_tests_are_collected():
    """Each folder with a tests package is in pytest's testpaths, so `make test` runs it (the
    supervision tests were left out once)."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    testpaths = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"
    ]["testpaths"]
    apps = {
        path.parent.parent.name
        for path in root.glob("*/tests/__init__.py")
        if not path.parent.parent.name.startswith(".")
    }
    assert "supervision" in apps
    assert apps - set(testpaths) == set()
