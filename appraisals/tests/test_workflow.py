"""The appraisal workflow rules, called directly and through the pages people use."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from appraisals import services
from appraisals.factories import (
    AppraisalTemplateFactory,
    TemplateQuestionFactory,
    TemplateStageFactory,
    answer_required,
    team_with_people,
    two_stage_template,
)
from appraisals.models import Access, Appraisal, Objective, SharedEvidence, Stage
from organisations.factories import MembershipFactory, TeamFactory
from organisations.models import Role
from portfolios.factories import EntryFactory, PortfolioFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


@pytest.fixture
def people(db):
    team, practitioner, manager, psw = team_with_people()
    return team, practitioner, manager, psw


@pytest.fixture
def appraisal(people, pcf):
    team, practitioner, manager, psw = people
    template = two_stage_template(team.organisation)
    return services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager
    )


def answer_all(stage, appraisal):
    answer_required(stage, text="Answered")


def assess_all(stage, appraisal):
    for domain in services.domains_for(appraisal):
        services.assess_domain(
            stage=stage, user=appraisal.appraisee, role="appraisee", domain=domain, rating=1
        )
        services.assess_domain(
            stage=stage, user=appraisal.appraiser, role="appraiser", domain=domain, rating=2
        )


def test_starting_a_cycle_finds_the_people_and_opens_the_first_stage(
    people, pcf, django_capture_on_commit_callbacks
):
    team, practitioner, manager, psw = people
    with django_capture_on_commit_callbacks(execute=True):
        appraisal = services.start_cycle(
            template=two_stage_template(team.organisation, requires_countersignature=True),
            appraisee=practitioner,
            starts_on=START,
            started_by=manager,
        )
    assert appraisal.appraiser == manager and appraisal.countersigner == psw
    assert appraisal.team == team
    first, second = appraisal.stages.order_by("order")
    assert first.status == Stage.Status.OPEN and second.status == Stage.Status.PENDING
    assert first.due_on == START + datetime.timedelta(days=14)
    assert second.due_on == START + datetime.timedelta(days=365)
    # Everybody in it heard that the stage opened.
    assert {m.to[0] for m in mail.outbox} >= {practitioner.email, manager.email}


def test_a_template_without_countersignature_gives_nobody_that_role(people, pcf):
    """Nobody is proposed to countersign when the template does not ask for it, so nobody reads
    the appraisal for that reason (the PSW would otherwise be proposed here)."""
    team, practitioner, manager, psw = people
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
    )
    assert appraisal.countersigner is None
    assert psw not in appraisal.participants().values()


def test_only_line_managers_and_psws_start_cycles(people):
    team, practitioner, manager, psw = people
    template = two_stage_template(team.organisation)
    with pytest.raises(PermissionDenied):
        services.start_cycle(
            template=template, appraisee=practitioner, starts_on=START, started_by=practitioner
        )


def test_a_team_cycle_starts_one_appraisal_per_practitioner(people):
    team, practitioner, manager, psw = people
    other = MembershipFactory(
        organisation=team.organisation, team=team, role=Role.PRACTITIONER, starts_on=START
    ).user
    template = two_stage_template(team.organisation)
    started = services.start_team_cycle(
        template=template, team=team, starts_on=START, started_by=psw
    )
    assert {a.appraisee for a in started} == {practitioner, other}
    # Running it again starts nobody twice.
    assert (
        services.start_team_cycle(template=template, team=team, starts_on=START, started_by=psw)
        == []
    )


def test_question_permissions_per_role(people, pcf):
    team, practitioner, manager, psw = people
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation, requires_countersignature=True),
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
    )
    stage = appraisal.stages.get(order=1)
    question = stage.template_stage.questions.get()
    question.countersigner = Access.READ
    question.save()
    with pytest.raises(PermissionDenied):
        services.save_answer(
            stage=stage,
            question=question,
            user=appraisal.countersigner,
            role="countersigner",
            text="x",
        )
    # Nobody answers in a role they do not hold.
    with pytest.raises(PermissionDenied):
        services.save_answer(
            stage=stage, question=question, user=appraisal.appraisee, role="appraiser", text="x"
        )
    services.save_answer(
        stage=stage, question=question, user=appraisal.appraisee, role="appraisee", text="mine"
    )
    services.save_answer(
        stage=stage, question=question, user=appraisal.appraiser, role="appraiser", text="theirs"
    )
    # Each role has its own answer; neither overwrote the other.
    assert dict(stage.answers.values_list("role", "text")) == {
        "appraisee": "mine",
        "appraiser": "theirs",
    }


def test_a_stage_moves_on_only_when_everyone_who_must_has_answered_and_signed(appraisal):
    first = appraisal.stages.get(order=1)
    with pytest.raises(ValidationError, match=r"\(appraisee\): answer needed to “"):
        services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    answer_all(first, appraisal)
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    first.refresh_from_db()
    assert first.status == Stage.Status.OPEN  # the appraiser has not signed yet
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")
    first.refresh_from_db()
    second = appraisal.stages.get(order=2)
    assert first.status == Stage.Status.SIGNED and first.locked_at
    assert second.status == Stage.Status.OPEN
    # A locked stage takes no more answers.
    with pytest.raises(ValidationError, match="not open"):
        answer_all(first, appraisal)


def test_the_countersigner_signs_when_the_template_says(people, pcf):
    team, practitioner, manager, psw = people
    template = two_stage_template(team.organisation, requires_countersignature=True)
    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=psw
    )
    first = appraisal.stages.get(order=1)
    answer_all(first, appraisal)
    services.sign_off(stage=first, user=practitioner, role="appraisee")
    services.sign_off(stage=first, user=manager, role="appraiser")
    first.refresh_from_db()
    assert first.status == Stage.Status.OPEN
    services.sign_off(stage=first, user=psw, role="countersigner")
    first.refresh_from_db()
    assert first.status == Stage.Status.SIGNED


def test_domains_need_both_halves_and_neither_overwrites_the_other(appraisal):
    first = appraisal.stages.get(order=1)
    answer_all(first, appraisal)
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")
    second = appraisal.stages.get(order=2)
    answer_all(second, appraisal)
    with pytest.raises(ValidationError) as refused:
        services.sign_off(stage=second, user=appraisal.appraisee, role="appraisee")
    count = len(services.domains_for(appraisal))
    assert refused.value.messages == [
        f"{appraisal.appraisee} (appraisee): self-assessment needed for {count} domains",
        f"{appraisal.appraiser} (appraiser): judgement needed for {count} domains",
    ]
    assess_all(second, appraisal)
    domain = services.domains_for(appraisal)[0]
    services.assess_domain(
        stage=second,
        user=appraisal.appraisee,
        role="appraisee",
        domain=domain,
        rating=0,
        comment="I am still learning this",
    )
    assessment = second.domain_assessments.get(domain=domain)
    assert (assessment.self_rating, assessment.judgement_rating) == (0, 2)
    assert assessment.self_comment == "I am still learning this"
    services.sign_off(stage=second, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=second, user=appraisal.appraiser, role="appraiser")
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.COMPLETED


def test_amendments_after_sign_off_keep_history_and_need_their_own_sign_off(appraisal):
    first = appraisal.stages.get(order=1)
    answer_all(first, appraisal)
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")
    question = first.template_stage.questions.get()
    with pytest.raises(ValidationError):
        services.amend(
            stage=first,
            user=appraisal.appraisee,
            role="appraisee",
            question=question,
            text="Corrected",
            reason="",
        )
    amendment = services.amend(
        stage=first,
        user=appraisal.appraisee,
        role="appraisee",
        question=question,
        text="Corrected",
        reason="I wrote the wrong course name",
    )
    assert (amendment.before, amendment.after) == ("Answered", "Corrected")
    assert amendment.signed_at is None
    services.sign_amendment(amendment=amendment, user=appraisal.appraisee, role="appraisee")
    services.sign_amendment(amendment=amendment, user=appraisal.appraiser, role="appraiser")
    amendment.refresh_from_db()
    assert amendment.signed_at is not None
    # The original sign-offs are still there beside the amendment's.
    assert first.sign_offs.filter(amendment__isnull=True).count() == 2
    assert first.sign_offs.filter(amendment=amendment).count() == 2


def test_dissent_is_kept_with_the_signed_record(appraisal, client):
    first = appraisal.stages.get(order=1)
    with pytest.raises(PermissionDenied):
        services.record_dissent(stage=first, user=appraisal.appraiser, text="No")
    services.record_dissent(
        stage=first, user=appraisal.appraisee, text="I do not agree with the rating."
    )
    client.force_login(appraisal.appraiser)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "I do not agree with the rating." in page


def test_objectives_carry_into_the_next_cycle(appraisal, people, pcf):
    team, practitioner, manager, psw = people
    statement = pcf.items.statements().first()
    services.add_objective(
        appraisal=appraisal, user=manager, text="Lead a group supervision", statements=[statement]
    )
    following = services.start_cycle(
        template=appraisal.template,
        appraisee=practitioner,
        starts_on=START + datetime.timedelta(days=365),
        started_by=manager,
    )
    carried = following.objectives.get()
    assert carried.text == "Lead a group supervision"
    assert list(carried.statements.all()) == [statement]
    assert carried.carried_from.status == Objective.Status.CARRIED


def asye_appraisal(pcf):
    team, practitioner, manager, psw = team_with_people(asye=True)
    educator = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.PRACTICE_EDUCATOR,
        mfa=True,
        starts_on=START,
    ).user
    template = AppraisalTemplateFactory(
        organisation=team.organisation, kind="asye", requires_countersignature=True
    )
    stage = TemplateStageFactory(
        template=template, order=1, name="Final review", is_final_review=True
    )
    TemplateQuestionFactory(stage=stage, assessor=Access.MUST)
    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=psw
    )
    assert appraisal.assessor == educator
    return appraisal


def test_asye_slots_fill_from_shared_evidence(pcf):
    appraisal = asye_appraisal(pcf)
    portfolio = PortfolioFactory(owner=appraisal.appraisee)
    observations = [EntryFactory(portfolio=portfolio, entry_type="observation") for _ in range(2)]
    for entry in observations:
        services.share_evidence(
            appraisal=appraisal,
            user=appraisal.appraisee,
            entry=entry,
            slot=SharedEvidence.Slot.OBSERVATION,
        )
    someone_else = EntryFactory()
    with pytest.raises(PermissionDenied):
        services.share_evidence(appraisal=appraisal, user=appraisal.appraisee, entry=someone_else)
    slots = {s["slot"]: s for s in services.asye_slots(appraisal)}
    assert slots["observation"]["filled"] == observations and slots["observation"]["missing"] == 1
    assert slots["family-feedback"]["missing"] == 3
    assert slots["reflection-6"]["needed"] == 1


def test_the_asye_final_review_needs_a_recommendation_which_a_panel_confirms(pcf):
    appraisal = asye_appraisal(pcf)
    stage = appraisal.stages.get()
    answer_all(stage, appraisal)
    with pytest.raises(ValidationError, match="recommendation"):
        services.sign_off(stage=stage, user=appraisal.appraisee, role="appraisee")
    services.record_recommendation(
        appraisal=appraisal, user=appraisal.assessor, recommendation="pass"
    )
    for role in ("appraisee", "appraiser", "countersigner"):
        services.sign_off(stage=stage, user=appraisal.participants()[role], role=role)
    appraisal.refresh_from_db()
    assert appraisal.status == Appraisal.Status.COMPLETED
    with pytest.raises(PermissionDenied):
        services.confirm_by_panel(appraisal=appraisal, user=appraisal.appraiser, decision="pass")
    services.confirm_by_panel(appraisal=appraisal, user=appraisal.countersigner, decision="pass")
    appraisal.refresh_from_db()
    assert appraisal.panel_decision == "pass"


def test_an_appraiser_of_one_team_cannot_see_another_teams_appraisals(client, appraisal, people):
    team, practitioner, manager, psw = people
    other_team = TeamFactory(organisation=team.organisation)
    other_manager = MembershipFactory(
        organisation=team.organisation, team=other_team, role=Role.LINE_MANAGER, mfa=True
    ).user
    colleague = MembershipFactory(
        organisation=team.organisation, team=team, role=Role.PRACTITIONER
    ).user
    admin = MembershipFactory(organisation=team.organisation, role=Role.ORG_ADMIN, mfa=True).user
    stage = appraisal.stages.get(order=1)
    urls = [
        appraisal.get_absolute_url(),
        stage.get_absolute_url(),
        f"/appraisals/{appraisal.uuid}/evidence/",
    ]
    for outsider in (other_manager, colleague, admin):
        client.force_login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, (outsider, url)
        assert (
            client.post(
                f"/appraisals/{appraisal.uuid}/stages/1/sign/", {"role": "appraiser"}
            ).status_code
            == 404
        )
    for insider in (practitioner, manager, psw):
        client.force_login(insider)
        assert client.get(appraisal.get_absolute_url()).status_code == 200


def test_answering_and_signing_through_the_pages(client, appraisal):
    stage = appraisal.stages.get(order=1)
    question = stage.template_stage.questions.get()
    client.force_login(appraisal.appraisee)
    response = client.post(stage.get_absolute_url(), {f"answer-{question.pk}-appraisee": "My plan"})
    assert response.status_code == 302
    # Posting as a role you do not hold is ignored, not saved.
    client.post(stage.get_absolute_url(), {f"answer-{question.pk}-appraiser": "Forged"})
    assert dict(stage.answers.values_list("role", "text")) == {"appraisee": "My plan"}
    client.force_login(appraisal.appraiser)
    client.post(stage.get_absolute_url(), {f"answer-{question.pk}-appraiser": "Agreed"})
    for person, role in ((appraisal.appraisee, "appraisee"), (appraisal.appraiser, "appraiser")):
        client.force_login(person)
        client.post(f"/appraisals/{appraisal.uuid}/stages/1/sign/", {"role": role})
    stage.refresh_from_db()
    assert stage.status == Stage.Status.SIGNED


def test_shared_evidence_is_readable_by_the_appraiser_only_while_shared(client, appraisal):
    entry = EntryFactory(portfolio=PortfolioFactory(owner=appraisal.appraisee))
    client.force_login(appraisal.appraiser)
    assert client.get(entry.get_absolute_url()).status_code == 404
    services.share_evidence(appraisal=appraisal, user=appraisal.appraisee, entry=entry)
    assert client.get(entry.get_absolute_url()).status_code == 200
    services.unshare_evidence(appraisal=appraisal, user=appraisal.appraisee, entry=entry)
    assert client.get(entry.get_absolute_url()).status_code == 404
