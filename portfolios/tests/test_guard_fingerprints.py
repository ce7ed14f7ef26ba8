"""Guard confirmations cannot be forged or reversed: a fingerprint is an HMAC keyed with the
server's secret, and the list of findings the form showed travels signed, so a client cannot
confirm a finding it was never shown."""

import hashlib
import re

import pytest

from portfolios.guard import Finding, Kind, check_fields
from portfolios.models import Entry, GuardConfirmation

from .test_entries import NEW, record

TEXT = "I visited the mother, Jane Smith, at 14 Elm Grove."
HIDDEN = re.compile(r'<input type="hidden" name="guard_fingerprints" value="([^"]*)">')


def weak_fingerprints(text):
    return sorted({f.fingerprint for f in check_fields({"description": text}) if not f.strong})


def test_a_fingerprint_is_not_a_plain_hash_of_the_text():
    finding = Finding(Kind.NAME, 0, 10, "Jane Smith")

    assert finding.fingerprint != hashlib.sha256(b"name:jane smith").hexdigest()
    assert len(finding.fingerprint) == 64


def test_a_fingerprint_cannot_be_recomputed_without_the_secret(settings):
    finding = Finding(Kind.NAME, 0, 10, "Jane Smith")
    ours = finding.fingerprint

    settings.SECRET_KEY = "another site's secret key, long enough to be a real one 0123456789"

    assert finding.fingerprint != ours
    assert finding.fingerprint == Finding(Kind.NAME, 5, 20, " JANE  smith").fingerprint


@pytest.mark.django_db
def test_a_forged_unsigned_list_of_fingerprints_does_not_confirm(client, practitioner):
    client.force_login(practitioner)

    # Never shown the findings, the client computes their fingerprints and ticks the box.
    response = client.post(
        NEW,
        record(
            description=TEXT,
            confirm_anonymised="on",
            guard_fingerprints=",".join(weak_fingerprints(TEXT)),
        ),
    )

    assert response.status_code == 200
    assert not Entry.objects.exists() and not GuardConfirmation.objects.exists()


@pytest.mark.django_db
def test_a_tampered_signature_counts_as_not_shown(client, practitioner):
    client.force_login(practitioner)
    shown = (
        client.post(NEW, record(description="Mrs Amelia Hart told me."))
        .context["form"]
        .finding_fingerprints
    )
    assert shown
    # Reuse the signature of what was shown for a different set of findings.
    value, signature = shown.rsplit(":", 1)
    forged = ",".join(weak_fingerprints(TEXT)) + ":" + signature

    for tampered in (forged, shown[:-2] + ("AA" if not shown.endswith("AA") else "BB")):
        response = client.post(
            NEW, record(description=TEXT, confirm_anonymised="on", guard_fingerprints=tampered)
        )
        assert response.status_code == 200
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_shown_ticked_and_saved_with_the_rendered_value(client, practitioner):
    client.force_login(practitioner)
    page = client.post(NEW, record(description=TEXT)).content.decode()
    rendered = HIDDEN.search(page).group(1)
    for fingerprint in weak_fingerprints(TEXT):
        assert fingerprint not in rendered or ":" in rendered  # signed, not a bare list

    response = client.post(
        NEW, record(description=TEXT, confirm_anonymised="on", guard_fingerprints=rendered)
    )

    assert response.status_code == 302
    confirmation = GuardConfirmation.objects.get()
    assert sorted(confirmation.fingerprints) == weak_fingerprints(TEXT)
    # Editing later does not ask again about the confirmed text.
    entry = Entry.objects.get()
    edit = client.post(f"/portfolio/evidence/{entry.uuid}/edit/", record(description=TEXT))
    assert edit.status_code == 302
