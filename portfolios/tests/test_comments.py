"""Reviewers' comments: the identifying-information guard, and the owner hiding a comment."""

import pytest
from django.utils import timezone

from cms.models import GuardConfirmation
from portfolios.factories import CommentFactory, EntryFactory, PortfolioFactory, ShareFactory
from portfolios.models import Comment

from .conftest import person

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"


@pytest.fixture
def shared(practitioner):
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    reviewer = person()
    ShareFactory(portfolio=entry.portfolio, reader=reviewer, can_comment=True)
    return entry, reviewer


def comment_url(entry):
    return f"/portfolio/evidence/{entry.uuid}/comments/"


def hide_url(comment):
    return f"/portfolio/evidence/{comment.entry.uuid}/comments/{comment.uuid}/hide/"


def test_a_comment_with_an_nhs_number_is_refused_even_when_confirmed(client, shared):
    entry, reviewer = shared
    client.force_login(reviewer)
    body = f"Good reflection on the family (NHS {NHS})."
    response = client.post(comment_url(entry), {"body": body})
    assert response.status_code == 400 and not Comment.objects.exists()
    page = response.content.decode()
    assert "Remove the NHS number" in page and body.split("(")[0] in page  # kept as typed
    response = client.post(
        comment_url(entry), {"body": body, "confirm_anonymised": "on", "guard_fingerprints": ""}
    )
    assert response.status_code == 400 and not Comment.objects.exists()


def test_redact_replaces_the_number_and_saves_nothing(client, shared):
    entry, reviewer = shared
    client.force_login(reviewer)
    response = client.post(
        comment_url(entry), {"body": f"Seen with NHS number {NHS}.", "guard_redact": "1"}
    )
    assert response.status_code == 400 and not Comment.objects.exists()
    assert response.context["comment_form"]["body"].value() == (
        "Seen with NHS number [NHS number removed]."
    )


def test_a_possible_name_is_confirmed_and_recorded(client, shared):
    entry, reviewer = shared
    client.force_login(reviewer)
    body = "Like the Mr Men books, this is a clear example."
    first = client.post(comment_url(entry), {"body": body})
    assert first.status_code == 400 and "Mr Men" in first.content.decode()
    fingerprints = first.context["comment_form"].finding_fingerprints
    response = client.post(
        comment_url(entry),
        {"body": body, "confirm_anonymised": "on", "guard_fingerprints": fingerprints},
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    confirmation = GuardConfirmation.for_record(comment).get()
    assert confirmation.kinds == ["name"] and confirmation.confirmed_by == reviewer


def test_the_owner_hides_a_comment_and_shows_it_again(client, shared, practitioner):
    entry, reviewer = shared
    other = person()
    ShareFactory(portfolio=entry.portfolio, reader=other, can_comment=True)
    comment = CommentFactory(entry=entry, author=reviewer, body="A frank remark.")
    # Neither the reviewer nor another reader can hide it.
    for user in (reviewer, other):
        client.force_login(user)
        assert client.post(hide_url(comment), {"hidden": "1"}).status_code == 404
    comment.refresh_from_db()
    assert not comment.is_hidden
    # GET does nothing.
    client.force_login(practitioner)
    assert client.get(hide_url(comment)).status_code == 405
    assert client.post(hide_url(comment), {"hidden": "1"}).status_code == 302
    comment.refresh_from_db()
    assert comment.is_hidden
    # The owner sees that it is hidden, not what it says, and can show it again.
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "A frank remark." not in page and "Show this comment again" in page
    # Its author still sees it, marked as hidden.
    client.force_login(reviewer)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "A frank remark." in page and "Hidden by the owner" in page
    # Everyone else does not.
    client.force_login(other)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "A frank remark." not in page
    client.force_login(practitioner)
    client.post(hide_url(comment), {"hidden": "0"})
    comment.refresh_from_db()
    assert not comment.is_hidden
    client.force_login(other)
    assert "A frank remark." in client.get(entry.get_absolute_url()).content.decode()


def test_a_stranger_cannot_hide_a_comment(client, shared):
    entry, reviewer = shared
    comment = CommentFactory(entry=entry, author=reviewer)
    client.force_login(person())
    assert client.post(hide_url(comment), {"hidden": "1"}).status_code == 404


def test_a_reader_cannot_tell_that_the_owner_hid_a_comment(client, shared):
    entry, reviewer = shared
    other = person()
    share = ShareFactory(portfolio=entry.portfolio, reader=other, can_comment=True)
    CommentFactory(entry=entry, author=reviewer, hidden_at=timezone.now())
    CommentFactory(entry=entry, author=other, body="Seen by all.")
    client.force_login(other)
    listing = client.get(f"/portfolio/shared/{share.uuid}/").content.decode()
    assert "1 comment" in listing and "2 comments" not in listing


def test_the_owner_sees_everyone_who_can_read_an_entry(client, shared, practitioner):
    entry, reviewer = shared  # a whole-portfolio share
    chosen = person()
    ShareFactory(portfolio=entry.portfolio, reader=chosen, whole_portfolio=False, entries=[entry])
    revoked = person()
    ShareFactory(portfolio=entry.portfolio, reader=revoked, revoked_at=timezone.now())
    client.force_login(practitioner)
    page = client.get(entry.get_absolute_url()).content.decode()
    panel = page.split("Who can read this", 1)[1].split("Manage sharing", 1)[0]
    assert str(reviewer) in panel and "your whole portfolio" in panel
    assert str(chosen) in panel and "this entry" in panel
    assert str(revoked) not in panel
