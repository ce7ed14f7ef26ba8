"""What the tests of many people at once share (tests/test_many_people_at_once.py,
tests/test_sqlite_concurrency.py): a person's browser as plain HTTP, and ORM reads from a thread
of their own (the file copy of the SQLite test database they need is tests/conftest.py's
`shared_database`)."""

import http.client
import re
import threading
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from django.db import connections

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One person's browser: keeps its cookies, follows no redirects."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None):
        self.port = port
        self.cookies = dict(cookies or {})

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
            # A browser sends its origin with every form; Django's CSRF check compares it.
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
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


def csrf_token(html: str) -> str | None:
    """The CSRF token of the first form on a page (None when there is no form)."""
    found = CSRF.search(html)
    return found.group(1) if found else None


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
