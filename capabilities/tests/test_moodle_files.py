"""Files shaped like the ones Moodle writes import: Moodle's own importer fixture and what is
derived from it (header case, depth four, reversed rows, semicolon, colon and tab, Windows-1252,
HTML descriptions, duplicate and unknown references), and a round trip through Moodle's own
exporter format keeps identifiers and order. Also the admin import form and the command."""

import csv
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from capabilities.interchange import moodle
from capabilities.interchange.errors import InterchangeError
from capabilities.models import Association, FrameworkVersion, Item
from capabilities.tests.test_case import counts, wipe
from capabilities.tests.test_moodle import rich_pcf

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "moodle" / "example.csv"
IMPORT_URL = "/admin/framework/import-moodle/"


def fixture_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def table_of(text: str, delimiter=",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def write(table, delimiter=",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(table)
    return out.getvalue()


def tree(version: FrameworkVersion) -> dict[str, tuple]:
    """code -> (kind, parent code) with nested groups' isChildOf parents."""
    nested = dict(
        version.associations.filter(association_type="isChildOf").values_list(
            "origin__code", "destination__code"
        )
    )
    out = {}
    for item in version.items.select_related("group", "domain"):
        parent = item.domain or item.group
        out[item.code] = (item.kind, parent.code if parent else nested.get(item.code))
    return out


def test_moodles_own_fixture_imports():
    result = moodle.import_file(FIXTURE.read_bytes())
    version = result.version
    assert result.notes == []
    assert version.slug == "OECD-CORE"
    assert version.items.count() == 64  # as Moodle's own test expects
    shape = tree(version)
    # Depth four: a group in a group, then a domain, then statements.
    assert shape["competencies"] == ("group", None)
    assert shape["delivery"] == ("group", "competencies")
    assert shape["analytical-thinking"] == ("domain", "delivery")
    assert shape["DR-AT1"] == ("statement", "analytical-thinking")
    assert shape["levels"] == ("domain", None)
    assert shape["level-1"] == ("statement", "levels")
    # HTML (format 1) became text: paragraphs, line breaks, no tags, source line wraps joined.
    statement = version.items.get(code="DR-AT1")
    assert statement.full_statement == (
        "Distinguishes between critical and irrelevant pieces of information"
    )
    assert version.description.startswith("The Core Competencies summarise the capabilities")
    assert version.description.endswith(
        "three clusters.\n\n• The delivery-related competencies\n"
        "• The interpersonal competencies\n• The strategic competencies"
    )
    assert "<" not in "".join(version.items.values_list("full_statement", flat=True))
    # Level 1 lists its 39 statements: 39 links, and siblings keep the file's order.
    assert version.associations.filter(association_type="isRelatedTo").count() == 39
    delivery = list(
        version.items.filter(group__code="delivery")
        .order_by("sort_order")
        .values_list("code", flat=True)
    )
    assert delivery[:3] == ["analytical-thinking", "acheivement-focus", "drafting-skills"]
    assert version.items.get(code="analytical-thinking").slug == "analytical-thinking"


def test_fixture_round_trip_keeps_the_tree():
    first = moodle.export_csv(moodle.import_csv(fixture_text()))
    exported = table_of(first)
    assert exported[1][13] == "concept,concept,domain,competency"
    by_code = {row[1]: row for row in exported[2:]}
    assert by_code["delivery"][0] == "competencies"
    assert by_code["DR-AT1"][0] == "analytical-thinking"
    wipe()
    assert moodle.export_csv(moodle.import_csv(first)) == first


def _same_import(text: str, **options):
    version = moodle.import_csv(text, **options)
    assert version.items.count() == 64
    shape = tree(version)
    assert shape["delivery"] == ("group", "competencies")
    assert shape["DR-AT1"] == ("statement", "analytical-thinking")
    assert version.items.get(code="I-DS-2").full_statement == (
        "Understands the reason behind, or motivation for someone\u2019s actions."
    )
    return version


def test_rows_in_reverse_order_children_before_parents():
    table = table_of(fixture_text())
    version = _same_import(write([table[0], *reversed(table[1:])]))
    delivery = version.items.filter(group__code="delivery").order_by("sort_order")
    assert delivery.first().code == "teamwork"  # siblings keep the order of the file


@pytest.mark.parametrize(("name", "char"), [("semicolon", ";"), ("colon", ":"), ("tab", "\t")])
def test_other_delimiters_detected_or_chosen(name, char):
    text = write(table_of(fixture_text()), delimiter=char)
    _same_import(text)
    wipe()
    _same_import(text, delimiter=name)


def test_a_wrong_delimiter_choice_is_named():
    text = write(table_of(fixture_text()), delimiter=";")
    with pytest.raises(InterchangeError, match=r"Row 1: Expected the 14 columns .* found 1 "):
        moodle.import_csv(text, delimiter="comma")
    assert counts() == (0, 0, 0, 0)


def test_header_case_and_spelling_variants():
    table = table_of(fixture_text())
    table[0] = [name.upper() for name in table[0]]
    _same_import(write(table))
    wipe()
    table[0] = [name.lower().replace(" ", "") for name in moodle.HEADERS]
    _same_import(write(table))


def test_windows_1252_file_with_the_encoding_chosen():
    data = fixture_text().encode("windows-1252")
    with pytest.raises(InterchangeError) as raised:
        moodle.import_file(data)
    assert str(raised.value).startswith("Row 2: The file is not UTF-8 text: byte 0x92")
    assert "Windows-1252" in str(raised.value)
    assert counts() == (0, 0, 0, 0)
    _same_import(data, encoding="windows-1252")


def test_bom_and_crlf_line_ends():
    data = ("\ufeff" + fixture_text()).replace("\n", "\r\n").encode("utf-8")
    _same_import(data)


HEADER = list(moodle.HEADERS)


def framework_row(**cells):
    row = ["", "FW", "Hand made", "<p>A framework</p>", "1", "A,B", "[]"] + [""] * 5 + ["1", ""]
    for index, value in cells.items():
        row[int(index[1:])] = value
    return row


def comp(parent, code, description="", fmt="2", related="", exported=""):
    return [parent, code, code.title(), description, fmt, "", "", "", "0", "null", related,
            exported, "", ""]  # fmt: skip


def test_descriptions_by_format():
    table = [
        HEADER,
        framework_row(),
        comp("", "D", "<p>One &amp; <b>two</b></p><ul><li>three</li><li>four</li></ul>", "1"),
        comp("D", "S1", "Line one\n<b>bold</b> line two", "0"),
        comp("D", "S2", "Plain <p> kept", "2"),
        comp("D", "S3", "**Markdown** kept", "4"),
    ]
    version = moodle.import_csv(write(table))
    text = dict(version.items.values_list("code", "full_statement"))
    assert text["D"] == "One & two\n\n- three\n- four"
    assert text["S1"] == "Line one\nbold line two"
    assert text["S2"] == "Plain <p> kept"
    assert text["S3"] == "**Markdown** kept"
    assert version.description == "A framework"


def test_duplicate_related_links_make_one_link():
    table = [
        HEADER,
        framework_row(),
        comp("", "D"),
        comp("D", "A", "a", related="B,B, B"),
        comp("D", "B", "b", related="A"),
    ]
    version = moodle.import_csv(write(table))
    links = list(version.associations.values_list("origin__code", "destination__code"))
    assert links == [("A", "B")]


def test_unknown_references_are_imported_and_reported():
    table = [
        HEADER,
        framework_row(),
        comp("", "D"),
        comp("D", "A", "a", related="B,GONE,A"),
        comp("D", "B", "b"),
        comp("LOST", "C", "c"),
        comp("C", "C1", "c one"),
    ]
    table[3][7] = "competency_rule_all"
    result = moodle.import_file(write(table))
    assert result.notes == [
        "Row 6: the parent ID number 'LOST' is not in the file, so 'C' was imported at the top "
        "level (Moodle would leave it out).",
        "Row 4, column 'Cross-referenced competency ID numbers': 'GONE' is not an ID number in "
        "this file, so no link was made to it.",
        "Row 4, column 'Cross-referenced competency ID numbers': 'A' is this row itself, so no "
        "link was made.",
        "Rows 4 have competency rules (Rule type), which Capable does not use; they were not "
        "imported.",
    ]
    version = result.version
    assert tree(version)["C"] == ("domain", None)
    assert tree(version)["C1"] == ("statement", "C")
    assert list(version.associations.values_list("origin__code", "destination__code")) == [
        ("A", "B")
    ]


def test_depth_five_nests_groups():
    table = [HEADER, framework_row()]
    for parent, code in [("", "L1"), ("L1", "L2"), ("L2", "L3"), ("L3", "L4"), ("L4", "L5")]:
        table.append(comp(parent, code, code))
    version = moodle.import_csv(write(table))
    assert tree(version) == {
        "L1": ("group", None),
        "L2": ("group", "L1"),
        "L3": ("group", "L2"),
        "L4": ("domain", "L3"),
        "L5": ("statement", "L4"),
    }
    text = moodle.export_csv(version)
    assert [row[:2] for row in table_of(text)[2:]] == [row[:2] for row in table[2:]]


def test_a_parent_loop_is_refused_with_its_row():
    table = [HEADER, framework_row(), comp("B", "A", "a"), comp("A", "B", "b")]
    with pytest.raises(InterchangeError, match=r"^Row 3, column 'Parent ID number': 'A' is"):
        moodle.import_csv(write(table))
    assert counts() == (0, 0, 0, 0)


def as_moodle_exports(text: str) -> str:
    """What Moodle's framework_exporter writes after importing `text`: its numeric ids in
    Exported ID (none on the framework row), relations listed on both rows, "Is framework"
    empty on competencies and the scale configuration pointing at Moodle's own scale."""
    table = table_of(text)
    header, framework, rows = table[0], list(table[1]), table[2:]
    framework[11] = ""
    framework[6] = framework[6].replace('"scaleid":"0"', '"scaleid":"7"')
    related: dict[str, list[str]] = {row[1]: [] for row in rows}
    for row in rows:
        for code in filter(None, row[10].split(",")):
            code = code.replace("%2C", ",")
            for a, b in ((row[1], code), (code, row[1])):
                if b not in related[a]:
                    related[a].append(b)
    out = [header, framework]
    for number, row in enumerate(rows, start=101):
        row = list(row)
        row[10] = ",".join(code.replace(",", "%2C") for code in related[row[1]])
        row[11] = str(number)
        row[12] = ""
        out.append(row)
    return write(out)


def test_round_trip_through_moodles_exporter_keeps_identifiers_and_order(pcf):
    rich = rich_pcf()
    text = moodle.export_csv(rich)
    items = dict(rich.items.values_list("code", "identifier"))
    identifier = rich.identifier
    through_moodle = as_moodle_exports(text)
    assert re.search(r",101,,\n", through_moodle)
    wipe()
    version = moodle.import_csv(through_moodle)
    assert version.identifier == identifier
    assert dict(version.items.values_list("code", "identifier")) == items
    assert moodle.export_csv(version) == text
    assert version.items.get(code="1.L1.1").level.code == "L1"


def test_round_trip_of_a_deep_moodle_framework_through_moodles_exporter():
    first = moodle.export_csv(moodle.import_csv(fixture_text()))
    items = dict(Item.objects.values_list("code", "identifier"))
    wipe()
    version = moodle.import_csv(as_moodle_exports(first))
    assert dict(version.items.values_list("code", "identifier")) == items
    assert moodle.export_csv(version) == first
    assert version.associations.filter(association_type=Association.Type.IS_CHILD_OF).count() == 3


# --- Through the admin and the command ------------------------------------------------------


def editor(client):
    from accounts.factories import UserFactory, give_mfa

    client.force_login(give_mfa(UserFactory(is_staff=True, is_superuser=True)))


def upload(data: bytes, name="framework.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_an_editor_imports_a_moodle_file_in_the_admin(client):
    editor(client)
    listing = client.get("/admin/snippets/capabilities/frameworkversion/").content.decode()
    assert f'href="{IMPORT_URL}"' in listing
    page = client.get(IMPORT_URL).content.decode()
    assert 'name="encoding"' in page and 'name="delimiter"' in page
    table = table_of(fixture_text())
    table[3][10] += ",NOT-THERE"
    data = write(table, delimiter=";").encode("windows-1252")
    response = client.post(
        IMPORT_URL, {"file": upload(data), "encoding": "windows-1252", "delimiter": "semicolon"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    version = FrameworkVersion.objects.get(slug="OECD-CORE")
    assert not version.live
    assert "64 items" in html
    assert "Reported (1)" in html
    assert "&#x27;NOT-THERE&#x27; is not an ID number in this file" in html


def test_the_admin_form_keeps_choices_and_names_the_row_on_error(client):
    editor(client)
    response = client.post(
        IMPORT_URL, {"file": upload(FIXTURE.read_bytes()), "encoding": "utf-8", "delimiter": "tab"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "The file was not imported" in html  # the message at the top
    assert "Nothing was imported: Row 1: Expected the 14 columns" in html  # at the field
    assert '<option value="tab" selected>' in html  # what was chosen is still chosen
    data = fixture_text().encode("windows-1252")
    response = client.post(IMPORT_URL, {"file": upload(data), "encoding": "utf-8"})
    assert "Row 2: The file is not UTF-8 text" in response.content.decode()
    assert not FrameworkVersion.objects.exists()


def test_importing_in_the_admin_needs_permission(client):
    from django.contrib.auth.models import Permission

    from accounts.factories import UserFactory, give_mfa

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(give_mfa(user))
    response = client.post(IMPORT_URL, {"file": upload(FIXTURE.read_bytes()), "encoding": "utf-8"})
    assert response.status_code in (302, 403)
    assert not FrameworkVersion.objects.exists()


def test_the_command_takes_encoding_and_delimiter_and_lists_reports(tmp_path):
    table = table_of(fixture_text())
    table[3][10] += ",NOT-THERE"
    file = tmp_path / "oecd.csv"
    file.write_bytes(write(table, delimiter="\t").encode("iso-8859-1", errors="replace"))
    out = io.StringIO()
    call_command(
        "import_moodle", str(file), "--encoding", "iso-8859-1", "--delimiter", "tab",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    text = out.getvalue()
    assert "Imported" in text and "64 competencies" in text
    assert "Reported (1), which Moodle would ignore:" in text
    assert "- Row 4, column 'Cross-referenced competency ID numbers': 'NOT-THERE'" in text
