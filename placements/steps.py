"""Who someone is in a placement and the steps they may take: the roles, the table of steps
(`STEPS`: who may take each and when), and the helpers every stage uses (the check, the row lock,
the student's access log). A step taken by someone else is a PermissionDenied, a step taken out
of order a ValidationError.

The lifecycle: proposed → agreed → in progress → completed, or ended early from any of the
first three (withdrawn and cancelled too, see `completion`). Each stage has its module beside
this one: `agreement` (proposing and agreeing, both sides), `checks` (pre-placement checks,
which a start needs), `progress` (start), `learning` (the structured learning agreement and its
signatures), `midpoint` (the midpoint review), `concerns` (causes for concern and their action
plans), `days` (logging, confirming, extensions and reductions), `final_report` (the
practice educator's judgement and evidence per domain, and the recommendation), `completion`
(completing, ending early, withdrawing, cancelling, the HEI's decision), `panel` (the practice
assessment panel, which the HEI's decision waits for) and `audits` (the quality audit and its
actions); `programme` checks a student's placements
together against their programme. `services` re-exports the stages for existing callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.dateformat import format as format_date

from accounts.audit import log_access
from accounts.models import AccessEvent
from organisations.models import Membership

from . import rules
from .models import (
    Audit,
    Placement,
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
        "A placement lead of the provider and one of the HEI each agree a placement.",
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
    "confirm_check": Step(
        "Confirm a pre-placement check",
        frozenset({TUTOR, HEI_LEAD}),
        "The HEI tutor or the HEI's placement lead confirms the DBS check, occupational health "
        "and the suitability declaration.",
        (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS),
        "Pre-placement checks are confirmed before the placement ends.",
    ),
    "confirm_induction": Step(
        "Confirm the induction date",
        frozenset({PROVIDER_LEAD, EDUCATOR}),
        "The provider's placement lead or the practice educator confirms the induction date.",
        (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS),
        "The induction date is confirmed before the placement ends.",
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
    "withdraw": Step(
        "Withdraw the student",
        frozenset({TUTOR, HEI_LEAD}),
        "Only the HEI tutor or the HEI's placement lead withdraws a student from a placement.",
        (Status.PROPOSED, Status.AGREED, Status.IN_PROGRESS),
        "This placement has already finished.",
    ),
    "cancel": Step(
        "Cancel the placement",
        LEADS | {TUTOR},
        "A placement lead or the HEI tutor cancels a placement.",
        (Status.PROPOSED, Status.AGREED),
        "A placement is cancelled before it starts; once started it ends early instead.",
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
        frozenset({STUDENT}),
        "The student logs their days; the practice educator or on-site supervisor confirms them.",
        (Status.IN_PROGRESS,),
        "Days are logged while the placement is in progress.",
    ),
    "confirm_days": Step(
        "Confirm days",
        frozenset({EDUCATOR, CO_ASSESSOR, ONSITE}),
        "The practice educator, the co-assessor or the on-site supervisor confirms days.",
        (Status.IN_PROGRESS,),
        "Days are confirmed while the placement is in progress.",
    ),
    "reduce": Step(
        "Reduce the days needed",
        frozenset({TUTOR, HEI_LEAD}),
        "Only the HEI tutor or the HEI's placement lead reduces the days a placement needs.",
        (Status.AGREED, Status.IN_PROGRESS),
        "The days needed are reduced once the placement is agreed and before it ends.",
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
    steps = {name for name in STEPS if may(name, roles, placement)}
    if "agree" in steps and not sides_to_agree(user, placement, roles):
        steps.discard("agree")
    return steps


# The two sides that agree a placement: the role that agrees for each, and its name.
PROVIDER_SIDE = "provider"
HEI_SIDE = "hei"
SIDE_LEADS = {PROVIDER_SIDE: PROVIDER_LEAD, HEI_SIDE: HEI_LEAD}
SIDE_NAMES = {PROVIDER_SIDE: "the provider", HEI_SIDE: "the HEI"}


def has_agreed(placement: Placement, side: str) -> bool:
    return getattr(placement, f"{side}_agreed_at") is not None


def sides_to_agree(user, placement: Placement, roles=None) -> list[str]:
    """The sides `user` may still agree for: a side whose placement lead they are and which has
    not agreed yet. Nobody agrees for both sides: once someone has agreed for one side (proposing
    counts for the proposer's side), they agree for no other."""
    roles = roles_in(user, placement) if roles is None else roles
    if user.pk in (placement.provider_agreed_by_id, placement.hei_agreed_by_id):
        return []
    return [
        side
        for side, lead in SIDE_LEADS.items()
        if lead in roles and not has_agreed(placement, side)
    ]


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
    parts and `placement.panel_cases`, which lists prefetch)."""
    if placement.status == Status.PROPOSED:
        waiting = [SIDE_NAMES[side] for side in SIDE_LEADS if not has_agreed(placement, side)]
        return f"Waiting to be agreed by {' and '.join(waiting)}"
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
    if placement.status in (Status.COMPLETED, Status.ENDED_EARLY) and not placement.hei_decision:
        waiting = panel_waits(placement)
        if waiting:
            return waiting
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


def panel_waits(placement: Placement) -> str:
    """What the HEI's decision waits for from the practice assessment panel (`panel`), if
    anything. Reads `placement.panel_cases` (lists prefetch it)."""
    if not placement.recommendation:
        return ""
    cases = list(placement.panel_cases.all())
    if not cases:
        return "Practice assessment panel"
    if any(case.waiting for case in cases):
        return "Practice assessment panel's decision"
    return ""


def _active(on: date | None = None):
    return Membership.objects.active(on)


def _required_date(value, field: str, what: str) -> date:
    if not isinstance(value, date):
        raise ValidationError({field: f"Enter the date of the {what}"})
    return value
