"""Placement rules: proposing a placement, its lifecycle, days, the quality audit and the actions
that come out of it. Every rule about what may happen lives here and the tests call these
functions directly; views only collect input and call them. Who may *see* a placement is
decided in `rules.py`.

The lifecycle: proposed → agreed → in progress → completed, or ended early from any of the
first three. Each step says who may take it (`STEPS`); a step taken by someone else is a
PermissionDenied, a step taken out of order a ValidationError.

Concurrency: each step locks the placement row (SELECT ... FOR UPDATE); proposing locks the
student's row and the student unit's row, so two proposals at once cannot both slip past the
overlap and capacity checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from accounts.audit import log_access
from accounts.models import AccessEvent, User
from cms.urls_util import absolute_url
from organisations.models import Membership, Organisation, PepsStage, Role

from . import rules
from .defaults import ensure_default_audit_template
from .models import (
    PLACEMENT_DAYS,
    ActionItem,
    Audit,
    AuditPart,
    AuditParty,
    Cohort,
    DaysLog,
    Placement,
    PlacementKind,
    StudentUnit,
)

Status = Placement.Status

# Roles a person can hold in one placement (see `roles_in`).
STUDENT = "student"
EDUCATOR = "educator"
CO_ASSESSOR = "co-assessor"
ONSITE = "onsite-supervisor"
TUTOR = "tutor"
PROVIDER_LEAD = "provider-lead"
HEI_LEAD = "hei-lead"
LEADS = frozenset({PROVIDER_LEAD, HEI_LEAD})
# The placement's field for each named role (`rules.NAMED_ROLES`) and its name here.
NAMED_ROLE_NAMES = {
    "practice_educator": EDUCATOR,
    "co_assessor": CO_ASSESSOR,
    "onsite_supervisor": ONSITE,
    "hei_tutor": TUTOR,
}

# Who may supervise a student on site: someone working in the provider's practice (the access
# rule in `rules` uses the same list, so a supervisor's access ends when they stop).
SUPERVISOR_ROLES = rules.SUPERVISOR_ROLES

# Action reminders: when an open action is due within this many days (or overdue), its owner
# hears, and not more often than every REMIND_EVERY_DAYS.
REMIND_BEFORE_DAYS = 7
REMIND_EVERY_DAYS = 7


def _iso(value) -> str:
    if value is None or value == "":
        return "none"
    return value.isoformat() if isinstance(value, date) else str(value)


def _day(value: date | None) -> str:
    return format_date(value, "j F Y") if value else ""


# ---------------------------------------------------------------------------------------------
# Who someone is in a placement, and the steps they may take


def roles_in(user, placement: Placement) -> frozenset[str]:
    """Every role `user` holds in this placement today (one person may hold several). A named
    role counts only while the person still holds it (`rules.named_roles_in`)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    roles = set()
    if placement.student_id == user.pk:
        roles.add(STUDENT)
    named = rules.named_roles_in(user, placement)
    roles.update(NAMED_ROLE_NAMES[field] for field in named)
    leads = set(rules.placement_lead_organisations(user).values_list("pk", flat=True))
    if placement.provider_team.organisation_id in leads:
        roles.add(PROVIDER_LEAD)
    if placement.cohort.programme.hei_id in leads:
        roles.add(HEI_LEAD)
    return frozenset(roles)


@dataclass(frozen=True)
class Step:
    label: str
    who: frozenset[str]
    who_text: str
    when: tuple[str, ...]
    when_text: str


STEPS: dict[str, Step] = {
    "agree": Step(
        "Agree the placement",
        LEADS,
        "A placement lead of the provider or of the HEI agrees a placement.",
        (Status.PROPOSED,),
        "Only a proposed placement can be agreed.",
    ),
    "start": Step(
        "Start the placement",
        LEADS | {TUTOR, EDUCATOR},
        "A placement lead, the HEI tutor or the practice educator starts a placement.",
        (Status.AGREED,),
        "A placement starts once it has been agreed, and only once.",
    ),
    "learning_agreement": Step(
        "Record the learning agreement",
        frozenset({EDUCATOR, CO_ASSESSOR, TUTOR}),
        "The practice educator or the HEI tutor records the learning agreement.",
        (Status.AGREED, Status.IN_PROGRESS),
        "The learning agreement is recorded once the placement is agreed and before it ends.",
    ),
    "midpoint": Step(
        "Record the midpoint review",
        frozenset({EDUCATOR, CO_ASSESSOR, TUTOR}),
        "The practice educator or the HEI tutor records the midpoint review.",
        (Status.IN_PROGRESS,),
        "The midpoint review is recorded while the placement is in progress.",
    ),
    "final_report": Step(
        "Write the final report",
        frozenset({EDUCATOR, CO_ASSESSOR}),
        "Only the practice educator (or the co-assessor) writes the final report.",
        (Status.IN_PROGRESS,),
        "The final report is written while the placement is in progress.",
    ),
    "complete": Step(
        "Complete the placement",
        LEADS | {TUTOR},
        "A placement lead or the HEI tutor completes a placement.",
        (Status.IN_PROGRESS,),
        "Only a placement in progress can be completed.",
    ),
    "end_early": Step(
        "End the placement early",
        LEADS | {TUTOR},
        "A placement lead or the HEI tutor ends a placement early.",
        (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS),
        "This placement has already finished.",
    ),
    "hei_decision": Step(
        "Record the HEI's decision",
        frozenset({TUTOR, HEI_LEAD}),
        "Only the HEI tutor or the HEI's placement lead records the HEI's decision.",
        (Status.COMPLETED, Status.ENDED_EARLY),
        "The HEI decides once the placement has been completed or ended early.",
    ),
    "log_days": Step(
        "Log days",
        frozenset({STUDENT, EDUCATOR, ONSITE}),
        "The student, the practice educator or the on-site supervisor logs days.",
        (Status.IN_PROGRESS,),
        "Days are logged while the placement is in progress.",
    ),
    "extend": Step(
        "Extend the placement",
        frozenset({TUTOR, HEI_LEAD}),
        "Only the HEI tutor or the HEI's placement lead extends a placement.",
        (Status.AGREED, Status.IN_PROGRESS),
        "A placement is extended once agreed and before it ends.",
    ),
}


def may(step: str, roles, placement: Placement) -> bool:
    """Whether someone with `roles` may take `step` now (who and when)."""
    definition = STEPS[step]
    return bool(definition.who & set(roles)) and placement.status in definition.when


def steps_for(user, placement: Placement, roles=None) -> set[str]:
    """The steps `user` may take on this placement now."""
    roles = roles_in(user, placement) if roles is None else roles
    return {name for name in STEPS if may(name, roles, placement)}


def _check(step: str, user, placement: Placement) -> frozenset[str]:
    definition = STEPS[step]
    roles = roles_in(user, placement)
    if not definition.who & roles:
        raise PermissionDenied(definition.who_text)
    if placement.status not in definition.when:
        raise ValidationError(
            f"{definition.when_text} This placement is {placement.get_status_display().lower()}."
        )
    return roles


def _log_change(
    placement: Placement,
    by,
    roles,
    change: str,
    *,
    obj=None,
    action: str = AccessEvent.Action.CHANGE,
) -> None:
    """The student's access log: `by` changed their placement (or `obj`, part of it)."""
    hei_side = bool({TUTOR, HEI_LEAD} & set(roles))
    log_access(
        actor=by,
        obj=obj if obj is not None else placement,
        owner=placement.student,
        action=action,
        organisation=placement.cohort.programme.hei if hei_side else placement.provider,
        change=change,
    )


def _status_change(placement: Placement, before: str) -> str:
    return f"status: {Status(before).label.lower()} → {placement.get_status_display().lower()}"


def _lock(placement: Placement) -> Placement:
    """Lock the placement's row and bring the instance up to date."""
    placement.refresh_from_db(from_queryset=Placement.objects.select_for_update())
    return placement


def next_step(placement: Placement) -> str:
    """What the placement waits for, in words (no queries beyond `placement.audit` and its
    parts, which lists prefetch)."""
    if placement.status == Status.PROPOSED:
        return "Waiting to be agreed by the provider and the HEI"
    if placement.status == Status.AGREED:
        if not placement.learning_agreement_on:
            return "Learning agreement, then start"
        return "Waiting to start"
    if placement.status == Status.IN_PROGRESS:
        if not placement.learning_agreement_on:
            return "Learning agreement meeting"
        if not placement.midpoint_review_on:
            return "Midpoint review"
        if not placement.recommendation:
            return "Practice educator's final report"
        return "Ready to complete"
    audit = getattr(placement, "audit", None)
    if placement.status == Status.COMPLETED and not placement.hei_decision:
        return "HEI decision"
    if audit is not None and audit.status == Audit.Status.OPEN:
        waiting = [p for p in audit.parts.all() if p.submitted_at is None]
        if waiting:
            return f"Quality audit: {len(waiting)} part{'s' if len(waiting) != 1 else ''} to come"
        return "Quality audit: ready to moderate"
    if placement.status == Status.ENDED_EARLY and not placement.hei_decision:
        return "HEI decision"
    return "Nothing more to do"


# ---------------------------------------------------------------------------------------------
# Proposing


def _active(on: date | None = None):
    return Membership.objects.active(on)


def peps_stage_of(user, on: date | None = None) -> int | None:
    """The highest PEPS stage among the person's current practice educator roles."""
    return (
        _active(on)
        .filter(user=user, role=Role.PRACTICE_EDUCATOR, peps_stage__isnull=False)
        .aggregate(stage=Max("peps_stage"))["stage"]
    )


@transaction.atomic
def propose_placement(
    *,
    by,
    student,
    cohort: Cohort,
    provider_team,
    practice_educator,
    hei_tutor,
    kind: str,
    starts_on: date,
    ends_on: date,
    onsite_supervisor=None,
    co_assessor=None,
    unit: StudentUnit | None = None,
) -> Placement:
    """Propose a placement. Only a placement lead of the cohort's HEI or of the provider does.

    Every problem found is reported at once, each on the field it concerns."""
    provider: Organisation = provider_team.organisation
    hei: Organisation = cohort.programme.hei
    leads = set(rules.placement_lead_organisations(by).values_list("pk", flat=True))
    if not {provider.pk, hei.pk} & leads:
        raise PermissionDenied(
            "Only a placement lead of the student's HEI or of the provider proposes a placement."
        )

    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    dates_ok = bool(starts_on and ends_on)
    if not starts_on:
        fail("starts_on", "Enter the start date")
    if not ends_on:
        fail("ends_on", "Enter the end date")
    if dates_ok and ends_on <= starts_on:
        fail("ends_on", "The end date must be after the start date")
        dates_ok = False
    if kind not in PlacementKind.values:
        fail("kind", "Choose the kind of placement")
    if not provider.is_employer:
        fail("provider_team", "A placement is with a team of an employer")
    if not cohort.students.filter(pk=student.pk).exists():
        fail("student", f"{student} is not a student in {cohort}")
    if not _active().filter(user=hei_tutor, organisation=hei, role=Role.HEI_TUTOR).exists():
        fail("hei_tutor", f"{hei_tutor} is not a current HEI tutor at {hei}")

    stage = peps_stage_of(practice_educator)
    if stage is None:
        fail(
            "practice_educator",
            f"{practice_educator} does not hold a current practice educator role with a PEPS stage",
        )
    elif practice_educator.pk == student.pk:
        fail("practice_educator", "A student cannot be their own practice educator")
    if co_assessor is not None:
        if co_assessor.pk == practice_educator.pk:
            fail("co_assessor", "The co-assessor must be someone other than the practice educator")
        elif peps_stage_of(co_assessor) != PepsStage.STAGE_2:
            fail("co_assessor", f"{co_assessor} is not a current PEPS stage 2 practice educator")
    if kind == PlacementKind.FINAL and stage == PepsStage.STAGE_1 and co_assessor is None:
        fail(
            "co_assessor",
            "A PEPS stage 1 practice educator cannot be the sole assessor of a final placement: "
            "add a stage 2 practice educator as co-assessor",
        )

    works_there = _active().filter(user=practice_educator, organisation=provider).exists()
    if onsite_supervisor is not None:
        if not (
            _active()
            .filter(user=onsite_supervisor, organisation=provider, role__in=SUPERVISOR_ROLES)
            .exists()
        ):
            fail("onsite_supervisor", f"The on-site supervisor must work in practice at {provider}")
    elif not works_there:
        fail(
            "onsite_supervisor",
            f"{practice_educator} does not work at {provider}, so the student needs an on-site "
            f"supervisor from {provider}",
        )

    # Lock the student, so two proposals for them at once cannot both pass the overlap check.
    User.objects.select_for_update().filter(pk=student.pk).first()
    if dates_ok:
        clash = (
            Placement.objects.filter(
                student=student, starts_on__lte=ends_on, ends_on__gte=starts_on
            )
            .exclude(status=Status.ENDED_EARLY)
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            fail(
                "starts_on",
                f"{student} already has a placement from {_day(clash.starts_on)} to "
                f"{_day(clash.ends_on)}, which overlaps these dates",
            )

    if unit is not None:
        unit = StudentUnit.objects.select_for_update().select_related("team").get(pk=unit.pk)
        if unit.team_id != provider_team.pk:
            fail("unit", f"{unit} is not part of {provider_team}")
        elif dates_ok:
            busiest = unit_occupancy(unit, starts_on, ends_on)
            if busiest + 1 > unit.capacity:
                fail(
                    "unit",
                    f"{unit} takes {unit.capacity} student{'s' if unit.capacity != 1 else ''} at "
                    f"a time and already has {busiest} placed during these dates",
                )

    if errors:
        raise ValidationError(errors)
    return Placement.objects.create(
        student=student,
        cohort=cohort,
        provider_team=provider_team,
        unit=unit,
        practice_educator=practice_educator,
        practice_educator_stage=stage,
        co_assessor=co_assessor,
        onsite_supervisor=onsite_supervisor,
        hei_tutor=hei_tutor,
        kind=kind,
        days_required=PLACEMENT_DAYS[PlacementKind(kind)],
        starts_on=starts_on,
        ends_on=ends_on,
    )


def unit_occupancy(unit: StudentUnit, starts_on: date, ends_on: date, *, exclude=None) -> int:
    """The most students placed in the unit on any one day between the two dates (placements
    ended early do not count)."""
    others = Placement.objects.filter(
        unit=unit, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exclude(status=Status.ENDED_EARLY)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    spans = list(others.values_list("starts_on", "ends_on"))
    # The busiest day in the range is the start of the range or the day one of them starts.
    days = {starts_on} | {start for start, _end in spans if start > starts_on}
    return max((sum(1 for s, e in spans if s <= day <= e) for day in days), default=0)


# ---------------------------------------------------------------------------------------------
# The lifecycle


def _required_date(value, field: str, what: str) -> date:
    if not isinstance(value, date):
        raise ValidationError({field: f"Enter the date of the {what}"})
    return value


@transaction.atomic
def agree(*, placement: Placement, by) -> Placement:
    _lock(placement)
    roles = _check("agree", by, placement)
    before = placement.status
    placement.status = Status.AGREED
    placement.save(update_fields=["status"])
    _log_change(placement, by, roles, _status_change(placement, before))
    return placement


@transaction.atomic
def start(*, placement: Placement, by) -> Placement:
    _lock(placement)
    roles = _check("start", by, placement)
    before = placement.status
    placement.status = Status.IN_PROGRESS
    placement.save(update_fields=["status"])
    _log_change(placement, by, roles, _status_change(placement, before))
    return placement


@transaction.atomic
def record_learning_agreement(*, placement: Placement, by, on: date) -> Placement:
    _lock(placement)
    roles = _check("learning_agreement", by, placement)
    on = _required_date(on, "on", "learning agreement meeting")
    if on > placement.ends_on:
        raise ValidationError({"on": "The learning agreement is made before the placement ends"})
    before = placement.learning_agreement_on
    placement.learning_agreement_on = on
    placement.save(update_fields=["learning_agreement_on"])
    _log_change(placement, by, roles, f"learning agreement: {_iso(before)} → {_iso(on)}")
    return placement


@transaction.atomic
def record_midpoint(*, placement: Placement, by, on: date) -> Placement:
    _lock(placement)
    roles = _check("midpoint", by, placement)
    on = _required_date(on, "on", "midpoint review")
    if not placement.learning_agreement_on:
        raise ValidationError("Record the learning agreement before the midpoint review.")
    if on < placement.learning_agreement_on:
        raise ValidationError({"on": "The midpoint review comes after the learning agreement"})
    before = placement.midpoint_review_on
    placement.midpoint_review_on = on
    placement.save(update_fields=["midpoint_review_on"])
    _log_change(placement, by, roles, f"midpoint review: {_iso(before)} → {_iso(on)}")
    return placement


@transaction.atomic
def record_final_report(*, placement: Placement, by, text: str, recommendation: str) -> Placement:
    _lock(placement)
    roles = _check("final_report", by, placement)
    if not placement.midpoint_review_on:
        raise ValidationError("Record the midpoint review before the final report.")
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Write the final report"
    if recommendation not in Placement.Recommendation.values:
        errors["recommendation"] = "Choose pass, fail or refer"
    if errors:
        raise ValidationError(errors)
    before = placement.recommendation
    placement.final_report = text.strip()
    placement.recommendation = recommendation
    placement.save(update_fields=["final_report", "recommendation"])
    _log_change(
        placement,
        by,
        roles,
        f"final report; recommendation: {_iso(before)} → {recommendation}",
    )
    return placement


@transaction.atomic
def complete(*, placement: Placement, by) -> Audit:
    """Complete the placement and open its quality audit (returned)."""
    _lock(placement)
    roles = _check("complete", by, placement)
    if not placement.recommendation:
        raise ValidationError(
            "The practice educator must record the final report and recommendation first."
        )
    before = placement.status
    placement.status = Status.COMPLETED
    placement.save(update_fields=["status"])
    _log_change(placement, by, roles, _status_change(placement, before))
    return open_audit(placement)


@transaction.atomic
def end_early(*, placement: Placement, by, reason: str) -> Audit | None:
    """End the placement before its time. A placement that had started gets a quality audit
    (returned); one that never started does not."""
    _lock(placement)
    roles = _check("end_early", by, placement)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Say why the placement is ending early"})
    had_started = placement.status == Status.IN_PROGRESS
    before = placement.status
    placement.status = Status.ENDED_EARLY
    placement.ended_reason = reason.strip()
    placement.save(update_fields=["status", "ended_reason"])
    _log_change(
        placement,
        by,
        roles,
        f"{_status_change(placement, before)}; reason given",
        action=AccessEvent.Action.END,
    )
    return open_audit(placement) if had_started else None


@transaction.atomic
def record_hei_decision(*, placement: Placement, by, decision: str) -> Placement:
    _lock(placement)
    roles = _check("hei_decision", by, placement)
    if placement.hei_decision:
        raise ValidationError("The HEI's decision has already been recorded.")
    if decision not in Placement.Recommendation.values:
        raise ValidationError({"decision": "Choose pass, fail or refer"})
    placement.hei_decision = decision
    placement.save(update_fields=["hei_decision"])
    _log_change(placement, by, roles, f"HEI decision: none → {decision}")
    return placement


# ---------------------------------------------------------------------------------------------
# Days


def days_logged(placement: Placement) -> Decimal:
    return placement.days_log.aggregate(total=Sum("days"))["total"] or Decimal("0")


@transaction.atomic
def log_days(*, placement: Placement, by, on: date, days, note: str = "") -> DaysLog:
    """Log days of practice learning. Never more than one day on one date, and never more in
    all than the placement allows (its length plus any extension)."""
    _lock(placement)
    roles = _check("log_days", by, placement)
    try:
        days = Decimal(str(days))
    except (InvalidOperation, ValueError):
        raise ValidationError({"days": "Enter the number of days, like 1 or 0.5"}) from None
    if not days.is_finite() or days <= 0 or days > 1 or days != days.quantize(Decimal("0.1")):
        raise ValidationError({"days": "Log up to one day for each date, like 1 or 0.5"})
    on = _required_date(on, "on", "day")
    if on < placement.starts_on:
        raise ValidationError({"on": "That date is before the placement started"})
    if on > timezone.localdate():
        raise ValidationError({"on": "Days are logged once they have happened"})
    that_day = placement.days_log.filter(on=on).aggregate(total=Sum("days"))["total"] or 0
    if that_day + days > 1:
        raise ValidationError({"on": f"{_day(on)} already has {that_day} days logged"})
    total = days_logged(placement) + days
    if total > placement.days_allowed:
        raise ValidationError(
            {
                "days": f"That would make {total} days, more than the {placement.days_allowed} "
                "this placement allows. Only the HEI tutor can extend it."
            }
        )
    entry = DaysLog.objects.create(
        placement=placement, on=on, days=days, note=(note or "").strip()[:200], recorded_by=by
    )
    _log_change(
        placement, by, roles, f"logged {days} day{'s' if days != 1 else ''} on {on.isoformat()}"
    )
    return entry


@transaction.atomic
def extend(*, placement: Placement, by, days, reason: str) -> Placement:
    """Allow more days than the placement's length: an explicit decision, with its reason."""
    _lock(placement)
    roles = _check("extend", by, placement)
    errors = {}
    if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
        errors["days"] = "Enter a whole number of days to add"
    if not (reason or "").strip():
        errors["reason"] = "Say why the placement is being extended"
    if errors:
        raise ValidationError(errors)
    line = f"{_day(timezone.localdate())}, {days} day{'s' if days != 1 else ''} by {by}: "
    line += reason.strip()
    before = placement.extension_days
    placement.extension_days += days
    placement.extension_reason = "\n".join(filter(None, [placement.extension_reason, line]))
    placement.save(update_fields=["extension_days", "extension_reason"])
    _log_change(placement, by, roles, f"extension days: {before} → {placement.extension_days}")
    return placement


# ---------------------------------------------------------------------------------------------
# Quality audits


@transaction.atomic
def open_audit(placement: Placement) -> Audit:
    """The placement's audit on the default template, with an empty part for each party."""
    audit, created = Audit.objects.get_or_create(
        placement=placement, defaults={"template": ensure_default_audit_template()}
    )
    if created:
        AuditPart.objects.bulk_create(AuditPart(audit=audit, party=p) for p in AuditParty.values)
    return audit


def _audit_with_placement(audit: Audit, *, lock: bool = False) -> Audit:
    queryset = Audit.objects.select_related(
        "template", "placement__provider_team__organisation", "placement__cohort__programme"
    )
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.get(pk=audit.pk)


def _rating(value, size: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 <= value < size:
        return value
    return None


def criterion_field(criterion) -> str:
    return f"criterion-{criterion.pk}"


def section_field(section) -> str:
    return f"comment-{section.pk}"


def submit_audit_part(*, audit: Audit, by, party: str, ratings: dict, comments: dict) -> AuditPart:
    """Submit one party's part: every criterion of that party's sections rated on the
    template's scale, a comment on any of those sections. Submitted once."""
    with transaction.atomic():
        audit = _audit_with_placement(audit, lock=True)
        placement = audit.placement
        if party not in AuditParty.values:
            raise ValidationError({"party": "Choose a part of the audit"})
        if party not in rules.audit_parties_of(by, placement):
            raise PermissionDenied(
                f"You do not complete the part of this audit for: {AuditParty(party).label}."
            )
        if audit.status != Audit.Status.OPEN:
            raise ValidationError("This audit has been moderated: its parts are closed.")
        part, _ = AuditPart.objects.select_for_update().get_or_create(audit=audit, party=party)
        if part.submitted_at is not None:
            raise ValidationError(
                f"This part was submitted on {_day(timezone.localdate(part.submitted_at))} and "
                "cannot be submitted again."
            )
        scale = audit.template.scale
        sections = list(audit.template.sections.filter(party=party).prefetch_related("criteria"))
        given = {str(k): v for k, v in (ratings or {}).items()}
        notes = {str(k): str(v or "").strip() for k, v in (comments or {}).items()}
        errors: dict[str, list[str]] = {}
        clean = {}
        for section in sections:
            for criterion in section.criteria.all():
                index = _rating(given.pop(str(criterion.pk), None), len(scale))
                if index is None:
                    errors[criterion_field(criterion)] = [f"Rate “{criterion.text}”"]
                else:
                    clean[str(criterion.pk)] = index
        if given:
            errors["ratings"] = ["Some ratings are for criteria outside your part of the audit"]
        if set(notes) - {str(s.pk) for s in sections}:
            errors["comments"] = ["Some comments are on sections outside your part of the audit"]
        if errors:
            raise ValidationError(errors)
        part.ratings = clean
        part.comments = {key: text for key, text in notes.items() if text}
        part.submitted_at = timezone.now()
        part.submitted_by = by
        part.save(update_fields=["ratings", "comments", "submitted_at", "submitted_by"])
        _log_change(
            placement,
            by,
            roles_in(by, placement),
            f"submitted the {AuditParty(party).label.lower()} part of the audit",
            obj=audit,
        )
    return part


def missing_parts(audit: Audit) -> list[str]:
    """The parties whose parts are still to come."""
    return [p.party for p in audit.parts.all() if p.submitted_at is None]


def can_moderate(user, audit: Audit) -> bool:
    return (
        audit.status == Audit.Status.OPEN
        and rules.is_hei_lead_for(user, audit.placement)
        and not missing_parts(audit)
    )


def provider_members(provider: Organisation):
    """People who can own an action for the provider: anyone with a current role there."""
    return User.objects.filter(
        pk__in=_active().filter(organisation=provider).values("user")
    ).order_by("last_name", "first_name", "email")


def moderate(*, audit: Audit, by, notes: str, actions=()) -> Audit:
    """The HEI's placement lead moderates a complete audit. Each finding becomes an action for
    the provider: {"text", "owner" (a current member of the provider), "due_on"}."""
    with transaction.atomic():
        audit = _audit_with_placement(audit, lock=True)
        placement = audit.placement
        if not rules.is_hei_lead_for(by, placement):
            raise PermissionDenied("Only the HEI's placement lead moderates an audit.")
        if audit.status != Audit.Status.OPEN:
            raise ValidationError("This audit has already been moderated.")
        if missing := missing_parts(audit):
            labels = "; ".join(AuditParty(p).label for p in missing)
            raise ValidationError(
                f"An audit is moderated once every part is in. Still to come: {labels}."
            )
        provider = placement.provider
        members = set(provider_members(provider).values_list("pk", flat=True))
        today = timezone.localdate()
        problems, items = [], []
        for number, action in enumerate(actions, start=1):
            text = str(action.get("text") or "").strip()
            owner = action.get("owner")
            due_on = action.get("due_on")
            if not text:
                problems.append(f"Action {number}: say what needs to be done")
            if owner is None or owner.pk not in members:
                problems.append(f"Action {number}: the owner must be someone at {provider}")
            if not isinstance(due_on, date):
                problems.append(f"Action {number}: enter the date it is due")
            elif due_on < today:
                problems.append(f"Action {number}: the due date cannot be in the past")
            items.append(
                ActionItem(audit=audit, provider=provider, text=text, owner=owner, due_on=due_on)
            )
        if problems:
            raise ValidationError({"actions": problems})
        audit.status = Audit.Status.MODERATED
        audit.moderated_by = by
        audit.moderated_at = timezone.now()
        audit.moderation_notes = (notes or "").strip()
        audit.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_notes"])
        ActionItem.objects.bulk_create(items)
        _log_change(
            placement,
            by,
            {HEI_LEAD},
            f"status: open → moderated; {len(items)} action{'s' if len(items) != 1 else ''}",
            obj=audit,
            action=AccessEvent.Action.MODERATE,
        )
    return audit


def may_update_action(user, action: ActionItem) -> bool:
    return action.owner_id == user.pk or (
        rules.placement_lead_organisations(user).filter(pk=action.provider_id).exists()
    )


@transaction.atomic
def update_action(*, action: ActionItem, by, status: str) -> ActionItem:
    if not may_update_action(by, action):
        raise PermissionDenied(
            "Only the action's owner or the provider's placement lead updates it."
        )
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": "Choose open, done or no longer needed"})
    action.status = status
    action.save(update_fields=["status"])
    return action


def _stamp(today: date):
    now = timezone.now()
    if today == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(today, time(12)))


def _action_link(action: ActionItem) -> str:
    """Where the owner can mark the action done: the audit's page if they can open it, the
    partnership review for a review's action, else the provider's quality page (which lists
    its open actions)."""
    if (
        action.audit_id
        and rules.placements_visible_to(action.owner).filter(pk=action.audit.placement_id).exists()
    ):
        path = reverse("placements:audit", kwargs={"placement": action.audit.placement.uuid})
    elif action.review_id:
        path = reverse(
            "placements:partnership-review",
            kwargs={"slug": action.review.partnership.slug, "year": action.review.year},
        )
    else:
        path = reverse("placements:quality", kwargs={"slug": action.provider.slug})
    return absolute_url(path)


def _remind_owner(action: ActionItem, today: date) -> int:
    owner = action.owner
    if not owner.email:
        return 0
    days = (action.due_on - today).days
    if days < 0:
        when = f"was due on {_day(action.due_on)} ({-days} day{'s' if days != -1 else ''} ago)"
        subject = f"Overdue placement quality action for {action.provider}"
    else:
        when = "is due today" if days == 0 else f"is due on {_day(action.due_on)}"
        subject = f"Placement quality action due {_day(action.due_on)}"
    body = (
        f"Hello {owner.get_short_name() or owner},\n\n"
        f"An action from a placement quality audit at {action.provider} is yours, and it {when}:"
        f"\n\n{action.text}\n\n"
        "When it is done, or no longer needed, mark it so in Capable:\n"
        f"{_action_link(action)}\n\n"
        "You will hear again in a week while it is still open.\n\nCapable\n"
    )
    return send_mail(subject, body, None, [owner.email])


def send_action_reminders(today: date | None = None) -> int:
    """Email the owner of each open action due within a week or overdue, at most once a week per
    action; return how many emails went. Each action is claimed with a conditional UPDATE before
    its email goes, so two runs at once cannot both send."""
    today = today or timezone.localdate()
    stamp = _stamp(today)
    week_ago = timezone.make_aware(
        datetime.combine(today - timedelta(days=REMIND_EVERY_DAYS - 1), time.min)
    )
    not_lately = Q(reminded_at__isnull=True) | Q(reminded_at__lt=week_ago)
    due = (
        ActionItem.objects.filter(
            not_lately,
            status=ActionItem.Status.OPEN,
            due_on__lte=today + timedelta(days=REMIND_BEFORE_DAYS),
        )
        .select_related("owner", "provider", "audit__placement", "review__partnership")
        .order_by("due_on", "pk")
    )
    sent = 0
    for action in due:
        with transaction.atomic():
            if not ActionItem.objects.filter(not_lately, pk=action.pk).update(reminded_at=stamp):
                continue  # another run has just reminded about it
            sent += _remind_owner(action, today)
    return sent


# ---------------------------------------------------------------------------------------------
# Reading an audit


def _part_sections(part: AuditPart, sections, scale) -> list[dict]:
    rows = []
    for section in sections:
        if section.party != part.party:
            continue
        criteria = []
        for criterion in section.criteria.all():
            index = part.ratings.get(str(criterion.pk))
            label = scale[index] if isinstance(index, int) and 0 <= index < len(scale) else ""
            criteria.append({"criterion": criterion, "rating": index, "label": label})
        rows.append(
            {
                "section": section,
                "criteria": criteria,
                "comment": part.comments.get(str(section.pk), ""),
            }
        )
    return rows


def audit_view_for(user, audit: Audit) -> dict:
    """What `user` may read of an audit.

    - everyone in it: their own parts;
    - the HEI (tutor and placement lead): every part;
    - the student: their own part only;
    - anyone else who sees the placement (the provider's people, the practice educator,
      on-site supervisor and co-assessor): the educator's, provider's and tutor's parts, and of the
      student's part nothing at all: students' answers reach providers only as anonymised
      aggregates on the provider's quality page.
    """
    audit = _audit_with_placement(audit)
    placement = audit.placement
    if not rules.placements_visible_to(user).filter(pk=placement.pk).exists():
        raise PermissionDenied("You cannot see this placement.")
    own = rules.audit_parties_of(user, placement)
    hei = rules.is_current_tutor_of(user, placement) or rules.is_hei_lead_for(user, placement)
    is_student = placement.student_id == user.pk
    sections = list(audit.template.sections.prefetch_related("criteria"))
    scale = list(audit.template.scale)
    parts = {p.party: p for p in audit.parts.select_related("submitted_by")}
    result = []
    for party in AuditParty.values:
        if party in own or hei:
            readable = True
        elif is_student or party == AuditParty.STUDENT:
            readable = False
        else:
            readable = True
        part = parts.get(party)
        submitted = part is not None and part.submitted_at is not None
        result.append(
            {
                "party": party,
                "label": AuditParty(party).label,
                "own": party in own,
                "readable": readable,
                "submitted": submitted if readable else None,
                "part": part if readable else None,
                "sections": _part_sections(part, sections, scale) if readable and submitted else [],
            }
        )
    return {
        "audit": audit,
        "placement": placement,
        "parts": result,
        "own_parties": own,
        "sees_everything": hei,
        "scale": scale,
        "sections": sections,
    }


# ---------------------------------------------------------------------------------------------
# The student's portfolio evidence


@transaction.atomic
def share_portfolio_with_assessors(*, placement: Placement, by) -> list:
    """The student shares their portfolio (read and comment) with the people who assess the
    placement: practice educator, co-assessor, on-site supervisor and HEI tutor, until a month
    after it ends; someone whose role has ended (`rules.named_roles_in`) is left out. Uses the
    portfolio's own sharing, so the student sees and revokes it there."""
    from portfolios.models import Share
    from portfolios.rules import active_shares_for
    from portfolios.services import share_portfolio

    if by.pk != placement.student_id:
        raise PermissionDenied("Only the student shares their portfolio.")
    readers = {
        placement.practice_educator: Share.Relationship.PRACTICE_EDUCATOR,
        placement.co_assessor: Share.Relationship.ASSESSOR,
        placement.onsite_supervisor: Share.Relationship.SUPERVISOR,
        placement.hei_tutor: Share.Relationship.TUTOR,
    }
    until = max(placement.ends_on, timezone.localdate()) + timedelta(days=30)
    made = []
    for reader, relationship in readers.items():
        if reader is None or not rules.named_roles_in(reader, placement):
            continue
        already = active_shares_for(reader).filter(
            portfolio__owner=by, whole_portfolio=True, can_comment=True
        )
        if already.exists():
            continue
        made.append(
            share_portfolio(
                owner=by,
                reader=reader,
                relationship=relationship,
                whole_portfolio=True,
                can_comment=True,
                expires_on=until,
            )
        )
    return made
