"""The guard mixin's rules: strong identifiers are removed or redacted and never confirmed away;
weaker findings may be confirmed, and each confirmation is recorded as today."""

import pytest
from django import forms
from django.utils import timezone

from accounts.factories import UserFactory
from cms.guard_forms import REDACTED_MESSAGE, GuardedFormMixin, record_confirmation
from cms.models import GuardConfirmation
from portfolios.models import Entry
from portfolios.models import GuardConfirmation as EntryConfirmation

NHS = "943 476 5919"
STRONG = (
    f"NHS {NHS}, born on 3 April 2015, lives at DN55 1PT, phone 07700 900123, email jo@example.org."
)


class NoteForm(GuardedFormMixin, forms.Form):
    note = forms.CharField(widget=forms.Textarea, required=False)
    other = forms.CharField(required=False)
    code = forms.CharField(required=False)
    guard_exempt = {"code": "a reference code"}


def test_strong_findings_block_saving_even_when_confirmed():
    first = NoteForm({"note": STRONG})
    assert not first.is_valid()
    assert {f.kind for f in first.guard_strong} == {
        "nhs_number",
        "date_of_birth",
        "postcode",
        "phone",
        "email",
    }
    assert "Remove the" in first.errors["note"][0] and "Redact" in first.errors["note"][0]
    confirmed = NoteForm(
        {"note": STRONG, "confirm_anonymised": "on", "guard_fingerprints": ""},
    )
    assert not confirmed.is_valid() and "note" in confirmed.errors
    # Not even an earlier confirmation of the same text lets a strong finding through.
    remembered = NoteForm(
        {"note": STRONG, "confirm_anonymised": "on"},
        confirmed_fingerprints={f.fingerprint for f in first.guard_findings},
    )
    assert not remembered.is_valid()


def test_redact_replaces_each_strong_finding_and_saves_nothing():
    form = NoteForm({"note": f"Mrs Amelia Hart said: {STRONG}", "guard_redact": "1"})
    assert not form.is_valid()
    assert REDACTED_MESSAGE in form.non_field_errors()
    assert form["note"].value() == (
        "Mrs Amelia Hart said: NHS [NHS number removed], born on [date of birth removed], "
        "lives at [postcode removed], phone [phone number removed], "
        "email [email address removed]."
    )
    # The name is a weaker finding: it stays for the person to change or confirm.
    assert [f.kind for f in form.guard_findings] == ["name"]
    # The error summary's message leads to the text that changed, not to the first field.
    assert form.non_field_anchor == form["note"].auto_id
    again = NoteForm(
        {
            "note": form["note"].value(),
            "confirm_anonymised": "on",
            "guard_fingerprints": form.finding_fingerprints,
        }
    )
    assert again.is_valid() and [f.kind for f in again.guard_confirmed] == ["name"]


def test_redact_works_with_a_prefix_and_only_on_guarded_fields():
    data = {"p-note": f"NHS {NHS}", "p-code": "X 07700 900123", "p-guard_redact": "1"}
    form = NoteForm(data, prefix="p")
    form.is_valid()
    assert form["note"].value() == "NHS [NHS number removed]"
    assert form["code"].value() == "X 07700 900123"  # exempt: left alone


def test_a_weak_finding_needs_the_box_ticked_for_the_text_that_was_shown():
    text = "I spoke to the mother, Jane Smith."
    first = NoteForm({"note": text})
    assert not first.is_valid() and "confirm_anonymised" in first.errors
    unseen = NoteForm(
        {
            "note": text + " And Mr Tom Brown.",
            "confirm_anonymised": "on",
            "guard_fingerprints": first.finding_fingerprints,
        }
    )
    assert not unseen.is_valid()
    ok = NoteForm(
        {"note": text, "confirm_anonymised": "on", "guard_fingerprints": first.finding_fingerprints}
    )
    assert ok.is_valid()
    assert ok.cleaned_data["note"] == text


def test_every_char_field_is_guarded_unless_exempt():
    form = NoteForm({"other": f"NHS {NHS}", "code": f"NHS {NHS}"})
    assert not form.is_valid()
    assert "other" in form.errors and "code" not in form.errors


@pytest.mark.django_db
def test_a_confirmation_is_recorded_as_today_without_the_text():
    user = UserFactory()
    first = NoteForm({"note": "the mother, Jane Smith"})
    first.is_valid()
    form = NoteForm(
        {
            "note": "the mother, Jane Smith",
            "confirm_anonymised": "on",
            "guard_fingerprints": first.finding_fingerprints,
        }
    )
    assert form.is_valid()
    record_confirmation(record=user, findings=form.guard_confirmed, by=user)
    confirmation = GuardConfirmation.for_record(user).get()
    assert confirmation.confirmed_on == timezone.localdate()
    assert confirmation.confirmed_by == user
    assert confirmation.kinds == ["name"] and confirmation.fields == ["note"]
    assert "Jane" not in str(confirmation.fingerprints)
    assert GuardConfirmation.fingerprints_for(user) == {f.fingerprint for f in form.guard_confirmed}


# ---------------------------------------------------------------------------------------------
# Through the portfolio entry form

NEW = "/portfolio/evidence/new/"


def entry(**overrides):
    data = {
        "action": "complete",
        "entry_type": Entry.Type.REFLECTION,
        "title": "Reflective supervision",
        "occurred_on_day": "2",
        "occurred_on_month": "3",
        "occurred_on_year": "2026",
        "description": "A discussion.",
        "learning": "Something learnt.",
        "impact": "Some impact.",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_an_entry_with_a_postcode_cannot_be_confirmed_but_can_be_redacted(client):
    from portfolios.tests.conftest import person

    client.force_login(person())
    text = "Visited the family at DN55 1PT."
    first = client.post(NEW, entry(description=text))
    assert first.status_code == 200 and not Entry.objects.exists()
    page = first.content.decode()
    assert "Remove the postcode" in page and 'name="guard_redact"' in page
    confirmed = client.post(
        NEW, entry(description=text, confirm_anonymised="on", guard_fingerprints="")
    )
    assert confirmed.status_code == 200 and not Entry.objects.exists()
    redacted = client.post(NEW, entry(description=text, guard_redact="1"))
    assert redacted.status_code == 200 and not Entry.objects.exists()
    assert redacted.context["form"]["description"].value() == (
        "Visited the family at [postcode removed]."
    )
    saved = client.post(NEW, entry(description="Visited the family at [postcode removed]."))
    assert saved.status_code == 302
    assert Entry.objects.get().description == "Visited the family at [postcode removed]."
    assert not EntryConfirmation.objects.exists()


@pytest.mark.django_db
def test_an_entry_with_an_nhs_number_is_refused_even_as_a_draft(client):
    from portfolios.tests.conftest import person

    client.force_login(person())
    for action in ("complete", "draft"):
        response = client.post(
            NEW,
            entry(action=action, learning=f"NHS {NHS}", confirm_anonymised="on"),
        )
        assert response.status_code == 200 and not Entry.objects.exists()
        assert "Remove the NHS number" in response.content.decode()
