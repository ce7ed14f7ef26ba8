"""Moodle competency framework CSV: the file Moodle expects, round trip and bad files."""

import csv
import io
import re

import pytest

from capabilities.factories import AssociationFactory, build_pcf
from capabilities.interchange import moodle
from capabilities.interchange.errors import InterchangeError
from capabilities.models import Association, Framework, FrameworkVersion, Item
from capabilities.services import load_shipped_frameworks, publish_version
from capabilities.tests.test_case import add_pqs, counts, wipe

pytestmark = pytest.mark.django_db

MOODLE_HEADERS = [
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def write(table: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(table)
    return out.getvalue()


def rich_pcf() -> FrameworkVersion:
    """A PCF using every field the Moodle conventions have to carry."""
    version = build_pcf(slug="rich-pcf", framework_slug="rich", publish=False)
    version.description = "The rich edition.\n\nIt has two paragraphs; and commas, too."
    version.label = "2018 (rich)"
    version.save()
    Framework.objects.filter(pk=version.framework_id).update(
        description="A framework with a description.", creator="Someone, somewhere; 100%"
    )
    level = version.items.get(code="L3")
    level.stage = Item.Stage.ADVANCED
    level.pathways = ["Advanced practitioner", "Educator, senior", "Manager; strategic"]
    level.save()
    statement = version.items.get(code="1.L1.1")
    statement.title = "A titled statement"
    statement.slug = "titled"
    statement.save()
    AssociationFactory(
        version=version,
        association_type=Association.Type.IS_RELATED_TO,
        origin=statement,
        destination=version.items.get(code="2.L1.2"),
    )
    AssociationFactory(
        version=version,
        association_type=Association.Type.IS_RELATED_TO,
        origin=statement,
        destination=version.items.get(code="2"),
    )
    publish_version(version=version)
    return version


def test_export_has_moodles_columns_and_framework_row(pcf):
    table = rows(moodle.export_csv(pcf))
    assert table[0] == MOODLE_HEADERS
    assert all(len(row) == 14 for row in table)
    framework = table[1]
    assert framework[1] == "test-pcf"
    assert framework[2] == "Professional Capabilities Framework"
    assert framework[12] == "1"
    assert framework[13] == "concept,domain,competency"
    assert framework[11] == str(pcf.identifier)
    assert "## Capable framework data" in framework[3]
    assert "- level L2: slug level-2; stage qualifying" in framework[3]
    assert [row[12] for row in table[2:]] == [""] * pcf.items.count()


def test_export_tree_order_and_cross_references(pcf):
    table = rows(moodle.export_csv(pcf))
    by_code = {row[1]: row for row in table[2:]}
    codes = [row[1] for row in table[2:]]
    assert codes[:4] == ["PURPOSE", "1", "1.L1.1", "1.L1.2"]
    assert codes[-3:] == ["L1", "L2", "L3"]
    assert by_code["PURPOSE"][0] == ""
    assert by_code["1"][0] == "PURPOSE"
    assert by_code["1.L2.1"][0] == "1"
    assert by_code["1.L2.1"][10] == "L2"
    assert by_code["L2"][0] == ""
    statement = pcf.items.get(code="1.L2.1")
    assert by_code["1.L2.1"][11] == str(statement.identifier)
    # No title: the short name is the ID number; the description is the statement.
    assert by_code["1.L2.1"][2] == "1.L2.1"
    assert by_code["1.L2.1"][3] == statement.full_statement
    assert by_code["1"][2] == "Domain 1"


def test_pqs_standards_are_top_level_rows(pcf):
    pqs = add_pqs(pcf)
    table = rows(moodle.export_csv(pqs))
    assert table[1][13] == "competency"
    assert [(row[0], row[1], row[2]) for row in table[2:]] == [
        ("", "T-1", "Standard 1"),
        ("", "T-2", "Standard 2"),
        ("", "T-3", "Standard 3"),
    ]


def test_round_trip_gives_the_same_csv(pcf):
    pqs = add_pqs(pcf)
    rich = rich_pcf()
    texts = {v.slug: moodle.export_csv(v) for v in (pcf, pqs, rich)}
    identifiers = set(Item.objects.values_list("identifier", flat=True))
    version_identifiers = set(FrameworkVersion.objects.values_list("identifier", flat=True))
    wipe()
    for text in texts.values():
        moodle.import_csv(text)
    for slug, text in texts.items():
        assert moodle.export_csv(FrameworkVersion.objects.get(slug=slug)) == text
    assert set(Item.objects.values_list("identifier", flat=True)) == identifiers
    assert set(FrameworkVersion.objects.values_list("identifier", flat=True)) == version_identifiers


def test_import_restores_the_model(pcf):
    rich = rich_pcf()
    text = moodle.export_csv(rich)
    wipe()
    version = moodle.import_csv(text)
    assert not version.live
    assert version.slug == "rich-pcf"
    assert version.label == "2018 (rich)"
    assert version.description == "The rich edition.\n\nIt has two paragraphs; and commas, too."
    framework = version.framework
    assert (framework.slug, framework.kind) == ("rich", "pcf")
    assert framework.description == "A framework with a description."
    assert framework.creator == "Someone, somewhere; 100%"
    level = version.items.get(code="L3")
    assert level.kind == Item.Kind.LEVEL
    assert level.pathways == ["Advanced practitioner", "Educator, senior", "Manager; strategic"]
    assert level.stage == Item.Stage.ADVANCED
    assert level.title == "Level 3"
    statement = version.items.get(code="1.L1.1")
    assert (statement.title, statement.slug) == ("A titled statement", "titled")
    assert statement.domain.code == "1"
    assert statement.level.code == "L1"
    assert statement.domain.group.code == "PURPOSE"
    assert version.items.get(code="1.L1.2").title == ""
    assert sorted(
        version.associations.values_list("origin__code", "destination__code", "association_type")
    ) == [("1.L1.1", "2", "isRelatedTo"), ("1.L1.1", "2.L1.2", "isRelatedTo")]
    assert version.last_changed.replace(microsecond=0) == rich.last_changed.replace(microsecond=0)


def test_import_can_publish(pcf):
    text = moodle.export_csv(pcf)
    wipe()
    version = moodle.import_csv(text, publish=True)
    assert version.live


def test_import_of_a_file_written_by_moodle(db):
    """No Capable data section, Moodle's own ids in Exported ID, a level row listing statements."""
    framework = [
        "",
        "SW-1",
        "Social work",
        "Imported.",
        "1",
        "A,B",
        "[]",
        "",
        "",
        "",
        "",
        "",
        "1",
        "",
    ]
    table = [
        MOODLE_HEADERS,
        framework,
        ["", "G", "Group", "<p>A group</p>", "1", "", "", "", "0", "null", "", "7", "", ""],
        ["G", "D", "Domain", "A domain", "1", "", "", "", "0", "null", "", "8", "", ""],
        ["D", "S1", "First", "Can do one thing", "1", "", "", "", "0", "null", "LV", "9", "", ""],
        ["D", "S2", "Second", "", "1", "", "", "", "0", "null", "", "10", "", ""],
        ["", "LV", "A level", "A level", "1", "", "", "", "0", "null", "S2", "11", "", ""],
    ]
    version = moodle.import_csv(write(table))
    assert version.slug == "SW-1"
    assert version.framework.slug == "social-work"
    kinds = dict(version.items.values_list("code", "kind"))
    assert kinds == {
        "G": "group",
        "D": "domain",
        "S1": "statement",
        "S2": "statement",
        "LV": "level",
    }
    assert version.items.get(code="S1").level.code == "LV"
    assert version.items.get(code="S2").level.code == "LV"
    assert version.items.get(code="S2").full_statement == "Second"
    assert version.description == "Imported."


def _bad_files():
    def header(t):
        t[0][2] = "Name"

    def short_row(t):
        del t[5][3]

    def no_idnumber(t):
        t[5][1] = ""

    def duplicate(t):
        t[5][1] = t[4][1]

    def parent_loop(t):
        t[3][0] = t[6][1]

    def no_framework_row(t):
        t[1][12] = ""

    def bad_stage(t):
        t[1][3] = t[1][3].replace("stage qualifying", "stage eternal", 1)

    def statement_under_level(t):
        level = next(row for row in t if row[1] == "L1")
        t[5][0] = "L1"
        t.remove(level)
        t.insert(2, level)

    return [
        (
            "header",
            header,
            "Row 1, column 'Short name': Expected the header 'Short name', found 'Name'.",
        ),
        ("column-count", short_row, "Row 6: Expected 14 columns, found 13."),
        (
            "missing-id-number",
            no_idnumber,
            "Row 6, column 'ID number': This competency has no ID number",
        ),
        (
            "duplicate-id-number",
            duplicate,
            "Row 6, column 'ID number': '1.L1.1' is already used in row 5.",
        ),
        (
            "parent-loop",
            parent_loop,
            "Row 4, column 'Parent ID number': '1' is inside itself: its parents loop back to it "
            "through '1.L2.1'.",
        ),
        ("no-framework-row", no_framework_row, "column 'Is framework': There is no framework row"),
        ("bad-stage", bad_stage, "Row 2, column 'Description': Level L1: stage 'eternal'"),
        (
            "statement-under-level",
            statement_under_level,
            "Row 7, column 'Parent ID number': A statement must be under the framework or a "
            "domain, not under the level 'L1'.",
        ),
    ]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [(b[1], b[2]) for b in _bad_files()],
    ids=[b[0] for b in _bad_files()],
)
def test_bad_files_are_refused_and_nothing_is_imported(pcf, mutate, message):
    table = rows(moodle.export_csv(pcf))
    wipe()
    mutate(table)
    with pytest.raises(InterchangeError) as raised:
        moodle.import_csv(write(table))
    assert message in str(raised.value)
    assert counts() == (0, 0, 0, 0)


def test_existing_version_or_items_are_refused(pcf):
    text = moodle.export_csv(pcf)
    before = counts()
    with pytest.raises(InterchangeError, match=r"Row 2, column 'ID number': .*'test-pcf' already"):
        moodle.import_csv(text)
    table = rows(text)
    table[1][1] = "another-slug"
    table[1][11] = ""
    table[1][3] = re.sub(r"- identifier: .*\n", "", table[1][3])
    with pytest.raises(InterchangeError, match=r"Row 3, column 'Exported ID \(optional\)'"):
        moodle.import_csv(write(table))
    assert counts() == before


def test_empty_and_non_csv_files(db):
    with pytest.raises(InterchangeError, match="Row 1: The file is empty"):
        moodle.import_csv("")
    with pytest.raises(InterchangeError, match="Row 1: Expected the 14 columns"):
        moodle.import_csv("just some text\n")
    assert counts() == (0, 0, 0, 0)


def test_shipped_frameworks_round_trip(db):
    load_shipped_frameworks()
    texts = {v.slug: moodle.export_csv(v) for v in FrameworkVersion.objects.order_by("pk")}
    wipe()
    for text in texts.values():
        moodle.import_csv(text)
    for slug, text in texts.items():
        assert moodle.export_csv(FrameworkVersion.objects.get(slug=slug)) == text
