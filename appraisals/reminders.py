"""Reminders about open appraisal stages, sent by `manage.py send_appraisal_reminders` daily.

- A week before: once an open stage is due in 7 days or fewer, the participants who still have
  something to do in it (answer a question they must answer, assess domains, record the ASYE
  recommendation, sign) hear once. `Stage.reminded_due_at` records it.
- Overdue: once an open stage is past its due date, those participants and the appraiser hear,
  and again each week until it is signed off. `Stage.reminded_overdue_at` records the last one.

Each stage is claimed with a conditional UPDATE before its emails go, inside a transaction, so two
runs at once cannot both send, and an email failure leaves the stage to be reminded next time.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import notifications, services
from .models import Appraisal, Participant, Stage

DUE_SOON_DAYS = 7
OVERDUE_EVERY_DAYS = 7


def still_to_act(stage: Stage) -> tuple[list, list[str]]:
    """The people who still have to do something before `stage` can be signed off, and what,
    in words. Nobody can sign while anything is missing, so every signer who has not signed is
    among them."""
    appraisal = stage.appraisal
    participants = appraisal.participants()
    roles: list[str] = []
    todo: list[str] = []

    def add(role: str, text: str) -> None:
        if participants.get(role) is None:
            return
        if role not in roles:
            roles.append(role)
        todo.append(text)

    for question, role in services.missing_answers(stage):
        add(role, f"{Participant(role).label}: answer “{question.text}”")
    for role, owed in services.missing_by_framework(stage).items():
        if any(items for _group, items in owed):
            what = "self-assessment" if role == Participant.APPRAISEE else "judgement"
            add(role, f"{role.capitalize()}: {what} of {_owed_count(owed)}")
    if (
        stage.template_stage.is_final_review
        and appraisal.template.is_asye
        and not appraisal.recommendation
    ):
        role = Participant.ASSESSOR if appraisal.assessor_id else Participant.APPRAISER
        add(role, f"{Participant(role).label}: record the recommendation (pass, fail or extend)")
    signed = set(stage.sign_offs.filter(amendment__isnull=True).values_list("role", flat=True))
    for role in appraisal.signers():
        if role not in signed:
            add(role, f"{Participant(role).label}: sign off the stage")
    return [participants[role] for role in roles], todo


def _owed_count(owed) -> str:
    """ "9 domains", or "9 PCF domains and 8 practitioner standards" (no names: an email)."""
    named = len(owed) > 1
    return " and ".join(group.count(len(items), named=named) for group, items in owed if items)


def _stamp(today: date):
    now = timezone.now()
    if today == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(today, time(12)))


def _open_stages():
    return Stage.objects.filter(
        status=Stage.Status.OPEN,
        locked_at__isnull=True,
        appraisal__status=Appraisal.Status.IN_PROGRESS,
    ).select_related(
        "template_stage",
        "appraisal__template",
        "appraisal__appraisee",
        "appraisal__appraiser",
        "appraisal__countersigner",
        "appraisal__assessor",
        "appraisal__target_level__version",
    )


def _remind(stage: Stage, *, field: str, unclaimed: Q, stamp, send, today, appraiser: bool) -> int:
    with transaction.atomic():
        if not Stage.objects.filter(unclaimed, pk=stage.pk).update(**{field: stamp}):
            return 0  # another run has just reminded about it
        people, todo = still_to_act(stage)
        if appraiser:
            people.append(stage.appraisal.appraiser)
        return send(stage, people, today=today, outstanding=todo)


def send_reminders(*, today: date | None = None) -> int:
    """Send the reminders due on `today` (default: today); return how many emails went.

    Safe to run more than once a day: nothing is sent twice."""
    today = today or timezone.localdate()
    stamp = _stamp(today)
    stages = _open_stages()
    sent = 0

    not_reminded = Q(reminded_due_at__isnull=True)
    due_soon = stages.filter(
        not_reminded, due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
    )
    for stage in due_soon.order_by("due_on", "pk"):
        sent += _remind(
            stage,
            field="reminded_due_at",
            unclaimed=not_reminded,
            stamp=stamp,
            send=notifications.due_soon,
            today=today,
            appraiser=False,
        )

    # Reminded on or before the day a week ago (whatever the time of day the runs happen at).
    week_ago = timezone.make_aware(
        datetime.combine(today - timedelta(days=OVERDUE_EVERY_DAYS - 1), time.min)
    )
    not_lately = Q(reminded_overdue_at__isnull=True) | Q(reminded_overdue_at__lt=week_ago)
    for stage in stages.filter(not_lately, due_on__lt=today).order_by("due_on", "pk"):
        sent += _remind(
            stage,
            field="reminded_overdue_at",
            unclaimed=not_lately,
            stamp=stamp,
            send=notifications.overdue,
            today=today,
            appraiser=True,
        )
    return sent
