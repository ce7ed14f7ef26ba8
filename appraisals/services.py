"""The appraisal workflow: every rule about who answers, when a stage moves on, sign-off,
amendments and dissent lives here, and the tests call these functions directly. Views only
collect input and call them.

Concurrency: sign-offs lock the stage row (and the appraisal row) with SELECT ... FOR UPDATE inside
a transaction, so two people signing at the same moment cannot both decide they were last, or
neither.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import log_access
from accounts.models import AccessEvent
from capabilities.models import FrameworkVersion, Item
from organisations.models import Membership, Role

from . import notifications, rules
from .models import (
    ASYE_SLOTS,
    Access,
    Amendment,
    Answer,
    Appraisal,
    AppraisalTemplate,
    CountersignerFrom,
    Dissent,
    DomainAssessment,
    Objective,
    Participant,
    SharedEvidence,
    SignOff,
    Stage,
    TemplateQuestion,
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
    team's line manager (else the organisation's); to countersign, the appraiser's own manager
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
    if membership is None:
        raise ValidationError(f"{appraisee} has no current practice role in {organisation}.")
    team = membership.team

    def pick(*roles):
        people = _active(organisation, *roles, on=on).exclude(user=appraisee).select_related("user")
        in_team = people.filter(team=team).first() if team else None
        chosen = in_team or people.order_by("starts_on", "pk").first()
        return chosen.user if chosen else None

    appraiser = pick(Role.LINE_MANAGER)
    if appraiser is None:
        raise ValidationError(
            f"{organisation} has no current line manager to appraise {appraisee}."
        )
    if template.countersigner_from == CountersignerFrom.PSW:
        countersigner = pick(Role.PRINCIPAL_SOCIAL_WORKER)
    else:
        appraiser_team = (
            _active(organisation, Role.LINE_MANAGER, on=on)
            .filter(user=appraiser)
            .select_related("team__parent")
            .order_by("starts_on", "pk")
        )
        own = next((m.team for m in appraiser_team if m.team_id == getattr(team, "pk", None)), None)
        own = own or next((m.team for m in appraiser_team if m.team_id), None)
        countersigner = manager_above(
            appraiser, own, organisation=organisation, on=on, exclude=[appraisee]
        )
    if template.requires_countersignature and countersigner is None:
        raise ValidationError(f"{organisation} has nobody above the appraiser to countersign.")
    needs_assessor = template.is_asye or Participant.ASSESSOR in template.judging_roles()
    assessor = pick(Role.PRACTICE_EDUCATOR) if needs_assessor else None
    return {
        "team": team,
        Participant.APPRAISER: appraiser,
        Participant.COUNTERSIGNER: countersigner,
        Participant.ASSESSOR: assessor or (appraiser if needs_assessor else None),
    }


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
) -> Appraisal:
    """Start `template` for `appraisee`. The people are proposed from memberships
    (`default_participants`); `chosen` (role -> person) replaces any of the proposals."""
    if (
        not rules.cycle_starter_organisations(started_by)
        .filter(pk=template.organisation_id)
        .exists()
    ):
        raise PermissionDenied("Only a line manager or PSW of the organisation starts appraisals.")
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
        countersigner=people[Participant.COUNTERSIGNER],
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


# ---------------------------------------------------------------------------------------------
# Roles and answers


def roles_of(appraisal: Appraisal, user) -> list[str]:
    return appraisal.roles_of(user)


def _log_change(
    appraisal: Appraisal, user, change: str, *, obj=None, action: str = AccessEvent.Action.CHANGE
) -> None:
    """The appraisee's access log: `user` changed their appraisal (or `obj`, a part of it).
    `change` names what changed, never the text written."""
    log_access(
        actor=user,
        obj=obj if obj is not None else appraisal,
        owner=appraisal.appraisee,
        action=action,
        organisation=appraisal.organisation,
        change=change,
    )


def _question(question: TemplateQuestion) -> str:
    text = question.text if len(question.text) <= 60 else question.text[:59] + "…"
    return f"“{text}”"


def _require_role(appraisal: Appraisal, user, role: str) -> None:
    if role not in appraisal.roles_of(user):
        raise PermissionDenied("You do not hold that role in this appraisal.")


def _require_open(stage: Stage) -> None:
    if stage.status != Stage.Status.OPEN or stage.is_locked:
        raise ValidationError("This stage is not open: it has not started or is signed off.")


def visible_questions(stage: Stage, roles: Iterable[str]):
    """The questions of the stage that any of `roles` may see."""
    roles = list(roles)
    return [
        q
        for q in stage.template_stage.questions.all()
        if any(q.access_for(r) != Access.NONE for r in roles)
    ]


def can_answer(question: TemplateQuestion, role: str) -> bool:
    return question.access_for(role) in (Access.ANSWER, Access.MUST)


@transaction.atomic
def save_answer(*, stage: Stage, question: TemplateQuestion, user, role: str, text: str) -> Answer:
    _require_role(stage.appraisal, user, role)
    _require_open(stage)
    if question.stage_id != stage.template_stage_id:
        raise ValidationError("That question belongs to another stage.")
    if not can_answer(question, role):
        raise PermissionDenied("Your role does not answer this question.")
    text = text.strip()
    label = f"{Participant(role).label} answer to {_question(question)}"
    before = Answer.objects.filter(stage=stage, question=question, role=role).first()
    if not text:
        if before is not None:
            before.delete()
            _log_change(stage.appraisal, user, f"{label}: removed", obj=stage)
        return None
    if before is not None and before.text == text:
        return before
    answer, _ = Answer.objects.update_or_create(
        stage=stage, question=question, role=role, defaults={"text": text, "author": user}
    )
    _log_change(stage.appraisal, user, f"{label}: {'changed' if before else 'written'}", obj=stage)
    return answer


def missing_answers(stage: Stage) -> list[tuple[TemplateQuestion, str]]:
    """(question, role) pairs that must still be answered before the stage can be signed."""
    appraisal = stage.appraisal
    present = {role for role, person in appraisal.participants().items() if person}
    answered = set(stage.answers.values_list("question_id", "role"))
    missing = []
    for question in stage.template_stage.questions.all():
        for role in question.must_answer():
            if role in present and (question.pk, role) not in answered:
                missing.append((question, role))
    return missing


def missing_assessments(stage: Stage) -> dict[str, list[Item]]:
    """For each role that assesses domains at this stage (the appraisee's self-assessment, each
    judging role's judgement), the domains it has still to rate. Empty for stages that do not
    assess domains."""
    if not stage.template_stage.assesses_domains:
        return {}
    domains = domains_for(stage.appraisal)
    assessments = {a.domain_id: a for a in stage.domain_assessments.all()}
    missing = {}
    for role in (Participant.APPRAISEE, *stage.appraisal.judging_roles()):
        missing[role] = [
            d
            for d in domains
            if (a := assessments.get(d.pk)) is None
            or (a.self_rating if role == Participant.APPRAISEE else a.rating_of(role)) is None
        ]
    return missing


def _domains_owed(domains: list[Item]) -> str:
    count = f"{len(domains)} domain{'' if len(domains) == 1 else 's'}"
    if len(domains) <= 2:
        return f"{count} ({', '.join(d.title for d in domains)})"
    return count


def progress(stage: Stage) -> list[dict]:
    """Who owes what before the stage can be signed off: one entry per person in each role with
    something to do at this stage, saying what they have done and what they still owe, e.g.
    "Alex Smith (appraisee): self-assessment done" and "Sam Jones (assessor): judgement needed
    for 9 domains". Each entry: role, person, parts (words), owes (bool), text."""
    appraisal = stage.appraisal
    people = appraisal.participants()
    parts: dict[str, list[str]] = {}
    owes: dict[str, bool] = {}

    def add(role, text, owed):
        parts.setdefault(role, []).append(text)
        owes[role] = owes.get(role, False) or owed

    unanswered: dict[str, list[TemplateQuestion]] = {}
    for question, role in missing_answers(stage):
        unanswered.setdefault(role, []).append(question)
    for role, domains in missing_assessments(stage).items():
        what = "self-assessment" if role == Participant.APPRAISEE else "judgement"
        if domains:
            add(role, f"{what} needed for {_domains_owed(domains)}", True)
        else:
            add(role, f"{what} done", False)
    for role, questions in unanswered.items():
        plural = "answers" if len(questions) > 1 else "answer"
        add(role, f"{plural} needed to " + ", ".join(_question(q) for q in questions), True)
    if (
        stage.template_stage.is_final_review
        and appraisal.template.is_asye
        and not appraisal.recommendation
    ):
        role = Participant.ASSESSOR if appraisal.assessor_id else Participant.APPRAISER
        add(role, "recommendation needed (pass, fail or extend)", True)
    result = []
    for role in Participant.values:
        if role not in parts:
            continue
        text = f"{people[role]} ({role}): " + "; ".join(parts[role])
        result.append(
            {
                "role": role,
                "person": people[role],
                "parts": parts[role],
                "owes": owes[role],
                "text": text,
            }
        )
    return result


def blockers(stage: Stage) -> list[str]:
    """Why the stage cannot be signed off yet, one line per person who still owes something
    (with what they have done too); empty when it can be signed."""
    return [entry["text"] for entry in progress(stage) if entry["owes"]]


# ---------------------------------------------------------------------------------------------
# Domains, evidence and the ASYE slots


def domains_for(appraisal: Appraisal) -> list[Item]:
    version = (
        appraisal.target_level.version
        if appraisal.target_level_id
        else FrameworkVersion.objects.current("pcf")
    )
    if version is None:
        return []
    return list(version.items.domains().order_by("sort_order", "code"))


@transaction.atomic
def assess_domain(
    *,
    stage: Stage,
    user,
    role: str,
    domain: Item,
    rating: int | None,
    comment: str = "",
    evidence: Iterable = (),
) -> DomainAssessment:
    """The appraisee writes the self-assessment (and links evidence shared into the appraisal);
    each judging role (the template's `judged_by`: appraiser, assessor or both) writes its own
    judgement. Nobody can touch another's part."""
    _require_role(stage.appraisal, user, role)
    _require_open(stage)
    if not stage.template_stage.assesses_domains:
        raise ValidationError("This stage does not assess domains.")
    if domain.pk not in {d.pk for d in domains_for(stage.appraisal)}:
        raise ValidationError("That domain is not in the framework this appraisal uses.")
    scale = stage.appraisal.template.rating_scale
    if rating is not None and not 0 <= rating < len(scale):
        raise ValidationError("Choose a rating from the scale.")
    assessment, _ = DomainAssessment.objects.get_or_create(stage=stage, domain=domain)
    if role == Participant.APPRAISEE:
        assessment.self_rating = rating
        assessment.self_comment = comment.strip()
        assessment.save(update_fields=["self_rating", "self_comment"])
        shared = set(stage.appraisal.evidence.values_list("entry_id", flat=True))
        entries = [e for e in evidence if e.pk in shared]
        assessment.evidence.set(entries)
    elif role in stage.appraisal.judging_roles():
        rating_field, comment_field, by_field = DomainAssessment.JUDGEMENT_FIELDS[role]
        was = (assessment.rating_of(role), assessment.comment_of(role))
        setattr(assessment, rating_field, rating)
        setattr(assessment, comment_field, comment.strip())
        setattr(assessment, by_field, user)
        assessment.save(update_fields=[rating_field, comment_field, by_field])
        if was != (rating, assessment.comment_of(role)):
            # The appraiser's judgement keeps its original wording in the history.
            what = "judgement" if role == Participant.APPRAISER else f"{role}'s judgement"
            changed = [f"{what} rating: {_rated(scale, was[0])} → {_rated(scale, rating)}"]
            if was[1] != assessment.comment_of(role):
                changed.append(f"{what} comment changed")
            _log_change(
                stage.appraisal,
                user,
                f"domain “{domain.title}”: " + "; ".join(changed),
                obj=stage,
            )
    else:
        judges = " and the ".join(stage.appraisal.judging_roles())
        raise PermissionDenied(f"Only the appraisee and the {judges} assess domains here.")
    return assessment


def _rated(scale, index: int | None) -> str:
    if index is None:
        return "none"
    return str(scale[index]) if 0 <= index < len(scale) else str(index)


def share_evidence(*, appraisal: Appraisal, user, entry, slot: str = "") -> SharedEvidence:
    """The appraisee shares one of their own portfolio entries into the appraisal."""
    _require_role(appraisal, user, Participant.APPRAISEE)
    if entry.portfolio.owner_id != user.pk or entry.deleted_at is not None:
        raise PermissionDenied("You can only share your own entries.")
    if entry.needs_review:
        raise ValidationError(
            "This imported entry needs your review first: its text may identify a child or "
            "family. Edit it and save it, then share it."
        )
    if slot and slot not in SharedEvidence.Slot.values:
        raise ValidationError("Choose an evidence slot from the list.")
    evidence, _ = SharedEvidence.objects.update_or_create(
        appraisal=appraisal, entry=entry, defaults={"slot": slot}
    )
    return evidence


def unshare_evidence(*, appraisal: Appraisal, user, entry) -> None:
    _require_role(appraisal, user, Participant.APPRAISEE)
    SharedEvidence.objects.filter(appraisal=appraisal, entry=entry).delete()


def asye_slots(appraisal: Appraisal) -> list[dict]:
    """Each ASYE evidence slot: how many are needed, which shared entries fill it, how many are
    missing. Deleted portfolio entries do not count."""
    shared = [
        e
        for e in appraisal.evidence.select_related("entry")
        if e.slot and e.entry.deleted_at is None
    ]
    result = []
    for slot, needed in ASYE_SLOTS.items():
        filled = [e.entry for e in shared if e.slot == slot]
        result.append(
            {
                "slot": slot,
                "label": SharedEvidence.Slot(slot).label,
                "needed": needed,
                "filled": filled[:needed],
                "missing": max(0, needed - len(filled)),
            }
        )
    return result


# ---------------------------------------------------------------------------------------------
# Sign-off, amendments, dissent


def _open(stage: Stage, *, notify: bool = True) -> None:
    stage.status = Stage.Status.OPEN
    stage.opened_at = timezone.now()
    stage.save(update_fields=["status", "opened_at"])
    if notify:
        transaction.on_commit(lambda: notifications.stage_opened(stage))


def sign_off(*, stage: Stage, user, role: str) -> SignOff:
    """Sign a stage as `role`. When every signer has signed, the stage locks and the next one
    opens (or the appraisal completes)."""
    with transaction.atomic():
        Appraisal.objects.select_for_update().get(pk=stage.appraisal_id)
        stage = (
            Stage.objects.select_for_update().select_related("appraisal__template").get(pk=stage.pk)
        )
        appraisal = stage.appraisal
        _require_role(appraisal, user, role)
        _require_open(stage)
        if role not in appraisal.signers():
            raise PermissionDenied("Your role does not sign this stage.")
        if reasons := blockers(stage):
            raise ValidationError(reasons)
        try:
            with transaction.atomic():
                signed = SignOff.objects.create(stage=stage, role=role, user=user)
        except IntegrityError:
            raise ValidationError("You have already signed this stage.") from None
        roles_signed = set(
            stage.sign_offs.filter(amendment__isnull=True).values_list("role", flat=True)
        )
        if set(appraisal.signers()) <= roles_signed:
            _lock_and_advance(stage)
        _log_change(
            appraisal,
            user,
            f"signed the stage as {Participant(role).in_sentence}",
            obj=stage,
            action=AccessEvent.Action.SIGN,
        )
        transaction.on_commit(lambda: notifications.signed(stage, signed))
    return signed


def _lock_and_advance(stage: Stage) -> None:
    now = timezone.now()
    stage.status = Stage.Status.SIGNED
    stage.locked_at = now
    stage.save(update_fields=["status", "locked_at"])
    following = (
        Stage.objects.filter(appraisal=stage.appraisal, order__gt=stage.order)
        .exclude(status=Stage.Status.SKIPPED)
        .order_by("order")
        .first()
    )
    if following:
        _open(following)
    else:
        appraisal = stage.appraisal
        appraisal.status = Appraisal.Status.COMPLETED
        appraisal.completed_at = now
        appraisal.save(update_fields=["status", "completed_at"])


@transaction.atomic
def skip_stage(*, stage: Stage, user) -> None:
    """Optional stages (the ASYE 9-month review) can be skipped by the appraiser."""
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    _require_role(stage.appraisal, user, Participant.APPRAISER)
    _require_open(stage)
    if not stage.template_stage.optional:
        raise ValidationError("Only optional stages can be skipped.")
    stage.status = Stage.Status.SKIPPED
    stage.locked_at = timezone.now()
    stage.save(update_fields=["status", "locked_at"])
    _log_change(stage.appraisal, user, "stage: open → skipped", obj=stage)
    following = (
        Stage.objects.filter(appraisal=stage.appraisal, order__gt=stage.order)
        .order_by("order")
        .first()
    )
    if following:
        _open(following)


@transaction.atomic
def amend(
    *, stage: Stage, user, role: str, question: TemplateQuestion, text: str, reason: str
) -> Amendment:
    """Change an answer after sign-off. The original stays in the history; the amendment needs
    its own sign-off by the same signers."""
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    _require_role(stage.appraisal, user, role)
    if stage.status != Stage.Status.SIGNED:
        raise ValidationError("Only a signed-off stage is amended; change the answer instead.")
    if not can_answer(question, role) or question.stage_id != stage.template_stage_id:
        raise PermissionDenied("Your role does not answer this question.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the signed record is being changed"})
    answer = Answer.objects.filter(stage=stage, question=question, role=role).first()
    before = answer.text if answer else ""
    if answer is None:
        answer = Answer(stage=stage, question=question, role=role, author=user)
    answer.text = text.strip()
    answer.author = user
    answer.save()
    amendment = Amendment.objects.create(
        stage=stage,
        answer=answer,
        question=question,
        role=role,
        before=before,
        after=answer.text,
        reason=reason.strip(),
        made_by=user,
    )
    _log_change(
        stage.appraisal,
        user,
        f"amended the {Participant(role).in_sentence} answer to {_question(question)} after "
        "sign-off; reason given",
        obj=stage,
    )
    return amendment


def sign_amendment(*, amendment: Amendment, user, role: str) -> SignOff:
    with transaction.atomic():
        amendment = (
            Amendment.objects.select_for_update()
            .select_related("stage__appraisal__template")
            .get(pk=amendment.pk)
        )
        appraisal = amendment.stage.appraisal
        _require_role(appraisal, user, role)
        if role not in appraisal.signers():
            raise PermissionDenied("Your role does not sign this record.")
        try:
            with transaction.atomic():
                signed = SignOff.objects.create(
                    stage=amendment.stage, amendment=amendment, role=role, user=user
                )
        except IntegrityError:
            raise ValidationError("You have already signed this amendment.") from None
        roles = set(amendment.sign_offs.values_list("role", flat=True))
        if set(appraisal.signers()) <= roles:
            amendment.signed_at = timezone.now()
            amendment.save(update_fields=["signed_at"])
        _log_change(
            appraisal,
            user,
            f"signed an amendment as {Participant(role).in_sentence}",
            obj=amendment.stage,
            action=AccessEvent.Action.SIGN,
        )
        transaction.on_commit(lambda: notifications.signed(amendment.stage, signed))
    return signed


def record_dissent(*, stage: Stage, user, text: str) -> Dissent:
    _require_role(stage.appraisal, user, Participant.APPRAISEE)
    if stage.status == Stage.Status.PENDING:
        raise ValidationError("This stage has not started.")
    if not text.strip():
        raise ValidationError({"text": "Say what you disagree with"})
    dissent = Dissent.objects.create(stage=stage, author=user, text=text.strip())
    # Only the appraisee disagrees, so this logs nothing today; it would if that changed.
    _log_change(stage.appraisal, user, "recorded a note of disagreement", obj=stage)
    return dissent


# ---------------------------------------------------------------------------------------------
# ASYE recommendation and panel; objectives


@transaction.atomic
def record_recommendation(*, appraisal: Appraisal, user, recommendation: str) -> None:
    roles = appraisal.roles_of(user)
    if not ({Participant.ASSESSOR, Participant.APPRAISER} & set(roles)):
        raise PermissionDenied("The assessor or appraiser records the recommendation.")
    if not appraisal.template.is_asye:
        raise ValidationError("Only ASYE programmes end with a recommendation.")
    final = appraisal.stages.filter(template_stage__is_final_review=True).first()
    if final is None or final.status != Stage.Status.OPEN:
        raise ValidationError("The recommendation is made at the final review.")
    if recommendation not in Appraisal.Recommendation.values:
        raise ValidationError("Choose pass, fail or extend.")
    before = appraisal.recommendation
    appraisal.recommendation = recommendation
    appraisal.recommendation_by = user
    appraisal.recommendation_at = timezone.now()
    appraisal.save(update_fields=["recommendation", "recommendation_by", "recommendation_at"])
    _log_change(appraisal, user, f"recommendation: {before or 'none'} → {recommendation}")


@transaction.atomic
def confirm_by_panel(*, appraisal: Appraisal, user, decision: str) -> None:
    """The moderation panel's decision, recorded by a PSW of the organisation."""
    if not rules.is_psw_of(user, appraisal.organisation):
        raise PermissionDenied("A Principal Social Worker records the panel's decision.")
    if appraisal.status != Appraisal.Status.COMPLETED or not appraisal.recommendation:
        raise ValidationError("The panel confirms a completed ASYE with a recommendation.")
    if decision not in Appraisal.Recommendation.values:
        raise ValidationError("Choose pass, fail or extend.")
    before = appraisal.panel_decision
    appraisal.panel_decision = decision
    appraisal.panel_confirmed_by = user
    appraisal.panel_confirmed_at = timezone.now()
    appraisal.save(update_fields=["panel_decision", "panel_confirmed_by", "panel_confirmed_at"])
    _log_change(appraisal, user, f"panel decision: {before or 'none'} → {decision}")


@transaction.atomic
def add_objective(
    *, appraisal: Appraisal, user, text: str, statements: Iterable[Item] = (), review_on=None
) -> Objective:
    if not ({Participant.APPRAISER, Participant.APPRAISEE} & set(appraisal.roles_of(user))):
        raise PermissionDenied("Objectives are agreed by the appraisee and appraiser.")
    if appraisal.status != Appraisal.Status.IN_PROGRESS:
        raise ValidationError("Objectives are added while the appraisal is in progress.")
    if not text.strip():
        raise ValidationError({"text": "Enter the objective"})
    objective = Objective.objects.create(
        appraisal=appraisal, text=text.strip(), review_on=review_on
    )
    objective.statements.set(statements)
    # The appraisal, not the objective: an objective's name is its text.
    _log_change(appraisal, user, "added an objective", action=AccessEvent.Action.CREATE)
    return objective
