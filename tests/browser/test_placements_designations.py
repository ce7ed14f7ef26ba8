"""Approved Practice Setting and teaching organisation status: an employer applies, the awarding
body decides (approves, or refuses with its reasons) and the employer sees the decision.

The demo (placements/demo.py) has Northshire's Approved Practice Setting status expiring within
90 days, so its placement lead is asked to renew it; Southvale holds neither status.
"""

import re
from datetime import timedelta

from django.utils import timezone

from .placement_steps import fill_date, sign_in_as, write_every_criterion

EVIDENCE = "Set out in our practice learning policy."


def test_employer_renews_its_aps_status_and_the_awarding_body_approves(ui):
    expires = timezone.localdate() + timedelta(days=3 * 365)
    sign_in_as(ui, "lee.placements")
    ui.follow("Apply to renew approved practice setting")
    ui.expect_heading("Start an application")
    ui.choose("Approved Practice Setting")
    ui.select("Awarding body", "Regional Practice Learning Board")
    ui.press("Start the application")
    ui.see("The renewal application is started.")
    write_every_criterion(ui, EVIDENCE)
    ui.press("Save and submit for review")
    ui.see("Submitted to Regional Practice Learning Board for review.")

    sign_in_as(ui, "rue.board")
    ui.follow("Decide the application for approved practice setting")
    ui.expect_heading("Approved Practice Setting: renewal")
    ui.choose("Approved", exact=True)
    ui.fill("Reasons for the decision", "Every criterion is met, with current evidence.")
    fill_date(ui, "Expires on", expires)
    ui.press("Record the decision")
    ui.see("The decision is recorded.")

    sign_in_as(ui, "lee.placements")
    ui.follow("Designations", within=ui.main)
    renewal = ui.main.locator("tr", has_text="Renewal")
    ui.follow(re.compile("Approved Practice Setting"), within=renewal)
    ui.expect_heading("Approved Practice Setting: renewal")
    ui.see("Every criterion is met, with current evidence.")
    ui.see(expires.strftime("%-d %B %Y"))


def test_awarding_body_refuses_an_application_with_its_reasons(ui):
    reasons = "The workload evidence does not show how students' time is protected."
    sign_in_as(ui, "bea.admin")
    ui.follow("Designations", within=ui.main)
    ui.follow("Start an application")
    ui.choose("Teaching organisation")
    ui.select("Awarding body", "Regional Practice Learning Board")
    ui.press("Start the application")
    ui.see("The application is started.")
    write_every_criterion(ui, EVIDENCE)
    ui.press("Save and submit for review")
    ui.see("Submitted to Regional Practice Learning Board for review.")

    sign_in_as(ui, "rue.board")
    ui.follow("Decide the application for teaching organisation")
    ui.choose("Not approved", exact=True)
    ui.fill("Reasons for the decision", reasons)
    ui.press("Record the decision")
    ui.see("The decision is recorded.")

    sign_in_as(ui, "bea.admin")
    ui.follow("Designations", within=ui.main)
    ui.follow("Southvale Borough Council: Teaching organisation")
    ui.expect_heading("Teaching organisation")
    ui.see("Not approved")
    ui.see(reasons)
