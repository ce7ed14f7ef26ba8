"""The midpoint review: on each PCF domain, a judgement against the placement's level (our own
four-point scale, `MidpointReview.SCALE`) and a comment. The practice educator, the co-assessor or
the HEI tutor records it while the placement is in progress (the `midpoint` step), after the
learning agreement meeting; recording it again replaces the judgements, and each recording is
kept in the student's access log. Saving it keeps its date on the placement
(`Placement.midpoint_review_on`), which the final report needs.

A concern found at the review is raised through `concerns` (any of the four parties)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from capabilities.models import FrameworkVersion, Item

from .learning import placement_level
from .lifecycle_models import MidpointReview
from .models import Placement
from .steps import _check, _iso, _lock, _log_change


def rating_field(domain) -> str:
    return f"domain_{domain.pk}"


def comment_field(domain) -> str:
    return f"comment_{domain.pk}"


def pcf_domains() -> list[Item]:
    """The domains of the current PCF, in order (empty if none is published)."""
    version = FrameworkVersion.objects.current("pcf")
    if version is None:
        return []
    return list(Item.objects.domains().filter(version=version).order_by("sort_order", "code"))


@transaction.atomic
def record_midpoint_review(
    *, placement: Placement, by, held_on: date | None, judgements: dict
) -> MidpointReview:
    """Record the midpoint review. `judgements` is {domain item: (scale index, comment)} for every
    domain of the current PCF; each missing judgement or comment is refused on its own field."""
    _lock(placement)
    roles = _check("midpoint", by, placement)
    errors: dict[str, str] = {}
    if not isinstance(held_on, date):
        errors["held_on"] = "Enter the date of the midpoint review"
    elif placement.learning_agreement_on and held_on < placement.learning_agreement_on:
        errors["held_on"] = "The midpoint review comes after the learning agreement meeting"
    if not placement.learning_agreement_on:
        errors["held_on"] = "Record the learning agreement before the midpoint review"
    by_pk = {domain.pk: value for domain, value in judgements.items()}
    stored = {}
    scale = MidpointReview.SCALE
    for domain in pcf_domains():
        rating, comment = by_pk.get(domain.pk, (None, ""))
        if not isinstance(rating, int) or not 0 <= rating < len(scale):
            errors[rating_field(domain)] = f"Choose a judgement for {domain.title}"
        if not (comment or "").strip():
            errors[comment_field(domain)] = f"Write a comment on {domain.title}"
        stored[str(domain.pk)] = {"rating": rating, "comment": (comment or "").strip()}
    if errors:
        raise ValidationError(errors)
    review, created = MidpointReview.objects.get_or_create(
        placement=placement, defaults={"held_on": held_on}
    )
    review.held_on = held_on
    review.level = placement_level(placement)
    review.judgements = stored
    review.recorded_by = by
    review.save()
    before = placement.midpoint_review_on
    placement.midpoint_review_on = held_on
    placement.save(update_fields=["midpoint_review_on"])
    change = "midpoint review " + ("recorded" if created else "changed")
    change += f": {_iso(before)} → {_iso(held_on)}"
    _log_change(placement, by, roles, change, obj=review)
    return review


def judgement_rows(review: MidpointReview | None) -> list[dict]:
    """Each domain with its judgement and comment, for reading."""
    if review is None:
        return []
    domains = {d.pk: d for d in Item.objects.filter(pk__in=[int(k) for k in review.judgements])}
    rows = []
    for key, value in review.judgements.items():
        domain = domains.get(int(key))
        rating = value.get("rating")
        rows.append(
            {
                "domain": domain,
                "rating": MidpointReview.SCALE[rating] if isinstance(rating, int) else "",
                "comment": value.get("comment", ""),
            }
        )
    rows.sort(key=lambda row: row["domain"].sort_order if row["domain"] else 0)
    return rows
