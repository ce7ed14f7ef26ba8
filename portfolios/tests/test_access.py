"""The portfolio access rule: owners, shared readers, nobody else (404), for every role."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.factories import OrganisationFactory
from organisations.models import Role
from portfolios import rules, services
from portfolios.factories import EntryFactory, PortfolioFactory, ShareFactory
from portfolios.models import Entry

from .conftest import entry_with_attachment, person

pytestmark = pytest.mark.django_db


def entry_urls(entry, attachment):
    return [
        entry.get_absolute_url(),
        f"/portfolio/evidence/{entry.uuid}/edit/",
        f"/portfolio/evidence/{entry.uuid}/delete/",
        attachment.get_absolute_url(),
    ]


def test_student_and_practitioner_cannot_reach_each_others_entries_or_attachments(
    client, student, practitioner
):
    s_entry, s_file = entry_with_attachment(student)
    p_entry, p_file = entry_with_attachment(practitioner)
    client.force_login(student)
    for url in entry_urls(p_entry, p_file):
        assert client.get(url).status_code == 404, url
    assert client.get(s_entry.get_absolute_url()).status_code == 200
    assert client.get(s_file.get_absolute_url()).status_code == 200
    client.force_login(practitioner)
    for url in entry_urls(s_entry, s_file):
        assert client.get(url).status_code == 404, url
    assert client.get(p_entry.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_no_role_in_the_same_organisation_grants_access(client, role):
    organisation = OrganisationFactory()
    owner = person(Role.PRACTITIONER, organisation)
    entry, attachment = entry_with_attachment(owner)
    viewer = person(role, organisation)
    client.force_login(viewer)
    for url in entry_urls(entry, attachment):
        assert client.get(url).status_code == 404, (role, url)
    assert entry.title not in client.get("/portfolio/").content.decode()
    assert client.post(f"/portfolio/evidence/{entry.uuid}/delete/").status_code == 404
    entry.refresh_from_db()
    assert entry.deleted_at is None


def test_anonymous_people_are_sent_to_sign_in(client, practitioner):
    entry, attachment = entry_with_attachment(practitioner)
    for url in [*entry_urls(entry, attachment), "/portfolio/", "/portfolio/coverage/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_shared_reader_sees_only_what_was_shared(client, practitioner):
    reader = person(Role.PRACTICE_EDUCATOR)
    shared, shared_file = entry_with_attachment(practitioner)
    other, other_file = entry_with_attachment(practitioner)
    ShareFactory(portfolio=shared.portfolio, reader=reader, whole_portfolio=False, entries=[shared])
    client.force_login(reader)
    assert client.get(shared.get_absolute_url()).status_code == 200
    assert client.get(shared_file.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get(other_file.get_absolute_url()).status_code == 404
    # Readers never edit or delete.
    assert client.get(f"/portfolio/evidence/{shared.uuid}/edit/").status_code == 404
    assert client.post(f"/portfolio/evidence/{shared.uuid}/delete/").status_code == 404
    # And their own list holds none of it.
    assert shared.title not in client.get("/portfolio/").content.decode()


def test_shared_reader_loses_access_on_revoke(client, practitioner):
    reader = person(Role.LINE_MANAGER)
    entry, attachment = entry_with_attachment(practitioner)
    share = ShareFactory(portfolio=entry.portfolio, reader=reader, whole_portfolio=True)
    client.force_login(reader)
    assert client.get(entry.get_absolute_url()).status_code == 200
    services.revoke_share(share=share, by=practitioner)
    for url in [
        entry.get_absolute_url(),
        attachment.get_absolute_url(),
        f"/portfolio/shared/{share.uuid}/",
    ]:
        assert client.get(url).status_code == 404
    assert practitioner.get_full_name() not in client.get("/portfolio/shared/").content.decode()


def test_shared_reader_loses_access_after_expiry(client, practitioner):
    reader = person(Role.PRACTICE_EDUCATOR)
    entry, attachment = entry_with_attachment(practitioner)
    today = timezone.localdate()
    share = ShareFactory(portfolio=entry.portfolio, reader=reader, expires_on=today)
    client.force_login(reader)
    assert client.get(entry.get_absolute_url()).status_code == 200  # the last day counts
    share.expires_on = today - datetime.timedelta(days=1)
    share.save()
    assert client.get(entry.get_absolute_url()).status_code == 404
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_deleted_entries_disappear_for_readers_and_owner_alike(client, practitioner):
    reader = person(Role.PRACTICE_EDUCATOR)
    entry, _ = entry_with_attachment(practitioner)
    ShareFactory(portfolio=entry.portfolio, reader=reader)
    services.delete_entry(entry=entry, by=practitioner)
    assert not rules.entries_visible_to(reader).exists()
    assert not rules.entries_visible_to(practitioner).exists()
    client.force_login(reader)
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_only_the_owner_can_stop_a_share(client, practitioner):
    reader = person(Role.PRACTICE_EDUCATOR)
    share = ShareFactory(portfolio=PortfolioFactory(owner=practitioner), reader=reader)
    client.force_login(reader)
    assert client.post(f"/portfolio/sharing/{share.uuid}/revoke/").status_code == 404
    share.refresh_from_db()
    assert share.revoked_at is None


def test_readers_reads_are_logged_for_the_owner(client, practitioner):
    reader = person(Role.PRACTICE_EDUCATOR)
    entry, attachment = entry_with_attachment(practitioner)
    ShareFactory(portfolio=entry.portfolio, reader=reader)
    client.force_login(reader)
    client.get(entry.get_absolute_url())
    client.get(attachment.get_absolute_url())
    events = AccessEvent.objects.filter(owner=practitioner, actor=reader)
    assert {e.content_type for e in events} == {
        ContentType.objects.get_for_model(Entry),
        ContentType.objects.get_for_model(attachment),
    }
    # The owner reading their own record is not logged.
    client.force_login(practitioner)
    client.get(entry.get_absolute_url())
    assert not AccessEvent.objects.filter(actor=practitioner).exists()


def test_attachments_have_no_public_url_and_download_safely(client, practitioner):
    _entry, attachment = entry_with_attachment(practitioner)
    assert not attachment.file.name.endswith("scan.png")
    client.force_login(practitioner)
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_comment_only_where_the_share_allows(client, practitioner):
    reader = person(Role.PRACTICE_EDUCATOR)
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    share = ShareFactory(portfolio=entry.portfolio, reader=reader, can_comment=False)
    client.force_login(reader)
    url = f"/portfolio/evidence/{entry.uuid}/comments/"
    assert client.post(url, {"body": "Good reflection"}).status_code == 404
    share.can_comment = True
    share.save()
    response = client.post(url, {"body": "Good reflection"})
    assert response.status_code == 302
    comment = entry.comments.get()
    assert comment.author == reader and comment.author_role == "Supervisor or line manager"
    # The owner cannot "comment" as a reviewer on their own entry.
    client.force_login(practitioner)
    assert client.post(url, {"body": "Me"}).status_code == 404
