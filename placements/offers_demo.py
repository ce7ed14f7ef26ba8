"""Demo offers against demand for one HEI, and skills days (run by `demo.ensure_demo_placements`).

* Next term's offers from the University of Northshire's two partner employers: Northshire's
  Assessment and intervention and Children in care teams (final placements, statutory) and
  Brightpath's Family centre (first and final, voluntary). Two of the places are taken by
  proposed placements: Fin Gallard, whose first placement ended early, on Brightpath's first
  placement, and Cai Treharne on Northshire's final placement. Hal Osei (the university's
  placement lead) sees them against the 2024 intake's demand.
* Skills days for the 2024 intake (Sol Varga among them), logged by Tara Quinn: twelve sessions
  over the past year, two of them half days.

Through `offers`, `skills` and `services`, so the rules hold. Safe to run again: an offer
that exists is left alone, and so are skills days already logged on the programme.
"""

from __future__ import annotations

from datetime import date, timedelta

from organisations.models import Team

from . import offers, services, skills
from .models import Cohort, PlacementKind, PlacementOffer, SettingType, SkillsDay

# Next term begins this many days from today and runs this long.
TERM_STARTS_IN = 120
TERM_LENGTH = 260

# (employer slug, team name, kind, setting, places, publishing placement lead)
OFFERS = [
    (
        "northshire",
        "Assessment and intervention",
        PlacementKind.FINAL,
        SettingType.LA_CHILDREN,
        2,
        "lee.placements",
    ),
    (
        "northshire",
        "Children in care",
        PlacementKind.FINAL,
        SettingType.LA_CHILDREN,
        1,
        "lee.placements",
    ),
    ("brightpath", "Family centre", PlacementKind.FIRST, SettingType.VOLUNTARY, 2, "bo.placements"),
    ("brightpath", "Family centre", PlacementKind.FINAL, SettingType.VOLUNTARY, 1, "bo.placements"),
]

# Proposed placements that take a place: (student, offer index, educator, on-site supervisor).
TAKEN = [
    ("fin.student", 2, "noor.educator", "oli.supervisor"),
    ("cai.student", 0, "pat.educator", None),
]

SKILLS_TOPICS = [
    "Communicating with children and families",
    "Assessment and analysis",
    "Writing case records",
    "Law for social work practice",
    "Working with interpreters",
    "Giving evidence in court",
    "Using supervision well",
    "Safeguarding across the life course",
    "Anti-oppressive practice",
    "Using research in practice",
    "Professional boundaries",
    "Looking after yourself at work",
]
HALF_DAY_SESSIONS = {4, 10}


def term_label(starts_on: date) -> str:
    return f"Term starting {starts_on:%B %Y}"


def ensure_demo_offers(*, orgs, people, cohorts, today: date) -> list[PlacementOffer]:
    starts_on = today + timedelta(days=TERM_STARTS_IN)
    ends_on = starts_on + timedelta(days=TERM_LENGTH)
    term = term_label(starts_on)
    made = []
    for slug, team_name, kind, setting, places, lead in OFFERS:
        team = Team.objects.get(organisation=orgs[slug], name=team_name)
        offer = PlacementOffer.objects.filter(team=team, kind=kind, term=term).first()
        if offer is None:
            offer = offers.publish_offer(
                by=people[lead],
                team=team,
                term=term,
                starts_on=starts_on,
                ends_on=ends_on,
                kind=kind,
                setting_type=setting,
                capacity=places,
            )
        made.append(offer)

    cohort: Cohort = cohorts[("uni-northshire", "2024 intake")]
    for student, index, educator, onsite in TAKEN:
        offer = made[index]
        if offer.placements.exists():
            continue
        services.propose_placement(
            by=people["hal.placements"],
            student=people[student],
            cohort=cohort,
            provider_team=offer.team,
            practice_educator=people[educator],
            onsite_supervisor=people[onsite] if onsite else None,
            hei_tutor=people["tara.tutor"],
            kind=offer.kind,
            setting_type=offer.setting_type,
            starts_on=starts_on + timedelta(days=7),
            ends_on=starts_on + timedelta(days=7 + (98 if offer.kind == "first" else 140)),
            offer=offer,
        )
    return made


def ensure_demo_skills_days(*, people, cohorts, today: date) -> int:
    """Skills days for the 2024 intake at Northshire; returns how many were logged."""
    cohort: Cohort = cohorts[("uni-northshire", "2024 intake")]
    if SkillsDay.objects.filter(programme=cohort.programme).exists():
        return 0
    students = list(cohort.students.all())
    logged = 0
    for n, topic in enumerate(SKILLS_TOPICS):
        logged += len(
            skills.log_skills_day(
                by=people["tara.tutor"],
                programme=cohort.programme,
                students=students,
                on=today - timedelta(days=400 - 21 * n),
                topic=topic,
                days="0.5" if n in HALF_DAY_SESSIONS else "1",
            )
        )
    return logged
