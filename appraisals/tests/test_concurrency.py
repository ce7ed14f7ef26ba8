"""Concurrent sign-offs on PostgreSQL: two people signing the same stage at the same moment.

Runs where DATABASE_URL points at PostgreSQL (CI runs the suite there too); SQLite serialises
writers with a database-wide lock, so the race this guards against cannot happen there."""

import datetime
import threading

import pytest
from django.db import connection, connections

from appraisals import services
from appraisals.factories import answer_required, team_with_people, two_stage_template
from appraisals.models import SignOff, Stage
from capabilities.factories import build_pcf

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL); SQLite cannot run writers concurrently",
    ),
]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def worker(call):
        try:
            barrier.wait()
            call()
        except Exception as error:  # collected and checked by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def ready_stage():
    build_pcf()
    team, practitioner, manager, psw = team_with_people()
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=manager,
        notify=False,
    )
    stage = appraisal.stages.get(order=1)
    answer_required(stage, text="Answered")
    return appraisal, stage


@pytest.fixture
def slow_checks(monkeypatch):
    """Widen the race: each sign-off pauses after writing its own row and before counting who
    has signed, so without row locks both signers would each see only their own signature and
    the stage would never lock."""
    import time

    original = SignOff.objects.create

    def slow_create(**kwargs):
        row = original(**kwargs)
        time.sleep(0.3)
        return row

    monkeypatch.setattr(SignOff.objects, "create", slow_create)


@pytest.mark.parametrize("attempt", range(3))
def test_two_signers_at_once_lock_the_stage_exactly_once(attempt, slow_checks):
    appraisal, stage = ready_stage()
    errors = run_together(
        lambda: services.sign_off(stage=stage, user=appraisal.appraisee, role="appraisee"),
        lambda: services.sign_off(stage=stage, user=appraisal.appraiser, role="appraiser"),
    )
    assert errors == []
    stage.refresh_from_db()
    assert stage.status == Stage.Status.SIGNED
    assert SignOff.objects.filter(stage=stage).count() == 2
    opened = appraisal.stages.filter(status=Stage.Status.OPEN)
    assert [s.order for s in opened] == [2]


def test_the_same_person_signing_twice_at_once_signs_once(slow_checks):
    appraisal, stage = ready_stage()
    errors = run_together(
        *[lambda: services.sign_off(stage=stage, user=appraisal.appraisee, role="appraisee")] * 3
    )
    assert len(errors) == 2
    assert all("already signed" in str(e) for e in errors)
    assert SignOff.objects.filter(stage=stage).count() == 1
