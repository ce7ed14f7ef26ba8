"""The demo learning-support plan (run at the end of `demo.ensure_demo_placements`), written and
shared through `support` by Hugo (generated student) on his placement at Brightpath's Family
centre: shared with his practice educator, Noor Haddad, since the placement's first week; shared
with his on-site supervisor, Oli Mensah, in the second week and stopped a few days later, so the
history shows a revoked consent and Oli cannot read it. Invented, never real.

Safe to run again: a placement that has a plan already is left alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from . import support
from .models import Placement, SupportConsent, SupportPlan, SupportReaderRole

STUDENT = "hugo.student"
PLAN = (
    "I have dyslexia. Written feedback helps me most when I get it a day before supervision, "
    "in a plain font on cream paper or on screen. I use text-to-speech software for long "
    "reports and may need extra time for written assessments. I work best with a desk away "
    "from the main walkway, and a short break after long meetings."
)


def ensure_demo_support_plan(people, today: date) -> bool:
    """Hugo's plan and its consents; False if his placement is missing or already has one."""
    student = people.get(STUDENT)
    placement = (
        Placement.objects.filter(student=student, status=Placement.Status.IN_PROGRESS)
        .select_related("practice_educator", "onsite_supervisor")
        .first()
        if student
        else None
    )
    if placement is None or placement.onsite_supervisor is None:
        return False
    if SupportPlan.objects.filter(placement=placement).exists():
        return False
    start = placement.starts_on
    support.save_plan(placement=placement, by=student, text=PLAN)
    educator = support.give_consent(
        placement=placement, by=student, role=SupportReaderRole.PRACTICE_EDUCATOR
    )
    supervisor = support.give_consent(
        placement=placement, by=student, role=SupportReaderRole.ONSITE_SUPERVISOR
    )
    support.revoke_consent(consent=supervisor, by=student)
    # Dated as the student did it, in the placement's first weeks.
    SupportConsent.objects.filter(pk=educator.pk).update(given_at=_at(start + timedelta(days=3)))
    SupportConsent.objects.filter(pk=supervisor.pk).update(
        given_at=_at(start + timedelta(days=8)), revoked_at=_at(start + timedelta(days=12))
    )
    return True


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(min(day, timezone.localdate()), time(10)))
