"""A change that fails after it was sent (the database locked or busy) never ends in a bare
server error, and never loses what was typed: the page says it was not saved, shows everything
typed and sends it again with one button."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError

from organisations.factories import MembershipFactory
from organisations.models import Role
from portfolios import services as portfolio_services
from portfolios.models import Entry
from portfolios.tests.conftest import png_bytes

pytestmark = pytest.mark.django_db

NEW = "/portfolio/evidence/new/"


@pytest.fixture
def practitioner(client):
    user = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    client.force_login(user)
    return user


@pytest.fixture
def locked(monkeypatch):
    def save_entry(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(portfolio_services, "save_entry", save_entry)


def test_a_locked_database_keeps_everything_typed(client, practitioner, locked):
    typed = "What I learned about holding uncertainty.\nAnd what I will do next time."
    response = client.post(
        NEW,
        {
            "action": "draft",
            "title": "Notes from the course on risk",
            "description": typed,
            "occurred_on_day": "12",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
        },
    )
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Your change was not saved" in html
    assert f">{typed}</textarea>" in html
    assert ">Notes from the course on risk</textarea>" in html
    assert '<input type="hidden" name="action" value="draft">' in html
    assert '<input type="hidden" name="occurred_on_day" value="12">' in html
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', html)
    assert f'action="{NEW}"' in html
    assert "govuk-header" in html or "govuk-service-navigation" in html  # the site's layout
    assert not Entry.objects.exists()


def test_sending_it_again_saves_it(client, practitioner, locked, monkeypatch):
    response = client.post(NEW, {"action": "draft", "title": "Reflections on a home visit"})
    html = response.content.decode()
    resent = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', html))
    resent.update(re.findall(r'name="([^"]+)" rows="\d+">([^<]*)</textarea>', html))
    monkeypatch.undo()
    response = client.post(NEW, resent)
    assert response.status_code == 302
    assert Entry.objects.get().title == "Reflections on a home visit"


def test_files_and_passwords_are_not_sent_again(client, practitioner, locked):
    response = client.post(
        NEW,
        {
            "action": "draft",
            "title": "With a scan",
            "password": "hunter2-never-shown",
            "attachments": SimpleUploadedFile("scan.png", png_bytes(), content_type="image/png"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 503
    assert "Files are not sent again: scan.png" in html
    assert "hunter2-never-shown" not in html
    assert 'type="file"' not in html


def test_a_read_that_fails_is_not_turned_into_a_form(client, practitioner, monkeypatch):
    from portfolios import views

    def boom(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(views, "render", boom)
    client.raise_request_exception = True
    with pytest.raises(OperationalError):
        client.get("/portfolio/")


def test_when_the_layout_needs_the_database_too_the_form_is_kept_without_it(
    client, practitioner, locked, monkeypatch
):
    from cms import middleware

    real_render = middleware.render

    def render(request, template, *args, **kwargs):
        if template == "errors/not_saved.html":
            raise OperationalError("database is locked")
        return real_render(request, template, *args, **kwargs)

    monkeypatch.setattr(middleware, "render", render)
    response = client.post(NEW, {"action": "draft", "title": "Kept without the layout"})
    assert response.status_code == 503
    html = response.content.decode()
    assert ">Kept without the layout</textarea>" in html
    assert "csrfmiddlewaretoken" in html


def test_the_server_error_page_needs_no_request_context(rf):
    """500.html shares its standalone layout with the not-saved fallback, and still renders with
    no context at all, as Django's handler renders it."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content
    assert b"<title>Sorry, there is a problem with the service" in response.content
