"""The placement quality audit: its parts (one per party), moderation by the HEI's placement
lead, the actions that come out of it and their reminders, and what each person may read of an
audit (the student's part never reaches the provider as theirs)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent, User
from cms.urls_util import absolute_url
from organisations.models import Organisation

from . import rules
from .defaults import ensure_default_audit_template
from .models import (
    ActionItem,
    Audit,
    AuditPart,
    AuditParty,
    Placement,
)
from .steps import HEI_LEAD, _active, _day, _log_change, roles_in

# Action reminders: when an open action is due within this many days (or overdue), its owner
# hears, and not more often than every REMIND_EVERY_DAYS.
REMIND_BEFORE_DAYS = 7
REMIND_EVERY_DAYS = 7

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
