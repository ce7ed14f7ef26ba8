"""Open Badges 3.0 credentials: a signing key per issuing organisation, and the credentials a
holder chose to issue.

The private key is never shown: it is kept encrypted (Fernet, with a key derived from the
CREDENTIALS_KEY_SECRET setting, or SECRET_KEY when that is empty; see `keys.py`). The public key
is published as a JWK set. Each credential takes the next index of its issuer's revocation status
list (W3C Bitstring Status List), so revoking it flips one bit of a list anyone can fetch.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from organisations.models import Organisation


class IssuerKey(models.Model):
    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="credential_key"
    )
    kid = models.CharField(max_length=500, unique=True)
    public_jwk = models.JSONField()
    private_key_encrypted = models.TextField(help_text="Encrypted PKCS#8 PEM; never shown.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Signing key of {self.organisation}"


class Credential(models.Model):
    class Kind(models.TextChoices):
        ASYE = "asye", "ASYE completed"
        PLACEMENT = "placement", "Placement passed"
        DESIGNATION = "designation", "Designation approved"
        PEPS = "peps", "PEPS stage awarded"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # A person holds an ASYE or placement credential; an organisation holds a designation's.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credentials",
    )
    holder_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="credentials")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The record it is earned by: an appraisal's, a placement's, a designation's or a PEPS
    # award's uuid.
    source = models.UUIDField()
    name = models.CharField(max_length=200)
    status_index = models.PositiveIntegerField()
    payload = models.JSONField(help_text="The credential as signed.")
    jwt = models.TextField(help_text="The credential secured as a compact JWS (VC-JOSE).")
    issued_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source"], name="one_credential_per_record"),
            models.UniqueConstraint(fields=["issuer", "status_index"], name="one_status_bit_each"),
        ]

    def __str__(self):
        return f"{self.name}: {self.holder or self.holder_organisation}"

    def get_absolute_url(self):
        return reverse("credentials:detail", kwargs={"credential": self.uuid})

    @property
    def public_url(self) -> str:
        return reverse("credentials:public", kwargs={"credential": self.uuid})
