"""The name people use: sign-up asks for it, the profile page edits it, lists and emails show it
(never the email address), allauth's emails speak as Capable, and links follow the right host."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from accounts.factories import UserFactory
from accounts.models import User
from appraisals import services as appraisal_services
from appraisals.factories import team_with_people, two_stage_template
from cms.urls_util import absolute_url, site_url
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Role
from portfolios.factories import PortfolioFactory
from portfolios.services import share_portfolio

pytestmark = pytest.mark.django_db

PASSWORD = "a quiet meadow at dusk 42"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def signup(client, **extra):
    data = {
        "first_name": "Adaeze",
        "last_name": "Okonkwo-Hale",
        "preferred_name": "Ada",
        "pronouns": "she/her",
        "email": "adaeze@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post(reverse("account_signup"), data)


# --- The model -----------------------------------------------------------------------------


def test_display_name_prefers_the_preferred_name_then_the_name_then_the_local_part():
    user = UserFactory(email="k.ito@example.org", first_name="Kenji", last_name="Ito")
    assert user.display_name == str(user) == "Kenji Ito"
    user.preferred_name = "Ken"
    assert user.display_name == str(user) == "Ken"
    one_name = UserFactory(email="s@example.org", first_name="Sukarno", last_name="")
    assert str(one_name) == "Sukarno"
    nameless = UserFactory(email="no.name@example.org", first_name="", last_name="")
    assert str(nameless) == "no.name"
    assert "@" not in str(nameless)


# --- Sign-up -------------------------------------------------------------------------------


def test_signup_asks_for_the_name_first(client):
    html = client.get(reverse("account_signup")).content.decode()
    names = re.findall(r'<input[^>]*name="([a-z_0-9]+)"', html)
    for field in ("first_name", "last_name", "preferred_name", "pronouns"):
        assert field in names
    assert names.index("first_name") < names.index("email")
    assert 'autocomplete="given-name"' in html
    assert "If you have only one name" in html


def test_signup_stores_the_name(client, mailoutbox):
    response = signup(client)
    assert response.status_code == 302
    user = User.objects.get(email="adaeze@example.org")
    assert (user.first_name, user.last_name, user.preferred_name, user.pronouns) == (
        "Adaeze",
        "Okonkwo-Hale",
        "Ada",
        "she/her",
    )


def test_signup_with_one_name_is_fine_and_without_a_name_is_refused(client):
    html = signup(client, first_name="", last_name="", preferred_name="").content.decode()
    assert "govuk-error-summary" in html and "Enter your name" in html
    assert 'value="adaeze@example.org"' in html  # what was typed is kept
    assert not User.objects.exists()

    assert signup(client, first_name="Sukarno", last_name="", preferred_name="").status_code == 302
    assert str(User.objects.get()) == "Sukarno"


# --- The profile page ------------------------------------------------------------------------


def test_the_profile_page_edits_the_name(client):
    user = UserFactory(first_name="Robin", last_name="Ash")
    client.force_login(user)
    html = client.get("/people/me/").content.decode()
    assert 'value="Robin"' in html and 'value="Ash"' in html
    response = client.post(
        "/people/me/",
        {
            "first_name": " Robyn ",
            "last_name": "Ash",
            "preferred_name": "Rob",
            "pronouns": "they/them",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/people/me/"
    user.refresh_from_db()
    assert (user.first_name, user.preferred_name, user.pronouns) == ("Robyn", "Rob", "they/them")
    assert "Your name has been saved" in client.get("/people/me/").content.decode()


def test_the_profile_page_keeps_what_was_typed_on_error(client):
    user = UserFactory(first_name="Robin", last_name="Ash")
    client.force_login(user)
    response = client.post(
        "/people/me/",
        {"first_name": "", "last_name": "Ashworth", "preferred_name": "R", "pronouns": "x" * 41},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert 'href="#id_first_name"' in html and 'href="#id_pronouns"' in html
    assert 'value="Ashworth"' in html and 'value="R"' in html
    user.refresh_from_db()
    assert user.first_name == "Robin" and user.last_name == "Ash"


def test_the_profile_page_needs_sign_in(client):
    response = client.get("/people/me/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Lists show the display name -------------------------------------------------------------


def test_the_sharing_page_shows_the_reader_by_their_preferred_name(client):
    owner = MembershipFactory(role=Role.PRACTITIONER).user
    PortfolioFactory(owner=owner)
    reader = UserFactory(email="jo.reader@example.org", first_name="Joanna", preferred_name="Jo")
    share_portfolio(owner=owner, reader=reader, relationship="supervisor", whole_portfolio=True)
    client.force_login(owner)
    html = client.get("/portfolio/sharing/").content.decode()
    assert ">Jo<" in html or "Jo<br>" in html
    assert "jo.reader@example.org" not in html


def test_the_members_page_shows_names_not_addresses(client):
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN, mfa=True).user
    MembershipFactory(
        organisation=organisation,
        role=Role.PRACTITIONER,
        user=UserFactory(email="nameless@example.org", first_name="", last_name=""),
    )
    MembershipFactory(
        organisation=organisation,
        role=Role.PRACTITIONER,
        user=UserFactory(first_name="Amaka", last_name="Obi", preferred_name="Maka"),
    )
    client.force_login(admin)
    html = client.get(f"/organisations/{organisation.slug}/").content.decode()
    assert ">Maka</a>" in html
    assert ">nameless</a>" in html


def test_an_appraisal_shows_its_people_by_name(client):
    team, practitioner, manager, _psw = team_with_people()
    practitioner.preferred_name = "Kofi"
    practitioner.save()
    appraisal = appraisal_services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=manager,
    )
    client.force_login(manager)
    html = client.get(appraisal.get_absolute_url()).content.decode()
    assert "Kofi" in html
    assert practitioner.email not in html


def test_the_person_page_shows_name_and_pronouns(client):
    user = UserFactory(
        first_name="Amaka", last_name="Obi", preferred_name="Maka", pronouns="she/her"
    )
    client.force_login(user)
    html = client.get(f"/people/{user.uuid}/").content.decode()
    assert '<h1 class="govuk-heading-xl">Maka</h1>' in html
    assert "Amaka Obi" in html and "she/her" in html


# --- allauth's emails ------------------------------------------------------------------------


def test_the_confirmation_email_speaks_as_capable_and_links_to_the_requests_host_in_dev(
    client, mailoutbox, settings
):
    settings.SITE_URL_FROM_REQUEST = True
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    settings.SITE_URL = "https://capable.example"
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Adaeze",
            "preferred_name": "Ada",
            "email": "adaeze@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST="127.0.0.1:8101",
    )
    assert response.status_code == 302
    message = mailoutbox[0]
    assert message.subject == "[Capable] Confirm your email address"
    assert message.body.startswith("Dear Ada,")
    assert "an account on Capable" in message.body
    assert "http://127.0.0.1:8101/accounts/confirm-email/" in message.body
    assert message.body.rstrip().endswith("Capable\nhttp://127.0.0.1:8101")
    assert "example.com" not in message.body and "testserver" not in message.body


def test_the_confirmation_email_links_to_site_url_in_production(client, mailoutbox, settings):
    settings.SITE_URL_FROM_REQUEST = False
    settings.SITE_URL = "https://capable.example"
    settings.ALLOWED_HOSTS = ["other.example"]
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Ada",
            "email": "ada@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        HTTP_HOST="other.example",
    )
    body = mailoutbox[0].body
    assert "https://capable.example/accounts/confirm-email/" in body
    assert "other.example" not in body


def test_the_password_reset_email_speaks_as_capable(client, mailoutbox):
    user = UserFactory(email="reset.me@example.org", first_name="Tomasz", last_name="Nowak")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": user.email})
    message = mailoutbox[0]
    assert message.subject == "[Capable] Reset your password"
    assert message.body.startswith("Dear Tomasz Nowak,")
    assert "http://testserver/accounts/password/reset/key/" in message.body
    assert "example.com" not in message.body


# --- The base URL helper -------------------------------------------------------------------


def test_absolute_url_uses_the_requests_host_in_dev_and_site_url_otherwise(settings):
    settings.SITE_URL = "https://capable.example"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8101")

    settings.SITE_URL_FROM_REQUEST = True
    assert absolute_url("/portfolio/", request) == "http://127.0.0.1:8101/portfolio/"
    assert site_url(request) == "http://127.0.0.1:8101"
    # No request (a management command): SITE_URL.
    assert absolute_url("/portfolio/") == "https://capable.example/portfolio/"

    settings.SITE_URL_FROM_REQUEST = False
    assert absolute_url("/portfolio/", request) == "https://capable.example/portfolio/"
    assert absolute_url("http://evil.example/x?y=1", request) == "https://capable.example/x?y=1"


def test_dev_settings_follow_the_request_and_production_does_not():
    from cms.settings import base, dev

    assert dev.SITE_URL_FROM_REQUEST is True
    assert base.SITE_URL_FROM_REQUEST is False
