"""Six people using the site at once, against a live server with a thread per request: no
request answers with a server error and every draft someone saved is there afterwards.

On SQLite the server works on a file database (the in-memory test database cannot be shared by
threads the way a real one is): the test database is copied to a temporary file, with the same
OPTIONS as the embedded default (WAL, a busy timeout, immediate transactions), and every server
thread opens its own connection to it, as `make run` does. On PostgreSQL (DATABASE_URL) the
server threads use the test database itself."""

import re
import threading
import time

import pytest
from django.test import Client
from django.test.testcases import LiveServerThread

from organisations.factories import MembershipFactory
from organisations.models import Role

from .live_clients import Browser, run_in_thread

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 6
ROUNDS = 6  # each round: two page reads, the form, and a saved draft (24 requests a person)
PAGES = ["/portfolio/", "/appraisals/"]
NEW = "/portfolio/evidence/new/"


@pytest.fixture
def people(db):
    """Six practitioners, each signed in (their session cookies)."""
    result = []
    for _ in range(PEOPLE):
        user = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
        signed_in = Client()
        signed_in.force_login(user)
        result.append((user.pk, {"sessionid": signed_in.cookies["sessionid"].value}))
    return result


@pytest.fixture
def server(people, shared_database):
    thread = LiveServerThread("127.0.0.1", lambda handler: handler)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield thread.port
    thread.terminate()


def test_six_people_at_once_get_no_server_error_and_lose_no_draft(people, server):
    barrier = threading.Barrier(PEOPLE)
    statuses: list[tuple[str, str, int]] = []
    saved: dict[int, list[str]] = {pk: [] for pk, _ in people}
    failures: list[BaseException] = []

    def person(pk: int, cookies: dict[str, str]):
        browser = Browser(server, cookies)
        try:
            barrier.wait()
            for round_number in range(ROUNDS):
                for page in PAGES:
                    statuses.append(("GET", page, browser.request("GET", page)[0]))
                status, html = browser.request("GET", NEW)
                statuses.append(("GET", NEW, status))
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
                if token is None:
                    continue
                title = f"Draft {round_number} by person {pk}"
                status, _ = browser.request(
                    "POST",
                    NEW,
                    {
                        "csrfmiddlewaretoken": token.group(1),
                        "action": "draft",
                        "title": title,
                        "description": "Notes typed while everyone else was busy too.",
                    },
                )
                statuses.append(("POST", NEW, status))
                if status == 302:
                    saved[pk].append(title)
        except BaseException as error:  # reported by the test
            failures.append(error)

    started = time.monotonic()
    threads = [threading.Thread(target=person, args=person_args) for person_args in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started

    assert not failures, failures
    server_errors = [s for s in statuses if s[2] >= 500]
    assert server_errors == [], f"{len(server_errors)} of {len(statuses)} answered 5xx"
    assert len(statuses) == PEOPLE * ROUNDS * 4, "every request was answered"
    assert {s[2] for s in statuses} <= {200, 302}
    assert all(len(titles) == ROUNDS for titles in saved.values()), saved

    def stored():
        from portfolios.models import Entry

        return {
            pk: sorted(
                Entry.objects.filter(portfolio__owner_id=pk, status=Entry.Status.DRAFT).values_list(
                    "title", flat=True
                )
            )
            for pk in saved
        }

    assert run_in_thread(stored) == {pk: sorted(titles) for pk, titles in saved.items()}
    print(f"{len(statuses)} requests from {PEOPLE} people in {elapsed:.1f}s")
