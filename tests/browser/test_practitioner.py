"""A practitioner's portfolio: evidence with an attachment mapped to the framework, the
identifying-information warning and its fix, coverage that changes with a mapping, and the CPD
year against Social Work England's requirements. Sharing, supervisor comments, export and import
are in test_practitioner_sharing.py."""

import datetime
import re

from playwright.sync_api import expect

from .ui import UI


def fill_date(ui: UI, legend: str, day: datetime.date) -> None:
    """A GOV.UK date input (Day, Month, Year), found by its fieldset's legend."""
    group = ui.main.get_by_role("group", name=legend, exact=True)
    ui.fill("Day", str(day.day), within=group)
    ui.fill("Month", str(day.month), within=group)
    ui.fill("Year", str(day.year), within=group)


def png(path):
    """A small real PNG image (a photo of a whiteboard, say) to attach."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (120, 80), "white")
    ImageDraw.Draw(image).rectangle((10, 10, 110, 70), outline="black", width=3)
    image.save(path, format="PNG")
    return path


def open_portfolio(ui: UI, person: str) -> None:
    ui.sign_in(person)
    ui.follow("Your portfolio", exact=True)
    ui.expect_heading("Your portfolio")


def test_practitioner_adds_evidence_with_an_attachment_mapped_to_the_framework(ui, tmp_path):
    today = datetime.date.today()
    open_portfolio(ui, "priya.practitioner")
    ui.press("Add evidence")
    ui.expect_heading("Add evidence")

    ui.select("Type of evidence", "Reflection on practice")
    ui.fill("Title", "Reflection on building a chronology", exact=True)
    fill_date(ui, "Date", today)
    ui.fill("Hours (optional)", "2")
    ui.fill(
        "Short description and why it is relevant",
        "Building a chronology with my team before a review meeting.",
    )
    ui.fill("What I learnt", "A chronology shows patterns that single incidents hide.")
    ui.fill(
        "Impact on my practice and on the people I work with",
        "I start every assessment with a chronology and share it with the family.",
    )

    # The statement picker: find statements by words, tick one; what was typed is kept.
    ui.fill("Find statements", "chronologies")
    ui.press("Find", exact=True)
    ui.see(re.compile(r"\d+ statements? match “chronologies”"))
    expect(ui.field("Title", exact=True)).to_have_value("Reflection on building a chronology")
    ui.check("6.SW.5")

    ui.upload("Attach files (optional)", png(tmp_path / "chronology-whiteboard.png"))
    ui.press("Save record", exact=True)

    ui.expect_heading("Reflection on building a chronology")
    ui.see("Record saved.")
    ui.see("6.SW.5")
    ui.see("Uses chronologies and family histories")
    attachment = ui.main.get_by_role("link", name="chronology-whiteboard.png")
    expect(attachment).to_be_visible()
    picture = ui.download("chronology-whiteboard.png")
    assert picture.body().startswith(b"\x89PNG\r\n\x1a\n")

    ui.follow("Back to your portfolio")
    entry = ui.main.locator(".app-entry-list__item").filter(
        has=ui.page.get_by_role("link", name="Reflection on building a chronology")
    )
    expect(entry).to_contain_text("1 file")
    expect(entry).to_contain_text("6.SW.5")


def test_identifying_information_is_redacted_or_rewritten_before_saving(ui):
    today = datetime.date.today()
    open_portfolio(ui, "priya.practitioner")
    ui.press("Add evidence")

    ui.select("Type of evidence", "Reflection on practice")
    ui.fill("Title", "Reflection on a first home visit", exact=True)
    fill_date(ui, "Date", today)
    ui.fill(
        "Short description and why it is relevant",
        "A first visit to the child called Jayden, born 04/05/2015, at home near SW1A 1AA.",
    )
    ui.fill("What I learnt", "Reading Mr Men books together helped the younger children talk.")
    ui.fill("Impact on my practice and on the people I work with", "I bring books to visits.")
    ui.press("Save record", exact=True)

    # The guard stops the save and says what it found, and where.
    ui.see("Check for information that could identify someone")
    panel = ui.main.locator(".app-guard")
    expect(panel).to_contain_text("must be removed")
    expect(panel).to_contain_text("a possible date of birth")
    expect(panel).to_contain_text("a possible postcode")
    expect(panel).to_contain_text("a possible name")

    # Strong identifiers: Redact replaces them, and nothing is saved yet.
    ui.press("Redact", exact=True)
    description = ui.field("Short description and why it is relevant")
    expect(description).to_have_value(re.compile(r"\[date of birth removed\]"))
    expect(description).to_have_value(re.compile(r"\[postcode removed\]"))

    # The name is rewritten; "Mr Men" is harmless, and the person confirms it.
    ui.fill(
        "Short description and why it is relevant",
        "A first visit to a child, [date of birth removed], at home near [postcode removed].",
    )
    ui.check(re.compile("I have checked the possible names"))
    ui.press("Save record", exact=True)

    ui.expect_heading("Reflection on a first home visit")
    ui.see("Record saved.")
    ui.see("Mr Men books")
    ui.see("You confirmed on")
    for identifier in ("Jayden", "04/05/2015", "SW1A"):
        expect(ui.main).not_to_contain_text(identifier)


def coverage_count(ui: UI, domain: str, level: str) -> int:
    """The number in the coverage table's cell for a domain at a level (its hidden text names
    both, for screen readers)."""
    cell = ui.main.locator("td", has_text=f"in {domain} at {level}")
    expect(cell).to_have_count(1)
    return int(re.match(r"\s*(\d+)", cell.text_content()).group(1))


def test_coverage_changes_when_an_entry_is_mapped(ui):
    domain, level = "Critical Reflection and Analysis", "Social worker"
    open_portfolio(ui, "priya.practitioner")
    ui.follow("Coverage", exact=True)
    ui.expect_heading("Coverage")
    before = coverage_count(ui, domain, level)

    ui.follow("Entries", exact=True)
    ui.follow("Group supervision on drift in child in need plans")
    ui.press("Edit", exact=True)
    ui.fill("Find statements", "6.SW.3")
    ui.press("Find", exact=True)
    ui.check("6.SW.3")
    ui.press("Save record", exact=True)
    ui.see("Record saved.")
    ui.see("6.SW.3")

    ui.follow("Back to your portfolio")
    ui.follow("Coverage", exact=True)
    assert coverage_count(ui, domain, level) == before + 1
    if before == 0:
        gaps = ui.main.locator(".govuk-inset-text")
        expect(gaps.get_by_role("link", name=domain)).to_have_count(0)
    ui.screenshot("coverage")


def cpd_standing(ui: UI) -> tuple[int, int]:
    """Different pieces of CPD counted and those with a peer reflection, as the CPD year page
    shows them; checks that the status agrees."""
    summary = ui.main.locator(".govuk-summary-list").first
    row = summary.locator(".govuk-summary-list__row")
    counted = row.filter(has_text="Different pieces of CPD").inner_text()
    records = int(re.search(r"(\d+) of at least 2", counted)[1])
    with_peer = row.filter(has_text="With a peer reflection").inner_text()
    peers = int(re.search(r"(\d+) of at least 1", with_peer)[1])
    status = row.filter(has_text="Status")
    if records >= 2 and peers >= 1:
        expect(status).to_contain_text("Ready to record with Social Work England")
    else:
        expect(status).to_contain_text("Not ready to record yet")
    if records < 2:
        expect(status).to_contain_text(f"Record {2 - records} more")
    return records, peers


def test_practitioner_records_cpd_towards_social_work_englands_requirements(ui):
    today = datetime.date.today()
    ui.sign_in("priya.practitioner")
    ui.screenshot("home-practitioner")
    ui.follow("Your CPD year")
    ui.expect_heading(re.compile(r"CPD for the registration year 1 December \d{4} to 30 November"))
    # What Social Work England asks, and where Priya stands against it.
    ui.see(
        "at least 2 different pieces of CPD in each registration year, at least 1 of them with a "
        "peer reflection"
    )
    ui.see("There is no minimum number of hours")
    records, peers = cpd_standing(ui)

    # A record with a peer reflection, dated today.
    ui.follow("Portfolio", exact=True, within=ui.page.locator("header"))
    ui.press("Add evidence")
    ui.select("Type of CPD activity", "Course, training or e-learning")
    ui.select("Type of evidence", "Learning activity (a course, reading, event)")
    ui.fill("Title", "Course on direct work with teenagers", exact=True)
    fill_date(ui, "Date", today)
    ui.fill("Short description and why it is relevant", "A day course on direct work.")
    ui.fill("What I learnt", "Walking and talking works better than an office.")
    ui.fill("Impact on my practice and on the people I work with", "I meet young people outside.")
    # Only what was learnt is needed; the colleague's name is optional (their personal data).
    ui.fill("Their role (optional)", "Senior practitioner")
    fill_date(ui, "Date of the discussion (optional)", today)
    ui.fill("What you learnt from discussing it with a peer", "How she plans a first meeting.")
    ui.press("Save record", exact=True)
    ui.see("Record saved.")

    ui.follow("Back to your portfolio")
    ui.follow("CPD year", exact=True)
    assert cpd_standing(ui) == (records + 1, peers + 1)
    # The record laid out in the order of Social Work England's form, ready to copy.
    card = ui.main.locator(".govuk-summary-card").filter(has_text="Course on direct work")
    expect(card).to_contain_text("Walking and talking works better than an office.")
    expect(card).to_contain_text("Senior practitioner")
    expect(card).to_contain_text("How she plans a first meeting.")
