"""Signing up, in and out with django-allauth, and its pages in GOV.UK Frontend dress.

Covers: email-only sign-up with mandatory verification, sign-in, password reset and change,
change of email address, rate limiting, sessions, two-factor authentication with an
authenticator app, and that every restyled page renders without inline scripts or styles (the
Content Security Policy forbids them) and without allauth's unstyled markup.
"""

import re
import time
from urllib.parse import urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # UserFactory's
NEW_PASSWORD = "a quiet meadow at dusk 42"
SIGNUP = {
    "first_name": "Ngozi",
    "email": "new.person@example.org",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits, used TOTP codes and the like live in the (locmem) cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()


def verified_user(**kwargs) -> User:
    user = UserFactory(**kwargs)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def reauthenticate(client, password=PASSWORD):
    """MFA set-up needs a fresh confirmation of the password, not just a recent sign-in."""
    response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, response.content.decode()


def is_signed_in(client) -> bool:
    return SESSION_KEY in client.session


def link_in(message, path_prefix: str) -> str:
    """The path of the first link in an email that starts with path_prefix."""
    for url in re.findall(r"https?://\S+", message.body):
        path = urlparse(url).path
        if path.startswith(path_prefix):
            return path
    raise AssertionError(f"No {path_prefix} link in:\n{message.body}")


def current_totp_code(secret: str) -> str:
    """The code an authenticator app would show now (waiting out the end of a period)."""
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < 3:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


# --- What the Content Security Policy and the GOV.UK look require of every page -------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ATTR = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
# Elements that look like browser defaults unless they carry a GOV.UK class.
NEEDS_CLASS = re.compile(
    r"<(p|h1|h2|h3|table|button|textarea|label|select|ul|ol|dl)(\s[^>]*)?>", re.I
)
INPUT_TAG = re.compile(r"<input\b([^>]*)>", re.IGNORECASE)


def assert_csp_safe(html: str) -> None:
    for attrs in SCRIPT_TAG.findall(html):
        assert "src=" in attrs or 'type="application/json"' in attrs, f"inline script: {attrs}"
    assert not STYLE_ATTR.search(html), STYLE_ATTR.search(html).group(0)


def assert_govuk_markup(html: str) -> None:
    main = html[html.index("<main") : html.index("</main>")]
    assert 'class="govuk-heading-xl"' in main
    for match in NEEDS_CLASS.finditer(main):
        assert "class=" in (match.group(2) or ""), f"unstyled element: {match.group(0)}"
    for attrs in INPUT_TAG.findall(main):
        assert 'type="hidden"' in attrs or "class=" in attrs, f"unstyled input: {attrs}"
    assert "errorlist" not in main


def assert_page_ok(response) -> str:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    html = response.content.decode()
    assert_csp_safe(html)
    assert_govuk_markup(html)
    return html


# --- Sign-up and verification -----------------------------------------------------------------


def test_signup_form_asks_for_email_and_password_only(client):
    html = assert_page_ok(client.get(reverse("account_signup")))
    assert 'name="email"' in html
    assert 'name="password1"' in html
    assert 'name="username"' not in html
    assert '<label class="govuk-label" for="id_email">' in html


def test_signup_sends_verification_email_and_blocks_sign_in_until_verified(client, mailoutbox):
    response = client.post(
        reverse("account_signup"),
        SIGNUP,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert_page_ok(client.get(response["Location"]))

    user = User.objects.get(email="new.person@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@example.org"]
    link_in(mailoutbox[0], "/accounts/confirm-email/")
    assert not is_signed_in(client)

    other = Client()
    response = sign_in(other, "new.person@example.org", NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_signed_in(other)


def test_following_the_verification_link_verifies_and_signs_in(client, mailoutbox):
    client.post(
        reverse("account_signup"),
        SIGNUP,
    )
    path = link_in(mailoutbox[0], "/accounts/confirm-email/")

    html = assert_page_ok(client.get(path))
    assert "new.person@example.org" in html
    response = client.post(path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.person@example.org").verified
    assert is_signed_in(client)


def test_an_invalid_verification_link_says_so(client):
    html = assert_page_ok(client.get(reverse("account_confirm_email", args=["not-a-key"])))
    assert "expired or is not valid" in html


def test_signup_rejects_short_and_common_passwords_clearly(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": "password", "password2": "password"},
    )
    html = assert_page_ok(response)
    assert "govuk-error-summary" in html
    assert "This password is too short. It must contain at least 12 characters." in html
    assert "This password is too common." in html
    assert '<a href="#id_password1">' in html
    assert 'value="new.person@example.org"' in html  # what was typed is kept
    assert "<title>Error: " in html
    assert not User.objects.filter(email="new.person@example.org").exists()


# --- Signing in and out -----------------------------------------------------------------------


def test_sign_in_with_email_and_password(client):
    user = verified_user()
    html = assert_page_ok(client.get(reverse("account_login")))
    assert 'name="login"' in html and 'type="email"' in html
    assert 'id="passkey_login"' in html
    assert "needs JavaScript" in html

    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == "/home/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_password_shows_an_error_and_keeps_the_email(client):
    user = verified_user()

    response = sign_in(client, user.email, "not the password")

    html = assert_page_ok(response)
    assert not is_signed_in(client)
    assert "govuk-error-summary" in html
    assert "govuk-form-group--error" in html
    assert "not correct" in html
    assert f'value="{user.email}"' in html
    assert 'aria-describedby="id_login-error"' in html
    assert NEW_PASSWORD not in html and "not the password" not in html


def test_failed_sign_ins_are_rate_limited(client):
    user = verified_user()
    responses = [sign_in(client, user.email, f"wrong {n}") for n in range(8)]

    # allauth's default: 5 failures per address in 5 minutes, then it refuses (with the locmem
    # cache, on the form, with status 200) even the right password.
    assert all(r.status_code == 200 for r in responses)
    assert "Too many failed login attempts" not in responses[0].content.decode()
    assert "Too many failed login attempts" in responses[-1].content.decode()
    refused = sign_in(client, user.email)
    assert "Too many failed login attempts" in assert_page_ok(refused)
    assert not is_signed_in(client)


def test_sign_out(client):
    user = verified_user()
    sign_in(client, user.email)

    html = assert_page_ok(client.get(reverse("account_logout")))
    assert "Sign out" in html
    response = client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert not is_signed_in(client)


def test_wagtail_admin_sign_in_goes_to_allauth_keeping_next(client):
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


# --- Passwords and email addresses ------------------------------------------------------------


def test_password_reset_by_email(client, mailoutbox):
    user = verified_user()
    assert_page_ok(client.get(reverse("account_reset_password")))

    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert_page_ok(client.get(response["Location"]))
    assert len(mailoutbox) == 1
    path = link_in(mailoutbox[0], "/accounts/password/reset/key/")

    response = client.get(path)  # allauth moves the key into the session, then redirects
    assert response.status_code == 302
    set_password_url = response["Location"]
    html = assert_page_ok(client.get(set_password_url))
    assert 'name="password1"' in html and 'name="password2"' in html

    response = client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert_page_ok(client.get(response["Location"]))

    response = sign_in(Client(), user.email, NEW_PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/home/"


def test_password_reset_with_a_bad_key_says_so(client):
    html = assert_page_ok(
        client.get(reverse("account_reset_password_from_key", kwargs={"uidb36": "1", "key": "bad"}))
    )
    assert "not valid" in html


def test_change_password(client):
    user = verified_user()
    sign_in(client, user.email)

    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_change_of_email_sends_a_verification_email(client, mailoutbox):
    user = verified_user()
    sign_in(client, user.email)

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "moved@example.org"}
    )

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["moved@example.org"]
    link_in(mailoutbox[0], "/accounts/confirm-email/")
    new = EmailAddress.objects.get(user=user, email="moved@example.org")
    assert not new.verified
    html = assert_page_ok(client.get(reverse("account_email")))
    assert "moved@example.org" in html and "Not confirmed" in html
    assert 'name="action_send"' in html


def test_change_of_email_to_an_invalid_address_shows_the_error(client):
    user = verified_user()
    sign_in(client, user.email)

    response = client.post(reverse("account_email"), {"action_add": "", "email": "not-an-email"})

    html = assert_page_ok(response)
    assert "govuk-error-summary" in html
    assert '<a href="#id_email">' in html
    assert 'value="not-an-email"' in html


# --- Sessions -----------------------------------------------------------------------------------


def test_sessions_page_lists_the_current_session_and_signs_out_the_others(client):
    user = verified_user()
    sign_in(client, user.email)
    elsewhere = Client(HTTP_USER_AGENT="Another browser")
    sign_in(elsewhere, user.email)

    html = assert_page_ok(client.get(reverse("usersessions_list")))
    assert "govuk-table" in html
    assert "Another browser" in html
    assert "Sign out of other sessions" in html
    assert "This browser" in html

    response = client.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert is_signed_in(client)
    assert elsewhere.get(reverse("account_email")).status_code == 302
    assert not is_signed_in(elsewhere)
    html = assert_page_ok(client.get(reverse("usersessions_list")))
    assert "Another browser" not in html


# --- Two-factor authentication --------------------------------------------------------------------


def activate_totp(client) -> str:
    reauthenticate(client)
    response = client.get(reverse("mfa_activate_totp"))
    html = assert_page_ok(response)
    secret = response.context["form"].secret
    assert secret in html  # shown as text beside the QR code
    assert 'src="data:image/svg+xml;base64,' in html
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp_code(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


def test_activating_totp_then_signing_in_asks_for_a_code(client):
    user = verified_user()
    sign_in(client, user.email)

    secret = activate_totp(client)

    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.post(reverse("account_logout"))

    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    html = assert_page_ok(client.get(reverse("mfa_authenticate")))
    assert 'name="code"' in html

    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "govuk-error-summary" in assert_page_ok(response)
    assert not is_signed_in(client)

    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert is_signed_in(client)


def test_a_wrong_totp_code_at_activation_shows_an_error(client):
    user = verified_user()
    sign_in(client, user.email)
    reauthenticate(client)

    response = client.post(reverse("mfa_activate_totp"), {"code": "12"})

    html = assert_page_ok(response)
    assert "govuk-error-summary" in html
    assert '<a href="#id_code">' in html
    assert not Authenticator.objects.filter(user=user).exists()


# --- Every restyled page ----------------------------------------------------------------------------

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
    "account_reset_password_from_key_done",
]

SIGNED_IN_PAGES = [
    "account_email",
    "account_change_password",
    "account_logout",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "usersessions_list",
]

WITH_TOTP_PAGES = [
    "mfa_index",
    "mfa_deactivate_totp",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_reauthenticate",
]


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_anonymous_pages_render_in_govuk_style(client, name):
    assert_page_ok(client.get(reverse(name)))


@pytest.mark.parametrize("name", SIGNED_IN_PAGES)
def test_account_pages_render_in_govuk_style(client, name):
    user = verified_user()
    sign_in(client, user.email)
    reauthenticate(client)

    html = assert_page_ok(client.get(reverse(name)))

    assert 'aria-labelledby="account-navigation-heading"' in html
    for url_name in (
        "account_email",
        "account_change_password",
        "mfa_index",
        "usersessions_list",
        "account_logout",
    ):
        assert f'href="{reverse(url_name)}"' in html


@pytest.mark.parametrize("name", WITH_TOTP_PAGES)
def test_two_factor_pages_render_in_govuk_style(client, name):
    user = verified_user()
    sign_in(client, user.email)
    activate_totp(client)

    assert_page_ok(client.get(reverse(name)))


def test_reauthentication_page_renders_in_govuk_style(client):
    user = verified_user()
    sign_in(client, user.email)

    html = assert_page_ok(client.get(reverse("account_reauthenticate")))

    assert 'name="password"' in html


def test_security_key_pages_render_in_govuk_style(client):
    user = verified_user()
    sign_in(client, user.email)
    reauthenticate(client)
    key = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Work key", "credential": {"clientExtensionResults": {"credProps": {}}}},
    )

    html = assert_page_ok(client.get(reverse("mfa_list_webauthn")))
    assert "Work key" in html and "govuk-table" in html
    assert_page_ok(client.get(reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})))
    assert_page_ok(client.get(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})))
