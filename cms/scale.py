"""Generated data at regional scale, for the benchmarks (`manage.py seed_scale`, `bench/run`).

Sizes follow the measurements of issue 19 at scale 1: 2,000 practitioners with 100 portfolio
entries each and one with 1,000 (201,000 entries, three mappings each), 2,400 appraisals of which
2,000 are signed off with a judgement per PCF domain (18,000 judgements), and 5,000 placements of
2,500 students of which 3,760 are finished and audited, across four employers and two HEIs. The
first employer and the first HEI are the largest, so an organisation-wide page there reads most of
the data; the bench signs in as their people (`BENCH_ACCOUNTS`).

Rows are written with bulk_create in the shape the services give them (memberships with their
roles and teams, verified email addresses, a TOTP authenticator for everyone who reads other
people's records, shares from each owner to their supervisor, the appraisal cycle started by
`appraisals.starting.start_cycle`, then the stages answered, judged and signed; placements agreed
by both sides and audits with each party's part). Every name comes from Faker with a fixed seed;
nothing is real. The records themselves live in `cms.scale_records`.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Iterator
from datetime import date

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from faker import Faker
from tqdm import tqdm

from accounts.demo import DEMO_PASSWORD, demo_totp_secret
from accounts.models import User
from organisations.models import Membership, Organisation, PepsStage, Role, Team

SCALE_DOMAIN = "scale.capable.invalid"
PASSWORD = DEMO_PASSWORD
BATCH = 2000
# When every membership starts: well before the oldest generated record.
IN_POST_SINCE = date(2018, 1, 1)

# (slug, name, kind, share of the people): the first of each kind is the largest.
EMPLOYERS = [
    ("scale-north", "Northmoor Council (generated)", Organisation.Kind.LOCAL_AUTHORITY, 0.55),
    ("scale-east", "Eastfen Council (generated)", Organisation.Kind.LOCAL_AUTHORITY, 0.2),
    ("scale-south", "Southdown Children's Trust (generated)", Organisation.Kind.VOLUNTARY, 0.15),
    ("scale-west", "Westholm Health (generated)", Organisation.Kind.HEALTH, 0.1),
]
HEIS = [
    ("scale-uni-north", "University of Northmoor (generated)", 0.75),
    ("scale-uni-south", "Southdown University (generated)", 0.25),
]
TEAM_SIZE = 10

# Who the bench signs in as: the heavy portfolio, the PSW and the placement lead of the largest
# employer, the placement lead of the largest HEI.
BENCH_ACCOUNTS = {
    "practitioner": f"practitioner@{SCALE_DOMAIN}",
    "psw": f"psw@{SCALE_DOMAIN}",
    "employer-lead": f"employer-lead@{SCALE_DOMAIN}",
    "placement-lead": f"placement-lead@{SCALE_DOMAIN}",
}


@dataclasses.dataclass(frozen=True)
class Sizes:
    practitioners: int
    entries_each: int
    heavy_entries: int
    mappings_each: int
    completed_appraisals: int
    current_appraisals: int
    placements: int
    audits: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(full: int, least: int = 1) -> int:
            return max(least, round(full * scale))

        placements = n(5000, 4)
        placements -= placements % 2
        practitioners = n(2000, 4)
        completed = min(practitioners, n(2000, 2))
        return cls(
            practitioners=practitioners,
            entries_each=100 if scale >= 0.01 else 5,
            # The one heavy portfolio (PDF, CPD year page) keeps 1,000 entries at every size the
            # bench uses; only the tests' tiny sizes shrink it.
            heavy_entries=1000 if scale >= 0.01 else 20,
            mappings_each=3,
            completed_appraisals=completed,
            current_appraisals=min(completed, n(400, 1)),
            placements=placements,
            audits=min(placements - 1, n(3760, 2)),
        )


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def bulk(model, rows: Iterable, *, total: int, label: str, quiet: bool = False) -> list:
    """bulk_create in batches under a progress bar; returns the saved rows (with their keys)."""
    saved = []
    with tqdm(total=total, desc=label, unit=" rows", disable=quiet, leave=False) as bar:
        for batch in batched(rows):
            saved.extend(model.objects.bulk_create(batch))
            bar.update(len(batch))
    return saved


def split(total: int, weights: list[float]) -> list[int]:
    """`total` shared by weight, every share at least 1, summing to `total` (when it can)."""
    shares = [max(1, int(total * w)) for w in weights]
    shares[0] += total - sum(shares)
    return shares


@dataclasses.dataclass
class Org:
    organisation: Organisation
    teams: list[Team] = dataclasses.field(default_factory=list)
    practitioners: list[User] = dataclasses.field(default_factory=list)
    managers: dict[int, User] = dataclasses.field(default_factory=dict)  # team pk -> manager
    team_of: dict[int, Team] = dataclasses.field(default_factory=dict)  # user pk -> team
    educators: list[User] = dataclasses.field(default_factory=list)
    tutors: list[User] = dataclasses.field(default_factory=list)
    students: list[User] = dataclasses.field(default_factory=list)
    psw: User | None = None
    lead: User | None = None


class People:
    """Makes users in bulk: generated names, one password hash, verified email addresses."""

    def __init__(self, seed: int = 19, quiet: bool = False):
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        self.password = make_password(PASSWORD)
        self.count = 0
        self.quiet = quiet
        self.staff: list[User] = []

    def make(self, prefix: str, number: int, *, email: str | None = None) -> list[User]:
        users = []
        for _ in range(number):
            self.count += 1
            users.append(
                User(
                    email=email or f"{prefix}{self.count}@{SCALE_DOMAIN}",
                    first_name=self.fake.first_name(),
                    last_name=self.fake.last_name(),
                    password=self.password,
                )
            )
        return users

    def save(self, users: list[User], label: str) -> list[User]:
        saved = bulk(User, users, total=len(users), label=label, quiet=self.quiet)
        EmailAddress.objects.bulk_create(
            EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in saved
        )
        return saved

    def give_mfa(self, users: Iterable[User]) -> None:
        """A TOTP authenticator as allauth's `TOTP.activate` stores it (the demo's secret per
        address, so a person can sign in with it), for everyone who reads others' records."""
        Authenticator.objects.bulk_create(
            Authenticator(
                user=u,
                type=Authenticator.Type.TOTP,
                data={"secret": encrypt(demo_totp_secret(u.email))},
            )
            for u in users
        )


def membership(user, organisation, role, team=None, **extra) -> Membership:
    return Membership(
        user=user,
        organisation=organisation,
        role=role,
        team=team,
        starts_on=IN_POST_SINCE,
        **extra,
    )


def make_people(sizes: Sizes, *, quiet: bool = False) -> tuple[list[Org], list[Org], People]:
    """Organisations, teams, and everyone in them, with their memberships."""
    people = People(quiet=quiet)
    rng = random.Random(19)
    employers = [
        Org(Organisation.objects.create(slug=slug, name=name, kind=kind))
        for slug, name, kind, _w in EMPLOYERS
    ]
    heis = [
        Org(Organisation.objects.create(slug=slug, name=name, kind=Organisation.Kind.HEI))
        for slug, name, _w in HEIS
    ]
    per_employer = split(sizes.practitioners, [w for *_x, w in EMPLOYERS])
    students = sizes.placements // 2
    educators = split(max(len(EMPLOYERS), students // 5), [w for *_x, w in EMPLOYERS])
    tutors_needed = split(max(len(HEIS), students // 50), [w for *_x, w in HEIS])
    students_per_hei = split(students, [w for *_x, w in HEIS])

    # Teams: a service at the top, a team of about ten practitioners under it, each with a
    # line manager.
    for org, count in zip(employers, per_employer, strict=True):
        o = org.organisation
        service = Team.objects.create(organisation=o, name="Children's services", slug="service")
        org.teams = Team.objects.bulk_create(
            Team(organisation=o, name=f"Team {n}", slug=f"team-{n}", parent=service)
            for n in range(1, max(1, -(-count // TEAM_SIZE)) + 1)
        )

    first_employer, first_hei = employers[0], heis[0]
    named = {
        "practitioner": people.make("", 1, email=BENCH_ACCOUNTS["practitioner"]),
        "psw": people.make("", 1, email=BENCH_ACCOUNTS["psw"]),
        "employer-lead": people.make("", 1, email=BENCH_ACCOUNTS["employer-lead"]),
        "placement-lead": people.make("", 1, email=BENCH_ACCOUNTS["placement-lead"]),
    }
    users: list[User] = [u for group in named.values() for u in group]
    plan = []  # (org, kind, users)
    for org, count, educator_count in zip(employers, per_employer, educators, strict=True):
        taken = 1 if org is first_employer else 0  # the heavy practitioner is one of them
        groups = {
            "practitioners": people.make("practitioner", count - taken),
            "managers": people.make("manager", len(org.teams)),
            "educators": people.make("educator", educator_count),
            "psw": [] if org is first_employer else people.make("psw", 1),
            "lead": [] if org is first_employer else people.make("lead", 1),
        }
        plan.append((org, groups))
        users += [u for group in groups.values() for u in group]
    for org, tutor_count, student_count in zip(heis, tutors_needed, students_per_hei, strict=True):
        groups = {
            "tutors": people.make("tutor", tutor_count),
            "students": people.make("student", student_count),
            "lead": [] if org is first_hei else people.make("lead", 1),
        }
        plan.append((org, groups))
        users += [u for group in groups.values() for u in group]
    people.save(users, "people")

    memberships = []
    for org, groups in plan:
        o = org.organisation
        if org in employers:
            practitioners = groups["practitioners"]
            if org is first_employer:
                practitioners = named["practitioner"] + practitioners
                groups["psw"] = named["psw"]
                groups["lead"] = named["employer-lead"]
            org.practitioners = practitioners
            for n, user in enumerate(practitioners):
                team = org.teams[min(n // TEAM_SIZE, len(org.teams) - 1)]
                org.team_of[user.pk] = team
                memberships.append(
                    membership(user, o, Role.PRACTITIONER, team, asye=rng.random() < 0.1)
                )
            for team, manager in zip(org.teams, groups["managers"], strict=True):
                org.managers[team.pk] = manager
                memberships.append(membership(manager, o, Role.LINE_MANAGER, team))
            for n, educator in enumerate(groups["educators"]):
                org.educators.append(educator)
                memberships.append(
                    membership(
                        educator,
                        o,
                        Role.PRACTICE_EDUCATOR,
                        org.teams[n % len(org.teams)],
                        peps_stage=PepsStage.STAGE_2,
                        registration_number=f"SW{900000 + educator.pk}",
                    )
                )
            org.psw = groups["psw"][0]
            memberships.append(membership(org.psw, o, Role.PRINCIPAL_SOCIAL_WORKER))
            people.staff += [org.psw, *groups["managers"], *groups["educators"]]
        else:
            if org is first_hei:
                groups["lead"] = named["placement-lead"]
            org.tutors = groups["tutors"]
            org.students = groups["students"]
            memberships += [membership(t, o, Role.HEI_TUTOR) for t in org.tutors]
            memberships += [membership(s, o, Role.STUDENT) for s in org.students]
            people.staff += org.tutors
        org.lead = groups["lead"][0]
        memberships.append(membership(org.lead, o, Role.PLACEMENT_LEAD))
        people.staff.append(org.lead)
    bulk(Membership, memberships, total=len(memberships), label="memberships", quiet=quiet)
    people.give_mfa(people.staff)
    return employers, heis, people
