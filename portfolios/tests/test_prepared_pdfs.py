"""A large portfolio's PDF is prepared by the task worker (issue 19): asked for, watched on a page
that works without JavaScript, downloaded by its owner only, removed when it expires."""

import re
from datetime import timedelta

import pytest
from django.core.files.storage import storages
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory
from accounts.models import AccessEvent
from portfolios import pdf_exports
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import PreparedPDF
from portfolios.pdf_tasks import prepare_portfolio_pdf

pytestmark = pytest.mark.django_db

LARGE_OVER = 3


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.CAPABLE_PDF_BACKGROUND_OVER = LARGE_OVER


def owner_with(entries: int):
    user = UserFactory(first_name="Ada", last_name="Okafor")
    portfolio = PortfolioFactory(owner=user)
    EntryFactory.create_batch(entries, portfolio=portfolio)
    return user


@pytest.fixture
def large_owner():
    return owner_with(LARGE_OVER + 1)


@pytest.fixture
def fixed_now(monkeypatch):
    """One instant for the whole test, so the export (and its PDF) is the same twice."""
    now = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def ask(client, django_capture_on_commit_callbacks, *, run=True):
    with django_capture_on_commit_callbacks(execute=run):
        response = client.post(reverse("portfolios:prepared-pdfs"))
    assert response.status_code == 302
    return response


def inline_scripts(html: str) -> list[str]:
    return [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]


def test_a_small_portfolio_still_downloads_at_once(client):
    owner = owner_with(LARGE_OVER)
    client.force_login(owner)

    page = client.get(reverse("portfolios:export")).content.decode()
    response = client.get(reverse("portfolios:export-pdf"))

    assert f'href="{reverse("portfolios:export-pdf")}"' in page
    assert reverse("portfolios:prepared-pdfs") not in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not PreparedPDF.objects.exists()


def test_a_large_portfolio_is_sent_to_the_background_page(client, large_owner):
    client.force_login(large_owner)

    page = client.get(reverse("portfolios:export")).content.decode()
    response = client.get(reverse("portfolios:export-pdf"))
    listing = client.get(reverse("portfolios:prepared-pdfs"))

    assert f'href="{reverse("portfolios:prepared-pdfs")}"' in page
    assert f'href="{reverse("portfolios:export-pdf")}"' not in page
    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:prepared-pdfs")
    assert listing.status_code == 200
    assert "Prepare a PDF of your portfolio now" in listing.content.decode()
    assert not PreparedPDF.objects.exists()  # only asking (a POST) makes one


def test_asking_creates_a_job_the_task_completes_and_the_owner_downloads_the_same_bytes(
    client, large_owner, fixed_now, django_capture_on_commit_callbacks
):
    client.force_login(large_owner)

    response = ask(client, django_capture_on_commit_callbacks)

    prepared = PreparedPDF.objects.get()
    assert prepared.owner == large_owner
    assert prepared.entry_count == LARGE_OVER + 1
    assert response["Location"] == prepared.get_absolute_url()
    assert prepared.status == PreparedPDF.Status.READY
    assert prepared.expires_at == fixed_now + timedelta(hours=24)
    assert storages["private"].exists(prepared.file.name)
    assert prepared.uuid.hex in prepared.file.name
    assert "Okafor" not in prepared.file.name

    page = client.get(prepared.get_absolute_url()).content.decode()
    assert "Your PDF is ready" in page
    assert f'href="{prepared.get_download_url()}"' in page
    assert 'http-equiv="refresh"' not in page

    download = client.get(prepared.get_download_url())
    body = b"".join(download.streaming_content)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert body == pdf_exports.render_owner_pdf(large_owner)
    assert prepared.size == len(body)
    assert not AccessEvent.objects.exists()  # the owner reading their own: nothing to log


def test_while_it_is_prepared_the_page_says_so_without_javascript(
    client, large_owner, django_capture_on_commit_callbacks
):
    client.force_login(large_owner)
    ask(client, django_capture_on_commit_callbacks, run=False)  # the worker has not started
    prepared = PreparedPDF.objects.get()

    response = client.get(prepared.get_absolute_url())
    download = client.get(prepared.get_download_url())

    page = response.content.decode()
    assert prepared.status == PreparedPDF.Status.QUEUED
    assert "Your PDF is being prepared" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert f'href="{prepared.get_absolute_url()}">Check again</a>' in page
    assert inline_scripts(page) == []
    assert download.status_code == 302
    assert download["Location"] == prepared.get_absolute_url()

    pdf_exports.prepare(str(prepared.uuid))  # the worker picks it up
    assert "Your PDF is ready" in client.get(prepared.get_absolute_url()).content.decode()


def test_asking_again_while_one_is_waiting_queues_nothing_more(
    client, large_owner, django_capture_on_commit_callbacks
):
    client.force_login(large_owner)
    ask(client, django_capture_on_commit_callbacks, run=False)
    with django_capture_on_commit_callbacks() as callbacks:
        again = client.post(reverse("portfolios:prepared-pdfs"))

    prepared = PreparedPDF.objects.get()
    assert again["Location"] == prepared.get_absolute_url()
    assert callbacks == []


def test_a_request_stuck_for_half_an_hour_no_longer_stops_a_new_one(
    client, large_owner, django_capture_on_commit_callbacks
):
    client.force_login(large_owner)
    ask(client, django_capture_on_commit_callbacks, run=False)
    PreparedPDF.objects.update(
        status=PreparedPDF.Status.RUNNING,
        requested_at=timezone.now() - pdf_exports.STALE_AFTER - timedelta(seconds=1),
    )

    ask(client, django_capture_on_commit_callbacks)

    assert PreparedPDF.objects.count() == 2
    assert PreparedPDF.objects.filter(status=PreparedPDF.Status.READY).count() == 1


def test_another_person_gets_404_for_someone_elses_pdf(
    client, large_owner, django_capture_on_commit_callbacks
):
    client.force_login(large_owner)
    ask(client, django_capture_on_commit_callbacks)
    prepared = PreparedPDF.objects.get()
    other = owner_with(LARGE_OVER + 1)
    client.force_login(other)

    assert client.get(prepared.get_absolute_url()).status_code == 404
    assert client.get(prepared.get_download_url()).status_code == 404
    listing = client.get(reverse("portfolios:prepared-pdfs")).content.decode()
    assert str(prepared.uuid) not in listing
    ask(client, django_capture_on_commit_callbacks, run=False)
    assert PreparedPDF.objects.filter(owner=other).exclude(pk=prepared.pk).count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, large_owner):
    prepared = PreparedPDF.objects.create(
        owner=large_owner, entry_count=4, expires_at=timezone.now() + timedelta(hours=1)
    )
    for url in (
        reverse("portfolios:prepared-pdfs"),
        prepared.get_absolute_url(),
        prepared.get_download_url(),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_expired_pdfs_are_removed_with_their_files_on_the_next_visit_and_by_the_command(
    client, large_owner, django_capture_on_commit_callbacks
):
    client.force_login(large_owner)
    ask(client, django_capture_on_commit_callbacks)
    mine = PreparedPDF.objects.get()
    other = owner_with(LARGE_OVER + 1)
    client.force_login(other)
    ask(client, django_capture_on_commit_callbacks)
    theirs = PreparedPDF.objects.get(owner=other)
    PreparedPDF.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    private = storages["private"]

    client.force_login(large_owner)
    assert client.get(mine.get_absolute_url()).status_code == 404  # expired: gone for good
    client.get(reverse("portfolios:prepared-pdfs"))
    assert not PreparedPDF.objects.filter(pk=mine.pk).exists()
    assert not private.exists(mine.file.name)
    assert PreparedPDF.objects.filter(pk=theirs.pk).exists()  # only one's own on a visit

    call_command("prune_prepared_pdfs", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not PreparedPDF.objects.exists()
    assert not private.exists(theirs.file.name)


def test_a_pdf_that_fails_says_so_and_can_be_asked_for_again(
    client, large_owner, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(owner):
        raise RuntimeError("fpdf2 fell over")

    monkeypatch.setattr(pdf_exports, "render_owner_pdf", broken)
    client.force_login(large_owner)
    ask(client, django_capture_on_commit_callbacks)
    failed = PreparedPDF.objects.get()

    page = client.get(failed.get_absolute_url()).content.decode()

    assert failed.status == PreparedPDF.Status.FAILED
    assert not failed.file
    assert "Your PDF could not be prepared" in page
    assert "Try again" in page
    assert client.get(failed.get_download_url())["Location"] == failed.get_absolute_url()
    monkeypatch.undo()
    ask(client, django_capture_on_commit_callbacks)
    assert PreparedPDF.objects.filter(status=PreparedPDF.Status.READY).count() == 1


def test_the_task_does_each_job_once_and_skips_one_that_is_gone(large_owner):
    prepared = PreparedPDF.objects.create(
        owner=large_owner, entry_count=4, expires_at=timezone.now() + timedelta(hours=1)
    )

    prepare_portfolio_pdf.call(str(prepared.uuid))
    prepared.refresh_from_db()
    name = prepared.file.name

    assert prepared.status == PreparedPDF.Status.READY
    assert prepare_portfolio_pdf.call(str(prepared.uuid)) is None  # already done
    prepared.refresh_from_db()
    assert prepared.file.name == name
    pdf_exports.remove(prepared)
    assert prepare_portfolio_pdf.call(str(prepared.uuid)) is None


def test_the_list_page_reads_as_many_queries_for_one_pdf_as_for_six(
    client, large_owner, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            PreparedPDF.objects.create(
                owner=large_owner, entry_count=4, expires_at=timezone.now() + timedelta(hours=1)
            )

    client.force_login(large_owner)
    add(1)
    client.get(reverse("portfolios:prepared-pdfs"))  # the session and layout settle
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portfolios:prepared-pdfs"))
    add(5)

    # The layout (home tasks, navigation) reads the same ~50 queries on every page.
    with django_assert_max_num_queries(len(one)):
        response = client.get(reverse("portfolios:prepared-pdfs"))

    assert response.content.decode().count("Waiting to start") == 6
