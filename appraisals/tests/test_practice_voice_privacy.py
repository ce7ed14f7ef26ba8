"""Practice voice leaves no timing trail: sending a note does not touch the sender's session
(no expiry renewal, no save, no tracking), and notes carry random ids and are listed by month."""

import datetime
import uuid

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisals import workforce
from appraisals.models import PracticeVoiceNote
from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

VOICE_URL = reverse("appraisals:practice-voice")


@pytest.fixture
def member(client):
    membership = MembershipFactory(role=Role.PRACTITIONER, mfa=True)
    # Notes go only to an organisation with a Principal Social Worker to read them.
    MembershipFactory(organisation=membership.organisation, role=Role.PRINCIPAL_SOCIAL_WORKER)
    client.force_login(membership.user)
    client.get("/portfolio/")  # an ordinary page: the session is renewed and tracked
    return membership


def note(membership, text="Group supervision on Fridays helps us think."):
    return {
        "organisation": membership.organisation.slug,
        "kind": "helps",
        "theme": "supervision",
        "text": text,
    }


def test_sending_a_note_does_not_touch_the_session(client, member, monkeypatch):
    key = client.session.session_key
    before = Session.objects.get(session_key=key)
    tracked = UserSession.objects.get(session_key=key)
    real_now = timezone.now
    # An hour later, when the session would certainly be renewed by any other page.
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(hours=1))

    with CaptureQueriesContext(connection) as queries:
        response = client.post(VOICE_URL, note(member))
        assert response.status_code == 302
        client.get(response["Location"])

    after = Session.objects.get(session_key=key)
    assert (after.expire_date, after.session_data) == (before.expire_date, before.session_data)
    assert UserSession.objects.get(session_key=key).last_seen_at == tracked.last_seen_at
    written = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert len(written) == 1 and "appraisals_practicevoicenote" in written[0]
    assert "sessionid" not in response.cookies


def test_notes_have_random_ids_and_are_listed_by_month(member):
    organisation = member.organisation
    months = [datetime.date(2026, 3, 1), datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)]
    for month in months:
        PracticeVoiceNote.objects.create(
            organisation=organisation, theme="caseloads", kind="helps", text="Same", month=month
        )
    ids = list(PracticeVoiceNote.objects.values_list("pk", flat=True))
    assert all(isinstance(pk, uuid.UUID) and pk.version == 4 for pk in ids)
    [group] = workforce.practice_voice(organisation)
    assert [n.month for n in group.notes] == sorted(months, reverse=True)
    assert [n.month for n in PracticeVoiceNote.objects.all()] == sorted(months, reverse=True)


def test_a_posted_note_keeps_only_the_month(client, member):
    client.post(VOICE_URL, note(member, "Protected recording time."))
    stored = PracticeVoiceNote.objects.get()
    assert stored.month == timezone.localdate().replace(day=1)
    assert isinstance(stored.pk, uuid.UUID)
