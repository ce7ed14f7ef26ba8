"""Countersigning follows the manager hierarchy (team, service, organisation): by default the
appraiser's own manager countersigns, the PSW at the top; a template can make it the PSW. Starting
a cycle proposes the people, and the starter can change any of them."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.factories import give_mfa
from appraisals import rules, services
from appraisals.factories import answer_required, team_with_people, two_stage_template
from appraisals.models import Appraisal, CountersignerFrom, Stage
from organisations.factories import MembershipFactory, TeamFactory
from organisations.models import Membership, Role

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
            proposed_for=re.search(r'name="proposed_for" value="([^"]*)"', page).group(1),
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


def _signed_by_appraisee_and_appraiser(appraisal):
    first = appraisal.stages.get(order=1)
    answer_required(first)
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")
    return first


def test_a_line_manager_countersigner_opens_the_appraisal_and_signs(client, hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    give_mfa(head)
    appraisal = countersigned(team, practitioner, manager)
    assert appraisal.countersigner == head
    first = _signed_by_appraisee_and_appraiser(appraisal)
    assert rules.appraisals_visible_to(head).filter(pk=appraisal.pk).exists()
    assert list(rules.appraisals_run_by(head)) == [appraisal]
    client.force_login(head)
    assert client.get(appraisal.get_absolute_url()).status_code == 200
    assert client.get(first.get_absolute_url()).status_code == 200
    response = client.post(
        f"/appraisals/{appraisal.uuid}/stages/1/sign/", {"role": "countersigner"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Stage.Status.SIGNED
    assert first.sign_offs.filter(user=head, role="countersigner").exists()


def test_a_countersigner_whose_manager_role_ended_no_longer_opens_it(client, hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    give_mfa(head)
    appraisal = countersigned(team, practitioner, manager)
    first = _signed_by_appraisee_and_appraiser(appraisal)
    services.sign_off(stage=first, user=head, role="countersigner")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=head, role=Role.LINE_MANAGER).update(ends_on=yesterday)
    assert not rules.appraisals_visible_to(head).exists()
    assert not rules.appraisals_run_by(head).exists()
    # What they signed stays readable, read-only; nothing new.
    assert list(rules.appraisals_signed_in_ended_role(head)) == [appraisal]
    assert rules.role_ended_on(head, appraisal) == yesterday
    client.force_login(head)
    assert client.get(appraisal.get_absolute_url()).status_code == 200
    assert (
        client.post(
            f"/appraisals/{appraisal.uuid}/stages/2/sign/", {"role": "countersigner"}
        ).status_code
        == 404
    )


def test_a_countersigner_holding_no_manager_or_psw_role_there_does_not_see_it(hierarchy, pcf):
    team, service, practitioner, manager, head, psw = hierarchy
    appraisal = countersigned(team, practitioner, manager)
    assert list(rules.appraisals_visible_to(head)) == [appraisal]
    Membership.objects.filter(user=head).update(role=Role.ORG_ADMIN)
    assert not rules.appraisals_visible_to(head).exists()
