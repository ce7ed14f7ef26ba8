"""Capacity: the placement offers a provider publishes for a term, the places proposed
placements take, and an HEI's view of the offers against its cohort's demand.

* An offer is one team's places for one term, of one kind (first or final: how long is each
  student's programme's setting) in one kind of setting (statutory or not follows from it).
* A proposed placement may take a place on an offer (`offer_problems`, asked by
  `agreement.propose_placement`): same team, same kind and setting, dates within the offer's,
  and a place left. A placement keeps its place while it is proposed, agreed, in progress,
  completed or ended early (the place was used that term); withdrawing or cancelling it gives
  the place back.
* The placement lead deletes an offer no placement was ever proposed on (`delete_offer`); one
  with placements stays on their records and is closed instead (`close_offer`: its places
  become those taken).
* Demand (`demand_against_offers`): the students of a cohort still to be placed on each kind,
  how many of them have no statutory placement yet where the programme asks for one, against
  the places offered, taken and left that term by the employers in partnership with the HEI.

Who may do what is in `rules` (`offer_providers_of`, `offer_heis_of`, `offers_visible_to`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.dateformat import format as format_date

from . import rules
from .capacity_models import OFFER_KINDS, PlacementOffer
from .models import STATUTORY_SETTINGS, Cohort, Placement, PlacementKind, SettingType

# Placements in these states have given their place back.
GIVES_PLACE_BACK = (Placement.Status.WITHDRAWN, Placement.Status.CANCELLED)
MAX_PLACES = 50


def _day(value: date) -> str:
    return format_date(value, "j F Y")


def _places(count: int) -> str:
    return f"{count} place{'' if count == 1 else 's'}"


def taking_places() -> QuerySet[Placement]:
    return Placement.objects.exclude(status__in=GIVES_PLACE_BACK)


def with_places(offers: QuerySet[PlacementOffer]) -> QuerySet[PlacementOffer]:
    """Offers annotated with `taken` (places held by placements) and `has_placements` (any
    placement proposed on it, even one that gave its place back) in the same query."""
    taken = (
        taking_places()
        .filter(offer=OuterRef("pk"))
        .order_by()
        .values("offer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return offers.annotate(
        taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0)),
        has_placements=Exists(Placement.objects.filter(offer=OuterRef("pk"))),
    ).select_related("team__organisation")


def places_taken(offer: PlacementOffer, *, exclude: Placement | None = None) -> int:
    placements = taking_places().filter(offer=offer)
    if exclude is not None:
        placements = placements.exclude(pk=exclude.pk)
    return placements.count()


# ---------------------------------------------------------------------------------------------
# Publishing


def _offer_errors(*, team, term, starts_on, ends_on, kind, setting_type, capacity) -> dict:
    errors: dict[str, str] = {}
    if team is None:
        errors["team"] = "Choose the team offering the places"
    if not (term or "").strip():
        errors["term"] = "Enter the term, such as Autumn 2027"
    if not starts_on:
        errors["starts_on"] = "Enter the date placements start from"
    if not ends_on:
        errors["ends_on"] = "Enter the date placements end by"
    elif starts_on and ends_on <= starts_on:
        errors["ends_on"] = "The end date must be after the start date"
    if kind not in dict(OFFER_KINDS):
        errors["kind"] = "Choose first or final placement"
    if setting_type not in SettingType.values:
        errors["setting_type"] = "Choose the kind of setting"
    if capacity is None or not 1 <= capacity <= MAX_PLACES:
        errors["capacity"] = f"Enter a number of places from 1 to {MAX_PLACES}"
    return errors


@transaction.atomic
def publish_offer(
    *,
    by,
    team,
    term: str,
    starts_on: date,
    ends_on: date,
    kind: str,
    setting_type: str,
    capacity: int,
) -> PlacementOffer:
    """A placement lead of the team's employer publishes an offer of places for a term."""
    if (
        team is not None
        and not rules.offer_providers_of(by).filter(pk=team.organisation_id).exists()
    ):
        raise PermissionDenied("Only a placement lead of the team's employer offers its places.")
    errors = _offer_errors(
        team=team,
        term=term,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        setting_type=setting_type,
        capacity=capacity,
    )
    if errors:
        raise ValidationError(errors)
    return PlacementOffer.objects.create(
        team=team,
        term=term.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        setting_type=setting_type,
        capacity=capacity,
        published_by=by,
    )


@transaction.atomic
def change_capacity(*, offer: PlacementOffer, by, capacity: int | None) -> PlacementOffer:
    """Change how many places an offer has; never below the places already taken."""
    offer = PlacementOffer.objects.select_for_update().get(pk=offer.pk)
    if not _lead_of(offer, by):
        raise PermissionDenied("Only a placement lead of the team's employer changes its offer.")
    taken = places_taken(offer)
    if capacity is None or not 0 <= capacity <= MAX_PLACES:
        raise ValidationError({"capacity": f"Enter a number of places from 0 to {MAX_PLACES}"})
    if capacity < taken:
        raise ValidationError(
            {
                "capacity": f"{_places(taken)} already taken by proposed or agreed placements: "
                f"enter {taken} or more"
            }
        )
    offer.capacity = capacity
    offer.save(update_fields=["capacity"])
    return offer


def _lead_of(offer: PlacementOffer, by) -> bool:
    return rules.offer_providers_of(by).filter(pk=offer.team.organisation_id).exists()


@transaction.atomic
def delete_offer(*, offer: PlacementOffer, by) -> None:
    """Delete an offer no placement has taken a place on (a withdrawn or cancelled one counts:
    it keeps its offer). One that has placements is closed instead (`close_offer`)."""
    offer = PlacementOffer.objects.select_for_update().get(pk=offer.pk)
    if not _lead_of(offer, by):
        raise PermissionDenied("Only a placement lead of the team's employer deletes its offer.")
    if offer.placements.exists():
        raise ValidationError(
            f"Placements have been proposed on this offer ({offer.placements.count()}), so it "
            "cannot be deleted: close it instead"
        )
    offer.delete()


@transaction.atomic
def close_offer(*, offer: PlacementOffer, by) -> PlacementOffer:
    """Close an offer to new placements: its places become the places already taken."""
    offer = PlacementOffer.objects.select_for_update().get(pk=offer.pk)
    if not _lead_of(offer, by):
        raise PermissionDenied("Only a placement lead of the team's employer closes its offer.")
    taken = places_taken(offer)
    if offer.capacity <= taken:
        raise ValidationError(f"{offer} is already closed: every place is taken")
    offer.capacity = taken
    offer.save(update_fields=["capacity"])
    return offer


# ---------------------------------------------------------------------------------------------
# Taking a place


def offer_problems(
    offer: PlacementOffer,
    *,
    provider_team,
    cohort: Cohort,
    kind: str,
    setting_type: str,
    starts_on: date | None,
    ends_on: date | None,
    exclude: Placement | None = None,
) -> list[str]:
    """Why the placement cannot take a place on the offer (empty if it can). Locks the offer's
    row first, so two proposals at once cannot both take its last place."""
    offer = (
        PlacementOffer.objects.select_for_update()
        .select_related("team__organisation")
        .get(pk=offer.pk)
    )
    problems = []
    if not rules.offers_open_to(cohort.programme.hei).filter(pk=offer.pk).exists():
        problems.append(
            f"{offer.provider} is not in a teaching partnership with {cohort.programme.hei}, "
            "so its offers are not open to its students"
        )
    if provider_team is not None and provider_team.pk != offer.team_id:
        problems.append(
            f"This offer is {offer.team.name} at {offer.provider}'s, not {provider_team.name} "
            f"at {provider_team.organisation}'s"
        )
    if kind and kind != offer.kind:
        problems.append(
            f"This offer is for a {offer.get_kind_display().lower()}, not a "
            f"{PlacementKind(kind).label.lower() if kind in PlacementKind.values else kind}"
        )
    if setting_type and setting_type != offer.setting_type:
        problems.append(
            f"This offer is in {offer.get_setting_type_display().lower()}, not the kind of "
            "setting chosen"
        )
    if starts_on and ends_on and (starts_on < offer.starts_on or ends_on > offer.ends_on):
        problems.append(
            f"This offer is for {offer.term}, from {_day(offer.starts_on)} to "
            f"{_day(offer.ends_on)}: the placement's dates fall outside it"
        )
    taken = places_taken(offer, exclude=exclude)
    if taken >= offer.capacity:
        problems.append(
            f"This offer is full: {taken} of {_places(offer.capacity)} taken for {offer.term}"
        )
    return problems


# ---------------------------------------------------------------------------------------------
# Offers against demand, for an HEI's placement lead


@dataclass
class KindRow:
    """One kind of placement (first or final) for the cohort in the term."""

    kind: str
    label: str
    to_place: int = 0
    to_place_statutory: int = 0
    offers: int = 0
    offered: int = 0
    taken: int = 0
    statutory_left: int = 0

    @property
    def left(self) -> int:
        return max(self.offered - self.taken, 0)

    @property
    def shortfall(self) -> int:
        return max(self.to_place - self.left, 0)

    @property
    def statutory_shortfall(self) -> int:
        return max(self.to_place_statutory - self.statutory_left, 0)


@dataclass
class ProviderRow:
    """One employer's places left that term, by kind."""

    name: str
    first_left: int = 0
    final_left: int = 0
    statutory_left: int = 0
    offered: int = 0


@dataclass
class Demand:
    cohort: Cohort
    term: str
    students: int
    statutory_required: bool
    rows: list[KindRow] = field(default_factory=list)
    providers: list[ProviderRow] = field(default_factory=list)


def terms_open_to(heis) -> list[str]:
    """The terms with offers open to these HEIs, earliest first (one query)."""
    first_start: dict[str, date] = {}
    offers = PlacementOffer.objects.filter(team__organisation__partnerships__hei__in=heis)
    for term, starts_on in offers.values_list("term", "starts_on").order_by("starts_on"):
        first_start.setdefault(term, starts_on)
    return sorted(first_start, key=lambda term: (first_start[term], term))


def demand_against_offers(*, cohort: Cohort, term: str) -> Demand:
    """The cohort's students still to be placed on each kind of placement, against the places
    the HEI's partner employers offer in the term (three queries).

    A student is still to be placed on a kind while they have no placement of that kind on the
    programme that is proposed, agreed, in progress or completed (one that ended early, was
    withdrawn or was cancelled leaves them to place again). Where the programme requires a
    placement with statutory tasks, those of them with no such placement (in any state but
    those) are counted as needing a statutory one."""
    programme = cohort.programme
    student_ids = list(cohort.students.values_list("pk", flat=True))
    held = (
        Placement.objects.filter(student__in=student_ids, cohort__programme=programme)
        .exclude(status__in=Placement.EXITS)
        .values_list("student_id", "kind", "setting_type")
    )
    kinds_held: dict[int, set[str]] = defaultdict(set)
    statutory_held: set[int] = set()
    for student, kind, setting in held:
        kinds_held[student].add(kind)
        if setting in STATUTORY_SETTINGS:
            statutory_held.add(student)

    rows = {
        kind: KindRow(kind, f"{label} ({programme.days_for(kind)} days)")
        for kind, label in OFFER_KINDS
    }
    for student in student_ids:
        for kind, row in rows.items():
            if kind not in kinds_held[student]:
                row.to_place += 1
                if programme.statutory_placement_required and student not in statutory_held:
                    row.to_place_statutory += 1

    providers: dict[int, ProviderRow] = {}
    offers = with_places(rules.offers_open_to(programme.hei).filter(term=term)).order_by(
        "team__organisation__name", "team__name", "pk"
    )
    for offer in offers:
        left = max(offer.capacity - offer.taken, 0)
        row = rows[offer.kind]
        row.offers += 1
        row.offered += offer.capacity
        row.taken += min(offer.taken, offer.capacity)
        provider = providers.setdefault(
            offer.team.organisation_id, ProviderRow(str(offer.team.organisation))
        )
        provider.offered += offer.capacity
        setattr(provider, f"{offer.kind}_left", getattr(provider, f"{offer.kind}_left") + left)
        if offer.is_statutory:
            row.statutory_left += left
            provider.statutory_left += left
    return Demand(
        cohort=cohort,
        term=term,
        students=len(student_ids),
        statutory_required=programme.statutory_placement_required,
        rows=list(rows.values()),
        providers=list(providers.values()),
    )


def offers_with_places_for(user) -> QuerySet[PlacementOffer]:
    """Offers `user` may choose from when proposing a placement, with places counted."""
    return with_places(rules.offers_visible_to(user)).filter(~Q(capacity=0))
