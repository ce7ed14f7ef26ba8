"""Proposing a placement and agreeing it.

Concurrency: proposing locks the student's row and the student unit's row, so two proposals at
once cannot both slip past the overlap and capacity checks; agreeing locks the placement row.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from organisations.models import Organisation, PepsStage, Role

from . import rules
from .capacity_models import PlacementOffer
from .currency import currency_of, lapse_refusal
from .models import (
    Cohort,
    DesignationKind,
    Placement,
    PlacementKind,
    SettingType,
    StudentUnit,
)
from .offers import offer_problems
from .steps import (
    HEI_SIDE,
    PROVIDER_SIDE,
    SIDE_LEADS,
    SIDE_NAMES,
    SUPERVISOR_ROLES,
    Status,
    _active,
    _check,
    _day,
    _lock,
    _log_change,
    _status_change,
    has_agreed,
    sides_to_agree,
)

# ---------------------------------------------------------------------------------------------
# Proposing


def peps_stage_of(user, on: date | None = None) -> int | None:
    """The highest PEPS stage among the person's current practice educator roles."""
    return (
        _active(on)
        .filter(user=user, role=Role.PRACTICE_EDUCATOR, peps_stage__isnull=False)
        .aggregate(stage=Max("peps_stage"))["stage"]
    )


@transaction.atomic
def propose_placement(
    *,
    by,
    student,
    cohort: Cohort,
    provider_team,
    practice_educator,
    hei_tutor,
    kind: str,
    setting_type: str,
    starts_on: date,
    ends_on: date,
    onsite_supervisor=None,
    co_assessor=None,
    unit: StudentUnit | None = None,
    offer: PlacementOffer | None = None,
) -> Placement:
    """Propose a placement. Only a placement lead of the cohort's HEI or of the provider does.
    With an `offer`, the placement takes one of its places (`offers.offer_problems` says when
    it cannot, on the field "offer").

    Every problem found is reported at once, each on the field it concerns."""
    provider: Organisation = provider_team.organisation
    hei: Organisation = cohort.programme.hei
    leads = set(rules.placement_lead_organisations(by).values_list("pk", flat=True))
    if not {provider.pk, hei.pk} & leads:
        raise PermissionDenied(
            "Only a placement lead of the student's HEI or of the provider proposes a placement."
        )

    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    dates_ok = bool(starts_on and ends_on)
    if not starts_on:
        fail("starts_on", "Enter the start date")
    if not ends_on:
        fail("ends_on", "Enter the end date")
    if dates_ok and ends_on <= starts_on:
        fail("ends_on", "The end date must be after the start date")
        dates_ok = False
    if kind not in PlacementKind.values:
        fail("kind", "Choose the kind of placement")
    elif kind == PlacementKind.SKILLS:
        fail(
            "kind",
            "Skills days are not a placement: the university logs them on the student's programme",
        )
    if setting_type not in SettingType.values:
        fail("setting_type", "Choose the kind of setting")
    if not provider.is_employer:
        fail("provider_team", "A placement is with a team of an employer")
    elif (
        kind == PlacementKind.FINAL
        and cohort.programme.final_needs_designation
        and not designation_status(provider)
    ):
        fail(
            "provider_team",
            f"{provider} is not a current Approved Practice Setting or teaching organisation, "
            f"which {cohort.programme.name} requires for a final placement",
        )
    if not cohort.students.filter(pk=student.pk).exists():
        fail("student", f"{student} is not a student in {cohort}")
    if not _active().filter(user=hei_tutor, organisation=hei, role=Role.HEI_TUTOR).exists():
        fail("hei_tutor", f"{hei_tutor} is not a current HEI tutor at {hei}")

    stage = peps_stage_of(practice_educator)
    if stage is None:
        fail(
            "practice_educator",
            f"{practice_educator} does not hold a current practice educator role with a PEPS stage",
        )
    elif practice_educator.pk == student.pk:
        fail("practice_educator", "A student cannot be their own practice educator")
    if co_assessor is not None:
        if co_assessor.pk == practice_educator.pk:
            fail("co_assessor", "The co-assessor must be someone other than the practice educator")
        elif peps_stage_of(co_assessor) != PepsStage.STAGE_2:
            fail("co_assessor", f"{co_assessor} is not a current PEPS stage 2 practice educator")
        elif currency_of(co_assessor, years=cohort.programme.peps_currency_years).is_lapsed:
            fail(
                "co_assessor",
                f"{co_assessor} has lapsed as a practice educator: choose a current co-assessor",
            )
    # A lapsed educator (an award, no recent practice education) may educate, co-assessed.
    if stage is not None and co_assessor is None:
        lapsed = lapse_refusal(practice_educator, cohort.programme)
        if lapsed:
            fail("practice_educator", lapsed)
    if kind == PlacementKind.FINAL and stage == PepsStage.STAGE_1 and co_assessor is None:
        fail(
            "co_assessor",
            "A PEPS stage 1 practice educator cannot be the sole assessor of a final placement: "
            "add a stage 2 practice educator as co-assessor",
        )

    works_there = _active().filter(user=practice_educator, organisation=provider).exists()
    if onsite_supervisor is not None:
        if not (
            _active()
            .filter(user=onsite_supervisor, organisation=provider, role__in=SUPERVISOR_ROLES)
            .exists()
        ):
            fail("onsite_supervisor", f"The on-site supervisor must work in practice at {provider}")
    elif not works_there:
        fail(
            "onsite_supervisor",
            f"{practice_educator} does not work at {provider}, so the student needs an on-site "
            f"supervisor from {provider}",
        )

    # Lock the student, so two proposals for them at once cannot both pass the overlap check.
    User.objects.select_for_update().filter(pk=student.pk).first()
    if dates_ok:
        clash = (
            Placement.objects.filter(
                student=student, starts_on__lte=ends_on, ends_on__gte=starts_on
            )
            .exclude(status__in=Placement.EXITS)
            .order_by("starts_on")
            .first()
        )
        if clash is not None:
            fail(
                "starts_on",
                f"{student} already has a placement from {_day(clash.starts_on)} to "
                f"{_day(clash.ends_on)}, which overlaps these dates",
            )

    if unit is not None:
        unit = StudentUnit.objects.select_for_update().select_related("team").get(pk=unit.pk)
        if unit.team_id != provider_team.pk:
            fail("unit", f"{unit} is not part of {provider_team}")
        elif dates_ok:
            busiest = unit_occupancy(unit, starts_on, ends_on)
            if busiest + 1 > unit.capacity:
                fail(
                    "unit",
                    f"{unit} takes {unit.capacity} student{'s' if unit.capacity != 1 else ''} at "
                    f"a time and already has {busiest} placed during these dates",
                )

    if offer is not None:
        for problem in offer_problems(
            offer,
            provider_team=provider_team,
            cohort=cohort,
            kind=kind,
            setting_type=setting_type,
            starts_on=starts_on if dates_ok else None,
            ends_on=ends_on if dates_ok else None,
        ):
            fail("offer", problem)

    if errors:
        raise ValidationError(errors)
    # Proposing counts as the proposer's own side agreeing (the HEI's, if they lead both).
    side = HEI_SIDE if hei.pk in leads else PROVIDER_SIDE
    now = timezone.now()
    return Placement.objects.create(
        proposed_by=by,
        **{f"{side}_agreed_by": by, f"{side}_agreed_at": now},
        student=student,
        cohort=cohort,
        provider_team=provider_team,
        unit=unit,
        practice_educator=practice_educator,
        practice_educator_stage=stage,
        co_assessor=co_assessor,
        onsite_supervisor=onsite_supervisor,
        hei_tutor=hei_tutor,
        kind=kind,
        setting_type=setting_type,
        days_required=cohort.programme.days_for(kind),
        starts_on=starts_on,
        ends_on=ends_on,
        offer=offer,
    )


def unit_occupancy(unit: StudentUnit, starts_on: date, ends_on: date, *, exclude=None) -> int:
    """The most students placed in the unit on any one day between the two dates (placements
    that ended early, were withdrawn or were cancelled do not count)."""
    others = Placement.objects.filter(
        unit=unit, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).exclude(status__in=Placement.EXITS)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    spans = list(others.values_list("starts_on", "ends_on"))
    # The busiest day in the range is the start of the range or the day one of them starts.
    days = {starts_on} | {start for start, _end in spans if start > starts_on}
    return max((sum(1 for s, e in spans if s <= day <= e) for day in days), default=0)


def designation_status(organisation) -> list[str]:
    """The designations the organisation holds today, by name (empty if none): shown when a
    placement is proposed, and required for a final placement where the programme says so."""
    from .designations import current_designation

    return [kind.label for kind in DesignationKind if current_designation(organisation, kind.value)]


@transaction.atomic
def agree(*, placement: Placement, by) -> Placement:
    """Agree the placement for one side (the provider or the HEI). It is agreed once both sides
    have; one person's click counts for one side only, and the proposer's side agreed when
    they proposed."""
    _lock(placement)
    roles = _check("agree", by, placement)
    sides = sides_to_agree(by, placement, roles)
    if not sides:
        mine = [s for s in SIDE_LEADS if getattr(placement, f"{s}_agreed_by_id") == by.pk]
        if mine:
            others = [SIDE_NAMES[s] for s in SIDE_LEADS if s not in mine]
            raise PermissionDenied(
                f"You have agreed for {SIDE_NAMES[mine[0]]}: a placement lead of "
                f"{' and '.join(others)} agrees for them."
            )
        raise PermissionDenied(
            "Your side has already agreed: the placement waits for the other side."
        )
    side = sides[0]
    setattr(placement, f"{side}_agreed_by", by)
    setattr(placement, f"{side}_agreed_at", timezone.now())
    fields = [f"{side}_agreed_by", f"{side}_agreed_at"]
    before = placement.status
    if all(has_agreed(placement, s) for s in SIDE_LEADS):
        placement.status = Status.AGREED
        fields.append("status")
    placement.save(update_fields=fields)
    change = f"agreed for {SIDE_NAMES[side]}"
    if placement.status != before:
        change += f"; {_status_change(placement, before)}"
    _log_change(placement, by, roles, change)
    return placement
