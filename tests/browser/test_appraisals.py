"""Appraisals in the browser: a signed ASYE stage amended by the line manager, disputed by the
appraisee and countersigned by the Principal Social Worker; and the PSW's workforce view.

The demo data (appraisals/demo.py): Alex Brennan's ASYE at Northshire, with Morgan Hale as
appraiser (line manager), Pat Lindqvist as ASYE assessor (she judges the domains and signs) and
Sam Adeyemi (the PSW) countersigning. Its three-month review is signed by all four; the
six-month interim review is open, with Pat's judgement owed in three PCF domains and every
practitioner standard (KSS).
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


INTERIM = "Six-month interim review"
ASSESSMENT = (
    "Two direct observations so far, both at the expected level, and feedback from carers is "
    "positive. Progress is on track for the end of the year."
)
DOMAIN = re.compile(r"^\d+\. ")
STANDARD = re.compile(r"^CFP-\d+ ")


def rate_every_item(ui, rating: str, item: re.Pattern, count: int) -> None:
    """Each domain (or standard) of a framework is a group with one rating for the person's own
    column."""
    legends = ui.main.locator("legend").filter(has_text=item).all_inner_texts()
    assert len(legends) == count, legends
    for legend in legends:
        group = ui.main.get_by_role("group", name=legend.strip(), exact=True)
        ui.select("Rating", rating, within=group)


def test_interim_review_judged_by_the_assessor_and_signed_by_all_four(ui):
    # Alex has rated herself in every domain; the page says who still owes what.
    ui.sign_in("alex.asye")
    ui.follow(re.compile(f"Complete and sign “{INTERIM}”"))
    ui.see("Alex Brennan (appraisee): self-assessment done")
    # The interim review asks for the PCF domains and the practitioner standards (KSS).
    ui.see(
        re.compile(
            r"Pat Lindqvist \(assessor\): judgement needed for 3 PCF domains and 10 "
            r"practitioner standards"
        )
    )
    sign_out(ui)

    # Pat, the ASYE assessor (not Alex's line manager), gives the interim assessment, judges
    # every domain and standard in her own column, and signs.
    ui.sign_in("pat.educator")
    ui.follow(re.compile(f"Complete and sign “{INTERIM}”"))
    ui.fill("ASYE assessor (must answer)", ASSESSMENT)
    rate_every_item(ui, "Meeting the ASYE level", DOMAIN, 9)
    rate_every_item(ui, "Meeting the ASYE level", STANDARD, 10)
    ui.press("Save", exact=True)
    ui.see("Saved.")
    ui.press(re.compile("Sign off as ASYE assessor"))
    ui.see(f"You signed {INTERIM}")
    sign_out(ui)

    # Morgan, her line manager, reads the assessor's judgements beside Alex's and signs.
    ui.sign_in("morgan.manager")
    ui.follow(re.compile(f"Complete and sign “{INTERIM}”"))
    ui.see(ASSESSMENT)
    ui.see("Assessor's judgement")
    ui.press(re.compile("Sign off as appraiser"))
    ui.see(f"You signed {INTERIM}")
    sign_out(ui)

    # Sam, the PSW, countersigns.
    ui.sign_in("sam.psw")
    ui.follow(re.compile(f"Complete and sign “{INTERIM}”"))
    ui.press(re.compile("Sign off as countersigner"))
    ui.see("Sam Adeyemi signed as countersigner")
    sign_out(ui)

    # Alex signs last: the stage is signed off and locked, the next one open.
    ui.sign_in("alex.asye")
    ui.follow(re.compile(f"Complete and sign “{INTERIM}”"))
    ui.press(re.compile("Sign off as appraisee"))
    ui.expect_heading(f"{INTERIM} Signed off")
    ui.see("Signed stages are locked")
    ui.follow("Back to the appraisal")
    ui.see(re.compile("Nine-month review\\s+Open"))


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

    # Pat, the assessor, signed the stage, so she signs the amendment too.
    ui.sign_in("pat.educator")
    ui.follow(re.compile("Sign the amendment to “Three-month review”"))
    ui.see(AMENDED)
    ui.press(re.compile("Sign the amendment as ASYE assessor"))
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
    # The capability profile: figures from fewer than 5 people are hidden, and say so.
    ui.see("not shown")
    assert "{#" not in ui.main.inner_text()
    assert ALEX not in ui.main.inner_text()
    ui.screenshot("psw-workforce")
    # Due, overdue and completed by team, on the figures by team (ten teams a page): counts,
    # never names.
    ui.follow("Appraisals due, overdue and completed by team")
    ui.expect_heading("Figures by team")
    due = ui.main.get_by_role("table", name=re.compile("Appraisals by team"))
    row = due.get_by_role("row", name=re.compile("Children in care"))
    assert row.get_by_role("cell").first.inner_text().strip() == "1"  # due
    assert ALEX not in ui.main.inner_text()
