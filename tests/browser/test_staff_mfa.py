"""A staff member sets up two-factor authentication and signs in with a code from it.

Every demo staff account already has an authenticator, so the journey makes a new one the way it
happens: Ada, Northshire's organisation admin, invites Priya (a practitioner there, with no second
factor) to be a placement lead. Once Priya accepts, the role lets her read other people's records,
so the site sends her to set up an authenticator app before anything else; she adds it with the
key shown on the page, signs out, and signs in again with a code from it.
"""

import datetime
import email
import re
import time

import pyotp

from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD

PRIYA = f"priya.practitioner@{DEMO_DOMAIN}"
EMAIL = re.compile(r"^Email( address)?$")
SIGN_IN = re.compile(r"^sign in$", re.IGNORECASE)  # allauth's 2FA page says "Sign In"
INVITATION_LINK = re.compile(r"https?://\S+/invitations/\S+/")


def _sign_out(ui) -> None:
    """From the header, or on account pages their side navigation; then confirm."""
    ui.follow("Sign out", exact=True)
    ui.press("Sign out", within=ui.main)


def test_new_staff_member_sets_up_mfa_and_signs_in_with_a_code(ui):
    # Ada invites Priya to be a placement lead.
    ui.sign_in("ada.admin")
    ui.follow("Northshire County Council", within=ui.main, exact=True)
    ui.follow("Invite someone")
    ui.fill("Email address", PRIYA)
    ui.select("Role", "Placement lead")
    today = datetime.date.today()
    ui.fill("Day", str(today.day), within=ui.page.get_by_role("group", name="Start date"))
    ui.fill("Month", str(today.month), within=ui.page.get_by_role("group", name="Start date"))
    ui.fill("Year", str(today.year), within=ui.page.get_by_role("group", name="Start date"))
    ui.press("Send invitation")
    ui.see(f"Invitation sent to {PRIYA} to be placement lead")
    _sign_out(ui)

    # Priya follows the link in her email, signs in and accepts the role.
    (raw,) = ui.site.mail()
    body = email.message_from_string(raw).get_payload(decode=True).decode()
    link = INVITATION_LINK.search(body)[0]
    ui.goto(link.removeprefix(ui.site.url))
    ui.expect_heading("Join Northshire County Council as placement lead")
    ui.follow("Sign in", within=ui.main, exact=True)
    ui.fill(EMAIL, PRIYA)
    ui.fill("Password", DEMO_PASSWORD, exact=True)
    ui.press(SIGN_IN)
    ui.press("Accept the role")

    # The new role needs two-factor authentication: she is sent to set it up.
    ui.expect_heading(re.compile("two-factor", re.IGNORECASE))
    ui.follow("an authenticator app on your phone")
    # allauth asks for the password again before a change of second factor.
    ui.expect_heading(re.compile("confirm access", re.IGNORECASE))
    ui.fill("Password", DEMO_PASSWORD, exact=True)
    ui.press(re.compile("^confirm$", re.IGNORECASE))
    ui.expect_heading(re.compile("authenticator app", re.IGNORECASE))
    # The key is shown beside the QR code, for people who type it into their app.
    ui.see(re.compile("authenticator secret", re.IGNORECASE))
    secret = ui.main.locator("#authenticator_secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    used = totp.now()
    ui.fill(re.compile("authenticator code", re.IGNORECASE), used)
    ui.press(re.compile("^activate$", re.IGNORECASE))
    ui.see(re.compile("authenticator app activated", re.IGNORECASE))

    # She copies the recovery codes offered next somewhere safe.
    ui.expect_heading(re.compile("recovery codes", re.IGNORECASE))
    ui.see("You have 10 unused codes out of 10")
    codes = ui.field("Your unused codes").input_value().split()
    assert len(codes) == 10
    _sign_out(ui)

    # Next time, the password is not enough: she gives a code from her app. (A code works once:
    # if the app still shows the one just used, she waits for the next, which the site accepts
    # a step early, MFA_TOTP_TOLERANCE.)
    ui.follow("Sign in", within=ui.page.locator("header"))
    ui.fill(EMAIL, PRIYA)
    ui.fill("Password", DEMO_PASSWORD, exact=True)
    ui.press(SIGN_IN)
    code = totp.now()
    if code == used:
        code = totp.at(time.time() + 30)
    ui.fill("Code", code)
    ui.press(SIGN_IN)
    ui.expect_heading("Your home")

    # Her new role's pages open now.
    ui.follow("Placements", exact=True, within=ui.main)
    ui.expect_heading("Placements")
