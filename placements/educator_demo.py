"""The demo register of practice educators (run at the end of `demo.ensure_demo_placements`),
recorded through `educators` by the University of Northshire's placement lead, Hal Osei:

* Pat Lindqvist: PEPS stage 1 and stage 2 from the university, current (Pat educates the demo
  placements); Pat mentors a candidate and has issued the stage 2 award as an Open Badge
  (`credentials.demo`);
* Noor Haddad: stage 1, a year ago, current;
* Rowan Pike (generated, a practice educator at Northshire, with the demo authenticator code
  like the other staff): stages 1 and 2 years ago and no placement since, so lapsed: Rowan can
  take a student only with a current co-assessor;
* Priya Okafor: working towards stage 1, mentored by Pat.

Invented people, never real. Safe to run again: what is on the register already is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from accounts.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_totp_secret
from accounts.models import User
from organisations.models import Membership, Organisation, Role, Team

from . import educators
from .models import EducatorAward, EducatorCandidacy

UNIVERSITY = "uni-northshire"
RECORDER = "hal.placements"
STAGE_1_PROGRAMME = "Practice Educator Professional Standards, stage 1"
STAGE_2_PROGRAMME = "Practice Educator Professional Standards, stage 2"
LAPSED = ("rowan.educator", "Rowan", "Pike", "SW900003")

# (person, stage, days before today, programme)
AWARDS = [
    ("pat.educator", 1, 7 * 365, STAGE_1_PROGRAMME),
    ("pat.educator", 2, 4 * 365, STAGE_2_PROGRAMME),
    ("noor.educator", 1, 365, STAGE_1_PROGRAMME),
    ("rowan.educator", 1, 8 * 365, STAGE_1_PROGRAMME),
    ("rowan.educator", 2, 6 * 365, STAGE_2_PROGRAMME),
]
CANDIDATE = ("priya.practitioner", 1, "pat.educator", 120, STAGE_1_PROGRAMME)


def _lapsed_educator(today: date) -> User:
    local, first, last, registration = LAPSED
    user, created = User.objects.get_or_create(
        email=f"{local}@{DEMO_DOMAIN}", defaults={"first_name": first, "last_name": last}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    # A practice educator reads students' records, so signs in with a second factor too.
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, demo_totp_secret(user.email))
    northshire = Organisation.objects.get(slug="northshire")
    Membership.objects.get_or_create(
        user=user,
        organisation=northshire,
        role=Role.PRACTICE_EDUCATOR,
        defaults={
            "starts_on": today - timedelta(days=9 * 365),
            "peps_stage": 2,
            "registration_number": registration,
            "team": Team.objects.filter(organisation=northshire).order_by("name").first(),
        },
    )
    return user


def ensure_demo_educators(people: dict[str, User], today: date) -> int:
    """Record the demo awards and candidacy; returns how many awards were recorded now."""
    people = dict(people)
    people[LAPSED[0]] = _lapsed_educator(today)
    recorder = people[RECORDER]
    university = Organisation.objects.get(slug=UNIVERSITY)
    made = 0
    for local, stage, days_ago, programme in AWARDS:
        person = people[local]
        if EducatorAward.objects.filter(educator=person, stage=stage).exists():
            continue
        educators.record_award(
            by=recorder,
            educator=person,
            stage=stage,
            awarded_on=today - timedelta(days=days_ago),
            awarded_by=university,
            programme_name=programme,
        )
        made += 1
    local, stage, mentor, days_ago, programme = CANDIDATE
    if not EducatorCandidacy.objects.filter(candidate=people[local], stage=stage).exists():
        educators.start_candidacy(
            by=recorder,
            candidate=people[local],
            stage=stage,
            mentor=people[mentor],
            provider=university,
            started_on=today - timedelta(days=days_ago),
            programme_name=programme,
        )
    return made
