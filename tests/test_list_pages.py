"""Organisation-wide lists show a page at a time (issue 19): at two sizes of organisation each
list page makes the same number of queries and shows at most one page of rows."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from appraisals import starting
from appraisals import views as appraisal_views
from appraisals.factories import team_with_people, two_stage_template
from organisations.factories import MembershipFactory
from organisations.models import Role
from placements import register_views
from placements import views as placement_views
from placements.factories import PlacementFactory, placement_world
from placements.models import PepsStage

pytestmark = pytest.mark.django_db

PER_PAGE = 10
ROW = re.compile(r'<tr class="govuk-table__row">\s*<td')  # body rows (headers are <th>)


def measure(client, url):
    client.get(url)  # the first request of a session records it; measure the next
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def add_placements(world, count):
    PlacementFactory.create_batch(
        count,
        cohort=world["cohort"],
        provider_team=world["team"],
        practice_educator=world["pe"],
        hei_tutor=world["tutor"],
    )


@pytest.fixture
def world(db):
    return placement_world()


def test_the_placements_list_of_a_placement_lead_is_paged(client, world, monkeypatch):
    monkeypatch.setattr(placement_views, "LIST_PAGE_ROWS", PER_PAGE)
    client.force_login(world["hei_lead"])
    add_placements(world, 5)
    few, response = measure(client, "/placements/")
    assert len(ROW.findall(response.content.decode())) == 5
    add_placements(world, 25)
    many, response = measure(client, "/placements/")
    html = response.content.decode()
    assert len(ROW.findall(html)) == PER_PAGE
    assert "Proposed (30, 10 on this page)" in html
    assert "Page 1 of 3" in html and 'href="?page=2"' in html
    assert few == many
    assert many <= 20
    last = client.get("/placements/?page=3").content.decode()
    assert len(ROW.findall(last)) == 10 and 'rel="prev"' in last


@pytest.mark.parametrize("register", ["placements", "practice-educators", "audits"])
def test_each_register_shows_a_page_and_its_queries_do_not_grow(
    client, world, monkeypatch, register
):
    from placements.factories import completed_placement_with_audit

    monkeypatch.setattr(register_views, "PAGE_ROWS", PER_PAGE)
    url = f"/placements/registers/?register={register}"

    def grow(count):
        add_placements(world, count)
        for _ in range(count):
            MembershipFactory(
                organisation=world["provider"],
                team=world["team"],
                role=Role.PRACTICE_EDUCATOR,
                peps_stage=PepsStage.STAGE_2,
            )
        for _ in range(count if register == "audits" else 0):
            completed_placement_with_audit(world)

    client.force_login(world["provider_lead"])
    grow(3)
    few, response = measure(client, url)
    assert 3 <= len(ROW.findall(response.content.decode())) < PER_PAGE
    grow(12)
    many, response = measure(client, url)
    html = response.content.decode()
    assert len(ROW.findall(html)) == PER_PAGE
    assert "Page 1 of 2" in html and "?register=" in html and "page=2#register" in html
    assert few == many
    assert many <= 20


def test_the_appraisals_a_manager_runs_are_paged(client, pcf, monkeypatch):
    monkeypatch.setattr(appraisal_views, "RUNNING_PAGE_ROWS", PER_PAGE)
    team, practitioner, manager, psw = team_with_people()
    template = two_stage_template(team.organisation)

    def start(count):
        for _ in range(count):
            appraisee = MembershipFactory(
                organisation=team.organisation,
                team=team,
                role=Role.PRACTITIONER,
                starts_on=datetime.date(2020, 1, 1),
            ).user
            starting.start_cycle(
                template=template,
                appraisee=appraisee,
                starts_on=datetime.date(2026, 1, 5),
                started_by=manager,
                notify=False,
            )

    client.force_login(manager)
    start(3)
    few, response = measure(client, "/appraisals/")
    assert len(ROW.findall(response.content.decode())) == 3
    start(12)
    many, response = measure(client, "/appraisals/")
    html = response.content.decode()
    assert len(ROW.findall(html)) == PER_PAGE
    assert 'href="?running-page=2#running"' in html
    assert few == many
    second = client.get("/appraisals/?running-page=2").content.decode()
    assert len(ROW.findall(second)) == 5


def test_the_students_an_hei_placement_lead_follows_are_paged(client, world, monkeypatch):
    from placements import progress_views

    monkeypatch.setattr(progress_views, "PROGRESS_PAGE_ROWS", PER_PAGE)
    client.force_login(world["hei_lead"])
    student_link = re.compile(r'<li><a class="govuk-link" href="/placements/progress/')
    add_placements(world, 4)  # each with its own student in the cohort, besides world's own
    few, response = measure(client, "/placements/progress/")
    assert len(student_link.findall(response.content.decode())) == 5
    add_placements(world, 20)
    many, response = measure(client, "/placements/progress/")
    html = response.content.decode()
    assert len(student_link.findall(html)) == PER_PAGE
    assert "Page 1 of 3" in html
    assert few == many
