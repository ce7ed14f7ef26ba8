"""Demo credentials, from the demo placements the university passed: Ari issued the badge for
their final placement; Cai issued theirs for the first placement and the university's placement
lead (Hal) revoked it; Bex has not issued yet, so "My credentials" shows the button. Pat
Lindqvist issued their PEPS stage 2 award (from the register of practice educators), signed by
the University of Northshire; their stage 1 award waits for Pat to choose. Idempotent.
"""

from accounts.demo import DEMO_DOMAIN
from accounts.models import User

from . import issuing
from .achievements import passed_placements, peps_awards

ISSUED = "ari.student"
REVOKED = "cai.student"
REVOKED_BY = "hal.placements"
PEPS_HOLDER = "pat.educator"
PEPS_STAGE = 2


def _person(local: str) -> User | None:
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


def _issue_first(person) -> object | None:
    placement = passed_placements(person).first() if person else None
    if placement is None:
        return None
    return issuing.issue(holder=person, key=f"placement:{placement.uuid}")


def ensure_demo_credentials() -> int:
    """Issue the demo credentials (and revoke one); returns how many exist for the demo."""
    made = [c for c in (_issue_first(_person(ISSUED)), _issue_first(_person(REVOKED))) if c]
    revoker = _person(REVOKED_BY)
    if len(made) == 2 and revoker is not None:
        issuing.revoke(credential=made[1], by=revoker)
    educator = _person(PEPS_HOLDER)
    award = peps_awards(educator).filter(stage=PEPS_STAGE).first() if educator else None
    if award is not None:
        made.append(issuing.issue(holder=educator, key=f"peps:{award.uuid}"))
    return len(made)
