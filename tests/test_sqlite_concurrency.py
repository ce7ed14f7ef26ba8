"""Ten people at once against the server `make run` starts, on a SQLite file: no response is a
server error (503 "not saved" included) and every write someone made is there afterwards.

The server is Django's threaded runserver with the dev settings (a thread and a connection per
request, as `make run` serves), in a process of its own, on a file copy of the migrated test
database. Everyone signs in through the sign-in form at the same moment (which writes the
session, their session record and last_login), then reads pages and saves drafts through the
evidence form with its CSRF token. What keeps SQLite from answering "database is locked" is its
OPTIONS in cms/settings/base.py (WAL, a busy timeout, transactions that take the write lock when
they begin): with only WAL (no `transaction_mode`, no `timeout`) this test failed when tried by
hand, 10 to 13 of its 110 requests answering 500 or 503 "database is locked" (sign-ins, the first
page after signing in, which records the session's browser, and saved drafts).

About the SQLite file only: skipped on PostgreSQL (tests/test_many_people_at_once.py covers both).
"""

import threading

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from organisations.factories import MembershipFactory
from organisations.models import Role

from .browser.site import DemoSite
from .live_clients import Browser, csrf_token, run_in_thread

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="about the SQLite file `make run` uses; the database under test is not SQLite",
    ),
]

PEOPLE = 10
ROUNDS = 3  # each round: a page, the evidence form and a saved draft
PASSWORD = "a long enough passphrase for the dev hasher"
LOGIN = "/accounts/login/"
NEW = "/portfolio/evidence/new/"
PAGES = ["/home/", "/portfolio/", "/appraisals/"]
SETTINGS = "cms.settings.dev"  # what `make run` serves


@pytest.fixture
def people(db):
    """Ten practitioners with verified addresses; their password hashed as the dev settings
    hash it (the suite's fast hasher is unknown there), once for all of them."""
    from allauth.account.models import EmailAddress

    hasher = PBKDF2PasswordHasher()
    encoded = hasher.encode(PASSWORD, hasher.salt())
    result = []
    for _ in range(PEOPLE):
        user = MembershipFactory(role=Role.PRACTITIONER).user
        user.password = encoded
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        result.append((user.pk, user.email))
    return result


@pytest.fixture
def server(people, shared_database, tmp_path):
    """`manage.py runserver` with the dev settings on the file copy of the test database."""
    site = DemoSite(tmp_path)
    site.env.update(DJANGO_SETTINGS_MODULE=SETTINGS, DATABASE_URL=f"sqlite:///{shared_database}")
    site.start(ready="/healthz")
    yield site.port
    site.stop()


def test_ten_people_at_once_on_the_sqlite_file_get_no_server_error_and_lose_nothing(people, server):
    barrier = threading.Barrier(PEOPLE)
    answers: list[tuple[str, str, int]] = []
    saved: dict[int, list[str]] = {pk: [] for pk, _ in people}
    failures: list[BaseException] = []

    def person(pk: int, email: str):
        browser = Browser(server)
        try:

            def send(method, path, data=None):
                status, html = browser.request(method, path, data)
                answers.append((method, path, status))
                return status, html

            _, html = send("GET", LOGIN)
            barrier.wait(timeout=120)
            send(
                "POST",
                LOGIN,
                {"csrfmiddlewaretoken": csrf_token(html), "login": email, "password": PASSWORD},
            )
            for number in range(ROUNDS):
                send("GET", PAGES[number % len(PAGES)])
                status, html = send("GET", NEW)
                title = f"Draft {number} by person {pk}"
                status, _ = send(
                    "POST",
                    NEW,
                    {
                        "csrfmiddlewaretoken": csrf_token(html),
                        "action": "draft",
                        "title": title,
                        "description": "Notes typed while everyone else was busy too.",
                    },
                )
                if status == 302:
                    saved[pk].append(title)
        except BaseException as error:  # reported by the test
            failures.append(error)

    threads = [threading.Thread(target=person, args=args) for args in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert not failures, failures
    assert len(answers) == PEOPLE * (2 + 3 * ROUNDS), "every request was answered"
    server_errors = [answer for answer in answers if answer[2] >= 500]
    assert server_errors == [], f"{len(server_errors)} of {len(answers)} answered 5xx"
    # Reads answer 200 (a person signed out would be sent to sign in: 302); writes redirect.
    assert {status for method, _, status in answers if method == "GET"} == {200}
    assert {status for method, _, status in answers if method == "POST"} == {302}
    assert all(len(titles) == ROUNDS for titles in saved.values()), saved

    def stored():
        from allauth.usersessions.models import UserSession

        from accounts.models import User
        from portfolios.models import Entry

        pks = list(saved)
        return {
            "drafts": {
                pk: sorted(
                    Entry.objects.filter(
                        portfolio__owner_id=pk, status=Entry.Status.DRAFT
                    ).values_list("title", flat=True)
                )
                for pk in pks
            },
            "signed in": User.objects.filter(pk__in=pks, last_login__isnull=False).count(),
            "sessions": UserSession.objects.filter(user_id__in=pks).count(),
        }

    assert run_in_thread(stored) == {
        "drafts": {pk: sorted(titles) for pk, titles in saved.items()},
        "signed in": PEOPLE,
        "sessions": PEOPLE,
    }
