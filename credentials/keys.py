"""Signing keys: an Ed25519 key pair per issuing organisation, made on first use.

The private key is stored encrypted with Fernet (AES-128-CBC + HMAC, from `cryptography`) under a
key derived from settings.CREDENTIALS_KEY_SECRET (SECRET_KEY when that is empty). Rotating
SECRET_KEY without setting CREDENTIALS_KEY_SECRET to the old value makes the keys unreadable, so
production sets CREDENTIALS_KEY_SECRET once. Only the public half (a JWK) is ever published.
"""

import base64
import hashlib

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from joserfc.jwk import KeySet, OKPKey

from .models import IssuerKey

ALGORITHM = "EdDSA"


def _fernet() -> Fernet:
    secret = getattr(settings, "CREDENTIALS_KEY_SECRET", "") or settings.SECRET_KEY
    digest = hashlib.sha256(f"capable-credentials-keys:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def jwks_url(organisation) -> str:
    path = reverse("credentials:jwks", kwargs={"organisation": organisation.uuid})
    return f"{settings.SITE_URL}{path}"


def jwk_url(organisation, thumbprint: str) -> str:
    """The address of one public key, used as its `kid`: OB 3.0 asks that the JOSE header's kid
    dereference to a JWK (keys made before this were `<JWK set address>#<thumbprint>`)."""
    path = reverse(
        "credentials:jwk", kwargs={"organisation": organisation.uuid, "thumbprint": thumbprint}
    )
    return f"{settings.SITE_URL}{path}"


def issuer_key(organisation) -> IssuerKey:
    """The organisation's key, made (once) on first use."""
    existing = IssuerKey.objects.filter(organisation=organisation).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        key = OKPKey.generate_key("Ed25519", private=True)
        kid = jwk_url(organisation, key.thumbprint())
        public = key.as_dict(private=False) | {"kid": kid, "alg": ALGORITHM, "use": "sig"}
        pem = key.as_pem(private=True)
        record, _ = IssuerKey.objects.get_or_create(
            organisation=organisation,
            defaults={
                "kid": kid,
                "public_jwk": public,
                "private_key_encrypted": _fernet().encrypt(pem).decode(),
            },
        )
        return record


def private_key(record: IssuerKey) -> OKPKey:
    pem = _fernet().decrypt(record.private_key_encrypted.encode())
    return OKPKey.import_key(pem, {"kid": record.kid})


def jwks(organisation) -> dict:
    """The published JWK set: public keys only."""
    return {"keys": [issuer_key(organisation).public_jwk]}


def public_jwk(organisation, thumbprint: str) -> dict | None:
    """The organisation's public key if `thumbprint` names it."""
    record = issuer_key(organisation)
    if OKPKey.import_key(record.public_jwk).thumbprint() != thumbprint:
        return None
    return record.public_jwk


def key_set(data: dict) -> KeySet:
    return KeySet.import_key_set(data)
