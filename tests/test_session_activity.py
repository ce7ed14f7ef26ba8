"""A page read writes nothing: the session's inactivity expiry and allauth's session tracking
are renewed at most once a minute (accounts.middleware.SessionActivityMiddleware)."""

import datetime

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

PAGE = "/portfolio/"


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "REPLACE"))
    ]


@pytest.fixture
def signed_in(client):
    user = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    client.force_login(user)
    assert client.get(PAGE).status_code == 200  # the first page after signing in is recorded
    return client


@pytest.fixture
def later(monkeypatch):
    """Move the clock forward, as if time had passed."""
    real_now = timezone.now

    def move(seconds):
        monkeypatch.setattr(
            timezone, "now", lambda: real_now() + datetime.timedelta(seconds=seconds)
        )

    return move


def test_a_page_read_within_a_minute_writes_nothing(signed_in):
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get(PAGE).status_code == 200
    assert writes(queries) == []


def test_after_a_minute_the_session_and_its_tracking_are_renewed(signed_in, later):
    key = signed_in.session.session_key
    expiry = Session.objects.get(session_key=key).expire_date
    seen = UserSession.objects.get(session_key=key).last_seen_at

    later(30)
    with CaptureQueriesContext(connection) as queries:
        signed_in.get(PAGE)
    assert writes(queries) == []

    later(61)
    with CaptureQueriesContext(connection) as queries:
        signed_in.get(PAGE)
    assert writes(queries)
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed - expiry >= datetime.timedelta(seconds=60)
    assert UserSession.objects.get(session_key=key).last_seen_at > seen


def test_the_session_still_ends_after_two_hours_without_activity(signed_in, later):
    later(2 * 60 * 60 + 1)
    response = signed_in.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_activity_keeps_the_session_alive_past_two_hours(signed_in, later):
    for minutes in (50, 100, 150):
        later(minutes * 60)
        assert signed_in.get(PAGE).status_code == 200


def test_a_new_address_is_recorded_at_once(signed_in):
    key = signed_in.session.session_key
    signed_in.get(PAGE, REMOTE_ADDR="192.0.2.44")
    assert UserSession.objects.get(session_key=key).ip == "192.0.2.44"
