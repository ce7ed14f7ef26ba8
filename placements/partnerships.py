"""The yearly review of a teaching partnership. Every rule lives here; views only collect input.

Each side (the HEI and each employer) rates every area red, amber or green, with an optional
comment, and submits. Until every side has submitted, a side sees only its own ratings, so no
side's view is shaped by another's. Once all have submitted, everyone in the partnership sees
all the sides together and records the actions they agree.

Only the placement leads and admins of a side's organisation write and submit its ratings.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from organisations.models import Membership, Organisation

from .models import ActionItem, Partnership, PartnershipReview, PartnershipSide
from .rules import SIDE_ROLES, organisations_where, partnerships_of

AREAS = Partnership.Area
RATINGS = PartnershipReview.Rating
COMMENT_MAX = 2000
FIRST_YEAR = 2000


def valid_year(year: int, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return FIRST_YEAR <= year <= today.year + 1


def partnership_organisations(partnership: Partnership):
    return Organisation.objects.filter(pk__in=[partnership.hei_id, *_employer_ids(partnership)])


def _employer_ids(partnership: Partnership) -> list[int]:
    return list(partnership.employers.values_list("pk", flat=True))


def is_complete(review: PartnershipReview) -> bool:
    """Whether every side has submitted."""
    sides = list(review.sides.values_list("submitted_at", flat=True))
    return bool(sides) and all(sides)


@transaction.atomic
def review_for(*, partnership: Partnership, year: int) -> PartnershipReview:
    """The partnership's review for `year`, with a side for the HEI and each employer. An employer
    that joins during the year gets a side too, unless every side has already submitted (it then
    takes part from next year)."""
    if not valid_year(year):
        raise ValidationError(f"There is no review for {year}.")
    review, created = PartnershipReview.objects.get_or_create(partnership=partnership, year=year)
    if not created:
        review = PartnershipReview.objects.select_for_update().get(pk=review.pk)
        if is_complete(review):
            return review
    have = set(review.sides.values_list("organisation_id", flat=True))
    for organisation_id in [partnership.hei_id, *_employer_ids(partnership)]:
        if organisation_id not in have:
            PartnershipSide.objects.get_or_create(review=review, organisation_id=organisation_id)
            have.add(organisation_id)
    return review


def sides_of(user, review: PartnershipReview) -> list[PartnershipSide]:
    """The sides `user` writes for: those of organisations where they are a placement lead or
    an admin."""
    organisations = organisations_where(user, *SIDE_ROLES)
    return list(
        review.sides.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def _side(review: PartnershipReview, organisation, by) -> PartnershipSide:
    if not organisations_where(by, *SIDE_ROLES).filter(pk=organisation.pk).exists():
        raise PermissionDenied("Only the organisation's placement leads and admins do that.")
    side = (
        PartnershipSide.objects.select_for_update()
        .filter(review=review, organisation=organisation)
        .first()
    )
    if side is None:
        raise PermissionDenied(f"{organisation} is not a side of this review.")
    if side.submitted_at is not None:
        raise ValidationError(f"{organisation}'s ratings are submitted and can no longer change.")
    return side


def clean_ratings(ratings) -> dict:
    """Every area rated red, amber or green, comments optional; nothing else. Errors are keyed
    by area."""
    if not isinstance(ratings, dict):
        raise ValidationError("Rate every area.")
    errors = {}
    unknown = sorted(set(ratings) - set(AREAS.values))
    if unknown:
        errors["__all__"] = f"These are not areas of the review: {', '.join(unknown)}"
    cleaned = {}
    for area in AREAS:
        entry = ratings.get(area.value) or {}
        if not isinstance(entry, dict):
            entry = {"rating": entry}
        rating = entry.get("rating") or ""
        comment = str(entry.get("comment") or "").strip()
        if rating not in RATINGS.values:
            errors[area.value] = f"Rate {area.label.lower()} red, amber or green"
        elif len(comment) > COMMENT_MAX:
            errors[area.value] = (
                f"Keep the comment on {area.label.lower()} to {COMMENT_MAX} characters"
            )
        else:
            cleaned[area.value] = {"rating": rating, "comment": comment}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def save_side(*, review: PartnershipReview, organisation, by, ratings: dict) -> PartnershipSide:
    side = _side(review, organisation, by)
    side.ratings = clean_ratings(ratings)
    side.save(update_fields=["ratings"])
    return side


@transaction.atomic
def submit_side(
    *, review: PartnershipReview, organisation, by, ratings: dict | None = None
) -> PartnershipSide:
    """Submit the side's ratings (saving `ratings` first, if given). Submitted ratings are final."""
    side = _side(review, organisation, by)
    side.ratings = clean_ratings(side.ratings if ratings is None else ratings)
    side.submitted_at = timezone.now()
    side.submitted_by = by
    side.save(update_fields=["ratings", "submitted_at", "submitted_by"])
    return side


def visible_sides(*, review: PartnershipReview, user) -> list[PartnershipSide]:
    """The sides whose ratings `user` may read: their own always, the others only once every side
    has submitted. Anyone else in the partnership sees all sides once complete, nothing before;
    people outside it see nothing."""
    if not partnerships_of(user).filter(pk=review.partnership_id).exists():
        return []
    own = sides_of(user, review)
    if is_complete(review):
        return list(review.sides.select_related("organisation").order_by("organisation__name"))
    return own


# ---------------------------------------------------------------------------------------------
# Agreed actions


def possible_owners(review: PartnershipReview):
    """People who can own an action: the placement leads and admins of the partnership's
    organisations."""
    from accounts.models import User

    return User.objects.filter(
        pk__in=Membership.objects.active()
        .filter(organisation__in=partnership_organisations(review.partnership), role__in=SIDE_ROLES)
        .values("user")
    ).order_by("last_name", "first_name", "email")


@transaction.atomic
def add_action(*, review: PartnershipReview, by, text: str, owner, due_on: date) -> ActionItem:
    review = PartnershipReview.objects.select_for_update().get(pk=review.pk)
    if not sides_of(by, review):
        raise PermissionDenied("Only the partnership's placement leads and admins agree actions.")
    if not is_complete(review):
        raise ValidationError("Actions are agreed once every side has submitted its ratings.")
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = "Describe the action"
    provider = None
    if owner is None:
        errors["owner"] = "Choose who owns the action"
    else:
        provider = (
            partnership_organisations(review.partnership)
            .filter(
                pk__in=Membership.objects.active()
                .filter(user=owner, role__in=SIDE_ROLES)
                .values("organisation")
            )
            .order_by("name")
            .first()
        )
        if provider is None:
            errors["owner"] = "The owner must be a placement lead or admin in the partnership"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    elif due_on < timezone.localdate():
        errors["due_on"] = "The due date must be today or later"
    if errors:
        raise ValidationError(errors)
    return ActionItem.objects.create(
        review=review, provider=provider, text=text, owner=owner, due_on=due_on
    )
