"""Every kind of credential Capable issues (ASYE, placement, designation) is valid against
1EdTech's Open Badges 3.0 AchievementCredential JSON Schema (vendored in tests/vendor with its
notice), and its JWT proof has the shape OB 3.0 asks for: JOSE header alg, kid and typ "JWT" and
nothing else; payload = the credential plus iss, jti, nbf and sub matching it."""

import datetime
import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from joserfc import jws

from credentials import issuing, keys
from credentials.verification import check_signature, verify
from organisations.factories import MembershipFactory
from organisations.models import Role
from placements.models import Designation, DesignationKind

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).parent / "vendor" / "ob_v3p0_achievementcredential_schema.json"


@cache
def _validator() -> jsonschema.Draft201909Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"].endswith(
        "/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredential_schema.json"
    )
    jsonschema.Draft201909Validator.check_schema(schema)
    checker = jsonschema.FormatChecker(["date"])

    @checker.checks("date-time", raises=ValueError)
    def date_time(value) -> bool:
        # DateTimeZ: an ISO 8601 date and time with its zone.
        parsed = datetime.datetime.fromisoformat(value)
        return "T" in value and parsed.tzinfo is not None

    return jsonschema.Draft201909Validator(schema, format_checker=checker)


def schema_errors(credential: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(credential)]


def _designation():
    employer = MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True)
    body = MembershipFactory(role=Role.ORG_ADMIN, mfa=True, organisation__kind="awarding-body")
    designation = Designation.objects.create(
        organisation=employer.organisation,
        kind=DesignationKind.APS,
        status=Designation.Status.APPROVED,
        awarding_body=body.organisation,
        starts_on=datetime.date(2025, 1, 1),
    )
    return issuing.issue(holder=employer.user, key=f"designation:{designation.uuid}")


@pytest.fixture
def issued(confirmed_asye, passed_placement):
    appraisal, _ = confirmed_asye
    return [
        issuing.issue(holder=appraisal.appraisee, key=f"asye:{appraisal.uuid}"),
        issuing.issue(holder=passed_placement.student, key=f"placement:{passed_placement.uuid}"),
        _designation(),
    ]


def test_every_kind_of_credential_is_valid_against_the_official_schema(issued):
    assert {c.kind for c in issued} == {"asye", "placement", "designation"}
    for credential in issued:
        assert schema_errors(credential.payload) == [], credential.kind
        # What a wallet reads out of the JWT is valid too (the claims are extra members).
        payload = json.loads(jws.extract_compact(credential.jwt.encode()).payload)
        assert schema_errors(payload) == [], credential.kind


def test_the_schema_catches_what_the_spec_forbids(issued):
    """The check can fail: the shapes OB 3.0 refuses are refused by the vendored schema."""
    good = issued[0].payload

    def broken(change) -> list[str]:
        credential = json.loads(json.dumps(good))
        change(credential)
        return schema_errors(credential)

    assert broken(lambda c: c["@context"].reverse())  # the VC 2.0 context comes first
    assert broken(lambda c: c.update(type="OpenBadgeCredential"))  # type is an array
    assert broken(lambda c: c.update(type=["VerifiableCredential"]))
    assert broken(lambda c: c.pop("validFrom"))
    assert broken(lambda c: c["credentialSubject"].update(type="AchievementSubject"))
    assert broken(lambda c: c["credentialSubject"]["achievement"].pop("criteria"))
    assert broken(lambda c: c["credentialSubject"]["achievement"]["alignment"][0].pop("targetUrl"))
    assert broken(lambda c: c["credentialSubject"]["identifier"][0].update(email="a@b.example"))
    assert broken(lambda c: c.update(validFrom="6 December 2026"))


def test_the_fields_the_spec_names(issued):
    for credential in issued:
        vc = credential.payload
        assert vc["credentialSchema"] == [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ]
        assert vc["credentialSubject"]["id"].startswith("urn:uuid:")
        status = vc["credentialStatus"]
        # W3C Bitstring Status List v1.0: an entry names its purpose, index (a string) and list.
        assert status["type"] == "BitstringStatusListEntry"
        assert set(status) == {
            "id",
            "type",
            "statusPurpose",
            "statusListIndex",
            "statusListCredential",
        }
        assert status["statusListIndex"].isdigit()
        assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"


def test_the_jwt_proof_has_the_ob3_header_and_claims(issued):
    for credential in issued:
        obj = jws.extract_compact(credential.jwt.encode())
        assert set(obj.protected) == {"alg", "kid", "typ"}
        assert obj.protected["typ"] == "JWT"
        payload = json.loads(obj.payload)
        vc = credential.payload
        assert payload["iss"] == vc["issuer"]["id"]
        assert payload["jti"] == vc["id"]
        assert payload["sub"] == vc["credentialSubject"]["id"]
        valid_from = datetime.datetime.fromisoformat(vc["validFrom"])
        assert payload["nbf"] == int(valid_from.timestamp())
        assert {k: v for k, v in payload.items() if k not in issuing.CLAIMS} == vc


def test_a_claim_that_does_not_match_the_credential_fails(issued):
    credential = issued[0]
    organisation = credential.issuer
    forged = dict(credential.payload)
    payload = forged | issuing.jwt_claims(forged) | {"sub": "urn:uuid:someone-else"}
    token = jws.serialize_compact(
        {"alg": "EdDSA", "typ": "JWT", "kid": organisation.credential_key.kid},
        json.dumps(payload).encode(),
        keys.private_key(organisation.credential_key),
        algorithms=["EdDSA"],
    )
    with pytest.raises(ValueError, match="sub"):
        check_signature(token, keys.jwks(organisation))
    assert not verify(token).valid
    assert verify(credential.jwt).valid


def test_the_achievement_address_serves_a_valid_achievement(client, issued):
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    for credential in issued:
        address = credential.payload["credentialSubject"]["achievement"]["id"]
        served = client.get(address).json()
        achievement = {"$ref": "#/$defs/Achievement", "$defs": schema["$defs"]}
        found = list(jsonschema.Draft201909Validator(achievement).iter_errors(served))
        assert found == [], address
        assert (
            served["criteria"]["narrative"]
            == (credential.payload["credentialSubject"]["achievement"]["criteria"]["narrative"])
        )


def test_the_kid_dereferences_to_the_jwk_that_verifies(client, issued):
    from django.conf import settings
    from joserfc.jwk import OKPKey

    for credential in issued:
        kid = jws.extract_compact(credential.jwt.encode()).protected["kid"]
        assert kid.startswith(settings.SITE_URL) and "#" not in kid
        response = client.get(kid.removeprefix(settings.SITE_URL))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/jwk+json"
        key = response.json()
        assert "d" not in key and key["kid"] == kid
        jws.deserialize_compact(credential.jwt, OKPKey.import_key(key), algorithms=["EdDSA"])
    other = issued[0].issuer.uuid
    assert client.get(f"/credentials/issuers/{other}/keys/not-its-thumbprint").status_code == 404
