"""Every page each demo role can reach, checked in the browser: axe-core, one h1, a title, and no
sideways scrolling at desktop size or at 320 px (issue 12).

The crawl follows the same links as tests/test_crawl.py (GET links only, never signing out, the
admin or downloads: its rules are imported), breadth first from where signing in lands and from
the home page. tests/test_crawl.py already opens every one of those pages (100 to 160 a person)
for broken links; here each page costs a browser load and an axe-core run, so a sample is checked:

- per person, at most one URL per URL pattern (`django.urls.resolve(path).route`,
  resolved in this process), so a list of forty evidence entries costs one entry, not forty;
  URLs that differ only in their query string (filters, pages of a list) share their pattern.
  Wagtail's pages all resolve to one catch-all route, so for them the pattern is the path;
- the pages everyone sees alike (the public framework, search, account settings, guidance:
  `SHARED`) are checked once per test run, by whichever crawl reaches them first; the anonymous
  visitor's crawl also reads the framework's own links, and checks up to `FRAMEWORK_PER_PATTERN`
  of its domains, levels, statements and comparisons;
- each person's home is checked; beyond it, a person checks only the URL patterns no earlier
  crawl in the run has checked (what their role adds), and the pages they skip are still read,
  without the browser, for their links. A pattern's other variants (the same page as another role
  sees it) are in the journeys, which run axe-core on every page they reach at desktop size;
- each page is loaded once, at desktop size with axe-core; then the window narrows to 320 px for
  the sideways-scroll check alone (no second axe run) and widens again.

Every problem a person meets is collected, and the test fails once with the whole list. The
seconds and pages each crawl took are printed (`-s`).
"""

import time
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from tests.test_crawl import HREF, LEAF_PREFIXES, LEAF_SUFFIXES, OTHERS, ROLES, _same_site

from .conftest import new_page
from .ui import MODES, UI

DESKTOP = next(mode for mode in MODES if mode.name == "desktop")
NARROW = next(mode for mode in MODES if mode.name == "no-js-320px")
PER_PATTERN = 1
FRAMEWORK_PER_PATTERN = 3
PAGE_CAP = 80
# The same for every signed-in person: checked once per run (see the module's docstring).
SHARED = (*LEAF_PREFIXES, "/accounts/", "/guidance/")
ANONYMOUS = "anonymous visitor"

# What this run has checked so far, across the crawls: paths of shared pages, and URL patterns.
_checked_shared: set[str] = set()
_checked_patterns: set[str] = set()


def _pattern(path: str) -> str:
    try:
        route = resolve(path).route
    except Resolver404:
        return path
    return path if route.startswith("^((") else route  # Wagtail's catch-all: one per page


class Crawl:
    def __init__(self, ui: UI, *, read_framework=False, fresh_only=False):
        self.ui = ui
        self.page = ui.page
        self.base = ui.site.url
        self.narrow = UI(ui.page, ui.site, NARROW)
        self.read_framework = read_framework
        self.cap = FRAMEWORK_PER_PATTERN if read_framework else PER_PATTERN
        self.fresh_only = fresh_only
        self.problems: list[str] = []
        self.checked: list[str] = []
        self.read: list[str] = []
        self.per_pattern: dict[str, int] = {}

    def run(self, starts: list[str]) -> None:
        queued = set(starts)
        queue = deque(starts)
        landed: set[str] = set()
        while queue and len(self.checked) < PAGE_CAP:
            url = queue.popleft()
            path = urlsplit(url).path
            if path.endswith(LEAF_SUFFIXES):
                continue
            shared = path.startswith(SHARED)
            if shared and not self.read_framework and path in _checked_shared:
                continue
            pattern = _pattern(path)
            if self.per_pattern.get(pattern, 0) >= self.cap:
                continue
            self.per_pattern[pattern] = self.per_pattern.get(pattern, 0) + 1
            if self.fresh_only and pattern in _checked_patterns and url not in starts:
                links = self.read_links(url)
            else:
                links = self.visit(url, landed)
            if path.startswith(LEAF_PREFIXES) and not self.read_framework:
                continue
            for link in links:
                if link not in queued:
                    queued.add(link)
                    queue.append(link)

    def visit(self, url: str, landed: set[str]) -> list[str]:
        """Load the page in the browser, check it, and return its links."""
        try:
            response = self.page.goto(self.base + url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                self.problems.append(f"{url}: {str(error).splitlines()[0]}")
            return []
        at = self.page.url.removeprefix(self.base)
        if at in landed:  # redirected to a page already checked
            return []
        landed.add(at)
        self.checked.append(at)
        path = urlsplit(at).path
        _checked_patterns.add(_pattern(path))
        if path.startswith(SHARED):
            _checked_shared.add(path)
        if response is not None and response.status >= 400:
            self.problems.append(f"{at} answered {response.status}")
            return []
        if response is not None and "text/html" not in response.headers.get("content-type", ""):
            return []  # JSON (a CASE URI a credential aligns to), a badge image: not a page
        self.check(at)
        hrefs = self.page.eval_on_selector_all(
            "a[href]", "els => els.map(el => el.getAttribute('href'))"
        )
        return [link for href in hrefs if (link := _same_site(href.removeprefix(self.base)))]

    def read_links(self, url: str) -> list[str]:
        """The page's links, read from its HTML without the browser (a page not checked)."""
        response = self.page.context.request.get(self.base + url)
        self.read.append(url)
        if not response.ok or "text/html" not in response.headers.get("content-type", ""):
            return []
        hrefs = HREF.findall(response.text())
        return [link for href in hrefs if (link := _same_site(href.removeprefix(self.base)))]

    def check(self, at: str) -> None:
        """The harness's page checks at desktop size (axe-core too), then sideways scrolling at
        320 px."""
        found = self.ui.page_problems()
        self.page.set_viewport_size({"width": NARROW.width, "height": NARROW.height})
        found += [
            f"at 320 px: {problem}"
            for problem in self.narrow.page_problems()
            if "scrolls sideways" in problem
        ]
        self.page.set_viewport_size({"width": DESKTOP.width, "height": DESKTOP.height})
        self.problems += [f"{at}: {problem}" for problem in found]


# The people in OTHERS (the same roles in other organisations) are crawled without the browser by
# tests/test_crawl.py; here each role is crawled once, and checks what no earlier role has.
@pytest.mark.parametrize("role", [ANONYMOUS, *ROLES])
def test_every_page_a_person_reaches_passes_the_page_checks(role, chromium, site):
    site.reset()
    context, page = new_page(chromium, site, DESKTOP)
    started = time.monotonic()
    try:
        ui = UI(page, site, DESKTOP)
        if role == ANONYMOUS:
            crawl = Crawl(ui, read_framework=True)
            crawl.run(["/", "/framework/"])
        else:
            ui.sign_in(ROLES.get(role) or OTHERS[role])
            crawl = Crawl(ui, fresh_only=True)
            crawl.run([settings.LOGIN_REDIRECT_URL, "/"])
    finally:
        context.close()
    print(
        f"\n{role}: {len(crawl.checked)} pages checked, {len(crawl.read)} read for links,"
        f" {time.monotonic() - started:.1f}s"
    )
    assert crawl.checked, f"{role}: the crawl checked no page"
    if crawl.problems:
        pytest.fail(
            f"{role}: {len(crawl.problems)} problems on {len(crawl.checked)} pages checked:\n"
            + "\n".join(crawl.problems),
            pytrace=False,
        )
