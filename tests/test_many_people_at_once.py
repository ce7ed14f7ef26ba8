"""Six people using the site at once, against a live server with a thread per request: no
request answers with a server error and every draft someone saved is there afterwards.

On SQLite the server works on a file database (the in-memory test database cannot be shared by
threads the way a real one is): the test database is copied to a temporary file, with the same
OPTIONS as the embedded default (WAL, a busy timeout, immediate transactions), and every server
thread opens its own connection to it, as `make run` does. On PostgreSQL (DATABASE_URL) the
server threads use the test database itself."""

import http.client
import re
import sqlite3
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.testcases import LiveServerThread

from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 6
ROUNDS = 6  # each round: two page reads, the form, and a saved draft (24 requests a person)
PAGES = ["/portfolio/", "/appraisals/"]
NEW = "/portfolio/evidence/new/"


class Browser:
    """One person's browser: keeps its cookies, follows no redirects."""

    def __init__(self, port: int, cookies: dict[str, str]):
        self.port = port
        self.cookies = dict(cookies)

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "User-Agent": "capable-load-test",
        }
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", "replace")
            for header in response.msg.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, content
        finally:
            conn.close()


def run_in_thread(function):
    """Run `function` in a thread of its own (so with its own database connection)."""
    result, errors = [], []

    def target():
        try:
            result.append(function())
        except Exception as error:  # re-raised below
            errors.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]


@pytest.fixture
def shared_database(tmp_path):
    """On SQLite, point every new connection (server threads included) at a file copy of the
    test database, with the configured OPTIONS; the test's own connection keeps the in-memory
    one. On PostgreSQL, nothing to do."""
    if connection.vendor != "sqlite":
        yield
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    try:
        yield
    finally:
        connections.settings["default"] = original


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
