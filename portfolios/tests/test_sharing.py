"""Sharing by email: one share per reader (updated, with the changes shown first), the same answer
whether or not the address has an account, invitations that become shares once the address is
verified, and a rate limit."""

import datetime
import re
from urllib.parse import unquote

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from accounts.factories import UserFactory
from portfolios import services, sharing
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Share, ShareInvitation

from .conftest import person

pytestmark = pytest.mark.django_db

URL = "/portfolio/sharing/"
PASSWORD = "a quiet meadow at dusk 42"
NEXT_YEAR = timezone.localdate() + datetime.timedelta(days=365)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def account(email, *, verified=True):
    user = UserFactory(email=email)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def owner_named(email):
    user = person()
    user.email, user.first_name, user.last_name = email, "Sam", "Lee"
    user.save()
    PortfolioFactory(owner=user)
    return user


def whole(email, **extra):
    return {"email": email, "relationship": "supervisor", "scope": "whole", **extra}


def masked(html: str, *emails: str) -> str:
    for n, email in enumerate(emails):
        html = html.replace(email, f"EMAIL{n}")
    html = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "UUID", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)


def link_in(message, prefix):
    for url in re.findall(r"https?://\S+", message.body):
        path = url.split("testserver", 1)[-1]
        if path.startswith(prefix):
            return path
    raise AssertionError(message.body)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(client, mailoutbox):
    account("known@example.org")
    pages = []
    for owner_email, email in (
        ("a@example.org", "known@example.org"),
        ("b@example.org", "nobody@example.org"),
    ):
        client.force_login(owner_named(owner_email))
        response = client.post(URL, whole(email), follow=True)
        assert response.redirect_chain == [(URL, 302)]
        pages.append(masked(response.content.decode(), owner_email, email))
    assert pages[0] == pages[1]
    assert (
        "We have shared your portfolio with EMAIL1. If they do not have an account yet"
        in (pages[0])
    )
    # Underneath: a share for the account, an invitation for the address without one.
    assert Share.objects.get().reader.email == "known@example.org"
    assert ShareInvitation.objects.get().email == "nobody@example.org"
    assert [m.to for m in mailoutbox] == [["known@example.org"], ["nobody@example.org"]]
    assert mailoutbox[0].subject == mailoutbox[1].subject


def test_sharing_again_shows_the_changes_then_updates_the_one_share(client):
    owner = owner_named("owner@example.org")
    reader = account("reader@example.org")
    entry = EntryFactory(portfolio=owner.portfolio, title="Court statement feedback")
    client.force_login(owner)
    client.post(URL, whole("reader@example.org"))
    share = Share.objects.get()

    again = {
        "email": "Reader@Example.org",
        "relationship": "assessor",
        "scope": "chosen",
        "entries": [str(entry.pk)],
        "can_comment": "on",
        "expires_on_day": NEXT_YEAR.day,
        "expires_on_month": NEXT_YEAR.month,
        "expires_on_year": NEXT_YEAR.year,
    }
    page = client.post(URL, again)
    html = page.content.decode()
    assert page.status_code == 200
    assert "You already share with reader@example.org" in html
    assert "Supervisor or line manager" in html and "Assessor" in html
    assert "Court statement feedback" in html and "Not allowed" in html
    share.refresh_from_db()
    assert (share.relationship, share.can_comment) == ("supervisor", False)  # nothing saved yet

    # "Go back" keeps what was typed.
    back = client.post(URL, {**again, "edit": "1"}).content.decode()
    assert 'value="Reader@Example.org"' in back and f'value="{NEXT_YEAR.year}"' in back

    response = client.post(URL, {**again, "confirm": "1"}, follow=True)
    assert "You changed what you share with reader@example.org." in response.content.decode()
    assert Share.objects.active().filter(reader=reader).count() == 1
    share.refresh_from_db()
    assert (share.relationship, share.whole_portfolio, share.can_comment) == (
        "assessor",
        False,
        True,
    )
    assert list(share.entries.all()) == [entry] and share.expires_on == NEXT_YEAR


def test_the_service_never_makes_a_second_active_share():
    owner = person()
    reader = person()
    first = services.share_portfolio(
        owner=owner, reader=reader, relationship="peer", whole_portfolio=True
    )
    second = services.share_portfolio(
        owner=owner, reader=reader, relationship="tutor", whole_portfolio=True, can_comment=True
    )
    assert first.pk == second.pk
    assert Share.objects.filter(reader=reader).count() == 1
    assert Share.objects.get().can_comment


def test_an_invitation_becomes_a_share_once_that_address_is_verified(client, mailoutbox):
    owner = owner_named("owner@example.org")
    client.force_login(owner)
    client.post(URL, whole("new.person@example.org", can_comment="on"))
    assert not Share.objects.exists()
    invitation_path = link_in(mailoutbox[0], "/portfolio/invitations/")

    visitor = Client()
    page = visitor.get(invitation_path)
    assert page.status_code == 200 and "Create an account" in page.content.decode()
    visitor.post(
        "/accounts/signup/",
        {
            "first_name": "Ngozi",
            "email": "new.person@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert not Share.objects.exists()  # not until the address is confirmed
    confirm = link_in(mailoutbox[-1], "/accounts/confirm-email/")
    visitor.post(confirm)

    share = Share.objects.get()
    assert share.reader.email == "new.person@example.org"
    assert share.is_active() and share.can_comment and share.invited_email == share.reader.email
    assert ShareInvitation.objects.get().share == share
    response = visitor.get(invitation_path)
    assert response.status_code == 302
    # Reading someone else's portfolio needs a second factor: set it up first, then the share.
    assert response["Location"].startswith("/accounts/mfa-required/")
    # and then the invitation link, which leads to the share.
    assert unquote(response["Location"]).endswith(f"?next={invitation_path}")


def test_an_unverified_address_claims_nothing(client, mailoutbox):
    owner = owner_named("owner@example.org")
    squatter = account("target@example.org", verified=False)
    client.force_login(owner)
    client.post(URL, whole("target@example.org"))
    assert not Share.objects.exists()  # an unverified address is no account to share with
    assert ShareInvitation.objects.open().count() == 1

    assert sharing.claim_invitations(squatter) == []
    client.force_login(squatter)
    page = client.get(link_in(mailoutbox[0], "/portfolio/invitations/"))
    assert page.status_code == 200 and "not a confirmed address" in page.content.decode()
    assert not Share.objects.exists()


def test_the_owner_sees_and_withdraws_an_invitation(client, mailoutbox):
    owner = owner_named("owner@example.org")
    client.force_login(owner)
    client.post(URL, whole("later@example.org"))
    invitation = ShareInvitation.objects.get()
    html = client.get(URL).content.decode()
    assert "later@example.org" in html and f"/portfolio/sharing/{invitation.uuid}/revoke/" in html

    assert client.post(f"/portfolio/sharing/{invitation.uuid}/revoke/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    # Someone else cannot withdraw it; the link stops working; verifying later shares nothing.
    assert Client().get(link_in(mailoutbox[0], "/portfolio/invitations/")).status_code == 404
    assert sharing.claim_invitations(account("later@example.org")) == []
    assert not Share.objects.exists()


def test_sharing_by_email_is_rate_limited_and_keeps_what_was_typed(client, settings):
    settings.SHARE_BY_EMAIL_LIMIT = 3
    client.force_login(owner_named("owner@example.org"))
    for n in range(3):
        assert client.post(URL, whole(f"p{n}@example.org")).status_code == 302
    response = client.post(URL, whole("p3@example.org", can_comment="on"))
    html = response.content.decode()
    assert response.status_code == 429
    assert "You have shared with 3 people by email in the last hour" in html
    assert 'value="p3@example.org"' in html and "checked" in html
    assert not ShareInvitation.objects.filter(email="p3@example.org").exists()
    cache.clear()  # an hour later
    assert client.post(URL, whole("p3@example.org")).status_code == 302


def test_your_own_address_is_refused_and_the_form_kept(client):
    owner = owner_named("owner@example.org")
    client.force_login(owner)
    response = client.post(URL, whole("OWNER@example.org"))
    assert response.status_code == 200
    assert "That is your own address" in response.content.decode()
    assert not ShareInvitation.objects.exists() and not Share.objects.exists()


def test_an_address_that_moved_to_another_account_is_not_taken_for_the_old_share(client):
    owner = owner_named("owner@example.org")
    first = account("moving@example.org")
    client.force_login(owner)
    client.post(URL, whole("moving@example.org"))
    old_share = Share.objects.get(reader=first)
    # The address leaves the first account and is verified on another.
    EmailAddress.objects.filter(user=first).delete()
    first.email, first.first_name, first.last_name = "first@example.org", "Ola", "First"
    first.save()
    second = account("moving@example.org")

    assert sharing.current_terms_with(owner=owner, email="moving@example.org") is None
    page = client.post(URL, whole("moving@example.org", can_comment="on"))
    assert page.status_code == 302  # a new share, not the update page for the old one
    assert Share.objects.active().get(reader=second).can_comment
    listing = client.get(URL).content.decode()
    assert "Ola First" in listing  # the old share is shown by name, not by the moved address
    old_share.refresh_from_db()
    assert not old_share.can_comment
