"""The demo: one placement credential issued and verified, one revoked, one not yet issued."""

import pytest

from accounts.demo import DEMO_DOMAIN, ensure_demo_people
from accounts.models import User
from credentials.demo import ensure_demo_credentials
from credentials.models import Credential
from credentials.verification import verify
from placements.demo import ensure_demo_placements

pytestmark = pytest.mark.django_db


def person(local):
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


@pytest.fixture
def demo(db):
    ensure_demo_people()
    ensure_demo_placements()
    ensure_demo_credentials()


def test_one_issued_one_revoked_one_waiting(client, demo):
    issued = Credential.objects.get(holder=person("ari.student"))
    revoked = Credential.objects.get(holder=person("cai.student"))
    assert verify(issued.jwt).valid
    assert verify(revoked.jwt).revoked
    assert revoked.revoked_by == person("hal.placements")
    client.force_login(person("bex.student"))
    assert "Issue credential" in client.get("/credentials/").content.decode()


def test_the_demo_runs_again_without_change(demo):
    before = list(Credential.objects.values_list("uuid", "revoked_at"))
    ensure_demo_credentials()
    assert list(Credential.objects.values_list("uuid", "revoked_at")) == before


def test_the_demo_educator_issued_their_peps_stage_2_award(client, demo):
    from placements.models import EducatorAward

    pat = person("pat.educator")
    credential = Credential.objects.get(holder=pat, kind=Credential.Kind.PEPS)
    award = EducatorAward.objects.get(uuid=credential.source)
    assert award.stage == 2 and credential.issuer == award.awarded_by
    assert verify(credential.jwt).valid
    client.force_login(pat)
    assert "Issue credential" in client.get("/credentials/").content.decode()  # stage 1 waits
