"""Demo supervision records: invented, never real, and never naming a child or family.

Morgan Hale supervises Priya Okafor (monthly, most sessions with protected development time)
and Alex Brennan (in the ASYE: more often, and always with protected time); Jo Whitlock
supervises Ravi Sandhu, less often than monthly. Written through `services`, so the access
rules hold. Safe to run again: a person who already has supervision recorded is left alone.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN
from accounts.models import User

from . import rules, services
from .models import SupervisionRecord

Kind = SupervisionRecord.Kind

ACTIONS = [
    "Read the updated neglect practice guidance and bring one question to the next session.",
    "Book the two reflective group sessions on analysis in assessments.",
    "Draft the chronology for the transfer case before the next session; we will review it "
    "together.",
    "Use the protected afternoon for the court skills e-learning.",
    "Shadow a senior colleague at a child protection conference.",
    "",
]

# (supervisor, supervisee, sessions: (days ago, minutes, kind, protected time, cases held))
PLAN = [
    (
        "morgan.manager",
        "priya.practitioner",
        [
            (days, 90 if kind == Kind.INDIVIDUAL else 60, kind, days % 3 != 0, 16 + days % 4)
            for days, kind in [
                (12, Kind.INDIVIDUAL),
                (40, Kind.INDIVIDUAL),
                (70, Kind.GROUP),
                (101, Kind.INDIVIDUAL),
                (131, Kind.REFLECTIVE),
                (160, Kind.INDIVIDUAL),
                (192, Kind.INDIVIDUAL),
                (224, Kind.GROUP),
                (255, Kind.INDIVIDUAL),
                (287, Kind.INDIVIDUAL),
                (318, Kind.INDIVIDUAL),
                (349, Kind.REFLECTIVE),
            ]
        ],
    ),
    (
        "morgan.manager",
        "alex.asye",
        [(days, 90, Kind.INDIVIDUAL, True, 9 + i) for i, days in enumerate((165, 150, 135, 120))]
        + [(days, 75, Kind.INDIVIDUAL, True, 13) for days in (95, 68, 41, 14)],
    ),
    (
        "jo.manager",
        "ravi.practitioner",
        [
            (20, 60, Kind.INDIVIDUAL, False, 22),
            (85, 60, Kind.INDIVIDUAL, True, 21),
            (150, 45, Kind.GROUP, False, 20),
            (230, 60, Kind.INDIVIDUAL, False, 19),
        ],
    ),
]


def demo_texts() -> list[str]:
    """Every text the demo writes (the tests run the identifying-information guard over them)."""
    return [text for text in ACTIONS if text]


def ensure_demo_supervision(*, today: datetime.date | None = None) -> int:
    """Record the demo sessions not recorded yet. Returns how many were made."""
    today = today or timezone.localdate()
    emails = {f"{local}@{DEMO_DOMAIN}" for plan in PLAN for local in plan[:2]}
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__in=emails)}
    made = 0
    with transaction.atomic():
        for supervisor_key, supervisee_key, sessions in PLAN:
            supervisor, supervisee = people.get(supervisor_key), people.get(supervisee_key)
            if supervisor is None or supervisee is None:
                continue
            if SupervisionRecord.objects.filter(supervisee=supervisee).exists():
                continue
            membership = rules.supervisee_memberships(supervisor).filter(user=supervisee).first()
            if membership is None:
                continue
            for number, (days, minutes, kind, protected, cases) in enumerate(sessions):
                services.record_supervision(
                    supervisor=supervisor,
                    supervisee_membership=membership,
                    held_on=today - datetime.timedelta(days=days),
                    minutes=minutes,
                    kind=kind,
                    protected_time=protected,
                    cases_held=cases,
                    agreed_actions=ACTIONS[number % len(ACTIONS)],
                )
                made += 1
    return made
