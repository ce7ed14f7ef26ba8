"""Demo organisations and people for every role. Invented, never real.

Everyone shares DEMO_PASSWORD. Staff roles need MFA, so each staff account gets a TOTP
authenticator whose secret is derived from its email address (stable across runs, listed in the
README and printed by `manage.py seed`), so a reviewer can add it to an authenticator app.
"""

import base64
import hashlib
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from organisations.models import STAFF_ROLES, Membership, Organisation, Role, Team

from .models import User

DEMO_PASSWORD = "capable-demo-password"  # noqa: S105 (demo data only; the seed refuses production)
DEMO_DOMAIN = "demo.capable.test"

ORGANISATIONS = [
    (
        "northshire",
        "Northshire County Council",
        Organisation.Kind.LOCAL_AUTHORITY,
        ["Assessment and intervention", "Children in care", "Student unit"],
    ),
    (
        "southvale",
        "Southvale Borough Council",
        Organisation.Kind.LOCAL_AUTHORITY,
        ["Family help", "Disabled children"],
    ),
    ("brightpath", "Brightpath Family Support", Organisation.Kind.VOLUNTARY, ["Family centre"]),
    ("uni-northshire", "University of Northshire", Organisation.Kind.HEI, []),
    ("southvale-university", "Southvale University", Organisation.Kind.HEI, []),
    (
        "practice-learning-board",
        "Regional Practice Learning Board",
        Organisation.Kind.AWARDING_BODY,
        [],
    ),
]

# The service each local authority's teams sit in (Team.parent), with a head of service (a line
# manager) above the team managers: the appraiser's own manager, who countersigns by default
# (appraisals.starting.manager_above). Organisation slug -> (service slug, service name).
SERVICES = {
    "northshire": ("childrens-services", "Children's services"),
    "southvale": ("childrens-social-care", "Children's social care"),
}

# (local part of the email, first name, last name, organisation, role, team, extra fields)
PEOPLE = [
    (
        "priya.practitioner",
        "Priya",
        "Okafor",
        "northshire",
        Role.PRACTITIONER,
        "Assessment and intervention",
        {},
    ),
    (
        "alex.asye",
        "Alex",
        "Brennan",
        "northshire",
        Role.PRACTITIONER,
        "Children in care",
        {"asye": True},
    ),
    (
        "pat.educator",
        "Pat",
        "Lindqvist",
        "northshire",
        Role.PRACTICE_EDUCATOR,
        "Student unit",
        {"peps_stage": 2, "registration_number": "SW900001"},
    ),
    ("oli.supervisor", "Oli", "Mensah", "brightpath", Role.ONSITE_SUPERVISOR, "Family centre", {}),
    (
        "morgan.manager",
        "Morgan",
        "Hale",
        "northshire",
        Role.LINE_MANAGER,
        "Assessment and intervention",
        {},
    ),
    ("dee.head", "Dee", "Marchetti", "northshire", Role.LINE_MANAGER, "Children's services", {}),
    ("sam.psw", "Sam", "Adeyemi", "northshire", Role.PRINCIPAL_SOCIAL_WORKER, None, {}),
    ("nia.coordinator", "Nia", "Osborne", "northshire", Role.ASYE_COORDINATOR, None, {}),
    ("lee.placements", "Lee", "Harrow", "northshire", Role.PLACEMENT_LEAD, None, {}),
    ("ada.admin", "Ada", "Fairweather", "northshire", Role.ORG_ADMIN, None, {}),
    ("ravi.practitioner", "Ravi", "Sandhu", "southvale", Role.PRACTITIONER, "Family help", {}),
    ("jo.manager", "Jo", "Whitlock", "southvale", Role.LINE_MANAGER, "Family help", {}),
    (
        "nell.head",
        "Nell",
        "Farrow",
        "southvale",
        Role.LINE_MANAGER,
        "Children's social care",
        {},
    ),
    ("kit.psw", "Kit", "Moreau", "southvale", Role.PRINCIPAL_SOCIAL_WORKER, None, {}),
    ("bea.admin", "Bea", "Castell", "southvale", Role.ORG_ADMIN, None, {}),
    ("wyn.placements", "Wyn", "Tallis", "southvale", Role.PLACEMENT_LEAD, None, {}),
    (
        "noor.educator",
        "Noor",
        "Haddad",
        "brightpath",
        Role.PRACTICE_EDUCATOR,
        "Family centre",
        {"peps_stage": 1, "registration_number": "SW900002"},
    ),
    ("cam.admin", "Cam", "Ellison", "brightpath", Role.ORG_ADMIN, None, {}),
    ("bo.placements", "Bo", "Lindgren", "brightpath", Role.PLACEMENT_LEAD, None, {}),
    ("sol.student", "Sol", "Varga", "uni-northshire", Role.STUDENT, None, {}),
    ("mia.student", "Mia", "Thorne", "southvale-university", Role.STUDENT, None, {}),
    ("tara.tutor", "Tara", "Quinn", "uni-northshire", Role.HEI_TUTOR, None, {}),
    ("hal.placements", "Hal", "Osei", "uni-northshire", Role.PLACEMENT_LEAD, None, {}),
    ("uma.admin", "Uma", "Reyes", "uni-northshire", Role.ORG_ADMIN, None, {}),
    ("gil.tutor", "Gil", "Baptiste", "southvale-university", Role.HEI_TUTOR, None, {}),
    ("una.placements", "Una", "Fairley", "southvale-university", Role.PLACEMENT_LEAD, None, {}),
    ("vic.admin", "Vic", "Ashby", "southvale-university", Role.ORG_ADMIN, None, {}),
    ("rue.board", "Rue", "Kingsley", "practice-learning-board", Role.ORG_ADMIN, None, {}),
]


# Demo people without a staff role whom the demo data still lets read another person's record
# (Ravi is the on-site supervisor of demo placements), so who must use MFA: the access rules, not
# the role, decide (accounts.mfa.requires_mfa; the seed test checks this list against them).
READ_OTHERS_WITHOUT_STAFF_ROLE = frozenset({"ravi.practitioner"})


def needs_demo_totp(local: str, role: str) -> bool:
    return role in STAFF_ROLES or local in READ_OTHERS_WITHOUT_STAFF_ROLE


@dataclass
class DemoAccount:
    email: str
    roles: list[str]
    totp_secret: str | None


def demo_totp_secret(email: str) -> str:
    digest = hashlib.sha256(f"capable-demo:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def _account(email, first_name, last_name, **flags) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name, **flags}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _ensure_totp(user) -> str:
    secret = demo_totp_secret(user.email)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return secret


@transaction.atomic
def ensure_demo_people() -> list[DemoAccount]:
    orgs, teams = {}, {}
    for slug, name, kind, team_names in ORGANISATIONS:
        orgs[slug], _ = Organisation.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind}
        )
        service = None
        if slug in SERVICES:
            service_slug, service_name = SERVICES[slug]
            service, _ = Team.objects.get_or_create(
                organisation=orgs[slug], slug=service_slug, defaults={"name": service_name}
            )
            teams[(slug, service_name)] = service
        for team_name in team_names:
            teams[(slug, team_name)], _ = Team.objects.get_or_create(
                organisation=orgs[slug],
                slug=team_name.lower().replace(" ", "-"),
                defaults={"name": team_name},
            )
        if service is not None:
            # Every team of the organisation sits in the service (also those seeded before it).
            Team.objects.filter(
                organisation=orgs[slug], parent__isnull=True, name__in=team_names
            ).update(parent=service)
    accounts = []
    for local, first, last, org_slug, role, team_name, extra in PEOPLE:
        user = _account(f"{local}@{DEMO_DOMAIN}", first, last)
        Membership.objects.get_or_create(
            user=user,
            organisation=orgs[org_slug],
            role=role,
            defaults={"team": teams.get((org_slug, team_name)), **extra},
        )
        secret = _ensure_totp(user) if needs_demo_totp(local, role) else None
        accounts.append(DemoAccount(user.email, [f"{Role(role).label}, {orgs[org_slug]}"], secret))
    editor = _account(f"editor@{DEMO_DOMAIN}", "Eden", "Marsh", is_staff=True, is_superuser=True)
    accounts.append(DemoAccount(editor.email, ["Wagtail admin (superuser)"], _ensure_totp(editor)))
    return accounts
