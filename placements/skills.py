"""Skills days: teaching the university runs to prepare students for practice (communication,
assessment, court skills and the like). They are logged on the programme for each student who
took part, by an HEI tutor or placement lead of the programme's university, never as a
placement with a practice educator.

How they count (`programme.programme_status`): the programme sets the most skills days that
count towards its total of practice learning (30 of 200 by default, Social Work England's
expectation). Days beyond that number stay on the record but add nothing to the total; the
remainder of the total must come from confirmed days in practice settings.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from accounts.audit import log_access
from accounts.models import AccessEvent

from . import rules
from .capacity_models import SkillsDay
from .models import Programme

HALF = Decimal("0.5")
ONE = Decimal("1")


def may_log(user, programme: Programme) -> bool:
    return rules.skills_day_heis_of(user).filter(pk=programme.hei_id).exists()


def programmes_for(user):
    """Programmes whose skills days `user` logs."""
    return Programme.objects.filter(hei__in=rules.skills_day_heis_of(user)).select_related("hei")


def _days_error(programme: Programme) -> str:
    return (
        "Enter a number of days up to 1, in halves (0.5 or 1)"
        if programme.half_days_allowed
        else "Enter 1: this programme logs whole days only"
    )


def _parse_days(value, programme: Programme) -> Decimal | None:
    try:
        days = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    allowed = {HALF, ONE} if programme.half_days_allowed else {ONE}
    return days if days in allowed else None


@transaction.atomic
def log_skills_day(
    *, by, programme: Programme, students, on: date | None, topic: str, days
) -> list[SkillsDay]:
    """Log one skills day (or half day) for each student who took part. Every problem is
    reported at once, on its field."""
    if not may_log(by, programme):
        raise PermissionDenied(
            "Only an HEI tutor or placement lead of the programme's university logs skills days."
        )
    students = list(students)
    errors: dict[str, str] = {}
    amount = _parse_days(days, programme)
    if amount is None:
        errors["days"] = _days_error(programme)
    if on is None:
        errors["on"] = "Enter the date of the skills day"
    elif on > timezone.localdate():
        errors["on"] = "The date of the skills day must be today or in the past"
    if not (topic or "").strip():
        errors["topic"] = "Enter the topic of the skills day"
    if not students:
        errors["students"] = "Choose the students who took part"
    else:
        on_programme = set(
            programme.cohorts.filter(students__in=students).values_list("students", flat=True)
        )
        outside = [s for s in students if s.pk not in on_programme]
        if outside:
            errors["students"] = (
                f"{', '.join(str(s) for s in outside)} "
                f"{'is' if len(outside) == 1 else 'are'} not a student on {programme.name}"
            )
        elif amount is not None and on is not None:
            # No more than one day is logged for a student on one date.
            already = dict(
                SkillsDay.objects.filter(programme=programme, student__in=students, on=on)
                .values("student")
                .annotate(total=Sum("days"))
                .values_list("student", "total")
            )
            over = [s for s in students if already.get(s.pk, 0) + amount > ONE]
            if over:
                errors["days"] = (
                    f"Enter a number of days up to {ONE - max(already[s.pk] for s in over):f}: "
                    f"{', '.join(str(s) for s in over)} already "
                    f"{'has' if len(over) == 1 else 'have'} skills days logged on that date"
                )
    if errors:
        raise ValidationError(errors)
    made = SkillsDay.objects.bulk_create(
        SkillsDay(
            programme=programme,
            student=student,
            on=on,
            topic=topic.strip(),
            days=amount,
            recorded_by=by,
        )
        for student in students
    )
    for record in made:
        log_access(
            actor=by,
            obj=record,
            owner=record.student,
            action=AccessEvent.Action.CREATE,
            organisation=programme.hei,
            change=f"skills day logged: {on.isoformat()}, {amount:f} day",
        )
    return made


@transaction.atomic
def remove_skills_day(*, by, record: SkillsDay) -> None:
    """Take back a skills day logged in error."""
    if not may_log(by, record.programme):
        raise PermissionDenied(
            "Only an HEI tutor or placement lead of the programme's university removes skills days."
        )
    log_access(
        actor=by,
        obj=record,
        owner=record.student,
        action=AccessEvent.Action.CHANGE,
        organisation=record.programme.hei,
        change=f"skills day removed: {record.on.isoformat()}, {record.days:f} day",
    )
    record.delete()


@transaction.atomic
def remove_session(*, by, cohort, on: date, topic: str) -> int:
    """Take back a session logged in error: its skills days for the cohort's students on that
    date with that topic. Returns how many were removed."""
    records = SkillsDay.objects.filter(
        programme=cohort.programme, student__in=cohort.students.all(), on=on, topic=topic
    ).select_related("programme__hei", "student")
    removed = 0
    for record in records:
        remove_skills_day(by=by, record=record)
        removed += 1
    return removed


def sessions_of(cohort):
    """The sessions logged for the cohort's students: date, topic, days and how many students
    (one query)."""
    return (
        SkillsDay.objects.filter(programme=cohort.programme, student__in=cohort.students.all())
        .values("on", "topic", "days")
        .annotate(students=Count("student", distinct=True))
        .order_by("-on", "topic", "days")
    )


def skills_days_of(*, student, programme: Programme):
    return SkillsDay.objects.filter(student=student, programme=programme).select_related(
        "recorded_by"
    )
