"""The owner's access log says what a reader did: read, downloaded, commented on."""

import pytest

from accounts.models import AccessEvent
from organisations.models import Role
from portfolios.factories import ShareFactory

from .conftest import entry_with_attachment, person

pytestmark = pytest.mark.django_db


def test_the_log_says_read_downloaded_and_commented_on(client):
    owner = person()
    reader = person(Role.PRACTICE_EDUCATOR)
    entry, attachment = entry_with_attachment(owner, title="Court statement feedback")
    ShareFactory(portfolio=entry.portfolio, reader=reader, can_comment=True)
    client.force_login(reader)
    client.get(entry.get_absolute_url())
    client.get(attachment.get_absolute_url())
    response = client.post(f"{entry.get_absolute_url()}comments/", {"body": "Clear and careful"})
    assert response.status_code == 302
    events = AccessEvent.objects.filter(owner=owner, actor=reader).order_by("pk")
    assert [e.action for e in events] == ["read", "download", "comment"]
    assert events[2].change == "added a comment"
    assert events[2].ip_address == "127.0.0.1"  # the view passes its request on

    client.force_login(owner)
    html = client.get("/people/me/access-log/").content.decode()
    assert "Commented on</strong> entry “Court statement feedback”" in html
    assert "Downloaded</strong>" in html and "Read</strong>" in html
    assert "Changed</strong>" not in html
    assert "Clear and careful" not in html
