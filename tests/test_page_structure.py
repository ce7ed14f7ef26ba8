"""Page structure on every page a demo role can reach (issue 12): each data table scrolls in its
own labelled region, one h1 that comes first in main, a unique "<Page> · Capable" title, and
nothing outside a landmark (the phase banner in the header, back links in a nav)."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.template import Context, Template, TemplateSyntaxError

from tests.test_crawl import (  # noqa: F401 (demo_site: the fixture)
    HREF,
    LEAF_PREFIXES,
    LEAF_SUFFIXES,
    _as,
    _same_site,
    demo_site,
)

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# GOV.UK puts these before a page's h1 by design, with an h2 of their own.
BEFORE_H1 = ("govuk-error-summary", "govuk-notification-banner")


class Structure(HTMLParser):
    """What the checks need from a page: each table's and heading's ancestors, ids, the title."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.ids: set[str] = set()
        self.tables: list[list[tuple[str, dict]]] = []
        self.headings: list[tuple[str, list[tuple[str, dict]]]] = []
        self.marked: dict[str, list[list[tuple[str, dict]]]] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "table":
            self.tables.append(list(self.stack))
        if tag in HEADINGS:
            self.headings.append((tag, list(self.stack)))
        for name in attrs.get("class", "").split():
            if name in ("govuk-back-link", "govuk-phase-banner", "govuk-breadcrumbs"):
                self.marked.setdefault(name, []).append(list(self.stack))
        self._in_title = tag == "title" and not self.title  # the page's, not an SVG's
        if tag not in VOID:
            self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        self._in_title = False
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _parse(html: str) -> Structure:
    page = Structure()
    page.feed(html)
    return page


def _in(ancestors, tag=None, role=None, cls=None):
    for name, attrs in ancestors:
        if tag and name != tag:
            continue
        if role and attrs.get("role") != role:
            continue
        if cls and cls not in attrs.get("class", "").split():
            continue
        return attrs
    return None


def problems(html: str) -> list[str]:
    page = _parse(html)
    found = []
    for ancestors in page.tables:
        region = _in(ancestors, tag="div", cls="app-table-region")
        if region is None:
            found.append("a table is not in a scrolling region ({% table_region %})")
        elif (
            region.get("role") != "region"
            or region.get("tabindex") != "0"
            or not (region.get("aria-labelledby") in page.ids or region.get("aria-label"))
        ):
            found.append(f"a table region is not a focusable, labelled region: {region}")
    h1s = [ancestors for tag, ancestors in page.headings if tag == "h1"]
    if len(h1s) != 1:
        found.append(f"{len(h1s)} h1 elements")
    in_main = [
        tag
        for tag, ancestors in page.headings
        if _in(ancestors, tag="main") is not None
        and not any(_in(ancestors, cls=c) is not None for c in BEFORE_H1)
    ]
    if in_main and in_main[0] != "h1":
        found.append(f"the first heading in main is an {in_main[0]}, not the h1")
    if not page.title.endswith(" · Capable") or page.title.count("Capable") > 1:
        found.append(f"title {page.title!r} is not “<Page> · Capable”")
    for ancestors in page.marked.get("govuk-phase-banner", []):
        if _in(ancestors, tag="header") is None:
            found.append("the phase banner is outside the header")
    for ancestors in page.marked.get("govuk-back-link", []):
        if _in(ancestors, tag="nav") is None and _in(ancestors, tag="main") is None:
            found.append("a back link is outside main and any nav")
    return found


def _crawl(client, starts, cap=90):
    """Every HTML page reachable from `starts`: {url: (title, problems)}."""
    pages, seen, queue = {}, set(), deque(starts)
    while queue and len(seen) < cap:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        if path.endswith(LEAF_SUFFIXES):
            continue
        response = client.get(url, follow=True)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        final = response.request["PATH_INFO"]
        query = response.request.get("QUERY_STRING")
        pages[final + (f"?{query}" if query else "")] = (_parse(html).title, problems(html))
        if path.startswith(LEAF_PREFIXES) and path != "/framework/":
            continue
        for href in HREF.findall(html):
            link = _same_site(href)
            if link and link not in seen:
                queue.append(link)
    return pages


UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _same_page(url: str) -> str:
    """Pages that may share a title: one record or another of the same kind (two entries a
    person gave the same title), and the same page reached with another `next`."""
    parts = urlsplit(UUID.sub("<id>", url))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "next"]
    return parts.path + ("?" + urlencode(query) if query else "")


def _check(pages):
    report = [f"{url}: {problem}" for url, (_, found) in pages.items() for problem in found]
    titles: dict[str, set[str]] = {}
    for url, (title, _) in pages.items():
        titles.setdefault(title, set()).add(_same_page(url))
    report += [
        f"{len(urls)} pages share the title {title!r}: {sorted(urls)[:4]}"
        for title, urls in titles.items()
        if len(urls) > 1
    ]
    return report


# Roles whose pages between them hold every kind of table, form and layout (tests/test_crawl.py
# already visits every role's pages for broken links; this keeps the suite's time down).
ROLES = {
    "practitioner": "priya.practitioner",
    "PSW": "sam.psw",
    "placement lead (LA)": "lee.placements",
    "org admin": "ada.admin",
}


@pytest.mark.usefixtures("demo_site")
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_is_well_structured(role, client, db):
    _as(client, ROLES[role])
    pages = _crawl(client, ["/home/", "/accounts/email/", "/accessibility/"])
    assert len(pages) > 20
    report = _check(pages)
    assert not report, "\n".join(report)


@pytest.mark.usefixtures("demo_site")
def test_every_public_page_is_well_structured(client, db):
    pages = _crawl(client, ["/", "/framework/", "/accounts/login/", "/accounts/signup/"], cap=60)
    report = _check(pages)
    assert not report, "\n".join(report)


# ---------------------------------------------------------------------------------------------
# The table region tag


def _render(source, **context):
    return Template(source).render(Context(context))


def test_the_region_is_named_by_the_tables_caption():
    html = _render(
        '{% table_region %}<table><caption id="c1">People</caption></table>{% end_table_region %}'
    )
    assert html.startswith(
        '<div class="app-table-region" role="region" aria-labelledby="c1" tabindex="0"><table>'
    )


def test_a_caption_without_an_id_is_given_one():
    html = _render(
        '{% table_region %}<table><caption class="x">People</caption></table>{% end_table_region %}'
    )
    label = re.search(r'aria-labelledby="([^"]+)"', html).group(1)
    assert f'<caption id="{label}" class="x">People</caption>' in html
    assert problems(f"<title>T · Capable</title><main><h1>T</h1>{html}</main>") == []


def test_a_table_without_a_caption_is_named_by_the_id_given():
    html = _render("{% table_region label %}<table></table>{% end_table_region %}", label="people")
    assert 'aria-labelledby="people"' in html


def test_a_table_without_a_caption_or_an_id_is_a_mistake():
    with pytest.raises(TemplateSyntaxError):
        _render("{% table_region %}<table></table>{% end_table_region %}")


def test_the_checks_find_what_they_look_for():
    found = problems(
        "<title>Capable · Capable</title><a class='govuk-back-link' href='/'>Back</a>"
        "<main><h2>Before</h2><h1>Page</h1><table></table></main>"
    )
    assert len(found) == 4, found
