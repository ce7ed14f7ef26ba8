"""Crawl the site as each demo role: no link answers 404 (or a server error) for the person who
sees it, and the crawl reaches every area that role may use (issue 11)."""

import re
import time
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from accounts.demo import DEMO_DOMAIN
from accounts.models import User

PAGE_CAP = 400
# Never followed: the admin, signing out (ends the session) and links with side effects.
SKIP_PREFIXES = ("/admin/", "/django-admin/", "/accounts/logout/", "/static/", "/documents/")
# Answered but not read for further links: downloads and pages whose links lead everywhere
# (the public framework is crawled once, by the anonymous visitor, not per role).
LEAF_SUFFIXES = (".pdf", ".csv", ".zip", ".json", ".xlsx", ".svg", ".ico")
LEAF_PREFIXES = ("/framework/", "/ims/", "/search/")

HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _same_site(href: str) -> str | None:
    href = unescape(href).strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "#")):
        return None
    parts = urlsplit(href)
    if parts.scheme and parts.netloc not in ("testserver", ""):
        return None
    if not parts.path.startswith("/"):
        return None
    url, _ = urldefrag(parts.path + (f"?{parts.query}" if parts.query else ""))
    if url.startswith(SKIP_PREFIXES):
        return None
    return url


WAY_BACK = re.compile(r'class="[^"]*\b(govuk-back-link|govuk-breadcrumbs|app-subnav)\b')


def crawl(client, starts, *, cap=PAGE_CAP, read_framework=False, no_way_back=None):
    """Breadth first from `starts`. Returns (pages seen, broken [(url, status, found on)]).
    Pages without a back link, breadcrumbs or sub-navigation go in `no_way_back` (url: found on).
    """
    seen: dict[str, int] = {}
    found_on: dict[str, str] = dict.fromkeys(starts, "(start)")
    queue = deque(starts)
    broken = []
    while queue and len(seen) < cap:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, follow=True)
        seen[url] = response.status_code
        if response.status_code == 404 or response.status_code >= 500:
            broken.append((url, response.status_code, found_on[url]))
            continue
        path = urlsplit(url).path
        leaf = path.endswith(LEAF_SUFFIXES) or (
            not read_framework and path.startswith(LEAF_PREFIXES)
        )
        content_type = response.get("Content-Type", "")
        if leaf or response.status_code != 200 or "text/html" not in content_type:
            continue
        html = response.content.decode()
        if no_way_back is not None and not WAY_BACK.search(html):
            no_way_back[response.request["PATH_INFO"]] = found_on[url]
        # Links on the page the redirects ended at.
        for href in HREF.findall(html):
            link = _same_site(href)
            if link and link not in seen and link not in found_on:
                found_on[link] = url
                queue.append(link)
    return seen, broken


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """The demo data, seeded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


def _as(client, local):
    user = User.objects.get(email=f"{local}@{DEMO_DOMAIN}")
    client.force_login(user)
    # Staff have a TOTP authenticator from the seed, so nothing sends them to set up MFA (which
    # would make every page "answer 200" without showing it).
    assert "mfa-required" not in client.get("/placements/").get("Location", "")
    return user


# One demo person per role (and the practitioner who is also an on-site supervisor).
ROLES = {
    "practitioner": "priya.practitioner",
    "asye": "alex.asye",
    "practice educator": "pat.educator",
    "on-site supervisor": "oli.supervisor",
    "line manager": "morgan.manager",
    "PSW": "sam.psw",
    "ASYE coordinator": "nia.coordinator",
    "placement lead (LA)": "lee.placements",
    "placement lead (HEI)": "hal.placements",
    "org admin": "ada.admin",
    "student": "sol.student",
    "HEI tutor": "tara.tutor",
    "awarding body": "rue.board",
}
# Other demo people whose organisations differ (no partnership, another council): links that
# depend on the organisation must hold for them too.
OTHERS = {
    "practitioner and on-site supervisor": "ravi.practitioner",
    "student without a partnership": "mia.student",
    "PSW (Southvale)": "kit.psw",
    "practice educator (voluntary)": "noor.educator",
    "HEI tutor (Southvale)": "gil.tutor",
    "org admin (voluntary)": "cam.admin",
}


# Pages each role's crawl saw, kept for the reachability test (the crawl is the same).
_CRAWLED: dict[str, dict[str, int]] = {}
_NO_WAY_BACK: dict[str, dict[str, str]] = {}


def _report(broken):
    return "\n".join(f"{status} {url}  (linked from {page})" for url, status, page in broken)


@pytest.mark.parametrize("role", [*ROLES, *OTHERS])
def test_no_link_answers_404_for_the_person_who_sees_it(role, client, demo_site, db):
    _as(client, ROLES.get(role) or OTHERS[role])
    started = time.monotonic()
    no_way_back = {}
    seen, broken = crawl(client, [settings.LOGIN_REDIRECT_URL, "/"], no_way_back=no_way_back)
    _CRAWLED[role] = seen
    _NO_WAY_BACK[role] = no_way_back
    print(f"{role}: {len(seen)} pages in {time.monotonic() - started:.1f}s")
    assert not broken, _report(broken)


def test_no_public_link_answers_404(client, demo_site, db):
    seen, broken = crawl(client, ["/", "/framework/"], cap=150, read_framework=True)
    print(f"anonymous: {len(seen)} pages")
    assert not broken, _report(broken)


# The areas each demo role may use (from each app's urls.py and rules, and the demo data): the
# crawl from where signing in lands must reach every one of them.
_PARTNERSHIP_REVIEW = "/placements/partnerships/northshire-teaching-partnership/review/{year}/"
AREAS = {
    "practitioner": [
        "/portfolio/",
        "/portfolio/cpd/",
        "/portfolio/sharing/",
        "/appraisals/",
        "/supervision/",
        "/appraisals/practice-voice/",
        "/appraisals/you-said-we-did/",
    ],
    "asye": [
        "/portfolio/",
        "/portfolio/cpd/",
        "/appraisals/",
        "/supervision/",
        "/observations/of-my-practice/",
    ],
    "practice educator": [
        "/portfolio/",
        "/placements/",
        "/portfolio/shared/",
        "/observations/",
        "/observations/write/",
    ],
    "on-site supervisor": ["/placements/"],
    "line manager": ["/appraisals/", "/portfolio/shared/", "/supervision/", "/observations/"],
    "PSW": [
        "/appraisals/",
        "/appraisals/organisation/",
        "/appraisals/asye/cohort/",
        "/appraisals/templates/",
        "/appraisals/you-said-we-did/",
    ],
    "ASYE coordinator": ["/appraisals/", "/appraisals/asye/cohort/", "/appraisals/start/"],
    "placement lead (LA)": [
        "/placements/",
        "/placements/providers/northshire/",
        "/placements/providers/northshire/quality/",
        "/placements/registers/",
        "/placements/designations/",
        _PARTNERSHIP_REVIEW,
    ],
    "placement lead (HEI)": [
        "/placements/",
        "/placements/providers/northshire/",
        "/placements/providers/northshire/quality/",
        "/placements/registers/",
        _PARTNERSHIP_REVIEW,
    ],
    "org admin": ["/organisations/northshire/"],
    "student": [
        "/portfolio/",
        "/portfolio/feedback/",
        "/observations/of-my-practice/",
        "/placements/",
        "/placements/providers/northshire/feedback/",
        "/appraisals/practice-voice/",
    ],
    "HEI tutor": ["/placements/", "/placements/providers/northshire/"],
    "awarding body": ["/placements/designations/", "/placements/registers/"],
}


def _areas(role):
    from django.utils import timezone

    year = timezone.localdate().year
    return [url.format(year=year) for url in AREAS[role]]


@pytest.mark.parametrize("role", ROLES)
def test_each_area_the_role_may_use_answers_200_with_a_way_back(role, client, demo_site, db):
    """Keeps AREAS honest (every area listed is one the person may open), and each area that is
    not a starting point has a back link or breadcrumbs whose links answer 200."""
    user = _as(client, ROLES[role])
    entry = {url.format(me=user.uuid) for url in ENTRY_POINTS}
    wrong, lost = [], []
    for url in _areas(role):
        response = client.get(url, follow=True)
        if response.status_code != 200:
            wrong.append((url, response.status_code))
            continue
        html = response.content.decode()
        if url not in entry and not WAY_BACK.search(html):
            lost.append(url)
        back = re.findall(r'class="govuk-(?:back-link|breadcrumbs__link)" href="([^"]+)"', html)
        back += re.findall(r'href="([^"]+)" class="govuk-back-link"', html)
        wrong += [
            (link, status) for link in back if (status := client.get(link).status_code) != 200
        ]
    assert not wrong
    assert not lost


# Every area is reached from the home page (and the header): none is linked only from another.
@pytest.mark.parametrize("role", list(ROLES))
def test_the_crawl_reaches_every_area_the_role_may_use(role, client, demo_site, db):
    _as(client, ROLES[role])
    seen = _CRAWLED.get(role) or crawl(client, [settings.LOGIN_REDIRECT_URL, "/"])[0]
    missing = [url for url in _areas(role) if url not in seen]
    assert not missing, f"{role} cannot reach {missing}"


# Where a person starts, not part of a journey: the landing pages and the header's destinations.
# Account settings (/accounts/) have allauth's own menu; the public framework and guidance have
# their own navigation.
ENTRY_POINTS = {"/", "/home/", "/portfolio/", "/appraisals/", "/placements/", "/people/{me}/"}
OWN_NAVIGATION = ("/accounts/", "/framework/", "/guidance/", "/search/", "/ims/")


@pytest.mark.parametrize("role", [*ROLES, *OTHERS])
def test_every_page_on_a_journey_has_a_way_back(role, client, demo_site, db):
    user = _as(client, ROLES.get(role) or OTHERS[role])
    if role not in _NO_WAY_BACK:
        no_way_back = {}
        crawl(client, [settings.LOGIN_REDIRECT_URL, "/"], no_way_back=no_way_back)
        _NO_WAY_BACK[role] = no_way_back
    entry = {url.format(me=user.uuid) for url in ENTRY_POINTS} | {settings.LOGIN_REDIRECT_URL}
    lost = {
        url: page
        for url, page in _NO_WAY_BACK[role].items()
        if url not in entry and not url.startswith(OWN_NAVIGATION)
    }
    assert not lost, "\n".join(f"{url}  (reached from {page})" for url, page in lost.items())
