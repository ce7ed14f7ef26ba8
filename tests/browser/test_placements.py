"""Placement quality: the four parts of an audit, its moderation and the provider's actions, and
the provider's quality profile, each from the person's sign-in to what they see at the end.

The demo (placements/demo.py) has Dev Lunan's audit open with no part in yet, Fin Gallard's open
with the student's and the educator's parts in, and Bex Orman's and Eve Pardoe's waiting for
moderation.
"""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from .placement_steps import fill_date, rate_every_statement, sign_in_as, task_row


def test_student_and_practice_educator_submit_their_audit_parts(ui):
    sign_in_as(ui, "dev.student")
    ui.follow("Complete your part of the placement audit (Student)")
    ui.expect_heading("Quality audit")
    ui.see("Your part: Student")
    ui.screenshot("audit")
    form = rate_every_statement(ui, "Met")
    ui.fill("Comments: Induction (optional)", "A clear timetable for the first week helped.")
    ui.press("Submit your part", within=form)
    ui.see("Your part (Student) is submitted.")
    ui.see("Still to come: Practice educator or on-site supervisor")

    sign_in_as(ui, "pat.educator")
    ui.follow(
        "Complete your part of the placement audit (Practice educator",
        within=task_row(ui, "Dev Lunan"),
    )
    ui.see("Your part: Practice educator")
    form = rate_every_statement(ui, "Partly met")
    ui.press("Submit your part", within=form)
    ui.see(re.compile(r"Your part \(Practice educator.*\) is submitted\."))
    ui.see("Still to come: Provider placement lead; HEI tutor.")
    expect(ui.main.get_by_role("heading", name=re.compile("^Your part"))).to_have_count(0)


def test_provider_and_tutor_submit_their_parts_so_the_audit_is_ready(ui):
    sign_in_as(ui, "lee.placements")
    ui.follow(
        "Complete your part of the placement audit (Provider", within=task_row(ui, "Fin Gallard")
    )
    ui.see("Your part: Provider")
    form = rate_every_statement(ui, "Met")
    ui.press("Submit your part", within=form)
    ui.see(re.compile(r"Your part \(Provider.*\) is submitted\."))
    ui.see("Still to come: HEI tutor")

    sign_in_as(ui, "tara.tutor")
    ui.follow(
        "Complete your part of the placement audit (HEI tutor)", within=task_row(ui, "Fin Gallard")
    )
    form = rate_every_statement(ui, "Exceeded")
    ui.fill(
        "Comments: Communication between the HEI and the employer (optional)",
        "Both sides shared concerns early and met on time.",
    )
    ui.press("Submit your part", within=form)
    ui.see("Your part (HEI tutor) is submitted.")
    expect(ui.main).not_to_contain_text("Still to come")
    ui.see("The HEI's placement lead moderates the audit once every part is in.")


def test_hei_lead_moderates_and_the_provider_sees_the_action(ui):
    due = timezone.localdate() + timedelta(days=30)
    action = "Give each student a desk and a laptop before their first day."
    sign_in_as(ui, "hal.placements")
    ui.follow("Moderate the placement audit", within=task_row(ui, "Bex Orman"))
    ui.expect_heading("Quality audit")
    ui.fill("Moderation notes", "The parts agree: supervision was strong, set-up was slow.")
    ui.fill("Action 1: what needs to be done", action)
    ui.select("Action 1: owner at Northshire County Council", "Lee Harrow")
    fill_date(ui, "Action 1: due date", due)
    ui.press("Moderate the audit")
    ui.see("The audit is moderated.")
    ui.see(action)

    sign_in_as(ui, "lee.placements")
    ui.follow(f"Action: {action}")
    ui.expect_heading("Quality audit")
    row = ui.main.locator("tr", has_text=action)
    expect(row).to_contain_text(due.strftime("%-d %b %Y"))
    ui.select(re.compile("^Status of"), "Done", within=row)
    ui.press(re.compile("^Update"), within=row)
    ui.see("The action is updated.")


def test_provider_quality_profile(ui):
    sign_in_as(ui, "lee.placements")
    ui.follow("Northshire County Council: quality")
    ui.expect_heading(re.compile("quality", re.I))
    ui.see("Quality audit results")
    ui.see("1 overdue")  # the demo's action agreed months ago
    ui.screenshot("quality-profile")


def test_student_home(ui):
    sign_in_as(ui, "sol.student")
    ui.expect_heading("Your home")
    ui.see("Placements")
    ui.screenshot("home-student")
