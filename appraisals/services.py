"""The appraisal workflow: every rule about who answers, when a stage moves on, sign-off,
amendments and dissent lives here, and the tests call these functions directly. Views only
collect input and call them.

Concurrency: sign-offs lock the stage row (and the appraisal row) with SELECT ... FOR UPDATE inside
a transaction, so two people signing at the same moment cannot both decide they were last, or
neither.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import log_access
from accounts.models import AccessEvent
from capabilities.models import Item

from . import frameworks, notifications, rules
from .models import (
    Access,
    Amendment,
    Answer,
    Appraisal,
    Dissent,
    DomainAssessment,
    Objective,
    Participant,
    SharedEvidence,
    SignOff,
    Stage,
    TemplateQuestion,
)

# Starting cycles lives in `starting`; its functions are part of this module's interface.
from .starting import (  # noqa: F401 (re-exported)
    CHOOSABLE,
    _active,
    _open,
    carry_objectives,
    choosable,
    default_participants,
    manager_above,
    start_cycle,
    start_team_cycle,
)

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
    # .all(): the cohort page prefetches the answers of many stages at once.
    answered = {(answer.question_id, answer.role) for answer in stage.answers.all()}
    missing = []
    for question in stage.template_stage.questions.all():
        for role in question.must_answer():
            if role in present and (question.pk, role) not in answered:
                missing.append((question, role))
    return missing


def missing_by_framework(stage: Stage) -> dict[str, list[tuple]]:
    """For each role that assesses at this stage (the appraisee's self-assessment, each judging
    role's judgement), every framework assessed here with the items it has still to rate:
    role -> [(Assessed, [Item, ...]), ...]. Empty for stages that assess nothing."""
    groups = frameworks.assessed_at(stage)
    if not groups:
        return {}
    assessments = {a.domain_id: a for a in stage.domain_assessments.all()}
    missing = {}
    for role in (Participant.APPRAISEE, *stage.appraisal.judging_roles()):
        missing[role] = [
            (
                group,
                [
                    item
                    for item in group.items
                    if (a := assessments.get(item.pk)) is None
                    or (a.self_rating if role == Participant.APPRAISEE else a.rating_of(role))
                    is None
                ],
            )
            for group in groups
        ]
    return missing


def missing_assessments(stage: Stage) -> dict[str, list[Item]]:
    """For each role that assesses at this stage, the items (of every framework) it has still
    to rate. Empty for stages that assess nothing."""
    return {
        role: [item for _group, items in owed for item in items]
        for role, owed in missing_by_framework(stage).items()
    }


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
    for role, owed in missing_by_framework(stage).items():
        what = "self-assessment" if role == Participant.APPRAISEE else "judgement"
        if any(items for _group, items in owed):
            add(role, f"{what} needed for {frameworks.owed_words(owed)}", True)
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
    """The items of the appraisal's first framework: the PCF domains for a practitioner. What a
    stage rates is `items_for(stage)`, every framework together."""
    return frameworks.first_items(appraisal)


def items_for(stage: Stage) -> list[Item]:
    """Every item rated at `stage` (the frameworks it assesses, in the template's order)."""
    return frameworks.items_at(stage)


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
    if not frameworks.assesses(stage):
        raise ValidationError("This stage does not assess any framework.")
    if domain.pk not in {item.pk for item in items_for(stage)}:
        raise ValidationError("That item is not in what this stage assesses.")
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
                f"{_item_words(domain)}: " + "; ".join(changed),
                obj=stage,
            )
    else:
        judges = " and the ".join(stage.appraisal.judging_roles())
        raise PermissionDenied(f"Only the appraisee and the {judges} assess domains here.")
    return assessment


def _item_words(item: Item) -> str:
    """How the history names a rated item: "domain “Knowledge”", "standard “PS-1 …”"."""
    if item.kind == Item.Kind.DOMAIN:
        return f"domain “{item.title}”"
    return f"standard “{item.code} {item.title}”".replace(" ”", "”")


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
    for slot, needed in appraisal.template.slots_needed().items():
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
    """The moderation panel's decision, recorded by a PSW of the organisation or an ASYE
    coordinator (`rules.may_record_panel_decision`)."""
    if not rules.may_record_panel_decision(user, appraisal):
        raise PermissionDenied(
            "A Principal Social Worker or ASYE coordinator records the panel's decision."
        )
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
