"""The export_case, import_case, export_moodle and import_moodle management commands."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from capabilities.interchange import case, moodle
from capabilities.models import FrameworkVersion
from capabilities.tests.test_case import add_pqs, counts, wipe

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_case_export_and_import_through_files(pcf, tmp_path):
    pqs = add_pqs(pcf)
    files = {}
    for version in (pcf, pqs):
        files[version.slug] = tmp_path / f"{version.slug}.json"
        out, err = run("export_case", version.slug, "-o", str(files[version.slug]))
        assert out.startswith(f"Exported {version}: ")
        assert f"to {files[version.slug]}." in out
        assert "Exporting" in err and "100%" in err
    texts = {slug: file.read_text(encoding="utf-8") for slug, file in files.items()}
    assert texts["test-pcf"] == case.dumps(case.export_package(pcf))
    wipe()
    for slug in ("test-pcf", "test-pqs"):
        out, err = run("import_case", str(files[slug]))
        assert out.startswith("Imported ") and "published" in out
        assert "Importing" in err and "100%" in err
    for slug, text in texts.items():
        assert case.dumps(case.export_package(FrameworkVersion.objects.get(slug=slug))) == text


def test_export_case_to_stdout(pcf):
    out, err = run("export_case", "test-pcf")
    assert json.loads(out) == case.export_package(pcf)
    assert "Exported" in err


def test_moodle_export_and_import_through_files(pcf, tmp_path):
    file = tmp_path / "pcf.csv"
    out, err = run("export_moodle", "test-pcf", "-o", str(file))
    assert out.startswith(f"Exported {pcf}: 27 competencies to ")
    assert "100%" in err
    text = file.read_text(encoding="utf-8")
    assert text == moodle.export_csv(pcf)
    wipe()
    out, err = run("import_moodle", str(file), "--publish")
    assert out.startswith("Imported Professional Capabilities Framework test-pcf (test-pcf, ")
    assert "published" in out
    assert "100%" in err
    version = FrameworkVersion.objects.get(slug="test-pcf")
    assert version.live
    assert moodle.export_csv(version) == text


def test_export_moodle_to_stdout(pcf):
    out, _ = run("export_moodle", "test-pcf")
    assert out == moodle.export_csv(pcf)


def test_import_case_stays_draft_without_adoption(pcf, tmp_path):
    package = case.export_package(pcf)
    package["CFDocument"]["adoptionStatus"] = "Draft"
    file = tmp_path / "draft.json"
    file.write_text(json.dumps(package), encoding="utf-8")
    wipe()
    out, _ = run("import_case", str(file))
    assert "(test-pcf, draft)" in out
    wipe()
    out, _ = run("import_case", str(file), "--publish")
    assert "(test-pcf, published)" in out


def test_errors_become_command_errors(pcf, tmp_path):
    package = case.export_package(pcf)
    del package["CFItems"][2]["fullStatement"]
    bad_json = tmp_path / "bad.json"
    bad_json.write_text(json.dumps(package), encoding="utf-8")
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text(moodle.export_csv(pcf).replace("Short name", "Name", 1), encoding="utf-8")
    not_json = tmp_path / "not.json"
    not_json.write_text("{", encoding="utf-8")
    wipe()
    with pytest.raises(CommandError, match=r"CFItems\[2\] .*: fullStatement is missing"):
        run("import_case", str(bad_json))
    with pytest.raises(CommandError, match="Row 1, column 'Short name'"):
        run("import_moodle", str(bad_csv))
    with pytest.raises(CommandError, match="is not JSON"):
        run("import_case", str(not_json))
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_moodle", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="No framework version with slug 'nope'"):
        run("export_case", "nope")
    with pytest.raises(CommandError, match="No framework version with slug 'nope'"):
        run("export_moodle", "nope")
    assert counts() == (0, 0, 0, 0)
