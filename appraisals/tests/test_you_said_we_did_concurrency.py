"""Two Principal Social Workers changing the same “You said, we did” reply: the second save, made
from the reply as it stood before the first, is refused with a clear message, keeps what they
typed and shows the reply as it is now; saving again replaces it knowingly. Saves of one reply
take a row lock, so two at once on PostgreSQL cannot both pass the check."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from appraisals import voice
from appraisals.models import VoiceReply
from appraisals.tests.test_concurrency import run_together
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Role

SINCE = datetime.date(2020, 1, 1)


def psw(organisation):
    return MembershipFactory(
        organisation=organisation, role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True, starts_on=SINCE
    ).user


def make_reply():
    organisation = OrganisationFactory(name="Northshire Council")
    first, second = psw(organisation), psw(organisation)
    reply = voice.save_reply(
        organisation=organisation,
        by=first,
        title="Time to record visits",
        you_said="Recording eats into evenings.",
        we_did="A protected recording afternoon each week.",
        notes=[],
        publish=True,
    )
    return organisation, first, second, reply


def opened(client, url):
    page = client.get(url).content.decode()
    return re.search(r'name="editing_since" value="([^"]+)"', page).group(1)


def edit(since, we_did, title="Time to record visits"):
    return {
        "title": title,
        "you_said": "Recording eats into evenings.",
        "we_did": we_did,
        "editing_since": since,
        "action": "publish",
    }


@pytest.mark.django_db
def test_the_second_save_from_a_stale_form_is_refused_and_keeps_what_was_typed(client):
    organisation, first, second, reply = make_reply()
    url = reverse("appraisals:you-said-we-did-edit", args=[reply.uuid])
    # Both open the form; the first saves.
    client.force_login(first)
    first_since = opened(client, url)
    client.force_login(second)
    second_since = opened(client, url)
    assert first_since == second_since
    client.force_login(first)
    assert (
        client.post(url, edit(first_since, "Recording afternoons from March.")).status_code == 302
    )

    # The second saves from the form they opened before that: refused, nothing overwritten.
    client.force_login(second)
    mine = "Two recording afternoons a week, and a review in June."
    response = client.post(url, edit(second_since, mine, title="Recording time"))
    assert response.status_code == 409
    reply.refresh_from_db()
    assert (reply.title, reply.we_did) == (
        "Time to record visits",
        "Recording afternoons from March.",
    )
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Another Principal Social Worker saved this reply" in page
    assert "your changes have not been saved" in page
    # What they typed is in the form; the reply as it is now is shown beside it.
    assert f">{mine}</textarea>" in page
    assert 'value="Recording time"' in page
    assert "The reply as it is now" in page and "Recording afternoons from March." in page
    # Saving again, from the version now shown, replaces it knowingly.
    refreshed = re.search(r'name="editing_since" value="([^"]+)"', page).group(1)
    assert refreshed != second_since
    assert client.post(url, edit(refreshed, mine, title="Recording time")).status_code == 302
    reply.refresh_from_db()
    assert (reply.title, reply.we_did) == ("Recording time", mine)


@pytest.mark.django_db
def test_the_service_refuses_a_change_from_a_reply_saved_since(db):
    organisation, first, second, reply = make_reply()
    stale = reply.updated_at
    voice.save_reply(
        organisation=organisation,
        by=first,
        reply=reply,
        title="Changed first",
        you_said="Said",
        we_did="Did",
        notes=[],
        publish=True,
        editing_since=stale,
    )
    with pytest.raises(voice.ReplyChanged) as refused:
        voice.save_reply(
            organisation=organisation,
            by=second,
            reply=VoiceReply.objects.get(pk=reply.pk),
            title="Changed second",
            you_said="Said",
            we_did="Did",
            notes=[],
            publish=True,
            editing_since=stale,
        )
    assert refused.value.current.title == "Changed first"
    assert VoiceReply.objects.get(pk=reply.pk).title == "Changed first"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL); SQLite cannot run writers concurrently",
)
def test_two_saves_at_once_from_the_same_version_let_exactly_one_through(monkeypatch):
    import time

    organisation, first, second, reply = make_reply()
    stale = reply.updated_at
    original = VoiceReply.save

    def slow_save(self, *args, **kwargs):
        time.sleep(0.3)  # widen the race between the check and the write
        return original(self, *args, **kwargs)

    monkeypatch.setattr(VoiceReply, "save", slow_save)

    def change(by, title):
        return lambda: voice.save_reply(
            organisation=organisation,
            by=by,
            reply=reply,
            title=title,
            you_said="Said",
            we_did="Did",
            notes=[],
            publish=True,
            editing_since=stale,
        )

    errors = run_together(change(first, "From the first"), change(second, "From the second"))
    assert len(errors) == 1 and isinstance(errors[0], voice.ReplyChanged)
    saved = VoiceReply.objects.get(pk=reply.pk).title
    assert saved in ("From the first", "From the second")
    assert errors[0].current.title == saved
