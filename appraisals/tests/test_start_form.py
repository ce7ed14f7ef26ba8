"""The start form's two steps without JavaScript: the people proposed at step 2 follow the person,
template and start date chosen above them. Changing any of those at step 2 and asking again
("Propose people again") proposes afresh; a start for a person, template or date other than the
one the people were proposed for is not made but shown again with fresh proposals and a clear
message, keeping what was typed."""

import datetime
import re

import pytest

from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import Appraisal, CountersignerFrom
from appraisals.start_views import PROPOSED_AGAIN
from organisations.factories import MembershipFactory, TeamFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

SINCE = datetime.date(2020, 1, 1)


@pytest.fixture
def two_teams(db):
    """One organisation with two teams in a service: each team a practitioner and a manager, the
    head of service above them, and the PSW."""
    team, practitioner, manager, psw = team_with_people()
    organisation = team.organisation
    service = TeamFactory(organisation=organisation, name="Children's services")
    other = TeamFactory(organisation=organisation, name="Children in care", parent=service)
    team.parent = service
    team.save(update_fields=["parent"])
    head = MembershipFactory(
        organisation=organisation, team=service, role=Role.LINE_MANAGER, mfa=True, starts_on=SINCE
    ).user
    colleague = MembershipFactory(
        organisation=organisation, team=other, role=Role.PRACTITIONER, starts_on=SINCE
    ).user
    other_manager = MembershipFactory(
        organisation=organisation, team=other, role=Role.LINE_MANAGER, mfa=True, starts_on=SINCE
    ).user
    return {
        "practitioner": practitioner,
        "manager": manager,
        "colleague": colleague,
        "other_manager": other_manager,
        "head": head,
        "psw": psw,
        "template": two_stage_template(organisation, requires_countersignature=True),
        "psw_template": two_stage_template(
            organisation,
            requires_countersignature=True,
            countersigner_from=CountersignerFrom.PSW,
        ),
    }


def data(template, person, day="5", **extra):
    return {
        "template": template.pk,
        "person": person.pk,
        "starts_on_day": day,
        "starts_on_month": "1",
        "starts_on_year": "2026",
        **extra,
    }


def selected(page, field):
    """The pk of the option selected in `field`, or None."""
    select = page.split(f'name="{field}"', 1)[1].split("</select>", 1)[0]
    found = re.search(r'<option value="(\d+)" selected>', select)
    return int(found.group(1)) if found else None


def proposed_for(page):
    return re.search(r'name="proposed_for" value="([^"]*)"', page).group(1)


def step_two(client, template, person, **extra):
    """Step 1 posted: the page with the people proposed, and what step 2 would post back."""
    page = client.post("/appraisals/start/", data(template, person, **extra)).content.decode()
    people = {
        role: selected(page, role) or "" for role in ("appraiser", "countersigner", "assessor")
    }
    return page, {**data(template, person, **extra), **people, "proposed_for": proposed_for(page)}


def test_starting_with_another_person_than_proposed_for_proposes_again(client, two_teams):
    t = two_teams
    client.force_login(t["psw"])
    page, posted = step_two(client, t["template"], t["practitioner"])
    assert selected(page, "appraiser") == t["manager"].pk
    # At step 2 the starter picks another person and presses Start: the people shown were
    # proposed for the first person, so nothing starts.
    response = client.post(
        "/appraisals/start/", {**posted, "person": t["colleague"].pk, "action": "start"}
    )
    assert response.status_code == 200
    assert not Appraisal.objects.exists()
    page = response.content.decode()
    assert PROPOSED_AGAIN in page and "govuk-error-summary" in page
    # The proposals are now the colleague's, and what was typed is kept.
    assert selected(page, "appraiser") == t["other_manager"].pk
    assert selected(page, "person") == t["colleague"].pk
    assert selected(page, "template") == t["template"].pk
    assert re.search(r'name="starts_on_day"[^>]*value="5"', page)
    # Starting now starts with the colleague's people.
    fresh = {
        **posted,
        "person": t["colleague"].pk,
        "appraiser": selected(page, "appraiser"),
        "countersigner": selected(page, "countersigner"),
        "proposed_for": proposed_for(page),
        "action": "start",
    }
    response = client.post("/appraisals/start/", fresh)
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302
    assert (appraisal.appraisee, appraisal.appraiser, appraisal.countersigner) == (
        t["colleague"],
        t["other_manager"],
        t["head"],
    )


def test_propose_people_again_after_changing_the_template(client, two_teams):
    t = two_teams
    client.force_login(t["psw"])
    page, posted = step_two(client, t["template"], t["practitioner"])
    assert selected(page, "countersigner") == t["head"].pk
    assert "Propose people again" in page
    response = client.post(
        "/appraisals/start/",
        {**posted, "template": t["psw_template"].pk, "action": "propose"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Appraisal.objects.exists()
    # This template has the PSW countersign: the proposal follows it, with no error.
    assert selected(page, "countersigner") == t["psw"].pk
    assert selected(page, "template") == t["psw_template"].pk
    assert PROPOSED_AGAIN not in page and "govuk-error-summary" not in page


def test_a_changed_start_date_is_proposed_for_again(client, two_teams):
    t = two_teams
    client.force_login(t["psw"])
    _page, posted = step_two(client, t["template"], t["practitioner"])
    response = client.post(
        "/appraisals/start/", {**posted, "starts_on_day": "6", "action": "start"}
    )
    assert PROPOSED_AGAIN in response.content.decode()
    assert not Appraisal.objects.exists()


def test_a_start_with_the_proposals_unchanged_is_made(client, two_teams):
    t = two_teams
    client.force_login(t["psw"])
    _page, posted = step_two(client, t["template"], t["practitioner"])
    response = client.post("/appraisals/start/", {**posted, "action": "start"})
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302 and appraisal.appraisee == t["practitioner"]
    assert appraisal.starts_on == datetime.date(2026, 1, 5)


def test_a_start_without_proposals_shows_them_first(client, two_teams):
    t = two_teams
    client.force_login(t["psw"])
    response = client.post(
        "/appraisals/start/", data(t["template"], t["practitioner"], action="start")
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Appraisal.objects.exists()
    assert selected(page, "appraiser") == t["manager"].pk
    assert proposed_for(page)
