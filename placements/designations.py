"""Approved Practice Setting and teaching organisation status: the default criteria, an
employer's application, the awarding body's decision and the renewal reminders. Every rule lives
here; views only collect input and call these functions.

- An employer's placement leads and admins apply (`start_application`), write evidence against
  each active criterion of the kind while the application is a draft (`save_evidence`) and submit
  it once every criterion has evidence (`submit`).
- Only a member of the awarding body decides (`decide`); someone who also belongs to the employer
  cannot decide on its application.
- `send_renewal_reminders` (run daily by `manage.py send_designation_reminders`) tells the
  employer's placement leads and admins 90 and then 30 days before a current designation expires,
  once each, unless a renewal is already submitted or decided. The reminder is recorded on the
  designation (`reminded_90_at`, `reminded_30_at`), claimed with a conditional UPDATE so two runs
  at once cannot both send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from cms.urls_util import site_url
from organisations.models import Membership, Organisation, Role

from .models import Criterion, CriterionEvidence, Designation, DesignationKind
from .rules import awarding_bodies_of, organisations_where

APPLICANT_ROLES = (Role.PLACEMENT_LEAD, Role.ORG_ADMIN)
REMINDER_DAYS = (90, 30)
DECISIONS = (
    Designation.Status.APPROVED,
    Designation.Status.CONDITIONS,
    Designation.Status.NOT_APPROVED,
)
GRANTED = (Designation.Status.APPROVED, Designation.Status.CONDITIONS)
IN_PROGRESS = (Designation.Status.DRAFT, Designation.Status.SUBMITTED)

# ---------------------------------------------------------------------------------------------
# Default criteria, in Capable's own words


@dataclass(frozen=True)
class C:
    code: str
    title: str
    description: str


DEFAULT_CRITERIA: dict[str, tuple[C, ...]] = {
    DesignationKind.APS: (
        C(
            "APS1",
            "Supervision of students",
            "Each student has a named practice educator and, where the educator is not in the "
            "team, an on-site supervisor. Reflective supervision happens at least weekly, is "
            "kept free in diaries and is written up. Say who supervises, how often, and how you "
            "check that it happens.",
        ),
        C(
            "APS2",
            "Practice educators: numbers, stages and time",
            "There are enough practice educators at the right PEPS stage for the students you "
            "take, and the time they give students is counted in their workload. Give the "
            "numbers at stage 1 and stage 2, how their time is protected, and how a stage 1 "
            "educator on a final placement is paired with a stage 2 co-assessor.",
        ),
        C(
            "APS3",
            "Learning opportunities",
            "Students work directly with children and families, across a range of need and "
            "risk that suits the placement, and can show the capabilities of the level they are "
            "working towards in every domain. Describe the work a typical student takes on.",
        ),
        C(
            "APS4",
            "A protected workload",
            "A student's work builds up at a planned pace agreed with the practice educator, is "
            "reviewed in supervision and is never used to cover vacancies. Explain how the "
            "workload is set, reviewed and kept in proportion.",
        ),
        C(
            "APS5",
            "Induction",
            "Students start with a planned induction: the team and partner agencies, "
            "safeguarding procedures, recording systems, lone working and personal safety, and "
            "who to turn to. Attach or summarise the induction plan.",
        ),
        C(
            "APS6",
            "Quality assurance with the HEI",
            "The setting takes part in placement quality audits with its HEI partners, reads "
            "the findings with them and acts on them. Describe the last audit cycle and what "
            "changed as a result.",
        ),
        C(
            "APS7",
            "Student voice",
            "Students are asked how the placement is going, can raise concerns without fear for "
            "their assessment, and see that their views change things. Give an example from the "
            "last year.",
        ),
        C(
            "APS8",
            "A safe and inclusive place to learn",
            "Students have a desk, equipment and access to systems from the first week; "
            "reasonable adjustments are agreed early; discrimination is challenged and "
            "anti-oppressive practice is modelled. Say how you make sure of each.",
        ),
    ),
    DesignationKind.TEACHING: (
        C(
            "TO1",
            "Student units led by senior practitioners",
            "One or more teams take several students at once, headed by an experienced or "
            "advanced social worker who still carries practice and has the time and standing to "
            "lead the unit's learning. Describe each unit, its head and its capacity.",
        ),
        C(
            "TO2",
            "Growing practice educators",
            "There is a plan to bring practitioners into practice education and from PEPS stage "
            "1 to stage 2, with training, mentoring, time and recognition, and an up-to-date "
            "register of who is at which stage.",
        ),
        C(
            "TO3",
            "Partnership with HEIs",
            "The organisation works with one or more HEIs under shared governance: placements "
            "and admissions are planned together, and the partners review together, every year, "
            "whether the partnership works.",
        ),
        C(
            "TO4",
            "Contribution to teaching",
            "Practitioners teach on qualifying programmes (sessions, skills days, readiness for "
            "practice assessments, admissions interviews) and the organisation helps people "
            "with lived experience of its services to take part.",
        ),
        C(
            "TO5",
            "A research-minded culture",
            "Practitioners can reach research, have time to reflect and enquire, work with "
            "academics on shared questions, and see findings fed back into practice and "
            "supervision.",
        ),
        C(
            "TO6",
            "Workforce planning",
            "The number of students and placements is planned against the social workers the "
            "organisation will need, and students who qualify with it have a clear route into "
            "the ASYE.",
        ),
        C(
            "TO7",
            "Learning through the career",
            "Continuing professional development is offered at every level of the PCF, from the "
            "ASYE to strategic roles, and is linked to appraisal and to the organisation's "
            "priorities.",
        ),
    ),
}


@transaction.atomic
def ensure_default_criteria() -> int:
    """Add the default criteria that are missing (matched by kind and code); return how many were
    added. A criterion that already exists is left as it is, edited or retired."""
    added = 0
    for kind, specs in DEFAULT_CRITERIA.items():
        for order, spec in enumerate(specs, start=1):
            _criterion, created = Criterion.objects.get_or_create(
                kind=kind,
                code=spec.code,
                defaults={"title": spec.title, "description": spec.description, "order": order},
            )
            added += created
    return added


def active_criteria(kind: str):
    return Criterion.objects.filter(kind=kind, is_active=True).order_by("order", "code")


# ---------------------------------------------------------------------------------------------
# Who may do what


def applicant_organisations(user):
    """Employers for which `user` applies: their placement leads and admins."""
    return organisations_where(user, *APPLICANT_ROLES).filter(kind__in=Organisation.EMPLOYER_KINDS)


def can_apply_for(user, organisation) -> bool:
    return applicant_organisations(user).filter(pk=organisation.pk).exists()


def can_decide(user, designation: Designation) -> bool:
    """A member of the awarding body who does not also belong to the employer."""
    if not awarding_bodies_of(user).filter(pk=designation.awarding_body_id).exists():
        return False
    return (
        not Membership.objects.active()
        .filter(user=user, organisation=designation.organisation_id)
        .exists()
    )


def _require_applicant(user, designation: Designation) -> None:
    if not can_apply_for(user, designation.organisation):
        raise PermissionDenied("Only the employer's placement leads and admins do that.")


def current_designation(organisation, kind: str, *, on: date | None = None):
    """The designation of this kind the organisation holds on `on`, if any (the latest start)."""
    on = on or timezone.localdate()
    candidates = Designation.objects.filter(
        organisation=organisation, kind=kind, status__in=GRANTED, starts_on__lte=on
    ).filter(Q(expires_on__isnull=True) | Q(expires_on__gte=on))
    return candidates.order_by("-starts_on", "-pk").first()


def renewal_in_progress(designation: Designation):
    """A renewal of `designation` that is being prepared, submitted or granted."""
    return (
        designation.renewals.exclude(status=Designation.Status.NOT_APPROVED).order_by("-pk").first()
    )


def renewal_due(designation: Designation, *, on: date | None = None) -> bool:
    """Whether the employer should be offered to renew: current, expiring within 90 days, and
    no renewal started."""
    on = on or timezone.localdate()
    return (
        designation.is_current(on)
        and designation.expires_on is not None
        and designation.expires_on <= on + timedelta(days=max(REMINDER_DAYS))
        and renewal_in_progress(designation) is None
    )


# ---------------------------------------------------------------------------------------------
# Applying


@transaction.atomic
def start_application(*, organisation, kind: str, awarding_body, by) -> Designation:
    """A draft application. If the organisation holds this designation now, the application is
    its renewal."""
    if kind not in DesignationKind.values:
        raise ValidationError({"kind": "Choose Approved Practice Setting or teaching organisation"})
    if not can_apply_for(by, organisation):
        raise PermissionDenied("Only the employer's placement leads and admins apply.")
    if awarding_body is None or awarding_body.kind != Organisation.Kind.AWARDING_BODY:
        raise ValidationError({"awarding_body": "Choose an awarding body"})
    # Lock the organisation's row so two people starting at once do not make two applications.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Designation.objects.filter(
        organisation=organisation, kind=kind, status__in=IN_PROGRESS
    ).exists():
        raise ValidationError(
            f"{organisation} already has an application for {DesignationKind(kind).label} in "
            "progress: carry on with that one."
        )
    return Designation.objects.create(
        organisation=organisation,
        kind=kind,
        awarding_body=awarding_body,
        renewal_of=current_designation(organisation, kind),
    )


def _require_draft(designation: Designation) -> None:
    if designation.status != Designation.Status.DRAFT:
        raise ValidationError("The application has been submitted: evidence can no longer change.")


@transaction.atomic
def save_evidence(*, designation: Designation, criterion: Criterion, text: str, by):
    """Write (or, with empty text, remove) the evidence for one criterion of a draft."""
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    _require_applicant(by, designation)
    _require_draft(designation)
    if criterion.kind != designation.kind or not criterion.is_active:
        raise ValidationError("That criterion is not one this application is judged against.")
    text = (text or "").strip()
    if not text:
        CriterionEvidence.objects.filter(designation=designation, criterion=criterion).delete()
        return None
    evidence, _ = CriterionEvidence.objects.update_or_create(
        designation=designation, criterion=criterion, defaults={"text": text}
    )
    return evidence


def missing_criteria(designation: Designation) -> list[Criterion]:
    """Active criteria of the designation's kind that have no evidence yet."""
    done = set(designation.evidence.exclude(text="").values_list("criterion_id", flat=True))
    return [c for c in active_criteria(designation.kind) if c.pk not in done]


@transaction.atomic
def submit(*, designation: Designation, by) -> Designation:
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    _require_applicant(by, designation)
    _require_draft(designation)
    if missing := missing_criteria(designation):
        raise ValidationError(
            [f"Add evidence for {c.code} {c.title}" for c in missing], code="missing"
        )
    designation.status = Designation.Status.SUBMITTED
    designation.submitted_at = timezone.now()
    designation.save(update_fields=["status", "submitted_at"])
    return designation


# ---------------------------------------------------------------------------------------------
# Deciding


@transaction.atomic
def decide(
    *,
    designation: Designation,
    by,
    status: str,
    notes: str = "",
    conditions: str = "",
    starts_on: date | None = None,
    expires_on: date | None = None,
) -> Designation:
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    if not can_decide(by, designation):
        raise PermissionDenied("Only the awarding body decides, and not on its own organisation.")
    if designation.status != Designation.Status.SUBMITTED:
        raise ValidationError("Only a submitted application is decided.")
    errors = {}
    if status not in DECISIONS:
        errors["status"] = "Choose approved, approved with conditions or not approved"
    conditions = (conditions or "").strip()
    if status == Designation.Status.CONDITIONS and not conditions:
        errors["conditions"] = "Write the conditions the employer must meet"
    elif conditions and status != Designation.Status.CONDITIONS:
        errors["conditions"] = (
            "Conditions go with “approved with conditions”: choose it or clear them"
        )
    if status in GRANTED:
        if starts_on is None:
            errors["starts_on"] = "Enter the date the designation starts"
        if expires_on is None:
            errors["expires_on"] = "Enter the date the designation expires"
        elif starts_on is not None and expires_on <= starts_on:
            errors["expires_on"] = "The expiry date must be after the start date"
    else:
        starts_on = expires_on = None
    if errors:
        raise ValidationError(errors)
    designation.status = status
    designation.decision_notes = (notes or "").strip()
    designation.conditions = conditions
    designation.starts_on = starts_on
    designation.expires_on = expires_on
    designation.reviewer = by
    designation.decided_at = timezone.now()
    designation.save(
        update_fields=[
            "status",
            "decision_notes",
            "conditions",
            "starts_on",
            "expires_on",
            "reviewer",
            "decided_at",
        ]
    )
    return designation


# ---------------------------------------------------------------------------------------------
# Renewal reminders


def reminder_recipients(designation: Designation) -> list:
    memberships = (
        Membership.objects.active()
        .filter(organisation=designation.organisation_id, role__in=APPLICANT_ROLES)
        .select_related("user")
    )
    return list({m.user_id: m.user for m in memberships if m.user.is_active}.values())


def _send(template: str, context: dict, recipients) -> int:
    addresses = sorted({p.email for p in recipients if p.email})
    if not addresses:
        return 0
    context = {"site_url": site_url(), **context}
    subject = render_to_string(f"placements/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"placements/email/{template}.txt", context)
    sent = 0
    for address in addresses:  # one email each: nobody sees who else it went to
        sent += send_mail(subject, body, None, [address])
    return sent


def _stamp(today: date):
    now = timezone.now()
    if today == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(today, time(12)))


def send_renewal_reminders(*, today: date | None = None) -> int:
    """Send the renewal reminders due on `today` (default: today); return how many emails went.

    A current designation expiring within 90 days is reminded once; within 30 days, once more. A
    designation first seen within 30 days gets only the 30-day reminder. Nothing after expiry, and
    nothing when a renewal is already submitted or decided. Safe to run more than once a day."""
    today = today or timezone.localdate()
    stamp = _stamp(today)
    current = Designation.objects.filter(
        status__in=GRANTED, starts_on__lte=today, expires_on__gte=today
    ).exclude(
        renewals__status__in=(Designation.Status.SUBMITTED, *GRANTED),
    )
    thirty, ninety = today + timedelta(days=30), today + timedelta(days=90)
    sent = 0
    due_30 = Q(reminded_30_at__isnull=True)
    for designation in current.filter(due_30, expires_on__lte=thirty).order_by("expires_on", "pk"):
        sent += _remind(
            designation,
            unclaimed=due_30,
            today=today,
            days=30,
            update={
                "reminded_30_at": stamp,
                # A 90-day reminder now would come after this one: count it as sent.
                "reminded_90_at": designation.reminded_90_at or stamp,
            },
        )
    due_90 = Q(reminded_90_at__isnull=True)
    for designation in current.filter(
        due_90, expires_on__gt=thirty, expires_on__lte=ninety
    ).order_by("expires_on", "pk"):
        sent += _remind(
            designation, unclaimed=due_90, today=today, days=90, update={"reminded_90_at": stamp}
        )
    return sent


def _remind(designation: Designation, *, unclaimed: Q, today: date, days: int, update) -> int:
    with transaction.atomic():
        if not Designation.objects.filter(unclaimed, pk=designation.pk).update(**update):
            return 0  # another run has just reminded about it
        designation = Designation.objects.select_related("organisation", "awarding_body").get(
            pk=designation.pk
        )
        context = {
            "designation": designation,
            "days": (designation.expires_on - today).days,
            "window": days,
            "renewal": renewal_in_progress(designation),
        }
        return _send("renewal_reminder", context, reminder_recipients(designation))
