"""Appraisals in the browser: a signed ASYE stage amended by the line manager, disputed by the
appraisee and countersigned by the Principal Social Worker; and the PSW's workforce view.

The demo data (appraisals/demo.py): Alex Brennan's ASYE at Northshire, with Morgan Hale as
appraiser (line manager), Pat Lindqvist as ASYE assessor and Sam Adeyemi (the PSW)
countersigning. Its three-month review is signed by all three; the six-month interim review is
open.
"""

import re

ALEX = "Alex Brennan"
AMENDED = (
    "The caseload is still at the agreed level. Protected time was missed three times in the "
    "quarter because of court work, and made up in the following week twice."
)
REASON = "The team diary shows a third missed week that the signed answer left out."
DISAGREEMENT = (
    "The third week was a court hearing I chose to attend as learning, agreed in supervision; "
    "I do not think it counts as missed development time."
)


def sign_out(ui) -> None:
    """From the header (on account pages, their side navigation), then confirm."""
    ui.follow("Sign out", exact=True)
    ui.press("Sign out", within=ui.main)


def open_alex_stage(ui, stage: str) -> None:
    """From the appraisals page, as someone taking part: Alex's ASYE, then the stage."""
    row = ui.main.get_by_role("row", name=re.compile(ALEX))
    ui.follow("ASYE programme", within=row)
    ui.follow(stage)


def test_amended_stage_disputed_and_countersigned(ui):
    # Morgan, the line manager, corrects his answer in the signed three-month review.
    ui.sign_in("morgan.manager")
    ui.follow("Appraisals you take part in")
    open_alex_stage(ui, "2. Three-month review")
    ui.expect_heading("Three-month review")
    ui.see("Signed off")
    ui.fill("New answer", AMENDED)
    ui.fill("Why it is being changed", REASON)
    ui.press("Record amendment")
    ui.see("The amendment is recorded")
    ui.press(re.compile("Sign the amendment as appraiser"))
    ui.see("You signed the amendment")
    ui.see("Waiting for sign-off")
    sign_out(ui)

    # Alex reads it from her home, records that she disagrees, and signs the amendment.
    ui.sign_in("alex.asye")
    ui.follow(re.compile("Sign the amendment to “Three-month review”"))
    ui.see(AMENDED)
    ui.see(REASON)
    ui.fill("If you disagree with this record, say so here", DISAGREEMENT)
    ui.press("Add note of disagreement")
    ui.see("Your note of disagreement is kept with this stage's record")
    ui.see(DISAGREEMENT)
    ui.press(re.compile("Sign the amendment as appraisee"))
    ui.see("You signed the amendment")
    sign_out(ui)

    # Sam, the PSW, countersigns: the amendment is signed by everyone, beside Alex's note.
    ui.sign_in("sam.psw")
    ui.follow(re.compile("Sign the amendment to “Three-month review”"))
    ui.see(AMENDED)
    ui.see(DISAGREEMENT)
    ui.press(re.compile("Sign the amendment as countersigner"))
    ui.see("You signed the amendment")
    ui.see(re.compile("Signed by everyone on"))
    ui.see("Sam Adeyemi signed as countersigner")
    ui.screenshot("appraisal-stage")


def test_psw_reads_the_workforce_view(ui):
    ui.sign_in("sam.psw")
    ui.expect_heading("Your home")
    ui.see("Workforce view")
    ui.screenshot("home-psw")
    ui.follow("Workforce view")
    ui.expect_heading(re.compile("Your organisation.s workforce"))
    ui.see("Numbers from fewer than 5 people are not shown")
    # Due, overdue and completed, by team: counts, never names.
    due = ui.main.get_by_role("table", name=re.compile("Appraisals by team"))
    row = due.get_by_role("row", name=re.compile("Children in care"))
    assert row.get_by_role("cell").first.inner_text().strip() == "1"  # due
    # The capability profile: figures from fewer than 5 people are hidden, and say so.
    ui.see("not shown")
    assert "{#" not in ui.main.inner_text()
    assert ALEX not in ui.main.inner_text()
    ui.screenshot("psw-workforce")
