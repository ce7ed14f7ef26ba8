"""The one writer of the access log, for services (actor given, no request) and views."""

import pytest
from django.test import RequestFactory

from accounts.audit import log_access, record_access
from accounts.factories import UserFactory
from accounts.models import AccessEvent

pytestmark = pytest.mark.django_db


def test_a_service_logs_with_the_actor_and_an_optional_address():
    actor, owner = UserFactory(), UserFactory()
    event = log_access(
        actor=actor,
        obj=owner,
        owner=owner,
        action=AccessEvent.Action.CHANGE,
        change="x" * 400,
        ip_address="10.0.0.1",
    )
    assert (event.actor, event.owner, event.action) == (actor, owner, "change")
    assert event.ip_address == "10.0.0.1" and event.path == "" and event.user_agent == ""
    assert len(event.change) == 300 and event.change.endswith("…")
    assert log_access(actor=actor, obj=owner, owner=owner).ip_address is None


def test_the_owner_acting_on_their_own_record_logs_nothing():
    owner = UserFactory()
    assert log_access(actor=owner, obj=owner, owner=owner, change="anything") is None
    request = RequestFactory().get("/somewhere/")
    request.user = owner
    assert record_access(request=request, obj=owner, owner=owner) is None
    assert not AccessEvent.objects.exists()


def test_a_view_logs_where_the_request_came_from():
    actor, owner = UserFactory(), UserFactory()
    request = RequestFactory().get("/people/x/", HTTP_USER_AGENT="Browser", REMOTE_ADDR="10.1.1.1")
    request.user = actor
    event = record_access(
        request=request, obj=owner, owner=owner, action=AccessEvent.Action.DOWNLOAD
    )
    assert (event.path, event.ip_address, event.user_agent) == ("/people/x/", "10.1.1.1", "Browser")
    assert event.get_action_display() == "downloaded"
