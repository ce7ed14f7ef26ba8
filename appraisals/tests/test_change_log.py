"""Writing to someone else's appraisal is logged in their access log as a change, with what
changed; reading it as a read; the appraisee's own writes log nothing."""

import datetime

import pytest

from accounts.models import AccessEvent
from appraisals import services
from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import Stage

pytestmark = pytest.mark.django_db

Action = AccessEvent.Action


@pytest.fixture
def appraisal(db):
    team, practitioner, manager, _psw = team_with_people()
    return services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=manager,
    )


def test_the_appraiser_writing_an_answer_is_a_change_not_a_read(client, appraisal):
    stage = appraisal.stages.get(order=1)
    question = stage.template_stage.questions.get()
    manager = appraisal.appraiser
    client.force_login(manager)
    response = client.post(
        stage.get_absolute_url(), {f"answer-{question.pk}-appraiser": "Shadow a colleague"}
    )
    assert response.status_code == 302
    event = AccessEvent.objects.get()
    assert (event.actor, event.owner, event.action) == (manager, appraisal.appraisee, Action.CHANGE)
    assert event.organisation == appraisal.organisation
    assert (
        event.change
        == "Appraiser (line manager) answer to “What do you want to learn this year?”: written"
    )
    assert "Shadow" not in event.change and "Shadow" not in event.object_repr

    # Saving the same text again changes nothing and logs nothing; changing it does.
    client.post(stage.get_absolute_url(), {f"answer-{question.pk}-appraiser": "Shadow a colleague"})
    assert AccessEvent.objects.count() == 1
    client.post(stage.get_absolute_url(), {f"answer-{question.pk}-appraiser": "Go to court"})
    assert AccessEvent.objects.order_by("-pk").first().change.endswith(": changed")

    # Reading the page is a read.
    client.get(stage.get_absolute_url())
    assert AccessEvent.objects.order_by("-pk").first().action == Action.READ
    assert not AccessEvent.objects.filter(action=Action.READ).exclude(path__endswith="/1/")


def test_the_appraisees_own_writes_log_nothing(client, appraisal):
    stage = appraisal.stages.get(order=1)
    question = stage.template_stage.questions.get()
    client.force_login(appraisal.appraisee)
    client.post(stage.get_absolute_url(), {f"answer-{question.pk}-appraisee": "Court work"})
    client.get(stage.get_absolute_url())
    services.record_dissent(stage=stage, user=appraisal.appraisee, text="I disagree")
    assert not AccessEvent.objects.exists()


def test_signing_amending_and_judging_are_logged_with_what_changed(appraisal, pcf):
    stage = appraisal.stages.get(order=1)
    question = stage.template_stage.questions.get()
    people = appraisal.participants()
    for role in ("appraisee", "appraiser"):
        services.save_answer(
            stage=stage, question=question, user=people[role], role=role, text="A plan"
        )
    for role in appraisal.signers():
        services.sign_off(stage=stage, user=people[role], role=role)
    manager = appraisal.appraiser
    services.amend(
        stage=stage,
        user=manager,
        role="appraiser",
        question=question,
        text="A better plan",
        reason="Typo",
    )
    review = appraisal.stages.get(order=2)
    assert review.status == Stage.Status.OPEN
    domain = services.domains_for(appraisal)[0]
    services.assess_domain(
        stage=review, user=manager, role="appraiser", domain=domain, rating=2, comment="Strong"
    )
    services.add_objective(appraisal=appraisal, user=manager, text="Present a case at court")

    events = list(AccessEvent.objects.filter(actor=manager).order_by("pk"))
    assert {e.owner for e in events} == {appraisal.appraisee}
    assert [(e.action, e.change) for e in events[1:]] == [
        (Action.SIGN, "signed the stage as appraiser (line manager)"),
        (
            Action.CHANGE,
            "amended the appraiser (line manager) answer to “What do you want to learn "
            "this year?” after "
            "sign-off; reason given",
        ),
        (
            Action.CHANGE,
            f"domain “{domain.title}”: judgement rating: none → "
            f"{appraisal.template.rating_scale[2]}; judgement comment changed",
        ),
        (Action.CREATE, "added an objective"),
    ]
    # The objective's text (free text) is never the logged object's name.
    assert "court" not in events[-1].object_repr.lower()
