"""Starting appraisal cycles: who is proposed for each role (from memberships and the team
hierarchy), the starter's choices, the stages made from the template, and objectives carried over
from the previous cycle. Re-exported by `services`, where the rest of the workflow lives."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from capabilities.models import Framework, Item
from organisations.models import Membership, Role

from . import frameworks, notifications, rules
from .models import (
    Appraisal,
    AppraisalTemplate,
    CountersignerFrom,
    Objective,
    Participant,
    Stage,
)

# ---------------------------------------------------------------------------------------------
# Starting cycles


def _active(organisation, *roles, on=None):
    return Membership.objects.active(on).filter(organisation=organisation, role__in=roles)


def manager_above(appraiser, team, *, organisation, on: date | None = None, exclude=()):
    """The appraiser's own manager: the line manager of the team above `team` (the service it is
    part of), going up while a level has none; at the top, the organisation's PSW. None if there
    is neither. Never the appraiser or anyone in `exclude`."""
    others = [appraiser.pk, *(person.pk for person in exclude if person)]
    seen = set()
    level = team.parent if team else None
    while level is not None and level.pk not in seen:
        seen.add(level.pk)
        manager = (
            _active(organisation, Role.LINE_MANAGER, on=on)
            .filter(team=level)
            .exclude(user__in=others)
            .select_related("user")
            .order_by("starts_on", "pk")
            .first()
        )
        if manager is not None:
            return manager.user
        level = level.parent
    psw = (
        _active(organisation, Role.PRINCIPAL_SOCIAL_WORKER, on=on)
        .exclude(user__in=others)
        .select_related("user")
        .order_by("starts_on", "pk")
        .first()
    )
    return psw.user if psw else None


def default_participants(*, template: AppraisalTemplate, appraisee, on: date | None = None):
    """The people proposed for each role, from the organisation's memberships: the appraisee's
    team's line manager (else the organisation's), or for an appraisee who is a line manager or
    PSW, their own manager (`manager_above`: the manager of the team above, else another PSW); to countersign, the appraiser's own manager
    (`manager_above`) or, if the template says so, the PSW; and for the ASYE (or any
    template where the assessor judges) a practice educator in the team (else the organisation)
    as assessor, else the line manager."""
    organisation = template.organisation
    membership = (
        _active(
            organisation, Role.PRACTITIONER, Role.PRACTICE_EDUCATOR, Role.ONSITE_SUPERVISOR, on=on
        )
        .filter(user=appraisee)
        .select_related("team")
        .first()
    )
    leading = None
    if membership is None:
        # Anyone can be appraised: a line manager or PSW by their own manager.
        leading = (
            _active(organisation, Role.LINE_MANAGER, Role.PRINCIPAL_SOCIAL_WORKER, on=on)
            .filter(user=appraisee)
            .select_related("team__parent")
            .order_by("starts_on", "pk")
            .first()
        )
    if membership is None and leading is None:
        raise ValidationError(f"{appraisee} has no current role in {organisation}.")
    team = (membership or leading).team

    def pick(*roles):
        people = _active(organisation, *roles, on=on).exclude(user=appraisee).select_related("user")
        in_team = people.filter(team=team).first() if team else None
        chosen = in_team or people.order_by("starts_on", "pk").first()
        return chosen.user if chosen else None

    if leading is not None:
        # Their own manager: the line manager of the team above theirs, else a PSW other than
        # themselves.
        appraiser = manager_above(appraisee, team, organisation=organisation, on=on)
        if appraiser is None:
            raise ValidationError(
                f"Nobody in {organisation} can appraise {appraisee}: there is no line manager "
                "of a team above theirs and no other Principal Social Worker."
            )
    else:
        appraiser = pick(Role.LINE_MANAGER)
    if appraiser is None:
        raise ValidationError(
            f"{organisation} has no current line manager to appraise {appraisee}."
        )
    # Only a template that asks for a countersignature has a countersigner: anyone proposed
    # otherwise would read the appraisal for no reason.
    countersigner = None
    if template.requires_countersignature:
        countersigner = _countersigner(template, appraiser, team, appraisee, pick, on)
        if countersigner is None:
            raise ValidationError(f"{organisation} has nobody above the appraiser to countersign.")
    needs_assessor = template.is_asye or Participant.ASSESSOR in template.judging_roles()
    assessor = pick(Role.PRACTICE_EDUCATOR) if needs_assessor else None
    return {
        "team": team,
        Participant.APPRAISER: appraiser,
        Participant.COUNTERSIGNER: countersigner,
        Participant.ASSESSOR: assessor or (appraiser if needs_assessor else None),
    }


def _countersigner(template, appraiser, team, appraisee, pick, on):
    """The PSW if the template says so, else the appraiser's own manager (`manager_above`)."""
    if template.countersigner_from == CountersignerFrom.PSW:
        return pick(Role.PRINCIPAL_SOCIAL_WORKER)
    appraiser_team = (
        _active(template.organisation, Role.LINE_MANAGER, on=on)
        .filter(user=appraiser)
        .select_related("team__parent")
        .order_by("starts_on", "pk")
    )
    own = next((m.team for m in appraiser_team if m.team_id == getattr(team, "pk", None)), None)
    own = own or next((m.team for m in appraiser_team if m.team_id), None)
    return manager_above(
        appraiser, own, organisation=template.organisation, on=on, exclude=[appraisee]
    )


# Who may be chosen for each role when a cycle starts (active memberships of the organisation).
CHOOSABLE = {
    Participant.APPRAISER: (Role.LINE_MANAGER, Role.PRINCIPAL_SOCIAL_WORKER),
    Participant.COUNTERSIGNER: (Role.LINE_MANAGER, Role.PRINCIPAL_SOCIAL_WORKER),
    Participant.ASSESSOR: (
        Role.PRACTICE_EDUCATOR,
        Role.LINE_MANAGER,
        Role.PRINCIPAL_SOCIAL_WORKER,
    ),
}


def choosable(organisation, role: str, *, on: date | None = None):
    """The people who may be chosen for `role` in `organisation` (a queryset of users)."""
    from accounts.models import User

    members = _active(organisation, *CHOOSABLE[role], on=on).values("user")
    return User.objects.filter(pk__in=members).order_by("last_name", "first_name", "pk")


def _chosen(template, appraisee, proposed: dict, chosen: dict, on: date) -> dict:
    """The proposals with the starter's choices put in, each checked: a current member of the
    organisation in a role that may take it, and never the appraisee."""
    people = dict(proposed)
    errors = {}
    for role, person in chosen.items():
        if person is None:
            continue
        if person.pk == appraisee.pk:
            errors[role] = f"The person appraised cannot also be the {role}"
        elif not choosable(template.organisation, role, on=on).filter(pk=person.pk).exists():
            errors[role] = (
                f"Choose a current {' or '.join(str(r.label).lower() for r in CHOOSABLE[role])} "
                f"of {template.organisation} as {role}"
            )
        else:
            people[role] = person
    if errors:
        raise ValidationError(errors)
    return people


@transaction.atomic
def start_cycle(
    *,
    template: AppraisalTemplate,
    appraisee,
    starts_on: date,
    started_by,
    target_level: Item | None = None,
    notify: bool = True,
    chosen: dict | None = None,
    framework: Framework | None = None,
) -> Appraisal:
    """Start `template` for `appraisee`. The people are proposed from memberships
    (`default_participants`); `chosen` (role -> person) replaces any of the proposals. What is
    assessed is the template's frameworks, or (when it lists none) `framework` at `target_level`,
    else the appraisee's default framework (`frameworks.snapshot`)."""
    if not rules.templates_startable_by(started_by).filter(pk=template.pk).exists():
        raise PermissionDenied(
            "Only a line manager or PSW of the organisation starts appraisals (an ASYE "
            "coordinator, ASYE programmes)."
        )
    if not template.is_active:
        raise ValidationError("This template is no longer in use.")
    if template.is_asye and not (
        _active(template.organisation, Role.PRACTITIONER).filter(user=appraisee, asye=True).exists()
    ):
        raise ValidationError(f"{appraisee} is not in the ASYE in {template.organisation}.")
    people = default_participants(template=template, appraisee=appraisee, on=starts_on)
    if chosen:
        people = _chosen(template, appraisee, people, chosen, starts_on)
    previous = (
        Appraisal.objects.filter(appraisee=appraisee, organisation=template.organisation)
        .exclude(status=Appraisal.Status.CANCELLED)
        .order_by("-starts_on", "-pk")
        .first()
    )
    appraisal = Appraisal.objects.create(
        template=template,
        organisation=template.organisation,
        team=people["team"],
        appraisee=appraisee,
        appraiser=people[Participant.APPRAISER],
        countersigner=(
            people[Participant.COUNTERSIGNER] if template.requires_countersignature else None
        ),
        assessor=people[Participant.ASSESSOR],
        starts_on=starts_on,
        target_level=target_level or template.target_level,
        previous=previous,
    )
    stages = Stage.objects.bulk_create(
        Stage(
            appraisal=appraisal,
            template_stage=ts,
            order=n,
            due_on=starts_on + timedelta(days=ts.due_after_days),
        )
        for n, ts in enumerate(template.stages.order_by("order"), start=1)
    )
    if not stages:
        raise ValidationError("This template has no stages.")
    frameworks.snapshot(
        appraisal=appraisal,
        stages=stages,
        framework=framework,
        level=target_level,
        on=starts_on,
    )
    if previous is not None:
        carry_objectives(previous=previous, into=appraisal)
    _open(stages[0], notify=notify)
    return appraisal


def start_team_cycle(
    *, template: AppraisalTemplate, team, starts_on: date, started_by
) -> list[Appraisal]:
    """An appraisal for each practitioner in the team (ASYE templates: those in the ASYE) who
    has no appraisal of this template in progress."""
    memberships = _active(team.organisation, Role.PRACTITIONER, on=starts_on).filter(team=team)
    if template.is_asye:
        memberships = memberships.filter(asye=True)
    busy = Appraisal.objects.in_progress().filter(template=template).values("appraisee")
    return [
        start_cycle(template=template, appraisee=m.user, starts_on=starts_on, started_by=started_by)
        for m in memberships.exclude(user__in=busy).select_related("user")
    ]


@transaction.atomic
def carry_objectives(*, previous: Appraisal, into: Appraisal) -> int:
    carried = 0
    for objective in previous.objectives.filter(status=Objective.Status.AGREED).prefetch_related(
        "statements"
    ):
        copy = Objective.objects.create(
            appraisal=into,
            text=objective.text,
            review_on=objective.review_on,
            carried_from=objective,
        )
        copy.statements.set(objective.statements.all())
        objective.status = Objective.Status.CARRIED
        objective.save(update_fields=["status"])
        carried += 1
    return carried


def _open(stage: Stage, *, notify: bool = True) -> None:
    stage.status = Stage.Status.OPEN
    stage.opened_at = timezone.now()
    stage.save(update_fields=["status", "opened_at"])
    if notify:
        transaction.on_commit(lambda: notifications.stage_opened(stage))
