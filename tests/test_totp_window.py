"""An authenticator app's code works one 30-second step either side of now, and no further,
through allauth's own sign-in with a second factor (MFA_TOTP_TOLERANCE = 1)."""

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal import auth as totp_auth
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.urls import reverse

from accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # UserFactory's
# The middle of a step, so the test does not depend on when it runs.
NOW = 1_790_000_015.0


@pytest.fixture
def frozen_clock(monkeypatch):
    """allauth's TOTP check reads the clock as time.time(): fix it at NOW for that module."""

    class Clock:
        @staticmethod
        def time():
            return NOW

    monkeypatch.setattr(totp_auth, "time", Clock)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user_with_totp():
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    secret = totp_auth.generate_totp_secret()
    totp_auth.TOTP.activate(user, secret)
    return user, secret


def code(secret, steps_from_now):
    counter = int(NOW) // mfa_settings.TOTP_PERIOD + steps_from_now
    return totp_auth.format_hotp_value(totp_auth.hotp_value(secret, counter))


def sign_in_with_code(client, user, totp_code):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": totp_code})


def test_tolerance_is_one_step():
    assert mfa_settings.TOTP_TOLERANCE == 1
    assert mfa_settings.TOTP_PERIOD == 30


@pytest.mark.parametrize("steps", [-1, 0, 1])
def test_a_code_from_the_step_before_now_or_after_signs_in(
    client, frozen_clock, user_with_totp, steps
):
    user, secret = user_with_totp

    response = sign_in_with_code(client, user, code(secret, steps))

    assert response.status_code == 302
    assert SESSION_KEY in client.session


@pytest.mark.parametrize("steps", [-2, 2])
def test_a_code_two_steps_away_does_not(client, frozen_clock, user_with_totp, steps):
    user, secret = user_with_totp
    assert code(secret, steps) not in {code(secret, n) for n in (-1, 0, 1)}

    response = sign_in_with_code(client, user, code(secret, steps))

    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_code_used_once_is_refused_again_within_the_window(client, frozen_clock, user_with_totp):
    user, secret = user_with_totp
    assert sign_in_with_code(client, user, code(secret, -1)).status_code == 302
    client.post(reverse("account_logout"))

    response = sign_in_with_code(client, user, code(secret, -1))

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
