"""A PEPS stage as an Open Badge: earned once the register records the award, issued only when
the holder chooses, by the organisation that made the award (signed with its key), aligned to
the CASE URIs of the stage's level and its Professional Leadership statements; it verifies with
joserfc from the published JWK set, a tampered one fails, and the awarding university revokes."""

import base64
import json

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from capabilities.factories import build_pcf
from capabilities.interchange.case import case_uri
from capabilities.models import Item
from capabilities.services import publish_version
from credentials import issuing
from credentials.achievements import earned_by
from credentials.models import Credential
from credentials.verification import verify
from organisations.factories import MembershipFactory
from organisations.models import Role
from placements.factories import EducatorAwardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pcf():
    """A small PCF whose second level is "advanced" and first domain Professional Leadership."""
    version = build_pcf(publish=False)
    levels = list(version.items.filter(kind=Item.Kind.LEVEL).order_by("sort_order"))
    levels[0].slug = "experienced"
    levels[0].save()
    levels[1].slug = "advanced"
    levels[1].save()
    domain = version.items.filter(kind=Item.Kind.DOMAIN).order_by("sort_order").first()
    domain.slug = "professional-leadership"
    domain.save()
    publish_version(version=version)
    version.refresh_from_db()
    return version


@pytest.fixture
def award(pcf):
    return EducatorAwardFactory(stage=2, programme_name="Practice education stage 2")


def _key(award):
    return f"peps:{award.uuid}"


def test_a_recorded_stage_is_earned_but_issued_only_when_the_holder_chooses(award):
    (earned,) = earned_by(award.educator)
    assert earned.kind == Credential.Kind.PEPS and earned.issuer == award.awarded_by
    assert not Credential.objects.exists()


def test_the_holder_issues_it_from_my_credentials(client, award):
    client.force_login(award.educator)
    page = client.get("/credentials/").content.decode()
    assert "Practice educator: PEPS stage 2" in page and "Issue credential" in page
    response = client.post("/credentials/", {"achievement": _key(award)})
    credential = Credential.objects.get(holder=award.educator)
    assert response.url == credential.get_absolute_url()
    assert credential.issuer == award.awarded_by and credential.source == award.uuid


def test_nobody_else_issues_it(client, award):
    client.force_login(MembershipFactory(role=Role.PRACTICE_EDUCATOR).user)
    assert client.post("/credentials/", {"achievement": _key(award)}).status_code == 404
    assert not Credential.objects.exists()


def test_it_aligns_to_the_stages_level_and_its_leadership_statements(award, pcf):
    credential = issuing.issue(holder=award.educator, key=_key(award))
    achievement = credential.payload["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certification"
    assert "Practice education stage 2" in achievement["description"]
    by_url = {row["targetUrl"]: row for row in achievement["alignment"]}
    advanced = pcf.items.get(slug="advanced")
    assert by_url[case_uri("CFItems", advanced.identifier)]["targetType"] == "CFItem"
    assert by_url[case_uri("CFDocuments", pcf.identifier)]["targetType"] == "ext:CFDocument"
    statements = Item.objects.filter(level=advanced, domain__slug="professional-leadership")
    assert statements.exists()
    for statement in statements:
        assert by_url[case_uri("CFItems", statement.identifier)]["targetCode"] == statement.code
    others = Item.objects.filter(level=advanced, kind=Item.Kind.STATEMENT).exclude(
        domain__slug="professional-leadership"
    )
    assert not {case_uri("CFItems", s.identifier) for s in others} & set(by_url)


def test_stage_1_aligns_to_the_experienced_level(pcf):
    award = EducatorAwardFactory(stage=1)
    credential = issuing.issue(holder=award.educator, key=_key(award))
    urls = [
        a["targetUrl"] for a in credential.payload["credentialSubject"]["achievement"]["alignment"]
    ]
    assert case_uri("CFItems", pcf.items.get(slug="experienced").identifier) in urls


def test_it_verifies_with_the_awarding_organisations_published_key_and_tampering_fails(
    client, award
):
    credential = issuing.issue(holder=award.educator, key=_key(award))
    response = client.get(f"/credentials/issuers/{award.awarded_by.uuid}/jwks.json")
    keys = KeySet.import_key_set(response.json())
    obj = jws.deserialize_compact(credential.jwt, keys, algorithms=["EdDSA"])
    claims = json.loads(obj.payload)
    assert {k: v for k, v in claims.items() if k not in issuing.CLAIMS} == credential.payload
    assert obj.protected["kid"] == award.awarded_by.credential_key.kid
    assert verify(credential.jwt).valid
    assert credential.payload["issuer"]["name"] == award.awarded_by.name

    header, payload, signature = credential.jwt.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data["credentialSubject"]["achievement"]["name"] = "Practice educator: PEPS stage 3"
    body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    tampered = f"{header}.{body}.{signature}"
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(tampered, keys, algorithms=["EdDSA"])
    assert not verify(tampered).valid


def test_the_awarding_universitys_lead_revokes_it_and_nobody_else(client, award):
    credential = issuing.issue(holder=award.educator, key=_key(award))
    outsider = MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user
    client.force_login(outsider)
    assert client.post(f"/credentials/{credential.uuid}/revoke/").status_code == 404
    lead = MembershipFactory(organisation=award.awarded_by, role=Role.PLACEMENT_LEAD, mfa=True).user
    client.force_login(lead)
    assert client.post(f"/credentials/{credential.uuid}/revoke/").status_code == 302
    credential.refresh_from_db()
    assert credential.revoked_at is not None and verify(credential.jwt).revoked


def test_the_achievement_is_published_for_its_kind(client, award):
    issuing.issue(holder=award.educator, key=_key(award))
    response = client.get(f"/credentials/issuers/{award.awarded_by.uuid}/achievements/peps/")
    assert response.status_code == 200 and response.json()["name"] == "PEPS stage awarded"
