"""The register of practice educators: PEPS awards, currency, candidates and their mentors, and
the placements each educator has supported.

Currency, in Capable's words: a practice educator keeps their award current by doing practice
education. They are *current* on a day if they were awarded a stage, or supported a placement
(as its practice educator or co-assessor), within the programme's currency period before that
day (`Programme.peps_currency_years`, two years unless the programme sets another). A placement
counts from the day it starts until the period has run from its last day: one under way counts;
one withdrawn or cancelled never does, nor one not yet started. An educator with an award and no
practice education in the period has *lapsed*: they may still educate, but not as the sole
assessor (`agreement.propose_placement` asks for a current co-assessor). Someone with no award
on the register is *not recorded*: their role's stage (`Membership.peps_stage`) stands, and no
currency is judged.

Candidates work towards a stage with a mentor who holds stage 2 and is current; stage 2 builds
on stage 1. Recording the award ends the candidacy and raises the stage of the person's current
practice educator roles.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.audit import log_access
from accounts.models import AccessEvent
from organisations.models import Membership, Organisation, PepsStage, Role

from . import rules

# Currency is judged in `currency`; `registers` reads NOT_RECORDED, STATUS_LABELS and
# currencies_of from here.
from .currency import (  # noqa: F401
    DEFAULT_CURRENCY_YEARS,
    NOT_RECORDED,
    STATUS_LABELS,
    Currency,
    currencies_of,
    currency_of,
    judge,
    last_practice,
    supported_placements,
)
from .models import EducatorAward, EducatorCandidacy, Placement, Programme

# ---------------------------------------------------------------------------------------------
# Recording awards and candidacies


def awarding_organisations_of(user):
    """Organisations for which `user` records PEPS awards and candidacies: HEIs where they are a
    placement lead, and awarding bodies where they hold any role."""
    return Organisation.objects.filter(
        Q(pk__in=rules.placement_lead_organisations(user).filter(kind=Organisation.Kind.HEI))
        | Q(pk__in=rules.awarding_bodies_of(user))
    )


def _may_record_for(by, organisation: Organisation) -> None:
    if not awarding_organisations_of(by).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            "Only a placement lead of the university, or someone at the awarding body, records "
            "its practice educator awards."
        )


def stages_of(person) -> set[int]:
    return set(EducatorAward.objects.filter(educator=person).values_list("stage", flat=True))


@transaction.atomic
def record_award(
    *,
    by,
    educator,
    stage: int,
    awarded_on: date,
    awarded_by: Organisation,
    programme_name: str = "",
) -> EducatorAward:
    """Record that `awarded_by` awarded `educator` a PEPS stage. Ends their open candidacy for
    it, and raises the stage of their current practice educator roles to it."""
    _may_record_for(by, awarded_by)
    errors: dict[str, list[str]] = {}
    if stage not in PepsStage.values:
        errors.setdefault("stage", []).append("Choose the PEPS stage awarded")
    if not isinstance(awarded_on, date):
        errors.setdefault("awarded_on", []).append("Enter the date of the award")
    elif awarded_on > timezone.localdate():
        errors.setdefault("awarded_on", []).append("The date of the award must be today or earlier")
    held = stages_of(educator)
    if stage in held:
        errors.setdefault("stage", []).append(
            f"{educator} already has {PepsStage(stage).label} on the register"
        )
    elif stage == PepsStage.STAGE_2 and PepsStage.STAGE_1 not in held:
        errors.setdefault("stage", []).append(
            f"Stage 2 builds on stage 1: record {educator}'s stage 1 award first"
        )
    if errors:
        raise ValidationError(errors)
    award = EducatorAward.objects.create(
        educator=educator,
        stage=stage,
        awarded_on=awarded_on,
        awarded_by=awarded_by,
        programme_name=programme_name,
        recorded_by=by,
    )
    EducatorCandidacy.objects.filter(
        candidate=educator, stage=stage, award__isnull=True, withdrawn_on__isnull=True
    ).update(award=award)
    Membership.objects.active().filter(
        user=educator, role=Role.PRACTICE_EDUCATOR, peps_stage__lt=stage
    ).update(peps_stage=stage)
    log_access(
        actor=by,
        obj=award,
        owner=educator,
        action=AccessEvent.Action.CHANGE,
        organisation=awarded_by,
        change=f"PEPS stage {stage} awarded on {awarded_on.isoformat()}",
    )
    return award


@transaction.atomic
def start_candidacy(
    *,
    by,
    candidate,
    stage: int,
    mentor,
    provider: Organisation,
    started_on: date,
    programme_name: str = "",
) -> EducatorCandidacy:
    """Record that `candidate` works towards a PEPS stage on `provider`'s programme, with a
    current stage 2 practice educator as their mentor."""
    _may_record_for(by, provider)
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    held = stages_of(candidate)
    if stage not in PepsStage.values:
        fail("stage", "Choose the PEPS stage they are working towards")
    elif stage in held:
        fail("stage", f"{candidate} already has {PepsStage(stage).label}")
    elif stage == PepsStage.STAGE_2 and PepsStage.STAGE_1 not in held:
        fail(
            "stage", f"Stage 2 builds on stage 1: {candidate} has no stage 1 award on the register"
        )
    elif EducatorCandidacy.objects.filter(
        candidate=candidate, stage=stage, award__isnull=True, withdrawn_on__isnull=True
    ).exists():
        fail("stage", f"{candidate} is already working towards {PepsStage(stage).label}")
    if not isinstance(started_on, date):
        fail("started_on", "Enter the date they started")
    if mentor is None:
        fail("mentor", "Choose a mentor")
    elif mentor.pk == candidate.pk:
        fail("mentor", "A candidate cannot mentor themselves")
    elif PepsStage.STAGE_2 not in stages_of(mentor):
        fail("mentor", f"{mentor} has no PEPS stage 2 award on the register: a mentor needs one")
    elif currency_of(mentor).is_lapsed:
        fail("mentor", f"{mentor} has lapsed as a practice educator: choose a current mentor")
    if errors:
        raise ValidationError(errors)
    candidacy = EducatorCandidacy.objects.create(
        candidate=candidate,
        stage=stage,
        mentor=mentor,
        provider=provider,
        programme_name=programme_name,
        started_on=started_on,
        recorded_by=by,
    )
    log_access(
        actor=by,
        obj=candidacy,
        owner=candidate,
        action=AccessEvent.Action.CHANGE,
        organisation=provider,
        change=f"working towards PEPS stage {stage}, mentored",
    )
    return candidacy


@transaction.atomic
def withdraw_candidacy(*, by, candidacy: EducatorCandidacy, on: date | None = None):
    """Record that the candidate no longer works towards the stage (their choice, or the
    course's). Only an open candidacy is withdrawn, by whoever may record for its provider."""
    _may_record_for(by, candidacy.provider)
    candidacy = EducatorCandidacy.objects.select_for_update().get(pk=candidacy.pk)
    if not candidacy.is_open:
        raise ValidationError("This candidacy has already ended.")
    candidacy.withdrawn_on = on or timezone.localdate()
    candidacy.save(update_fields=["withdrawn_on"])
    log_access(
        actor=by,
        obj=candidacy,
        owner=candidacy.candidate,
        action=AccessEvent.Action.CHANGE,
        organisation=candidacy.provider,
        change=f"candidacy for PEPS stage {candidacy.stage} withdrawn",
    )
    return candidacy


# ---------------------------------------------------------------------------------------------
# The register page and the educator's own record


@dataclasses.dataclass
class Row:
    educator: object
    awards: list
    currency: Currency
    placements: list  # supported placements of the programme, newest first
    elsewhere: int  # supported placements on other programmes
    candidacies: list  # open, as candidate
    mentees: list  # open candidacies they mentor


def programmes_for_register(user):
    """The programmes whose register `user` reads: those of HEIs where they are placement lead
    (`rules.educator_register_programmes`)."""
    return rules.educator_register_programmes(user).select_related("hei").order_by("name", "pk")


def register_rows(programme: Programme, *, on: date | None = None) -> tuple[list[Row], list]:
    """Everyone on `programme`'s register: practice educators and co-assessors of its
    placements, people the HEI awarded a stage, its candidates and their mentors; and the
    open candidacies. A fixed number of queries, whatever the number of people."""
    on = on or timezone.localdate()
    hei = programme.hei
    candidacies = list(
        EducatorCandidacy.objects.filter(
            provider=hei, award__isnull=True, withdrawn_on__isnull=True
        ).select_related("candidate", "mentor")
    )
    programme_placements = Placement.objects.filter(cohort__programme=programme)
    ids = (
        set(programme_placements.values_list("practice_educator", flat=True))
        | set(
            programme_placements.filter(co_assessor__isnull=False).values_list(
                "co_assessor", flat=True
            )
        )
        | set(EducatorAward.objects.filter(awarded_by=hei).values_list("educator", flat=True))
        | {c.candidate_id for c in candidacies}
        | {c.mentor_id for c in candidacies}
    )
    awards = defaultdict(list)
    people = {}
    for award in EducatorAward.objects.filter(educator__in=ids).select_related(
        "educator", "awarded_by"
    ):
        awards[award.educator_id].append(award)
        people[award.educator_id] = award.educator
    supported = list(
        supported_placements(ids)
        .exclude(status__in=(Placement.Status.WITHDRAWN, Placement.Status.CANCELLED))
        .select_related(
            "student", "practice_educator", "co_assessor", "provider_team__organisation", "cohort"
        )
        .order_by("-starts_on", "pk")
    )
    for p in supported:
        for person in (p.practice_educator, p.co_assessor):
            if person is not None and person.pk in ids:
                people.setdefault(person.pk, person)
    for c in candidacies:
        people.setdefault(c.candidate_id, c.candidate)
        people.setdefault(c.mentor_id, c.mentor)
    rows = []
    for pk, person in people.items():
        mine = [p for p in supported if pk in (p.practice_educator_id, p.co_assessor_id)]
        rows.append(
            Row(
                educator=person,
                awards=sorted(awards.get(pk, []), key=lambda a: a.stage),
                currency=judge(
                    awards=awards.get(pk, []),
                    last_practice_on=last_practice(mine, pk, on),
                    years=programme.peps_currency_years,
                    on=on,
                ),
                placements=[p for p in mine if p.cohort.programme_id == programme.pk],
                elsewhere=sum(1 for p in mine if p.cohort.programme_id != programme.pk),
                candidacies=[c for c in candidacies if c.candidate_id == pk],
                mentees=[c for c in candidacies if c.mentor_id == pk],
            )
        )
    rows.sort(key=lambda r: (r.educator.last_name, r.educator.first_name, r.educator.pk))
    return rows, candidacies


@dataclasses.dataclass
class Record:
    awards: list
    currencies: list  # (programme name or "", Currency), one per programme they educate on
    placements: list
    candidacies: list
    mentees: list

    @property
    def is_empty(self) -> bool:
        return not (self.awards or self.placements or self.candidacies or self.mentees)


def record_of(user, *, on: date | None = None) -> Record:
    """The person's own record: their awards, currency under each programme they have
    supported placements of (or the default period), the placements they supported and their
    candidacies, as candidate and as mentor."""
    on = on or timezone.localdate()
    awards = list(
        EducatorAward.objects.filter(educator=user).select_related("awarded_by").order_by("stage")
    )
    placements = list(
        supported_placements([user.pk])
        .exclude(status__in=(Placement.Status.WITHDRAWN, Placement.Status.CANCELLED))
        .select_related("student", "provider_team__organisation", "cohort__programme")
        .order_by("-starts_on", "pk")
    )
    last = last_practice(placements, user.pk, on)
    programmes = {p.cohort.programme.pk: p.cohort.programme for p in placements}
    currencies = [
        (p.name, judge(awards=awards, last_practice_on=last, years=p.peps_currency_years, on=on))
        for p in sorted(programmes.values(), key=lambda p: (p.name, p.pk))
    ] or [("", judge(awards=awards, last_practice_on=last, years=DEFAULT_CURRENCY_YEARS, on=on))]
    candidacies = list(
        EducatorCandidacy.objects.filter(Q(candidate=user) | Q(mentor=user))
        .filter(award__isnull=True, withdrawn_on__isnull=True)
        .select_related("candidate", "mentor", "provider")
    )
    return Record(
        awards=awards,
        currencies=currencies,
        placements=placements,
        candidacies=[c for c in candidacies if c.candidate_id == user.pk],
        mentees=[c for c in candidacies if c.mentor_id == user.pk],
    )


def has_record(user) -> bool:
    """Whether the person has a practice educator record to see (one query): an award, a
    candidacy, a mentee, or a practice educator role."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(
            Q(peps_awards__isnull=False)
            | Q(peps_candidacies__isnull=False)
            | Q(peps_mentees__isnull=False)
            | Q(memberships__role=Role.PRACTICE_EDUCATOR)
        )
        .exists()
    )


def partner_practitioners(hei):
    """People working in practice today at an employer in partnership with `hei`: whom its
    placement leads may record an award for (besides those already on its register)."""
    from .models import Partnership
    from .rules import SUPERVISOR_ROLES

    return (
        Membership.objects.active()
        .filter(
            role__in=SUPERVISOR_ROLES,
            organisation__in=Partnership.objects.filter(hei=hei).values("employers"),
        )
        .values("user")
    )
