"""Direct observations: the workflow rules. The observer writes and signs (`create_observation`),
the learner reflects and signs (`reflect_and_sign`), which locks the observation and puts it in
the learner's portfolio (`_lock`); after that each change is an amendment (`amend`). Views call
these and tests call them directly. Every text passes the identifying-information guard here as
well as in the forms (strong findings always refuse; weak ones only when not confirmed)."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import log_access
from accounts.models import AccessEvent, User

from .guard import Finding, check_fields
from .models import Entry, Mapping, Portfolio
from .observation_models import (
    LEARNER_FIELDS,
    OBSERVER_FIELDS,
    Observation,
    ObservationAmendment,
    ObservationJudgement,
    Rating,
)
from .observation_rules import basis_for

TITLE_MAX = 200


def _guard(texts: dict[str, str], confirmed: Sequence[Finding]) -> None:
    """Refuse text the guard flags, unless the finding is weak and was confirmed as anonymised."""
    ok = {f.fingerprint for f in confirmed if not f.strong}
    left = [f for f in check_fields(texts) if f.strong or f.fingerprint not in ok]
    if left:
        raise ValidationError(
            "Take out what could identify a child or family first.", code="identifying"
        )


def observation_count(*, placement=None, appraisal=None) -> int:
    """Locked observations made on a placement or in an appraisal (what counts towards the
    number the programme or template asks for)."""
    observations = Observation.objects.locked()
    if placement is not None:
        return observations.filter(placement=placement).count()
    return observations.filter(appraisal=appraisal).count()


@transaction.atomic
def create_observation(
    *,
    observer: User,
    basis_key: str,
    observed_on: datetime.date,
    setting: str,
    observed: str,
    to_develop: str,
    judgements: Sequence[tuple] = (),
    confirmed: Sequence[Finding] = (),
) -> Observation:
    """The observer writes an observation of a learner they may observe (`basis_key`, one of
    `observation_rules.bases_for(observer)`) and signs it. `judgements`: (Item, rating) pairs."""
    basis = basis_for(observer, basis_key)
    if basis is None:
        raise PermissionDenied("You cannot observe this person.")
    if observed_on > timezone.localdate():
        raise ValidationError("The date of the observation cannot be in the future.")
    texts = {"setting": setting, "observed": observed, "to_develop": to_develop}
    if not all(t.strip() for t in texts.values()):
        raise ValidationError("Write the setting, what you observed and what to develop.")
    _guard(texts, confirmed)
    for _item, rating in judgements:
        if rating not in Rating.values:
            raise ValidationError("Choose a judgement from the scale.")
    observation = Observation.objects.create(
        learner=basis.learner,
        observer=observer,
        observer_role=basis.role,
        placement=basis.placement,
        appraisal=basis.appraisal,
        observed_on=observed_on,
        **{k: v.strip() for k, v in texts.items()},
        observer_signed_at=timezone.now(),
    )
    seen = set()
    for item, rating in judgements:
        if item.pk not in seen:
            seen.add(item.pk)
            ObservationJudgement.objects.create(observation=observation, item=item, rating=rating)
    log_access(
        actor=observer,
        obj=observation,
        owner=basis.learner,
        action=AccessEvent.Action.CREATE,
        change="written and signed by the observer",
    )
    return observation


@transaction.atomic
def reflect_and_sign(
    *, observation: Observation, learner: User, reflection: str, confirmed: Sequence[Finding] = ()
) -> Observation:
    """The learner adds their reflection and signs. With both signatures, the observation locks
    and goes into their portfolio."""
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.learner_id != learner.pk:
        raise PermissionDenied("Only the person observed can reflect on this observation.")
    if observation.observer_signed_at is None:
        raise ValidationError("The observer has not signed this observation yet.")
    if observation.is_locked:
        raise ValidationError("This observation is signed by both of you and locked.")
    if not reflection.strip():
        raise ValidationError("Write your reflection on the observation.")
    _guard({"reflection": reflection}, confirmed)
    observation.reflection = reflection.strip()
    observation.learner_signed_at = timezone.now()
    observation.save(update_fields=["reflection", "learner_signed_at"])
    _lock(observation)
    return observation


def _title(observation: Observation) -> str:
    return f"Direct observation: {observation.setting}"[:TITLE_MAX]


def _lock(observation: Observation) -> Entry:
    """The entry in the learner's portfolio: written by the observer, complete, mapped to the
    statements judged (so it counts in coverage); filling the ASYE observation slot of the
    appraisal it was made in, if that is in progress."""
    entry = Entry.objects.create(
        portfolio=Portfolio.for_user(observation.learner),
        source=Entry.Source.OBSERVATION,
        author_kind=observation.observer_role,
        observation=observation,
        status=Entry.Status.COMPLETE,
        entry_type=Entry.Type.OBSERVATION,
        activity_type="own-practice",
        title=_title(observation),
        occurred_on=observation.observed_on,
        description=f"{observation.setting}. Observed by {observation.author_label}.",
        learning=observation.reflection,
        swe_standards=["4.2", "4.6"],
    )
    Mapping.objects.bulk_create(
        Mapping(entry=entry, item_id=item_id)
        for item_id in observation.judgements.values_list("item_id", flat=True)
    )
    appraisal = observation.appraisal
    if appraisal is not None and appraisal.appraisee_id == observation.learner_id:
        from appraisals.models import Appraisal, SharedEvidence

        if appraisal.status == Appraisal.Status.IN_PROGRESS and appraisal.template.is_asye:
            SharedEvidence.objects.get_or_create(
                appraisal=appraisal,
                entry=entry,
                defaults={"slot": SharedEvidence.Slot.OBSERVATION},
            )
    return entry


def who_amends(observation: Observation, user: User) -> tuple[str, ...]:
    """The fields `user` may amend: the observer's own text, or the learner's reflection."""
    if not observation.is_locked:
        return ()
    if user.pk == observation.observer_id:
        return OBSERVER_FIELDS
    if user.pk == observation.learner_id:
        return LEARNER_FIELDS
    return ()


@transaction.atomic
def amend(
    *,
    observation: Observation,
    by: User,
    field: str,
    text: str,
    reason: str,
    confirmed: Sequence[Finding] = (),
) -> ObservationAmendment:
    """A change to a locked observation, kept with the text before and after and the reason."""
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if not observation.is_locked:
        raise ValidationError("Only a locked observation is amended; this one can still change.")
    if field not in who_amends(observation, by):
        raise PermissionDenied("You cannot amend this part of the observation.")
    text, reason = text.strip(), reason.strip()
    if not text or not reason:
        raise ValidationError("Write the new text and the reason for the change.")
    before = getattr(observation, field)
    if text == before:
        raise ValidationError("The new text is the same as before.")
    _guard({field: text, "reason": reason}, confirmed)
    setattr(observation, field, text)
    observation.save(update_fields=[field])
    entry = Entry.objects.filter(observation=observation).first()
    if entry is not None:
        if field == "reflection":
            entry.learning = text
        elif field == "setting":
            entry.title = _title(observation)
            entry.description = f"{observation.setting}. Observed by {observation.author_label}."
        entry.save()
    amendment = ObservationAmendment.objects.create(
        observation=observation, field=field, before=before, after=text, reason=reason, made_by=by
    )
    log_access(  # the learner's record: their own amendments are not logged
        actor=by,
        obj=observation,
        owner=observation.learner,
        action=AccessEvent.Action.CHANGE,
        change=f"amended: {amendment.field_label}",
    )
    return amendment


def author_label(entry: Entry) -> str:
    observation = entry.observation
    return observation.author_label if observation is not None else "the observer"
