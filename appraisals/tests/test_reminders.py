"""Reminders about open stages: a week before the due date, then weekly once overdue."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from appraisals import services
from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import Stage
from appraisals.reminders import send_reminders

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
DUE = START + datetime.timedelta(days=14)  # the first stage of two_stage_template
DAY = datetime.timedelta(days=1)


@pytest.fixture
def people(db):
    return team_with_people()


def start(people, **template_options):
    team, practitioner, manager, psw = people
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation, **template_options),
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
        notify=False,
    )
    mail.outbox.clear()
    return appraisal


@pytest.fixture
def appraisal(people, pcf):
    return start(people)


def first_stage(appraisal) -> Stage:
    return appraisal.stages.get(order=1)


def answer_all(appraisal):
    stage = first_stage(appraisal)
    question = stage.template_stage.questions.get()
    for role in ("appraisee", "appraiser"):
        services.save_answer(
            stage=stage,
            question=question,
            user=appraisal.participants()[role],
            role=role,
            text=f"{role} answered",
        )


def recipients():
    return sorted(m.to[0] for m in mail.outbox)


def emails(*people):
    return sorted(p.email for p in people)


def test_a_week_before_the_due_date_everyone_who_must_act_hears_once(appraisal, people):
    team, practitioner, manager, psw = people

    assert send_reminders(today=DUE - 8 * DAY) == 0  # not yet
    assert mail.outbox == []

    assert send_reminders(today=DUE - 7 * DAY) == 2
    # Both must answer and sign; the PSW neither answers nor countersigns this template.
    assert recipients() == emails(practitioner, manager)
    message = mail.outbox[0]
    assert "due in 7 days" in message.subject
    assert "19 January 2026" in message.body
    assert "answer “What do you want to learn this year?”" in message.body
    assert f"/appraisals/{appraisal.uuid}/stages/1/" in message.body
    stage = first_stage(appraisal)
    assert stage.reminded_due_at is not None and stage.reminded_overdue_at is None

    # Not twice: the same day again, or on the following days before it is due.
    mail.outbox.clear()
    for day in (DUE - 7 * DAY, DUE - 6 * DAY, DUE - DAY, DUE):
        assert send_reminders(today=day) == 0
    assert mail.outbox == []


def test_a_stage_that_opens_within_the_week_is_reminded_then(appraisal, people):
    team, practitioner, manager, psw = people
    assert send_reminders(today=DUE - 2 * DAY) == 2
    assert "due in 2 days" in mail.outbox[0].subject


def test_only_those_who_still_must_act_are_reminded(appraisal, people):
    team, practitioner, manager, psw = people
    answer_all(appraisal)
    services.sign_off(stage=first_stage(appraisal), user=manager, role="appraiser")

    assert send_reminders(today=DUE - 7 * DAY) == 1
    assert recipients() == emails(practitioner)
    assert "Appraisee: sign off the stage" in mail.outbox[0].body
    assert "Appraiser" not in mail.outbox[0].body.split("Still to do:")[1].split("Open it")[0]


def test_the_countersigner_is_reminded_when_they_must_sign(people, pcf):
    team, practitioner, manager, psw = people
    appraisal = start(people, requires_countersignature=True)
    answer_all(appraisal)
    services.sign_off(stage=first_stage(appraisal), user=practitioner, role="appraisee")
    services.sign_off(stage=first_stage(appraisal), user=manager, role="appraiser")

    send_reminders(today=DUE - 3 * DAY)

    assert recipients() == emails(psw)


def test_overdue_stages_remind_those_who_must_act_and_the_appraiser_weekly(appraisal, people):
    team, practitioner, manager, psw = people
    answer_all(appraisal)
    services.sign_off(stage=first_stage(appraisal), user=manager, role="appraiser")

    assert send_reminders(today=DUE) == 1  # due today: the week-before reminder, not overdue
    mail.outbox.clear()

    assert send_reminders(today=DUE + DAY) == 2
    # The appraisee must still sign; the appraiser has signed but hears that it is overdue.
    assert recipients() == emails(practitioner, manager)
    assert "overdue" in mail.outbox[0].subject
    assert "1 day ago" in mail.outbox[0].body
    stage = first_stage(appraisal)
    assert stage.reminded_overdue_at is not None

    mail.outbox.clear()
    for day in range(2, 8):
        assert send_reminders(today=DUE + day * DAY) == 0, day
    assert send_reminders(today=DUE + 8 * DAY) == 2  # a week after the last one
    assert "8 days ago" in mail.outbox[0].body
    assert send_reminders(today=DUE + 8 * DAY) == 0


def test_a_stage_first_noticed_late_gets_only_the_overdue_reminder(appraisal, people):
    team, practitioner, manager, psw = people
    assert send_reminders(today=DUE + 3 * DAY) == 2
    assert all("overdue" in m.subject for m in mail.outbox)
    stage = first_stage(appraisal)
    assert stage.reminded_due_at is None and stage.reminded_overdue_at is not None


def test_signed_pending_and_cancelled_stages_are_not_reminded(appraisal, people):
    team, practitioner, manager, psw = people
    answer_all(appraisal)
    for person, role in ((practitioner, "appraisee"), (manager, "appraiser")):
        services.sign_off(stage=first_stage(appraisal), user=person, role=role)
    # The first stage is signed; the second has just opened and is due in a year.
    assert send_reminders(today=DUE + DAY) == 0

    review = appraisal.stages.get(order=2)
    appraisal.status = "cancelled"
    appraisal.save()
    assert send_reminders(today=review.due_on + DAY) == 0
    assert mail.outbox == []


def test_the_command_runs_as_of_a_date_and_prints_the_count(appraisal):
    out = StringIO()
    call_command("send_appraisal_reminders", "--date", (DUE - 7 * DAY).isoformat(), stdout=out)
    assert out.getvalue().strip() == "Sent 2 appraisal reminders."
    assert len(mail.outbox) == 2

    out = StringIO()
    call_command("send_appraisal_reminders", "--date", (DUE - 7 * DAY).isoformat(), stdout=out)
    assert out.getvalue().strip() == "Sent 0 appraisal reminders."

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_appraisal_reminders", "--date", "19/01/2026")
