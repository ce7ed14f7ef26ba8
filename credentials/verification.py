"""Verifying a credential as anyone would: the signature against the issuer's published JWK set,
then the issuer's status list. `verify` takes the JWT text and returns what it found."""

import json
from dataclasses import dataclass, field

from joserfc import jws
from joserfc.errors import JoseError

from organisations.models import Organisation

from . import keys, statuslist


@dataclass
class Result:
    valid: bool = False
    revoked: bool = False
    credential: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def achievement(self) -> dict:
        return self.credential.get("credentialSubject", {}).get("achievement", {})


def _issuer(credential: dict) -> Organisation | None:
    issuer_id = credential.get("issuer", {})
    issuer_id = issuer_id.get("id", "") if isinstance(issuer_id, dict) else str(issuer_id)
    for organisation in Organisation.objects.filter(credential_key__isnull=False):
        if issuer_id.rstrip("/").endswith(str(organisation.uuid)):
            return organisation
    return None


def check_signature(token: str, jwks: dict) -> dict:
    """The credential in `token` if its signature verifies with a key of `jwks`; raises
    JoseError or ValueError otherwise."""
    obj = jws.deserialize_compact(token, keys.key_set(jwks), algorithms=[keys.ALGORITHM])
    if obj.protected.get("typ") != "vc+jwt":
        raise ValueError("Not a VC-JOSE credential (typ is not vc+jwt).")
    return json.loads(obj.payload)


def verify(token: str) -> Result:
    result = Result()
    token = (token or "").strip()
    try:
        unverified = json.loads(jws.extract_compact(token.encode()).payload)
    except (JoseError, ValueError, TypeError):
        result.errors.append("This is not a signed credential (a compact JWS).")
        return result
    organisation = _issuer(unverified)
    if organisation is None:
        result.errors.append("The issuer is not one that publishes keys here.")
        return result
    try:
        result.credential = check_signature(token, keys.jwks(organisation))
    except (JoseError, ValueError):
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
