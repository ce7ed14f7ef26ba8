"""Countersigning follows the manager hierarchy (team, service, organisation): by default the
appraiser's own manager countersigns, the PSW at the top; a template can make it the PSW. Starting
a cycle proposes the people, and the starter can change any of them."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from appraisals import services
from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import Appraisal, CountersignerFrom
from organisations.factories import MembershipFactory, TeamFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
SINCE = datetime.date(2020, 1, 1)


@pytest.fixture
def hierarchy(db):
    """Organisation > Children's services (head of service) > Family help (the team: a
    practitioner and their line manager), and the PSW."""
    team, practitioner, manager, psw = team_with_people()
    service = TeamFactory(organisation=team.organisation, name="Children's services")
    team.parent = service
    team.save(update_fields=["parent"])
    head = MembershipFactory(
        organisation=team.organisation, team=service, role=Role.LINE_MANAGER, starts_on=SINCE
    ).user
    return team, service, practitioner, manager, head, psw


def countersigned(team, practitioner, manager, **template_fields):
    template = two_stage_template(
        team.organisation, requires_countersignature=True, **template_fields
    )
    return services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager
    )


def test_the_countersigner_is_the_appraisers_own_manager(hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    appraisal = countersigned(team, practitioner, manager)
    assert appraisal.appraiser == manager
    assert appraisal.countersigner == head
    assert services.manager_above(manager, team, organisation=team.organisation) == head


def test_the_hierarchy_is_climbed_past_a_service_with_no_manager_up_to_the_psw(hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    directorate = TeamFactory(organisation=team.organisation, name="Directorate")
    middle = TeamFactory(organisation=team.organisation, name="Area", parent=directorate)
    team.parent = middle
    team.save(update_fields=["parent"])
    director = MembershipFactory(
        organisation=team.organisation, team=directorate, role=Role.LINE_MANAGER, starts_on=SINCE
    ).user
    # The area has no manager: the directorate's manager countersigns.
    assert services.manager_above(manager, team, organisation=team.organisation) == director
    # At the top of the organisation: the PSW.
    assert services.manager_above(manager, directorate, organisation=team.organisation) == psw
    team.parent = None
    team.save(update_fields=["parent"])
    assert countersigned(team, practitioner, manager).countersigner == psw


def test_the_template_can_make_the_psw_countersign(hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    appraisal = countersigned(team, practitioner, manager, countersigner_from=CountersignerFrom.PSW)
    assert appraisal.countersigner == psw


def test_the_template_editor_sets_who_countersigns(client, hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    client.force_login(psw)
    response = client.post(
        "/appraisals/templates/new/",
        {
            "name": "Countersigned by the PSW",
            "kind": "custom",
            "rating_scale": "Low\nHigh",
            "requires_countersignature": "on",
            "countersigner_from": "psw",
        },
    )
    assert response.status_code == 302
    template = team.organisation.appraisal_templates.get(name="Countersigned by the PSW")
    assert template.countersigner_from == CountersignerFrom.PSW
    page = client.get(f"/appraisals/templates/{template.uuid}/").content.decode()
    assert "The Principal Social Worker countersigns each stage" in page


def start_data(template, person, **extra):
    return {
        "template": template.pk,
        "person": person.pk,
        "starts_on_day": "5",
        "starts_on_month": "1",
        "starts_on_year": "2026",
        **extra,
    }


def test_the_start_form_proposes_people_and_the_starter_overrides_one(client, hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    educator = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.PRACTICE_EDUCATOR,
        mfa=True,
        starts_on=SINCE,
    ).user
    template = two_stage_template(
        team.organisation, requires_countersignature=True, judged_by="assessor"
    )
    client.force_login(manager)
    # First the proposals, preselected.
    response = client.post("/appraisals/start/", start_data(template, practitioner))
    assert response.status_code == 200
    page = response.content.decode()
    assert not Appraisal.objects.exists()
    for field, person in (
        ("appraiser", manager),
        ("countersigner", head),
        ("assessor", educator),
    ):
        assert f'<option value="{person.pk}" selected>' in page.split(f'name="{field}"')[1], field
    # The starter changes the countersigner to the PSW, and keeps the rest.
    response = client.post(
        "/appraisals/start/",
        start_data(
            template,
            practitioner,
            action="start",
            appraiser=manager.pk,
            countersigner=psw.pk,
            assessor=educator.pk,
        ),
    )
    appraisal = Appraisal.objects.get()
    assert response.status_code == 302 and response.url == appraisal.get_absolute_url()
    assert (appraisal.appraiser, appraisal.countersigner, appraisal.assessor) == (
        manager,
        psw,
        educator,
    )


def test_a_choice_that_cannot_take_the_role_is_refused_on_its_field(client, hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    template = two_stage_template(team.organisation)
    with pytest.raises(ValidationError) as refused:
        services.start_cycle(
            template=template,
            appraisee=practitioner,
            starts_on=START,
            started_by=manager,
            chosen={"appraiser": head, "countersigner": practitioner},
        )
    assert set(refused.value.message_dict) == {"countersigner"}
    assert not Appraisal.objects.exists()
    # The head of service may appraise instead of the line manager.
    appraisal = services.start_cycle(
        template=template,
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
        chosen={"appraiser": head},
    )
    assert appraisal.appraiser == head


def test_a_team_sits_in_a_service_of_its_own_organisation_and_never_inside_itself(hierarchy):
    team, service, practitioner, manager, head, psw = hierarchy
    service.parent = team
    with pytest.raises(ValidationError, match="inside itself"):
        service.full_clean()
    elsewhere = TeamFactory()
    team.parent = elsewhere
    with pytest.raises(ValidationError, match="same organisation"):
        team.full_clean()
