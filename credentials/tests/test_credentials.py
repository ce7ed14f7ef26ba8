"""Open Badges 3.0: the credential's shape, its alignment to CASE URIs, its signature checked
with joserfc from the published JWK set only, tampering, revocation and the status list."""

import base64
import json

import pytest
from joserfc import jws
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet, OKPKey

from appraisals.models import Appraisal
from capabilities.interchange.case import case_uri
from credentials import issuing, statuslist
from credentials.achievements import earned_by
from credentials.baking import baked_svg, extract
from credentials.verification import verify

from .conftest import asye

pytestmark = pytest.mark.django_db


def _issue(appraisal):
    return issuing.issue(holder=appraisal.appraisee, key=f"asye:{appraisal.uuid}")


def _published_keys(client, credential) -> KeySet:
    response = client.get(f"/credentials/issuers/{credential.issuer.uuid}/jwks.json")
    assert response.status_code == 200
    data = response.json()
    assert all("d" not in key for key in data["keys"]), "no private part is published"
    return KeySet.import_key_set(data)


def test_credential_has_the_open_badges_fields(confirmed_asye):
    appraisal, _ = confirmed_asye
    vc = _issue(appraisal).payload
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["type"] == ["Profile"]
    assert vc["issuer"]["name"] == appraisal.organisation.name
    assert vc["issuer"]["id"].endswith(f"/credentials/issuers/{appraisal.organisation.uuid}/")
    assert vc["validFrom"]
    subject = vc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    (identity,) = subject["identifier"]
    assert identity["type"] == "IdentityObject" and identity["hashed"] is True
    assert identity["identityType"] == "emailAddress"
    assert identity["identityHash"].startswith("sha256$")
    assert appraisal.appraisee.email not in json.dumps(vc)
    assert identity == issuing.identity(appraisal.appraisee.email, identity["salt"])
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert {"id", "name", "description", "criteria", "achievementType"} <= set(achievement)
    assert achievement["criteria"]["narrative"]
    status = vc["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"].endswith(
        f"/credentials/issuers/{appraisal.organisation.uuid}/status/revocation"
    )


def test_alignment_points_at_the_case_uris_of_the_level_and_its_statements(confirmed_asye, pcf):
    appraisal, _ = confirmed_asye
    alignment = _issue(appraisal).payload["credentialSubject"]["achievement"]["alignment"]
    level = appraisal.target_level
    by_url = {row["targetUrl"]: row for row in alignment}
    assert by_url[case_uri("CFItems", level.identifier)]["targetType"] == "CFItem"
    assert by_url[case_uri("CFDocuments", pcf.identifier)]["targetType"] == "ext:CFDocument"
    for statement in level.level_statements.all():
        assert by_url[case_uri("CFItems", statement.identifier)]["targetCode"] == statement.code
    assert all(row["type"] == ["Alignment"] for row in alignment)


def test_placement_aligns_to_its_level_and_is_issued_by_the_hei(passed_placement, pcf):
    credential = issuing.issue(
        holder=passed_placement.student, key=f"placement:{passed_placement.uuid}"
    )
    assert credential.issuer == passed_placement.cohort.programme.hei
    urls = [
        a["targetUrl"] for a in credential.payload["credentialSubject"]["achievement"]["alignment"]
    ]
    level = pcf.items.get(slug="first-placement")
    assert case_uri("CFItems", level.identifier) in urls


def test_signature_verifies_with_joserfc_from_the_published_jwks(client, confirmed_asye):
    appraisal, _ = confirmed_asye
    credential = _issue(appraisal)
    obj = jws.deserialize_compact(
        credential.jwt, _published_keys(client, credential), algorithms=["EdDSA"]
    )
    assert obj.protected["typ"] == "JWT"
    assert obj.protected["kid"] == credential.issuer.credential_key.kid
    payload = json.loads(obj.payload)
    assert {k: v for k, v in payload.items() if k not in issuing.CLAIMS} == credential.payload
    assert verify(credential.jwt).valid


def _tamper(token: str, change) -> str:
    header, payload, signature = token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(data)
    body = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    return f"{header}.{body}.{signature}"


def test_a_changed_payload_fails(client, confirmed_asye):
    appraisal, _ = confirmed_asye
    credential = _issue(appraisal)
    tampered = _tamper(
        credential.jwt,
        lambda vc: vc["credentialSubject"]["achievement"].update(name="Strategic leader"),
    )
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(tampered, _published_keys(client, credential), algorithms=["EdDSA"])
    result = verify(tampered)
    assert not result.valid and result.errors


def test_a_credential_signed_by_another_key_fails(client, confirmed_asye):
    appraisal, _ = confirmed_asye
    credential = _issue(appraisal)
    other = OKPKey.generate_key("Ed25519", private=True)
    forged = jws.serialize_compact(
        {"alg": "EdDSA", "typ": "JWT", "kid": credential.issuer.credential_key.kid},
        json.dumps(credential.payload).encode(),
        other,
        algorithms=["EdDSA"],
    )
    with pytest.raises(BadSignatureError):
        jws.deserialize_compact(forged, _published_keys(client, credential), algorithms=["EdDSA"])
    assert not verify(forged).valid


def test_each_organisation_signs_with_its_own_key(pcf):
    first, _ = asye(pcf)
    second, _ = asye(pcf)
    a, b = _issue(first), _issue(second)
    assert a.issuer.credential_key.kid != b.issuer.credential_key.kid
    assert a.issuer.credential_key.private_key_encrypted.startswith("gAAAA")  # Fernet token
    assert "PRIVATE" not in a.issuer.credential_key.private_key_encrypted


def test_revoked_shows_in_the_status_list_and_in_verification(client, confirmed_asye):
    appraisal, psw = confirmed_asye
    credential = _issue(appraisal)
    index = int(credential.payload["credentialStatus"]["statusListIndex"])
    issuing.revoke(credential=credential, by=psw)

    response = client.get(f"/credentials/issuers/{credential.issuer.uuid}/status/revocation")
    assert response["Content-Type"] == "application/vc+jwt"
    listed = jws.deserialize_compact(
        response.content, _published_keys(client, credential), algorithms=["EdDSA"]
    )
    status_list = json.loads(listed.payload)
    assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = statuslist.decode(encoded)
    assert len(bits) * 8 == statuslist.LIST_SIZE == 131072
    assert statuslist.is_set(bits, index)
    assert sum(bin(byte).count("1") for byte in bits) == 1

    result = verify(credential.jwt)
    assert result.revoked and not result.valid
    page = client.get(f"/credentials/public/{credential.uuid}/")
    assert "Revoked" in page.content.decode()


def test_issuing_is_refused_for_what_is_not_earned(pcf):
    appraisal, _ = asye(pcf, decision=Appraisal.Recommendation.EXTEND)
    assert earned_by(appraisal.appraisee) == []
    with pytest.raises(issuing.NotEarned):
        _issue(appraisal)


def test_issuing_twice_gives_the_same_credential_and_new_indexes_per_issuer(pcf):
    first, _ = asye(pcf)
    assert _issue(first) == _issue(first)


def test_baked_svg_carries_the_credential(confirmed_asye):
    appraisal, _ = confirmed_asye
    credential = _issue(appraisal)
    svg = baked_svg(name=credential.name, issuer=credential.issuer.name, jwt=credential.jwt)
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in svg
    assert extract(svg) == credential.jwt
    assert verify(extract(svg)).valid
