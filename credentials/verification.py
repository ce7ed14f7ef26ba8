"""Verifying a credential as anyone would: the signature against the issuer's published JWK set,
then the issuer's status list. `verify` takes the JWT text and returns what it found."""

import json
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from joserfc import jws
from joserfc.errors import JoseError

from organisations.models import Organisation

from . import issuing, keys, statuslist

ISSUER_PATH = r"/credentials/issuers/(?P<uuid>[0-9a-f-]{36})/$"


@dataclass
class Result:
    valid: bool = False
    revoked: bool = False
    credential: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def achievement(self) -> dict:
        return self.credential.get("credentialSubject", {}).get("achievement", {})

    @property
    def named_holder(self) -> str:
        """The holder's name when the credential names it (an organisation), else ""."""
        for identity in self.credential.get("credentialSubject", {}).get("identifier", []):
            if identity.get("identityType") == "name" and not identity.get("hashed"):
                return identity.get("identityHash", "")
        return ""


def _issuer(credential: dict) -> Organisation | None:
    """The organisation whose profile URL is the credential's issuer id, if it has a key."""
    issuer = credential.get("issuer", {})
    issuer_id = issuer.get("id", "") if isinstance(issuer, dict) else str(issuer)
    match = re.match(re.escape(settings.SITE_URL) + ISSUER_PATH, str(issuer_id))
    if match is None:
        return None
    return Organisation.objects.filter(uuid=match["uuid"], credential_key__isnull=False).first()


# "JWT" is what OB 3.0 asks for; "vc+jwt" (VC-JOSE-COSE) is what this site wrote before.
TYPES = {"JWT", "vc+jwt"}


def _check_claims(payload: dict) -> dict:
    """The credential in a JWT proof's payload, once its claims match it (OB 3.0 "Verify a
    Credential VC-JWT Signature"); raises ValueError otherwise."""
    credential = payload.get("vc", payload)  # a VC 1.1 JWT keeps the credential in `vc`
    credential = {k: v for k, v in credential.items() if k not in issuing.CLAIMS}
    expected = issuing.jwt_claims(credential)
    for claim in ("iss", "jti", "sub", "nbf", "exp"):
        if payload.get(claim) != expected.get(claim):
            raise ValueError(f"The JWT claim {claim} does not match the credential.")
    if expected["nbf"] > time.time():
        raise ValueError("The credential is not valid yet.")
    if "exp" in expected and expected["exp"] < time.time():
        raise ValueError("The credential has expired.")
    return credential


def check_signature(token: str, jwks: dict) -> dict:
    """The credential in `token` if its signature verifies with a key of `jwks` and its JWT
    claims match it; raises JoseError or ValueError otherwise."""
    obj = jws.deserialize_compact(token, keys.key_set(jwks), algorithms=[keys.ALGORITHM])
    typ = obj.protected.get("typ")
    if typ is not None and typ not in TYPES:
        raise ValueError("Not a credential secured as a JWT (typ).")
    payload = json.loads(obj.payload)
    if typ == "vc+jwt":  # issued before the JWT claims were added: the payload is the credential
        return payload
    return _check_claims(payload)


def verify(token: str) -> Result:
    result = Result()
    token = (token or "").strip()
    try:
        unverified = json.loads(jws.extract_compact(token.encode()).payload)
        unverified = unverified.get("vc", unverified)
    except (JoseError, ValueError, TypeError, AttributeError):
        result.errors.append("This is not a signed credential (a compact JWS).")
        return result
    organisation = _issuer(unverified)
    if organisation is None:
        result.errors.append("The issuer is not one that publishes keys here.")
        return result
    try:
        result.credential = check_signature(token, keys.jwks(organisation))
    except (JoseError, ValueError, KeyError, TypeError):
        result.errors.append("The signature does not match the issuer's published key.")
        return result
    status = result.credential.get("credentialStatus", {})
    if status.get("statusListCredential") == statuslist.list_url(organisation):
        listed = check_signature(
            statuslist.signed_status_list(organisation), keys.jwks(organisation)
        )
        bits = statuslist.decode(listed["credentialSubject"]["encodedList"])
        result.revoked = statuslist.is_set(bits, int(status["statusListIndex"]))
    else:
        result.errors.append("The credential names no status list of its issuer.")
        return result
    result.valid = not result.revoked
    return result
