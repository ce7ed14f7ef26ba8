"""What appraisals put on a person's home: a stage to complete and sign, a question an ASYE
assessor (who does not sign) still has to answer, and an amendment waiting for a signature."""

import datetime

import pytest

from appraisals import services, tasks
from appraisals.factories import TemplateQuestionFactory, team_with_people, two_stage_template
from appraisals.models import Access
from cms import home
from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)


@pytest.fixture
def appraisal(pcf):
    team, practitioner, manager, _psw = team_with_people()
    template = two_stage_template(team.organisation, requires_countersignature=True)
    return services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager
    )


def whats(user) -> list[str]:
    return [task.what for task in tasks.tasks_for(user)]


def test_an_assessor_is_asked_for_their_answer_until_it_is_given(appraisal):
    assessor = MembershipFactory(
        organisation=appraisal.organisation, role=Role.PRACTICE_EDUCATOR, mfa=True
    ).user
    appraisal.assessor = assessor
    appraisal.save(update_fields=["assessor"])
    first = appraisal.stages.get(order=1)
    question = TemplateQuestionFactory(
        stage=first.template_stage,
        order=2,
        appraisee=Access.READ,
        appraiser=Access.READ,
        assessor=Access.MUST,
    )
    assert whats(assessor) == [f"Answer your questions in “Planning” ({appraisal.template.name})"]
    before = home.header_for(assessor)["task_count"]
    assert before == len(home.tasks_for(assessor))
    services.save_answer(
        stage=first, question=question, user=assessor, role="assessor", text="Observed twice"
    )
    assert whats(assessor) == []
    assert home.header_for(assessor)["task_count"] == before - 1  # the cached count forgot it


def test_each_signer_is_asked_to_sign_an_amendment_until_they_have(appraisal):
    first = appraisal.stages.get(order=1)
    services.save_answer(
        stage=first,
        question=first.template_stage.questions.get(),
        user=appraisal.appraisee,
        role="appraisee",
        text="Answered",
    )
    services.save_answer(
        stage=first,
        question=first.template_stage.questions.get(),
        user=appraisal.appraiser,
        role="appraiser",
        text="Answered",
    )
    for role in appraisal.signers():
        services.sign_off(stage=first, user=appraisal.participants()[role], role=role)
    people = {role: appraisal.participants()[role] for role in appraisal.signers()}
    for person in people.values():
        home.header_for(person)  # cache the count
    amendment = services.amend(
        stage=first,
        user=appraisal.appraiser,
        role="appraiser",
        question=first.template_stage.questions.get(),
        text="Corrected",
        reason="A date was wrong",
    )
    wanted = f"Sign the amendment to “Planning” ({appraisal.template.name})"
    for person in people.values():
        assert wanted in whats(person)
        assert home.header_for(person)["task_count"] == len(home.tasks_for(person))
    services.sign_amendment(amendment=amendment, user=people["appraiser"], role="appraiser")
    assert wanted not in whats(people["appraiser"])
    assert wanted in whats(people["countersigner"])
    services.sign_amendment(amendment=amendment, user=people["appraisee"], role="appraisee")
    services.sign_amendment(amendment=amendment, user=people["countersigner"], role="countersigner")
    for person in people.values():
        assert wanted not in whats(person)


def test_the_tasks_cost_the_same_queries_for_two_appraisals_as_for_eight(pcf):
    """Issue 19: a Principal Social Worker sees every appraisal of their organisation; the
    tasks ask the stages' answers and questions once, however many appraisals there are. Half
    the appraisals have the PSW as an assessor who still owes an answer, half they take no
    part in."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    team, _practitioner, manager, psw = team_with_people()
    template = two_stage_template(team.organisation)
    TemplateQuestionFactory(
        stage=template.stages.get(order=1),
        order=2,
        appraisee=Access.READ,
        appraiser=Access.READ,
        assessor=Access.MUST,
    )

    def start(n):
        for i in range(n):
            appraisee = MembershipFactory(
                organisation=team.organisation,
                team=team,
                role=Role.PRACTITIONER,
                starts_on=datetime.date(2020, 1, 1),
            ).user
            appraisal = services.start_cycle(
                template=template,
                appraisee=appraisee,
                starts_on=START,
                started_by=manager,
                notify=False,
            )
            appraisal.assessor = psw if i % 2 == 0 else None
            appraisal.save(update_fields=["assessor"])

    def cost():
        with CaptureQueriesContext(connection) as queries:
            found = tasks.tasks_for(psw)
        return len(queries.captured_queries), found

    start(2)
    two, found = cost()
    assert [t.what for t in found] == [f"Answer your questions in “Planning” ({template.name})"]
    start(6)
    eight, found = cost()
    assert len(found) == 4
    assert eight == two
