"""Two chases of the same ASYE review at the same moment, on PostgreSQL: one is kept and emails,
the other is refused as already chased today (the stage row lock, and the one-a-day constraint
behind it)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from appraisals import cohort
from appraisals.models import Chase
from appraisals.tests.coordinator_world import make_world
from appraisals.tests.test_concurrency import run_together
from capabilities.factories import build_pcf

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL); SQLite cannot run writers concurrently",
    ),
]


def test_two_chases_at_once_chase_once():
    build_pcf()
    world = make_world(start=timezone.localdate() - datetime.timedelta(days=17))
    stage = world.asye.stages.get(order=1)
    mail.outbox.clear()
    errors = run_together(
        lambda: cohort.chase(stage=stage, by=world.coordinator),
        lambda: cohort.chase(stage=stage, by=world.psw),
    )
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "already chased today" in errors[0].messages[0]
    assert Chase.objects.filter(stage=stage).count() == 1
    assert len(mail.outbox) == 2  # the newcomer and the manager, once each
