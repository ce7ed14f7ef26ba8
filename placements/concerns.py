"""Causes for concern, and a student's concern about the placement itself.

- A cause for concern is raised by any of the four parties: the student, the practice educator
  (or co-assessor), the on-site supervisor and the HEI tutor, while the placement is agreed or in
  progress. The tutor hears at once: an email, and a task on their home until it is resolved.
  An action plan follows: dated actions, added by the tutor or the practice educator (or
  co-assessor); the people who plan an action mark it done once it is carried out
  (`mark_action_done`, the HEI's placement lead too); the tutor or the HEI's placement lead marks
  the concern resolved once it has at least one action. Everyone in the placement reads it.
- A student's concern about the placement itself (`about_placement`) may be raised at any time,
  goes to the tutor the same way, and is read only by the student, the tutor and the HEI's
  placement lead: like the student's part of the quality audit, it never reaches the provider's
  people (practice educator, co-assessor, on-site supervisor, the provider's placement lead), for
  whom it does not exist (absent from lists, 404 on its page). Its actions are the HEI's to add.

Each change is kept in the student's access log.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cms.urls_util import absolute_url

from .lifecycle_models import Concern, ConcernAction, ConcernParty
from .models import Placement
from .steps import (
    CO_ASSESSOR,
    EDUCATOR,
    HEI_LEAD,
    ONSITE,
    STUDENT,
    TUTOR,
    Status,
    _lock,
    _log_change,
    roles_in,
)

# The concern party each placement role raises as, in order of preference.
PARTY_FOR_ROLE = [
    (STUDENT, ConcernParty.STUDENT),
    (EDUCATOR, ConcernParty.EDUCATOR),
    (CO_ASSESSOR, ConcernParty.EDUCATOR),
    (ONSITE, ConcernParty.ONSITE),
    (TUTOR, ConcernParty.TUTOR),
]
CAUSE_STATUSES = (Status.AGREED, Status.IN_PROGRESS)
HEI_ROLES = frozenset({STUDENT, TUTOR, HEI_LEAD})


def party_of(roles) -> str | None:
    return next((party for role, party in PARTY_FOR_ROLE if role in roles), None)


def sees_hidden(roles) -> bool:
    """Whether someone with `roles` reads students' concerns about the placement itself."""
    return bool(roles & HEI_ROLES)


def concerns_visible_to(user, placement: Placement, roles=None):
    """The placement's concerns `user` may read (the placement itself must be visible to them)."""
    roles = roles_in(user, placement) if roles is None else roles
    concerns = Concern.objects.filter(placement=placement)
    if not sees_hidden(roles):
        concerns = concerns.filter(about_placement=False)
    return concerns.select_related("raised_by", "resolved_by")


def may_raise(roles, placement: Placement, *, about_placement: bool = False) -> bool:
    if about_placement:
        return STUDENT in roles
    return party_of(roles) is not None and placement.status in CAUSE_STATUSES


def may_plan(roles, concern: Concern) -> bool:
    """Whether someone with `roles` adds actions to the concern's plan."""
    if concern.resolved_at is not None:
        return False
    if concern.about_placement:
        return bool(roles & {TUTOR, HEI_LEAD})
    return bool(roles & {TUTOR, EDUCATOR, CO_ASSESSOR})


def may_mark_done(roles, concern: Concern) -> bool:
    """Whether someone with `roles` marks the concern's actions done: those who plan them, and
    the HEI's placement lead, while the concern is open."""
    return may_plan(roles, concern) or (concern.resolved_at is None and HEI_LEAD in roles)


def may_resolve(roles, concern: Concern) -> bool:
    return concern.resolved_at is None and bool(roles & {TUTOR, HEI_LEAD})


def _notify_tutor(concern: Concern) -> int:
    placement = concern.placement
    tutor = placement.hei_tutor
    if not tutor.email:
        return 0
    context = {
        "concern": concern,
        "placement": placement,
        "url": absolute_url(
            reverse(
                "placements:concern",
                kwargs={"placement": placement.uuid, "concern": concern.uuid},
            )
        ),
    }
    subject = render_to_string("placements/email/concern_subject.txt", context).strip()
    body = render_to_string("placements/email/concern.txt", context)
    return send_mail(subject, body, None, [tutor.email])


@transaction.atomic
def raise_concern(
    *, placement: Placement, by, text: str, about_placement: bool = False, notify: bool = True
) -> Concern:
    """Raise a cause for concern (or, `about_placement`, the student's concern about the
    placement itself) and tell the tutor by email (`notify`; the demo does not email)."""
    _lock(placement)
    roles = roles_in(by, placement)
    if about_placement and STUDENT not in roles:
        raise PermissionDenied("Only the student raises a concern about the placement itself.")
    if not about_placement and party_of(roles) is None:
        raise PermissionDenied(
            "The student, the practice educator, the on-site supervisor or the HEI tutor raises "
            "a cause for concern."
        )
    if not about_placement and placement.status not in CAUSE_STATUSES:
        raise ValidationError(
            "A cause for concern is raised while the placement is agreed or in progress. This "
            f"placement is {placement.get_status_display().lower()}."
        )
    if not (text or "").strip():
        raise ValidationError({"text": "Describe the concern"})
    concern = Concern.objects.create(
        placement=placement,
        party=ConcernParty.STUDENT if about_placement else party_of(roles),
        about_placement=about_placement,
        text=text.strip(),
        raised_by=by,
    )
    what = "concern about the placement" if about_placement else "cause for concern"
    _log_change(
        placement,
        by,
        roles,
        f"{what} raised by the {concern.get_party_display().lower()}",
        obj=concern,
    )
    if notify:
        _notify_tutor(concern)
    return concern


@transaction.atomic
def add_action(*, concern: Concern, by, text: str, due_on: date | None) -> ConcernAction:
    placement = _lock(concern.placement)
    concern.refresh_from_db()
    roles = roles_in(by, placement)
    if not sees_hidden(roles) and concern.about_placement:
        raise PermissionDenied("That concern is not yours to read.")
    if not may_plan(roles, concern):
        if concern.resolved_at is not None:
            raise ValidationError("The concern is resolved: its action plan is closed.")
        raise PermissionDenied(
            "The HEI tutor or the HEI's placement lead plans the actions on a student's concern "
            "about the placement."
            if concern.about_placement
            else "The HEI tutor or the practice educator adds actions to the plan."
        )
    errors = {}
    if not (text or "").strip():
        errors["text"] = "Describe the action"
    if not isinstance(due_on, date):
        errors["due_on"] = "Enter the date the action is due"
    elif due_on < timezone.localdate():
        errors["due_on"] = "The action's due date must be today or later"
    if errors:
        raise ValidationError(errors)
    action = ConcernAction.objects.create(
        concern=concern, text=text.strip(), due_on=due_on, added_by=by
    )
    _log_change(
        placement,
        by,
        roles,
        f"action added to a concern's plan, due {due_on.isoformat()}",
        obj=concern,
    )
    return action


@transaction.atomic
def resolve(*, concern: Concern, by) -> Concern:
    placement = _lock(concern.placement)
    concern.refresh_from_db()
    roles = roles_in(by, placement)
    if not may_resolve(roles, concern):
        if concern.resolved_at is not None:
            raise ValidationError("The concern is already resolved.")
        raise PermissionDenied("The HEI tutor or the HEI's placement lead resolves a concern.")
    if not concern.about_placement and not concern.actions.exists():
        raise ValidationError(
            {"actions": "Add at least one action to the plan before resolving the concern"}
        )
    concern.resolved_at = timezone.now()
    concern.resolved_by = by
    concern.save(update_fields=["resolved_at", "resolved_by"])
    _log_change(placement, by, roles, "concern resolved", obj=concern)
    return concern


@transaction.atomic
def mark_action_done(*, action: ConcernAction, by) -> ConcernAction:
    """Mark one action of a concern's plan done, by someone who may (`may_mark_done`)."""
    concern = action.concern
    placement = _lock(concern.placement)
    concern.refresh_from_db()
    action.refresh_from_db()
    roles = roles_in(by, placement)
    if concern.about_placement and not sees_hidden(roles):
        raise PermissionDenied("That concern is not yours to read.")
    if not may_mark_done(roles, concern):
        if concern.resolved_at is not None:
            raise ValidationError("The concern is resolved: its action plan is closed.")
        raise PermissionDenied(
            "The HEI tutor, the HEI's placement lead or the practice educator marks an action done."
        )
    if action.done_at is not None:
        raise ValidationError({"action": "That action is already marked done"})
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    _log_change(
        placement,
        by,
        roles,
        f"action of a concern's plan done (due {action.due_on.isoformat()})",
        obj=concern,
    )
    return action
