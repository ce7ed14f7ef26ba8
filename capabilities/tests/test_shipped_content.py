"""The wording of the shipped framework content (capabilities/data/README.md, "How the statements
are written"): rules a reviewer who knows social work would check, as word patterns.

Each rule is a function that returns what it found in one text; the `..._can_fail` tests feed it
a statement that breaks the rule, so a rule that stopped finding anything would fail here.
"""

import json
import re

import pytest

from capabilities.services import DATA_DIR

PCF = json.loads((DATA_DIR / "pcf-2018.json").read_text(encoding="utf-8"))
PQS = [
    json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
    for name in ("pqs-practitioners.json", "pqs-supervisors.json", "pqs-leaders.json")
]
STUDENT_LEVELS = {lv["code"] for lv in PCF["levels"] if lv["stage"] == "qualifying"}

# Words that frame a statement for children's services only: a student placed with adults, in
# mental health or in a hospital team could not evidence a statement that needs them.
CHILD_ONLY = re.compile(
    r"\b("
    r"child|children|child's|childhood|parents?|parent's|parental|parenting|famil(?:y|ies)"
    r"|family's|care proceedings|pre-proceedings|looked[- ]after|children in care|care leavers?"
    r"|safeguarding children|child protection|child in need|foster\w*|adopt\w*|kinship"
    r"|special guardianship|schools?|teachers?|health visitors?|young people|youth justice"
    r"|pupils?|nursery|early years"
    r")\b",
    re.IGNORECASE,
)
# Naming the law for every setting is required at readiness for direct practice (see below), so
# this one phrase is read before the words above are looked for.
ACROSS_SETTINGS = ("children's and adults' legislation",)

# Meeting a deadline is not a capability: timeliness goes with quality ("in time for the child",
# "timely, sound decisions"), never a timescale met for its own sake.
TIMESCALE = re.compile(
    r"\b(timescales?|deadlines?|on time|target dates?|within (?:[\w-]+ ){0,2}(?:hours|days|weeks|months)"
    r"|timely(?!,? (?:and )?(?:sound|well-reasoned|accurate)))\b",
    re.IGNORECASE,
)
# A statement records what a person does, not what they mean or would like to do.
INTENTION = re.compile(
    r"\b(considers? (?:training|becoming|undertaking|applying|a career|moving)"
    r"|(?:is|are|be) willing|willingness|wish(?:es)? to|wants? to|hopes? to|intends? to"
    r"|intention|aspires?|aspiration|would like to|plans to"
    r"|expresses (?:a |an )?(?:commitment|interest|wish|desire|willingness)"
    r"|shows (?:an )?interest|keen to)\b",
    re.IGNORECASE,
)


def child_only_words(text: str) -> list[str]:
    for phrase in ACROSS_SETTINGS:
        text = text.replace(phrase, "")
    return [m.group(0) for m in CHILD_ONLY.finditer(text)]


def timescale_words(text: str) -> list[str]:
    return [m.group(0) for m in TIMESCALE.finditer(text)]


def intention_words(text: str) -> list[str]:
    return [m.group(0) for m in INTENTION.finditer(text)]


def threshold_misstated(text: str) -> bool:
    """A legal threshold "met" must be for the court to decide, not the social worker."""
    lowered = text.lower()
    return "threshold" in lowered and re.search(r"\bmet\b", lowered) and "court" not in lowered


def pcf_statements(levels=None):
    """(code, text) for each capability statement, optionally only at some levels."""
    for domain in PCF["domains"]:
        for level, texts in domain["levels"].items():
            if levels is None or level in levels:
                for n, text in enumerate(texts, start=1):
                    yield f"{domain['number']}.{level}.{n}", text


def every_text():
    """Every sentence of shipped content a reader sees: statements at all levels, domain
    statements, level descriptions and the post-qualifying standards."""
    yield from pcf_statements()
    for domain in PCF["domains"]:
        yield f"domain {domain['number']}", domain["statement"]
    for level in PCF["levels"]:
        yield f"level {level['code']}", level["description"]
    for framework in PQS:
        for standard in framework["standards"]:
            yield standard["code"], standard["statement"]


def test_the_student_levels_are_the_four_qualifying_ones():
    assert {"ENTRY", "READY", "FIRST", "LAST"} == STUDENT_LEVELS
    assert sum(1 for _ in pcf_statements(STUDENT_LEVELS)) > 100


def test_every_student_level_statement_can_be_evidenced_in_any_setting():
    found = {
        code: child_only_words(text)
        for code, text in pcf_statements(STUDENT_LEVELS)
        if child_only_words(text)
    }
    descriptions = {
        lv["code"]: child_only_words(lv["description"])
        for lv in PCF["levels"]
        if lv["code"] in STUDENT_LEVELS and child_only_words(lv["description"])
    }
    assert found == {}, "child-and-family-only framing at a student level"
    assert descriptions == {}


@pytest.mark.parametrize(
    "bad",
    [
        "Keeps appropriate boundaries during home visits and direct work with children.",
        "Explains the law on care proceedings to a parent.",
        "Seeks the views of family members and records them.",
        "Contributes to plans for looked-after young people.",
        "Explains children's legislation and the duties it gives.",
    ],
)
def test_child_only_framing_check_can_fail(bad):
    assert child_only_words(bad)


def test_readiness_for_direct_practice_names_the_law_across_settings():
    ready = " ".join(text for _, text in pcf_statements({"READY"})).lower()
    assert "adults' legislation" in ready
    assert "children's" in ready
    assert "mental capacity" in ready


def test_no_statement_makes_meeting_timescales_a_capability():
    found = {code: timescale_words(text) for code, text in every_text() if timescale_words(text)}
    assert found == {}


@pytest.mark.parametrize(
    "bad",
    [
        "Works within local procedures, meeting statutory timescales with support.",
        "Manages a caseload, meeting agreed deadlines with guidance.",
        "Writes case records that are timely and factual.",
        "Completes assessments within 45 working days.",
    ],
)
def test_timescale_check_can_fail(bad):
    assert timescale_words(bad)


def test_timeliness_with_quality_is_allowed():
    assert not timescale_words("Reaches timely, well-reasoned judgements about need and risk.")
    assert not timescale_words("Makes decisions in time for the child.")


def test_no_statement_records_an_intention():
    found = {code: intention_words(text) for code, text in every_text() if intention_words(text)}
    assert found == {}


@pytest.mark.parametrize(
    "bad",
    [
        "Considers training as a practice educator.",
        "Shows willingness to reflect on own experiences.",
        "Expresses an interest in social justice.",
        "Reflects on the contribution they hope to make to the profession.",
        "Is willing to take on complex work.",
    ],
)
def test_intention_check_can_fail(bad):
    assert intention_words(bad)


def test_legal_thresholds_are_for_the_court_to_decide():
    found = [code for code, text in every_text() if threshold_misstated(text)]
    assert found == []


def test_threshold_check_can_fail():
    assert threshold_misstated("Brings cases into care proceedings when the threshold is met.")
    assert not threshold_misstated(
        "Lawyers advise whether the threshold may be met; only the court decides whether it is."
    )


def test_every_standard_links_to_statements_with_a_rationale():
    codes = {code for code, _ in pcf_statements()}
    post_qualifying = {code for code, _ in pcf_statements()} - {
        code for code, _ in pcf_statements(STUDENT_LEVELS)
    }
    for framework in PQS:
        for standard in framework["standards"]:
            assert "pcf_domains" not in standard, standard["code"]
            links = standard["pcf_statements"]
            assert links, standard["code"]
            for link in links:
                assert link["code"] in codes
                assert link["code"] in post_qualifying
                assert len(link["rationale"].split()) >= 5
            assert len({link["code"] for link in links}) == len(links)


def test_the_pcf_keeps_its_shape():
    """330 statements, 3 to 5 in every domain x level cell (README)."""
    cells = [texts for domain in PCF["domains"] for texts in domain["levels"].values()]
    assert len(cells) == 81
    assert all(3 <= len(texts) <= 5 for texts in cells)
    assert sum(len(texts) for texts in cells) == 330
