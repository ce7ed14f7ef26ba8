"""The yearly teaching partnership review, on both sides: the university's placement lead and the
local authority's each rate their side, and once every side is in both see the ratings together.

The demo (placements/demo.py) has this year's review of the Northshire Teaching Partnership with
Brightpath's side submitted and the university's and Northshire's still to come.
"""

import re

from playwright.sync_api import expect

from .placement_steps import labels_of, sign_in_as

TASK = re.compile(r"^Rate your side of the \d{4} partnership review")


def rate_every_area(ui, rating: str) -> None:
    for label in labels_of(ui.main.locator("form select")):
        ui.select(label, rating, exact=True)


def test_both_sides_rate_the_partnership_and_see_everyone_s_ratings(ui):
    sign_in_as(ui, "hal.placements")
    ui.follow(TASK)
    ui.expect_heading("Northshire Teaching Partnership")
    rate_every_area(ui, "Green")
    ui.fill("Comment on admissions", "Employer staff now join every interview round.")
    ui.press("Save and submit")
    ui.see("University of Northshire's ratings are submitted.")
    ui.see(re.compile("Northshire County Council: Not submitted yet"))

    sign_in_as(ui, "lee.placements")
    ui.follow(TASK)
    rate_every_area(ui, "Amber")
    ui.press("Save and submit")
    ui.see("Northshire County Council's ratings are submitted.")
    table = ui.main.get_by_role("table", name="Each side's rating and comment for each area")
    for side in (
        "Brightpath Family Support",
        "Northshire County Council",
        "University of Northshire",
    ):
        expect(table.get_by_role("columnheader", name=side)).to_be_visible()
    expect(table).to_contain_text("Employer staff now join every interview round.")

    sign_in_as(ui, "hal.placements")
    ui.follow(re.compile(r"^Northshire Teaching Partnership: \d{4} review"))
    ui.see("Everyone's ratings")
    expect(
        ui.main.get_by_role("table", name="Each side's rating and comment for each area")
    ).to_contain_text("Amber")
