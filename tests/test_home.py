"""The person's home (/home/): tasks from every app, the areas they may use, and the header."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.demo import DEMO_DOMAIN, PEOPLE
from accounts.models import User
from cms import home

pytestmark = pytest.mark.django_db

HEADER_ITEM = re.compile(r'class="govuk-service-navigation__item')
# Home, Tasks and the areas' links; then Account and Sign out.
HEADER_LIMIT = 6 + 2

# What the demo data gives each person on its home: the number of tasks, and words from each.
EXPECTED = {
    # Priya's CPD year is ready to record (her only peer reflection names nobody): no CPD task.
    "priya.practitioner": ["comment", "comment", "comment"],
    # Morgan is appraised too (against the practice supervisor standards), by Morgan's own
    # manager, Dee; Sam, the PSW, countersigns it.
    "morgan.manager": ["Six-month interim review", "End-of-year review", "CPD", "shared", "shared"],
    "sam.psw": ["Six-month interim review", "End-of-year review", "CPD"],
    # Heads of service: Dee countersigned Priya's completed appraisal and appraises Morgan.
    "dee.head": ["End-of-year review", "CPD"],
    "nell.head": ["CPD"],
    # Sol's placement: the educator's cause for concern and Sol's concern about the placement.
    "tara.tutor": [
        "Cause for concern",
        "audit",
        "audit",
        "audit",
        "shared",
        "concern about their placement",
    ],
    "sol.student": ["comment", "comment", "comment"],
    "ravi.practitioner": ["Mid-year review", "CPD"],
    "alex.asye": ["Six-month interim review", "CPD", "comment", "comment", "comment", "ASYE"],
    "lee.placements": [
        *["Action"] * 4,
        "renew",
        "audit (Provider",
        "audit (Provider",
        "partnership review",
    ],
    "hal.placements": [
        "Action: Agree a term's academic time",
        "Moderate the placement audit",
        "Moderate the placement audit",
        "partnership review",
    ],
    "ada.admin": ["renew", "partnership review"],
    "cam.admin": ["Action: Name a Brightpath member"],
    "jo.manager": ["Mid-year review", "CPD"],
    "rue.board": [],
    # The ASYE coordinator answers, judges and signs nothing: no tasks, only the cohort.
    "nia.coordinator": [],
    "uma.admin": ["partnership review"],
}


@pytest.fixture
def seeded(db):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cache.clear()


def demo(local):
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def _path(url):
    return url.split("#", 1)[0]


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_signing_in_lands_on_the_home(settings):
    assert settings.LOGIN_REDIRECT_URL == "/home/"


def test_every_demo_role_home_tasks_areas_and_header(seeded, client):
    seen = {}
    for local, *_ in PEOPLE:
        user = demo(local)
        client.force_login(user)
        response = client.get("/home/")
        assert response.status_code == 200, local
        html = response.content.decode()
        tasks = response.context["tasks"]
        seen[local] = [task.what for task in tasks]
        # Overdue first, then by date.
        keys = [(not t.overdue, t.due_on is None, t.due_on or datetime.date.max) for t in tasks]
        assert keys == sorted(keys), local
        for task in tasks:
            assert f'href="{task.url}"' in html
            assert client.get(_path(task.url)).status_code == 200, (local, task)
        for _group, areas in response.context["groups"]:
            for area in areas:
                assert client.get(_path(area.url)).status_code == 200, (local, area)
        header = html.split("</header>", 1)[0]
        assert len(HEADER_ITEM.findall(header)) <= HEADER_LIMIT, local
        assert f"Tasks ({len(tasks)})" in header, local
    for local, words in EXPECTED.items():
        assert len(seen[local]) == len(words), (local, seen[local])
        for what, word in zip(seen[local], words, strict=True):
            assert word in what, (local, seen[local])


def test_the_panel_still_deciding_is_a_task_for_its_member(seeded, client):
    """Southvale's panel has Kai Brantwood's report to decide (placements/demo.py): its lead
    sits on it and sees the task; the placement's own tutor, also a member, does not."""
    client.force_login(demo("una.placements"))
    tasks = client.get("/home/").context["tasks"]
    (task,) = [t for t in tasks if t.what == "Record the panel's decision"]
    assert task.for_whom.startswith("1 placement, Practice assessment panel")
    assert client.get(task.url).status_code == 200
    assert not [t for t in home.tasks_for(demo("gil.tutor")) if "panel" in t.what]


def test_areas_follow_roles(seeded):
    def labels(local):
        return {area.label for area in home.areas_for(demo(local))}

    def header(local):
        return [area.header for area in home.header_links(home.areas_for(demo(local)))]

    assert "Designations" in labels("rue.board")
    assert header("rue.board")[0] == "Designations"
    assert "Registers" in labels("lee.placements")
    assert "Registers" not in labels("priya.practitioner")
    assert "Designations" not in labels("priya.practitioner")
    assert any("provider page" in label for label in labels("lee.placements"))
    assert any("student feedback" in label for label in labels("sol.student"))
    assert not any("student feedback" in label for label in labels("priya.practitioner"))
    assert "Northshire County Council" in labels("ada.admin")
    assert "Northshire County Council" not in labels("bea.admin")
    assert "Workforce view" in labels("sam.psw")
    assert "Workforce view" not in labels("priya.practitioner")
    assert {"ASYE cohort", "Start an ASYE programme"} <= labels("nia.coordinator")
    assert "Workforce view" not in labels("nia.coordinator")
    assert "ASYE cohort" in labels("sam.psw")
    assert "ASYE cohort" not in labels("morgan.manager")
    assert "Appraisal templates" in labels("sam.psw")
    assert "Appraisal templates" not in labels("priya.practitioner")
    assert "Your supervision" in labels("priya.practitioner")
    assert "Supervision you give" in labels("morgan.manager")
    assert "Supervision you give" not in labels("priya.practitioner")
    assert not {"Your supervision", "Supervision you give"} & labels("sam.psw")
    assert {"Practice voice", "You said, we did"} <= labels("priya.practitioner")
    assert "Practice voice" in labels("sol.student")
    assert "You said, we did" not in labels("sol.student")
    assert not {"Practice voice", "You said, we did"} & labels("rue.board")
    assert "Placements" in header("sol.student")
    assert "Organisation" in header("ada.admin")
    for local, *_ in PEOPLE:
        assert "The capability framework" in labels(local)


def test_header_count_is_cached_and_cleared_when_a_task_changes(seeded, client):
    from placements.models import ActionItem

    user = demo("ada.admin")
    client.force_login(user)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get("/framework/")
    # Cold cache: the header asks the apps (so the check below can fail).
    assert [q for q in queries.captured_queries if "placements_" in q["sql"]]
    # Warm cache: the header asks no app for tasks (two queries: session and user).
    with CaptureQueriesContext(connection) as queries:
        client.get("/framework/")
    assert not [q for q in queries.captured_queries if "placements_" in q["sql"]]
    before = home.header_for(user)["task_count"]
    assert before == len(home.tasks_for(user))
    provider = user.memberships.first().organisation
    action = ActionItem.objects.create(
        provider=provider, text="Check the rota", owner=user, due_on=datetime.date(2020, 1, 1)
    )
    header = home.header_for(user)
    assert header["task_count"] == before + 1
    task = home.tasks_for(user)[0]  # overdue first
    assert task.overdue and task.due_on == datetime.date(2020, 1, 1)
    action.status = ActionItem.Status.DONE
    action.save()
    assert home.header_for(user)["task_count"] == before


@pytest.mark.parametrize(
    ("local", "most"),
    # Grows with the person's open audits (the audit rules ask per placement), never with the
    # number of people, entries or organisations in the service. (+1 each: the amendments waiting
    # for a signature, one query. +2 each: whether the person edits the framework, for the
    # guidance "When a new framework is published": their permissions and their groups'. +2 or
    # +3: the supervision areas ask for the person's roles, and whether anyone has recorded
    # supervision for them when no role of theirs is supervised; practice voice's areas ask one
    # query. priya +2: her first registration date, and her CPD year being ready to record.
    # +1 each: the practice learning progress area asks which students the person may follow.
    # +2 each: the observations of the person's practice waiting for their reflection, and
    # whether a role of theirs observes others, for "Observations I have written". +1 each:
    # placements' concern tasks (open concerns on the placements one tutors). +1 each: whether
    # the person has a practice educator record; +1 for those who read registers: whether they
    # read a programme's register of practice educators. +1 each: placements' panel tasks, the
    # sampled placements waiting for the decision of a panel the person sits on.
    # Issue 19: the person's roles are read once per request (organisations.selectors), so the
    # rules ask no subquery for roles the person does not hold, and the audit tasks ask the
    # person's roles in all the placements at once: priya 49 -> 30, tara 68 -> 32, lee 55 -> 32,
    # rue 40 -> 33.)
    [("priya.practitioner", 30), ("tara.tutor", 32), ("lee.placements", 32), ("rue.board", 33)],
)
def test_home_query_count_is_pinned(seeded, client, local, most):
    client.force_login(demo(local))
    client.get("/home/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/home/").status_code == 200
    assert len(queries.captured_queries) <= most


def test_the_cold_home_asks_the_apps_once_and_fills_the_header(seeded, client):
    """With the header's counts not cached, the home works its tasks and areas out once and
    caches the header from them: the first page costs what the next one does, and the next
    page elsewhere asks no app."""
    user = demo("tara.tutor")
    client.force_login(user)
    client.get("/framework/")  # the session's activity is recorded once a minute: done now
    home.tasks_changed([user.pk])  # the header's counts are no longer cached
    with CaptureQueriesContext(connection) as cold:
        page = client.get("/home/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/home/")
    assert len(cold.captured_queries) == len(warm.captured_queries)
    assert f"Tasks ({len(page.context['tasks'])})" in page.content.decode()
    with CaptureQueriesContext(connection) as other:
        client.get("/framework/")
    assert not [q for q in other.captured_queries if "placements_" in q["sql"]]


def test_a_role_ended_between_two_pages_ends_its_areas(seeded, client):
    """The roles read once per request are read again by the next request."""
    from organisations.models import Role

    user = demo("rue.board")
    client.force_login(user)
    labels = [a.label for _, areas in client.get("/home/").context["groups"] for a in areas]
    assert "Designations" in labels
    user.memberships.filter(role=Role.ORG_ADMIN).update(ends_on=datetime.date(2020, 1, 1))
    home.tasks_changed([user.pk])
    labels = [a.label for _, areas in client.get("/home/").context["groups"] for a in areas]
    assert "Designations" not in labels


def test_a_new_role_changes_the_header_at_once(seeded):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    user = demo("priya.practitioner")
    assert "Organisation" not in [link.header for link in home.header_for(user)["links"]]
    organisation = user.memberships.first().organisation
    MembershipFactory(user=user, organisation=organisation, role=Role.ORG_ADMIN)
    assert "Organisation" in [link.header for link in home.header_for(user)["links"]]
