"""The demo teaching partnership (run first by `demo.ensure_demo_placements`: it is what lets
the students read feedback): the Northshire Teaching Partnership (University of Northshire with
Northshire and Brightpath). Last year's review is complete: every side submitted its ratings,
so everyone in the partnership sees them side by side, with the actions they agreed. This
year's review has Brightpath's side submitted and the others still to come. Safe to run again.
"""

from __future__ import annotations

from datetime import date, timedelta

from . import partnerships
from .models import Partnership, PartnershipSide

PARTNERSHIP_SLUG = "northshire-teaching-partnership"
PARTNERSHIP_NAME = "Northshire Teaching Partnership"
PARTNERSHIP_RATINGS = {
    "governance": ("green", "The partnership board meets each term with both sides present."),
    "admissions": ("amber", "Employer staff join interviews, but not every round yet."),
    "placements": ("green", "Enough placements were offered for every student this year."),
    "curriculum": ("amber", "Practitioners teach on two modules; we would like more."),
    "academics": ("amber", "Two academics spent time in practice teams this year."),
    "workforce": ("green", "Newly qualified workers move smoothly into the ASYE."),
}


# Last year's review, complete: each side's ratings (area: rating, comment), who submitted
# them, and the actions agreed once all were in (text, owner, days from today it is due).
LAST_YEAR = {
    "uni-northshire": (
        "hal.placements",
        {
            "governance": ("green", "The board met every term; minutes go to both sides."),
            "admissions": ("amber", "Practitioners sat on two of the four interview days."),
            "placements": ("amber", "Statutory placements were short in the spring term."),
            "curriculum": ("green", "Practitioners co-taught the assessment module."),
            "academics": ("red", "No academic spent time in a practice team this year."),
            "workforce": ("green", "Most graduates stayed with a partner employer for the ASYE."),
        },
    ),
    "northshire": (
        "lee.placements",
        {
            "governance": ("green", "The board is where decisions are made, not just reported."),
            "admissions": ("amber", "We could not release staff for every interview day."),
            "placements": ("amber", "Two teams paused placements while short of educators."),
            "curriculum": ("amber", "Our practitioners would like to teach more than one module."),
            "academics": ("red", "Academic time in practice fell through twice."),
            "workforce": ("green", "Eight graduates started their ASYE with us."),
        },
    ),
    "brightpath": (
        "cam.admin",
        {
            "governance": ("amber", "As a voluntary partner we were not always invited."),
            "admissions": ("green", "We joined every interview day we were asked to."),
            "placements": ("green", "Every place we offered was taken."),
            "curriculum": ("amber", "We have not yet taught on the programme."),
            "academics": ("amber", "One academic visited our family support team."),
            "workforce": ("green", "Two graduates joined us as newly qualified workers."),
        },
    ),
}
LAST_YEAR_ACTIONS = [
    ("Agree a term's academic time in practice with each employer.", "hal.placements", 60),
    ("Name a Brightpath member of the partnership board.", "cam.admin", 30),
]


def _ratings(ratings: dict) -> dict:
    return {area: {"rating": r, "comment": c} for area, (r, c) in ratings.items()}


def ensure_demo_partnership(orgs, people, today: date) -> None:
    partnership, created = Partnership.objects.get_or_create(
        slug=PARTNERSHIP_SLUG, defaults={"name": PARTNERSHIP_NAME, "hei": orgs["uni-northshire"]}
    )
    if created:
        partnership.employers.add(orgs["northshire"], orgs["brightpath"])
    _ensure_complete_review(partnership, orgs, people, today)
    review = partnerships.review_for(partnership=partnership, year=today.year)
    side = PartnershipSide.objects.get(review=review, organisation=orgs["brightpath"])
    if side.submitted_at is None:
        partnerships.submit_side(
            review=review,
            organisation=orgs["brightpath"],
            by=people["cam.admin"],
            ratings=_ratings(PARTNERSHIP_RATINGS),
        )


def _ensure_complete_review(partnership, orgs, people, today: date) -> None:
    """Last year's review with every side submitted, and the actions agreed after it."""
    review = partnerships.review_for(partnership=partnership, year=today.year - 1)
    if partnerships.is_complete(review):
        return
    for slug, (local, ratings) in LAST_YEAR.items():
        if review.sides.filter(organisation=orgs[slug], submitted_at__isnull=True).exists():
            partnerships.submit_side(
                review=review, organisation=orgs[slug], by=people[local], ratings=_ratings(ratings)
            )
    for text, local, days in LAST_YEAR_ACTIONS:
        partnerships.add_action(
            review=review,
            by=people["hal.placements"],
            text=text,
            owner=people[local],
            due_on=today + timedelta(days=days),
        )
