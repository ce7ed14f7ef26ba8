"""Reassigning a participant (issue 14): the PSW puts someone else in a role, with a reason kept
in the appraisal's history; the person reassigned keeps read-only access to the stages they
signed, as they stood that day, and nothing new; the new person holds the role from then on."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AccessEvent
from appraisals import reassign, rules, services
from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import Answer, Reassignment
from appraisals.tasks import tasks_for
from organisations.factories import MembershipFactory
from organisations.models import Role

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
REASON = "Moved to the adoption team; the new manager takes over."


def _sign_first_stage(appraisal):
    first = appraisal.stages.get(order=1)
    for question in first.template_stage.questions.all():
        for role in question.must_answer():
            services.save_answer(
                stage=first,
                question=question,
                user=appraisal.participants()[role],
                role=role,
                text=f"{role} says",
            )
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")


@pytest.fixture
def running(pcf):
    """An appraisal whose first stage is signed, a second line manager and the PSW."""
    team, practitioner, manager, psw = team_with_people()
    newcomer = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.LINE_MANAGER,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
    )
    _sign_first_stage(appraisal)
    return appraisal, manager, newcomer, psw


def test_reassignment_is_recorded_with_its_reason(running):
    appraisal, manager, newcomer, psw = running
    change = reassign.reassign(
        appraisal=appraisal, role="appraiser", to=newcomer, reason=REASON, by=psw
    )
    appraisal.refresh_from_db()
    assert appraisal.appraiser == newcomer
    assert list(appraisal.reassignments.all()) == [change]
    assert (change.role, change.from_user, change.to_user, change.made_by, change.reason) == (
        "appraiser",
        manager,
        newcomer,
        psw,
        REASON,
    )
    # The appraisee's access log names the change, never the reason's text.
    logged = AccessEvent.objects.filter(actor=psw, change="appraiser: reassigned")
    assert logged.count() == 1 and REASON not in logged.get().change


def test_the_reason_is_required_and_only_the_psw_may_reassign(running):
    appraisal, manager, newcomer, psw = running
    with pytest.raises(ValidationError) as error:
        reassign.reassign(appraisal=appraisal, role="appraiser", to=newcomer, reason=" ", by=psw)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        reassign.reassign(
            appraisal=appraisal, role="appraiser", to=appraisal.appraisee, reason=REASON, by=psw
        )
    assert "to_user" in error.value.message_dict
    for someone in (manager, newcomer, appraisal.appraisee):
        with pytest.raises(PermissionDenied):
            reassign.reassign(
                appraisal=appraisal, role="appraiser", to=newcomer, reason=REASON, by=someone
            )
    assert not Reassignment.objects.exists()


def test_the_page_records_it_and_shows_it_in_the_history(client, running):
    appraisal, manager, newcomer, psw = running
    client.force_login(psw)
    detail = client.get(appraisal.get_absolute_url()).content.decode()
    url = f"/appraisals/{appraisal.uuid}/reassign/"
    assert url in detail
    assert client.get(url).status_code == 200
    response = client.post(url, {"role": "appraiser", "to_user": newcomer.pk, "reason": REASON})
    assert response.status_code == 302
    page = client.get(appraisal.get_absolute_url()).content.decode()
    assert "Changes of participant" in page
    assert f"{newcomer} became the appraiser (line manager) in place of {manager}" in page
    assert REASON in page
    # The new appraiser sees the history too; the old one does not (nothing new).
    client.force_login(newcomer)
    assert REASON in client.get(appraisal.get_absolute_url()).content.decode()
    client.force_login(manager)
    assert REASON not in client.get(appraisal.get_absolute_url()).content.decode()


def test_nobody_but_the_psw_reaches_the_page(client, running):
    appraisal, manager, newcomer, psw = running
    url = f"/appraisals/{appraisal.uuid}/reassign/"
    for someone in (manager, newcomer, appraisal.appraisee):
        client.force_login(someone)
        assert client.get(url).status_code == 404
        data = {"role": "appraiser", "to_user": someone.pk, "reason": REASON}
        assert client.post(url, data).status_code == 404
        assert f'href="{url}"' not in client.get(appraisal.get_absolute_url()).content.decode()
    assert not Reassignment.objects.exists()


def test_the_old_appraiser_reads_only_what_they_signed(client, running):
    appraisal, manager, newcomer, psw = running
    reassign.reassign(appraisal=appraisal, role="appraiser", to=newcomer, reason=REASON, by=psw)
    appraisal.refresh_from_db()
    assert not rules.appraisals_visible_to(manager).exists()
    assert list(rules.appraisals_signed_in_ended_role(manager)) == [appraisal]
    assert rules.role_ended_on(manager, appraisal) is not None
    client.force_login(manager)
    detail = client.get(appraisal.get_absolute_url())
    assert detail.status_code == 200
    assert "Your role in this appraisal has ended" in detail.content.decode()
    first = client.get(f"/appraisals/{appraisal.uuid}/stages/1/")
    assert first.status_code == 200 and "appraiser says" in first.content.decode()
    assert client.get(f"/appraisals/{appraisal.uuid}/stages/2/").status_code == 404
    second = appraisal.stages.get(order=2)
    question = second.template_stage.questions.first()
    posts = {
        f"/appraisals/{appraisal.uuid}/stages/2/": {f"answer-{question.pk}-appraiser": "late"},
        f"/appraisals/{appraisal.uuid}/stages/1/": {f"answer-{question.pk}-appraiser": "late"},
        f"/appraisals/{appraisal.uuid}/stages/1/dissent/": {"text": "late"},
        f"/appraisals/{appraisal.uuid}/objectives/": {"text": "late"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404
    assert not Answer.objects.filter(text="late").exists()
    assert not [t for t in tasks_for(manager) if str(appraisal.uuid) in t.url]


def test_the_new_appraiser_can_act(client, running):
    appraisal, manager, newcomer, psw = running
    assert not rules.appraisals_visible_to(newcomer).exists()
    reassign.reassign(appraisal=appraisal, role="appraiser", to=newcomer, reason=REASON, by=psw)
    assert list(rules.appraisals_run_by(newcomer)) == [appraisal]
    assert [t for t in tasks_for(newcomer) if str(appraisal.uuid) in t.url]
    second = appraisal.stages.get(order=2)
    question = second.template_stage.questions.first()
    client.force_login(newcomer)
    assert client.get(f"/appraisals/{appraisal.uuid}/stages/2/").status_code == 200
    response = client.post(
        f"/appraisals/{appraisal.uuid}/stages/2/",
        {f"answer-{question.pk}-appraiser": "The new appraiser's view"},
    )
    assert response.status_code in (200, 302)
    answer = Answer.objects.get(stage=second, role="appraiser")
    assert answer.author == newcomer and answer.text == "The new appraiser's view"
