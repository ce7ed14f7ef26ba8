"""Building, signing, issuing and revoking OpenBadgeCredentials.

A credential follows the W3C VC Data Model 2.0 and Open Badges 3.0 (checked in the tests against
1EdTech's AchievementCredential JSON Schema), and is secured with the OB 3.0 JSON Web Token proof
format: a compact JWS whose payload is the credential itself plus the JWT claims the spec
requires (`iss` = issuer.id, `jti` = id, `nbf` = validFrom, `sub` = credentialSubject.id, and
`exp` = validUntil when there is one), header {"alg": "EdDSA", "typ": "JWT", "kid": <the
issuer's JWK id>} and no other header, signed with the issuer's Ed25519 key (joserfc). OB 3.0
asks verifiers to support RS256 at least and allows other algorithms; EdDSA is one of them.

The subject is a fresh `urn:uuid:` per credential (so `sub` exists without linking a person's
credentials to each other or to an account) plus the hashed email address as an IdentityObject.
"""

import hashlib
import json
import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from joserfc import jws

from accounts.audit import log_access
from accounts.models import AccessEvent

from . import keys, statuslist
from .achievements import Earned, find_earned
from .models import Credential, IssuerKey

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
# The JSON Schema 1EdTech publishes for an OpenBadgeCredential, named as OB 3.0 asks.
SCHEMA = [
    {
        "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
        "ob_v3p0_achievementcredential_schema.json",
        "type": "1EdTechJsonSchemaValidator2019",
    }
]
TYPE = "JWT"  # OB 3.0: the JOSE header's typ, if present, MUST be "JWT".
CLAIMS = ("iss", "jti", "nbf", "sub", "exp")


class NotEarned(Exception):
    """The person has not earned what they asked to issue."""


def _url(name: str, **kwargs) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs=kwargs)}"


def issuer_profile(organisation, *, full: bool = True) -> dict:
    """The OB3 Profile of an issuing organisation."""
    profile = {
        "id": _url("credentials:issuer", organisation=organisation.uuid),
        "type": ["Profile"],
        "name": organisation.name,
    }
    if full:
        profile = {"@context": CONTEXT} | profile | {"url": settings.SITE_URL}
    return profile


def identity(email: str, salt: str) -> dict:
    """The holder as a hashed email address (OB3 IdentityObject), never the plain address."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def alignment(earned: Earned) -> list[dict]:
    rows = []
    for target in earned.targets:
        row = {
            "type": ["Alignment"],
            "targetName": target.name,
            "targetUrl": target.uri,
            "targetType": target.target_type,
        }
        if target.code:
            row["targetCode"] = target.code
        if target.framework:
            row["targetFramework"] = target.framework
        rows.append(row)
    return rows


def organisation_identity(organisation) -> dict:
    """An organisation holder, by name (an organisation's name is public, so not hashed)."""
    return {
        "type": "IdentityObject",
        "identityHash": organisation.name,
        "identityType": "name",
        "hashed": False,
    }


def build(earned: Earned, *, holder, credential_uuid, index: int, issued_at) -> dict:
    organisation = earned.issuer
    achievement = {
        "id": _url("credentials:achievement", kind=earned.kind, organisation=organisation.uuid),
        "type": ["Achievement"],
        "name": earned.name,
        "description": earned.description,
        "criteria": {"narrative": earned.criteria},
        "achievementType": earned.achievement_type,
    }
    if earned.targets:
        achievement["alignment"] = alignment(earned)
    return {
        "@context": CONTEXT,
        "id": _url("credentials:public", credential=credential_uuid),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(organisation, full=False),
        "validFrom": issued_at.isoformat(timespec="seconds"),
        "name": earned.name,
        "credentialSubject": {
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["AchievementSubject"],
            "identifier": [
                organisation_identity(earned.holder_organisation)
                if earned.holder_organisation is not None
                else identity(holder.email, secrets.token_hex(8))
            ],
            "achievement": achievement,
        },
        "credentialStatus": statuslist.entry(organisation, index),
        "credentialSchema": SCHEMA,
    }


def _numeric_date(value: str) -> int:
    return int(datetime.fromisoformat(value).timestamp())


def jwt_claims(credential: dict) -> dict:
    """The JWT claims OB 3.0 requires beside the credential in a JWT proof's payload."""
    issuer = credential["issuer"]
    claims = {
        "iss": issuer["id"] if isinstance(issuer, dict) else issuer,
        "jti": credential["id"],
        "nbf": _numeric_date(credential["validFrom"]),
        "sub": credential["credentialSubject"]["id"],
    }
    if credential.get("validUntil"):
        claims["exp"] = _numeric_date(credential["validUntil"])
    return claims


def sign(organisation, credential: dict) -> str:
    record = keys.issuer_key(organisation)
    header = {"alg": keys.ALGORITHM, "typ": TYPE, "kid": record.kid}
    payload = credential | jwt_claims(credential)
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    return jws.serialize_compact(
        header, body, keys.private_key(record), algorithms=[keys.ALGORITHM]
    )


def issue(*, holder, key: str) -> Credential:
    """Issue the achievement `key` to `holder`, who must have earned it; issuing twice returns
    the credential already issued."""
    earned = find_earned(holder, key)
    if earned is None:
        raise NotEarned(key)
    existing = Credential.objects.filter(kind=earned.kind, source=earned.source.uuid).first()
    if existing is not None:
        return existing
    organisation = earned.issuer
    keys.issuer_key(organisation)
    with transaction.atomic():
        # One issuer's indexes are handed out one at a time.
        IssuerKey.objects.select_for_update().get(organisation=organisation)
        last = Credential.objects.filter(issuer=organisation).aggregate(Max("status_index"))
        index = (last["status_index__max"] or 0) + 1
        if index >= statuslist.LIST_SIZE:
            raise RuntimeError("The issuer's status list is full.")
        credential = Credential(
            holder=None if earned.holder_organisation is not None else holder,
            holder_organisation=earned.holder_organisation,
            issuer=organisation,
            kind=earned.kind,
            source=earned.source.uuid,
            name=earned.name,
            status_index=index,
        )
        credential.payload = build(
            earned,
            holder=holder,
            credential_uuid=credential.uuid,
            index=index,
            issued_at=timezone.now(),
        )
        credential.jwt = sign(organisation, credential.payload)
        credential.save()
    return credential


def revoke(*, credential: Credential, by, request=None) -> Credential:
    if credential.revoked_at is None:
        credential.revoked_at = timezone.now()
        credential.revoked_by = by
        credential.save(update_fields=["revoked_at", "revoked_by"])
        log_access(
            actor=by,
            obj=credential,
            owner=credential.holder or by,
            action=AccessEvent.Action.CHANGE,
            organisation=credential.issuer,
            change="revoked",
            request=request,
        )
    return credential
