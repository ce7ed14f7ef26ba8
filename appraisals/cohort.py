"""The ASYE cohort page and chasing (issue 14): for an organisation's ASYE coordinators and
Principal Social Workers, every ASYE programme with each review point (its due date and where it
is), who owes what at the open one (`services.progress`), the recommendation and the panel's
decision.

A chase reminds, by email, each person who still owes something at an open review point that is
overdue or due within `reminders.DUE_SOON_DAYS`, and is kept (`Chase`: who, when) so the page
says "chased on …". A review point is chased at most once a day; the constraint on `Chase` holds
that even when two people press the button at the same moment.
"""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from . import frameworks, notifications, reminders, rules, services
from .chase_models import Chase
from .models import Appraisal, Stage

# What the page calls each state of a review point.
NOT_STARTED, OPEN, OVERDUE, SIGNED, SKIPPED = "not started", "open", "overdue", "signed", "skipped"


@dataclass
class ReviewPoint:
    stage: Stage
    state: str
    last_chase: Chase | None
    chaseable: bool
    progress: list[dict] = field(default_factory=list)
    # (participant role, person) of each signer who has not signed the open review yet.
    to_sign: list[tuple[str, object]] = field(default_factory=list)

    @property
    def owing(self) -> list[dict]:
        return [entry for entry in self.progress if entry["owes"]]

    @property
    def anyone_owes(self) -> bool:
        """Whether anyone still has to do something here (answer, assess or sign): there is
        someone to chase."""
        return bool(self.owing or self.to_sign)


@dataclass
class CohortRow:
    appraisal: Appraisal
    points: list[ReviewPoint]

    @property
    def open_point(self) -> ReviewPoint | None:
        return next((p for p in self.points if p.state in (OPEN, OVERDUE)), None)


def state_of(stage: Stage, today: datetime.date) -> str:
    if stage.status == Stage.Status.SIGNED:
        return SIGNED
    if stage.status == Stage.Status.SKIPPED:
        return SKIPPED
    if stage.status == Stage.Status.PENDING:
        return NOT_STARTED
    return OVERDUE if stage.due_on < today else OPEN


def is_chaseable(stage: Stage, today: datetime.date | None = None) -> bool:
    """An open review point of an ASYE in progress, overdue or due within the reminders' week."""
    today = today or timezone.localdate()
    return (
        stage.status == Stage.Status.OPEN
        and not stage.is_locked
        and stage.appraisal.status == Appraisal.Status.IN_PROGRESS
        and stage.due_on <= today + datetime.timedelta(days=reminders.DUE_SOON_DAYS)
    )


def cohort(user, organisation, *, today: datetime.date | None = None) -> list[CohortRow]:
    """Every ASYE programme of `organisation` that `user` may see on its cohort page (none if
    they may not), by person, each with its review points. A fixed number of queries: the
    frameworks each open review point assesses are loaded with the appraisals, and each
    framework version's items once for the page (`services.progress`)."""
    today = today or timezone.localdate()
    stages = Stage.objects.select_related("template_stage").prefetch_related(
        "template_stage__questions",
        "answers",
        "domain_assessments",
        "sign_offs",
        Prefetch("chases", queryset=Chase.objects.select_related("chased_by")),
    )
    appraisals = (
        rules.asye_cohorts_visible_to(user)
        .filter(organisation=organisation)
        .exclude(status=Appraisal.Status.CANCELLED)
        .with_people()
        .select_related("target_level__version", "panel_confirmed_by", "recommendation_by")
        .prefetch_related(
            Prefetch("stages", queryset=stages.order_by("order")),
            frameworks.prefetch_frameworks(),
        )
        .order_by("appraisee__last_name", "appraisee__first_name", "starts_on", "pk")
    )
    appraisals = list(appraisals)
    frameworks.share_items(appraisals)
    rows = []
    for appraisal in appraisals:
        points = []
        for stage in appraisal.stages.all():
            stage.appraisal = appraisal  # already fetched: progress reads its people from it
            state = state_of(stage, today)
            chases = list(stage.chases.all())
            point = ReviewPoint(
                stage=stage,
                state=state,
                last_chase=chases[0] if chases else None,
                chaseable=is_chaseable(stage, today),
            )
            if state in (OPEN, OVERDUE):
                point.progress = services.progress(stage)
                signed = {s.role for s in stage.sign_offs.all() if s.amendment_id is None}
                people = appraisal.participants()
                point.to_sign = [
                    (role, people[role]) for role in appraisal.signers() if role not in signed
                ]
            points.append(point)
        rows.append(CohortRow(appraisal=appraisal, points=points))
    return rows


def chase(*, stage: Stage, by, today: datetime.date | None = None) -> Chase:
    """Remind each person who still owes something at `stage` (an open ASYE review point, overdue
    or due soon), by email, and keep the chase. Refused when `by` may not see the cohort, the
    review point is not open or not yet near its date, or it was already chased today."""
    today = today or timezone.localdate()
    with transaction.atomic():
        stage = (
            Stage.objects.select_for_update(of=("self",))
            .select_related(
                "template_stage",
                "appraisal__template",
                "appraisal__appraisee",
                "appraisal__appraiser",
                "appraisal__countersigner",
                "appraisal__assessor",
                "appraisal__target_level__version",
            )
            .get(pk=stage.pk)
        )
        appraisal = stage.appraisal
        if not rules.asye_cohorts_visible_to(by).filter(pk=appraisal.pk).exists():
            raise PermissionDenied(
                "Only the ASYE coordinator or Principal Social Worker chases an ASYE review."
            )
        if not is_chaseable(stage, today):
            raise ValidationError(
                f"{stage.name} cannot be chased: only an open review that is overdue or due "
                f"within {reminders.DUE_SOON_DAYS} days is chased."
            )
        earlier = stage.chases.filter(chased_on=today).select_related("chased_by").first()
        if earlier is not None:
            raise ValidationError(_already(stage, earlier))
        people, outstanding = reminders.still_to_act(stage)
        people = [p for p in dict.fromkeys(people) if p is not None]
        if not people:
            raise ValidationError(
                f"Nobody owes anything at {stage.name}: there is nobody to chase."
            )
        try:
            with transaction.atomic():
                chased = Chase.objects.create(
                    stage=stage,
                    chased_by=by,
                    chased_at=timezone.now(),
                    chased_on=today,
                    people=len(people),
                )
        except IntegrityError:
            earlier = stage.chases.filter(chased_on=today).select_related("chased_by").first()
            raise ValidationError(_already(stage, earlier)) from None
        transaction.on_commit(
            lambda: notifications.chased(stage, people, by=by, today=today, outstanding=outstanding)
        )
    return chased


def _already(stage: Stage, earlier: Chase | None) -> str:
    who = f" by {earlier.chased_by}" if earlier is not None else ""
    return (
        f"{stage.name} of {stage.appraisal.appraisee}'s ASYE was already chased today{who}. "
        "Chase it again tomorrow if it is still waiting."
    )
