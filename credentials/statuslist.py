"""Revocation published as a W3C Bitstring Status List v1.0 credential, one list per issuer.

The list is 131,072 bits (16 KB, the spec's minimum for privacy); bit 0 is the left-most bit of
the first byte; a set bit means revoked. `encodedList` is the GZIP-compressed bitstring,
base64url-encoded without padding, with the multibase prefix "u". The list credential is itself
signed with the issuer's key (VC-JOSE, like the credentials).
"""

import base64
import gzip

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Credential

LIST_SIZE = 131072
PURPOSE = "revocation"


def list_url(organisation) -> str:
    path = reverse("credentials:status_list", kwargs={"organisation": organisation.uuid})
    return f"{settings.SITE_URL}{path}"


def entry(organisation, index: int) -> dict:
    url = list_url(organisation)
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }


def encode(revoked: set[int]) -> str:
    bits = bytearray(LIST_SIZE // 8)
    for index in revoked:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u').")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def is_set(bitstring: bytes, index: int) -> bool:
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(organisation) -> dict:
    from .issuing import issuer_profile

    revoked = set(
        Credential.objects.filter(issuer=organisation, revoked_at__isnull=False).values_list(
            "status_index", flat=True
        )
    )
    url = list_url(organisation)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(organisation, full=False),
        "validFrom": timezone.now().isoformat(timespec="seconds"),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(revoked),
        },
    }


def signed_status_list(organisation) -> str:
    from .issuing import sign

    return sign(organisation, status_list_credential(organisation))
