"""The ASYE coordinator (issue 14): runs the organisation's ASYE cohort. Sees every ASYE
programme there and nothing else (not an annual appraisal, not another organisation's ASYE),
starts ASYE programmes only, reassigns participants in an ASYE, records the panel's decision
beside the PSW (who keeps that power), and never answers, judges or signs. All of it ends with
the role."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.mfa import requires_mfa
from accounts.models import AccessEvent
from appraisals import reassign, rules, services
from appraisals.models import Appraisal
from appraisals.tasks import areas_for, tasks_for
from appraisals.tests.coordinator_world import START, coordinator_of, make_world
from appraisals.tests.test_start_form import step_two
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import STAFF_ROLES, Membership, Role
from portfolios.factories import EntryFactory, PortfolioFactory

pytestmark = pytest.mark.django_db

REASON = "The assessor is on long leave; another practice educator takes over."


@pytest.fixture
def world(pcf):
    return make_world()


def _complete_with_recommendation(appraisal, recommendation="pass"):
    """The shortcut to an ASYE the panel can decide on: completed, with a recommendation."""
    Appraisal.objects.filter(pk=appraisal.pk).update(
        status=Appraisal.Status.COMPLETED,
        completed_at=timezone.now(),
        recommendation=recommendation,
    )
    appraisal.refresh_from_db()
    return appraisal


def test_the_role_is_a_staff_role_so_mfa_applies(world):
    assert Role.ASYE_COORDINATOR in STAFF_ROLES
    assert Role("asye-coordinator").label == "ASYE coordinator"
    # Their rule lets them read other people's ASYE: MFA, even before any programme starts.
    other = coordinator_of(OrganisationFactory())
    assert requires_mfa(world.coordinator) and requires_mfa(other)


def test_sees_every_asye_of_the_organisation_and_no_annual_appraisal(world, client):
    visible = rules.appraisals_visible_to(world.coordinator)
    assert list(visible) == [world.asye]
    # Another organisation's coordinator sees neither.
    stranger = coordinator_of(OrganisationFactory())
    assert not rules.appraisals_visible_to(stranger).exists()

    client.force_login(world.coordinator)
    assert client.get(world.asye.get_absolute_url()).status_code == 200
    assert client.get(world.asye.stages.get(order=1).get_absolute_url()).status_code == 200
    assert client.get(world.annual.get_absolute_url()).status_code == 404
    assert client.get(world.annual.stages.get(order=1).get_absolute_url()).status_code == 404
    # Reading someone's ASYE is logged in their access log.
    assert AccessEvent.objects.filter(
        actor=world.coordinator, owner=world.newcomer, action=AccessEvent.Action.READ
    ).exists()
    client.force_login(stranger)
    assert client.get(world.asye.get_absolute_url()).status_code == 404


def test_takes_no_part_never_answers_or_signs(world, client):
    asye = world.asye
    stage = asye.stages.get(order=1)
    question = stage.template_stage.questions.first()
    assert asye.roles_of(world.coordinator) == []
    with pytest.raises(PermissionDenied):
        services.save_answer(
            stage=stage, question=question, user=world.coordinator, role="appraiser", text="x"
        )
    with pytest.raises(PermissionDenied):
        services.sign_off(stage=stage, user=world.coordinator, role="appraiser")
    client.force_login(world.coordinator)
    # The stage page offers nothing to fill in, and a post is refused as if unseen.
    page = client.get(stage.get_absolute_url()).content.decode()
    assert f'name="answer-{question.pk}-appraiser"' not in page
    response = client.post(stage.get_absolute_url(), {f"answer-{question.pk}-appraiser": "x"})
    assert response.status_code == 404
    assert not stage.answers.exists()
    # No tasks: nothing is theirs to do in anyone's appraisal.
    assert tasks_for(world.coordinator) == []


def test_starts_an_asye_but_not_an_annual_appraisal(world, client):
    later = START + datetime.timedelta(days=400)
    second_asye = MembershipFactory(
        organisation=world.organisation,
        team=world.team,
        role=Role.PRACTITIONER,
        asye=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    started = services.start_cycle(
        template=world.asye_template,
        appraisee=second_asye,
        starts_on=later,
        started_by=world.coordinator,
    )
    assert started.template == world.asye_template
    with pytest.raises(PermissionDenied):
        services.start_cycle(
            template=world.annual_template,
            appraisee=world.colleague,
            starts_on=later,
            started_by=world.coordinator,
        )
    # Only people in the ASYE.
    with pytest.raises(ValidationError):
        services.start_cycle(
            template=world.asye_template,
            appraisee=world.colleague,
            starts_on=later,
            started_by=world.coordinator,
        )

    # The start form offers ASYE templates and people in the ASYE only.
    client.force_login(world.coordinator)
    response = client.get("/appraisals/start/")
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["template"].queryset) == [world.asye_template]
    assert set(form.fields["person"].queryset) == {world.newcomer, second_asye}
    # Posting the annual template is refused on the form: not a choice.
    response = client.post(
        "/appraisals/start/",
        {
            "template": world.annual_template.pk,
            "person": world.newcomer.pk,
            "starts_on_day": "1",
            "starts_on_month": "3",
            "starts_on_year": "2027",
            "action": "start",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors.get("template")
    assert Appraisal.objects.filter(template=world.annual_template).count() == 1


def test_the_start_form_works_for_the_coordinator(world, client):
    newcomer = MembershipFactory(
        organisation=world.organisation,
        team=world.team,
        role=Role.PRACTITIONER,
        asye=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    client.force_login(world.coordinator)
    # Step 1 proposes the people; step 2 starts with them, as the form posts them back.
    _, posted = step_two(
        client,
        world.asye_template,
        newcomer,
        day="1",
        starts_on_month="3",
        starts_on_year="2027",
    )
    response = client.post("/appraisals/start/", {**posted, "action": "start"})
    appraisal = Appraisal.objects.get(appraisee=newcomer)
    assert response.status_code == 302 and response["Location"] == appraisal.get_absolute_url()
    assert appraisal.template == world.asye_template


def test_reassigns_in_an_asye_but_not_in_an_annual_appraisal(world, client):
    educator = MembershipFactory(
        organisation=world.organisation,
        team=world.team,
        role=Role.PRACTICE_EDUCATOR,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    change = reassign.reassign(
        appraisal=world.asye, role="assessor", to=educator, reason=REASON, by=world.coordinator
    )
    world.asye.refresh_from_db()
    assert world.asye.assessor == educator
    assert (change.made_by, change.reason) == (world.coordinator, REASON)
    with pytest.raises(PermissionDenied):
        reassign.reassign(
            appraisal=world.annual,
            role="appraiser",
            to=world.psw,
            reason=REASON,
            by=world.coordinator,
        )
    client.force_login(world.coordinator)
    assert client.get(f"/appraisals/{world.asye.uuid}/reassign/").status_code == 200
    assert client.get(f"/appraisals/{world.annual.uuid}/reassign/").status_code == 404
    page = client.get(world.asye.get_absolute_url()).content.decode()
    assert "Reassign a participant" in page and REASON in page


def test_records_the_panel_decision_and_the_psw_still_can(world, client):
    asye = _complete_with_recommendation(world.asye)
    services.confirm_by_panel(appraisal=asye, user=world.coordinator, decision="pass")
    asye.refresh_from_db()
    assert (asye.panel_decision, asye.panel_confirmed_by) == ("pass", world.coordinator)
    services.confirm_by_panel(appraisal=asye, user=world.psw, decision="extend")
    asye.refresh_from_db()
    assert (asye.panel_decision, asye.panel_confirmed_by) == ("extend", world.psw)
    # Nobody else: not the line manager, not another organisation's coordinator.
    for person in (world.manager, coordinator_of(OrganisationFactory())):
        with pytest.raises(PermissionDenied):
            services.confirm_by_panel(appraisal=asye, user=person, decision="fail")
    # Through the page: the form is there for the coordinator, and records the decision.
    client.force_login(world.coordinator)
    assert "Record the panel's decision" in client.get(asye.get_absolute_url()).content.decode()
    response = client.post(
        f"/appraisals/{asye.uuid}/recommendation/", {"panel": "1", "decision": "fail"}
    )
    assert response.status_code == 302
    asye.refresh_from_db()
    assert (asye.panel_decision, asye.panel_confirmed_by) == ("fail", world.coordinator)
    assert AccessEvent.objects.filter(
        actor=world.coordinator, change="panel decision: extend → fail"
    ).exists()


def test_the_coordinator_does_not_record_the_recommendation(world):
    with pytest.raises(PermissionDenied):
        services.record_recommendation(
            appraisal=world.asye, user=world.coordinator, recommendation="pass"
        )


def test_a_coordinator_whose_role_ended_sees_nothing(world, client):
    Membership.objects.filter(user=world.coordinator).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert not rules.appraisals_visible_to(world.coordinator).exists()
    assert not rules.appraisals_readable_by(world.coordinator).exists()
    assert not reassign.appraisals_reassignable_by(world.coordinator).exists()
    assert not rules.templates_startable_by(world.coordinator).exists()
    assert not any(a.label == "ASYE cohort" for a in areas_for(world.coordinator))
    client.force_login(world.coordinator)
    assert client.get(world.asye.get_absolute_url()).status_code == 404
    assert client.get("/appraisals/asye/cohort/").status_code == 404
    assert client.get("/appraisals/start/").status_code == 404
    assert client.get(f"/appraisals/{world.asye.uuid}/reassign/").status_code == 404
    asye = _complete_with_recommendation(world.asye)
    with pytest.raises(PermissionDenied):
        services.confirm_by_panel(appraisal=asye, user=world.coordinator, decision="pass")


def test_the_home_links_to_the_cohort_and_to_starting_an_asye(world, client):
    areas = {area.label: area.url for area in areas_for(world.coordinator)}
    assert areas["ASYE cohort"] == "/appraisals/asye/cohort/"
    assert areas["Start an ASYE programme"] == "/appraisals/start/"
    assert "ASYE cohort" in {area.label for area in areas_for(world.psw)}
    for person in (world.manager, world.newcomer):
        labels = {area.label for area in areas_for(person)}
        assert not {"ASYE cohort", "Start an ASYE programme"} & labels
    client.force_login(world.coordinator)
    page = client.get("/home/").content.decode()
    assert 'href="/appraisals/asye/cohort/"' in page and 'href="/appraisals/start/"' in page


def test_the_coordinator_reads_no_portfolio_evidence(world, client):
    """Running the cohort is not reading people's portfolios: the evidence slots show what fills
    them, with no link to an entry the coordinator may not open."""
    entry = EntryFactory(portfolio=PortfolioFactory(owner=world.newcomer), title="Home visit note")
    services.share_evidence(
        appraisal=world.asye, user=world.newcomer, entry=entry, slot="observation"
    )
    client.force_login(world.coordinator)
    page = client.get(world.asye.get_absolute_url()).content.decode()
    assert "Home visit note" in page and entry.get_absolute_url() not in page
    assert client.get(entry.get_absolute_url()).status_code == 404
    # The assessor, who takes part, follows the link.
    client.force_login(world.asye.assessor)
    assert entry.get_absolute_url() in client.get(world.asye.get_absolute_url()).content.decode()


def test_a_coordinator_of_two_organisations_chooses_the_cohort(world, client):
    other = make_world()
    MembershipFactory(
        user=world.coordinator,
        organisation=other.organisation,
        role=Role.ASYE_COORDINATOR,
        starts_on=datetime.date(2020, 1, 1),
    )
    client.force_login(world.coordinator)
    response = client.get("/appraisals/asye/cohort/", {"organisation": other.organisation.slug})
    assert [row.appraisal for row in response.context["rows"]] == [other.asye]
    response = client.get("/appraisals/asye/cohort/", {"organisation": world.organisation.slug})
    assert [row.appraisal for row in response.context["rows"]] == [world.asye]
    stranger = make_world()
    response = client.get("/appraisals/asye/cohort/", {"organisation": stranger.organisation.slug})
    assert response.status_code == 404
