"""The identifying-information guard for every form where a person writes into a record.

Mix :class:`GuardedFormMixin` into a form (before ``forms.Form``/``forms.ModelForm``) and every
free-text field on it is checked by :mod:`portfolios.guard` when the form is validated:

* strong identifiers (an NHS number, a date of birth with its cue, a full postcode, a phone
  number, an email address) block saving until they are changed. The form offers a "Redact"
  button (``form.redact_name``): posting it re-renders the form with each strong finding replaced
  by a placeholder such as "[postcode removed]"; nothing is saved until the person saves again.
  Ticking the confirmation box never lets a strong finding through.
* weaker findings (a possible name, a street address) may be confirmed as anonymised with the
  ``confirm_anonymised`` checkbox. The form lists them in ``form.guard_confirmed``; the view
  records them with :func:`record_confirmation` (or, for portfolio entries, the entry service),
  dated today. Only the fingerprints (HMACs keyed with the server's secret) are stored, never
  the text. The form says which weak findings it showed in a hidden field, signed
  (``django.core.signing``, salt ``SHOWN_SALT``); a confirmation counts only for findings whose
  fingerprints arrive in that signed list, so a client cannot confirm what it was never shown.
  A missing, unsigned or tampered list counts as "nothing shown".

Which fields are guarded: ``guard_fields`` if the form names them, otherwise every ``CharField``
except those in ``guard_exempt`` (a mapping of field name to the reason it is not free text,
e.g. an email address the form asks for on purpose).

Forms whose text is not a record about a person (template and question wording, search boxes)
say so with ``guard_opt_out = "<reason>"`` instead of mixing this in. ``tests/test_guard_forms``
walks every form class in the project and fails on a free-text field that is neither guarded
nor opted out.

Templates: ``{% include "includes/forms/guard.html" %}`` inside the ``<form>``, before the
buttons. The field and confirmation errors appear in the shared error summary.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError

from portfolios import guard

CONFIRM_FIELD = "confirm_anonymised"
SHOWN_FIELD = "guard_fingerprints"
REDACT_FIELD = "guard_redact"
#: The signing salt of the hidden list of findings the form showed.
SHOWN_SALT = "capable.guard.shown"

REDACTED_MESSAGE = (
    "Check the text where identifying information was replaced with placeholders, then save it"
)
CONFIRM_MESSAGE = (
    "Change the highlighted text, or confirm that it does not identify a child or family"
)


def _plain(labels: Iterable[str]) -> str:
    items = sorted(set(labels))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class GuardedFormMixin:
    """Runs the identifying-information guard on a form's free text (see the module docstring)."""

    guard_fields: tuple[str, ...] | None = None
    guard_exempt: dict[str, str] = {}
    confirm_label = (
        "I have checked the possible names and addresses highlighted above: they do not "
        "identify a child or family"
    )

    def __init__(self, *args, confirmed_fingerprints: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.confirmed_fingerprints = set(confirmed_fingerprints)
        self.guard_findings: list[guard.Finding] = []
        self.guard_confirmed: list[guard.Finding] = []
        self.guard_redacted = False
        self.guard_redacted_fields: list[str] = []
        self.fields[CONFIRM_FIELD] = forms.BooleanField(label=self.confirm_label, required=False)
        self.fields[SHOWN_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)

    # ----------------------------------------------------------------------------------------
    @classmethod
    def guarded_field_names(cls, fields) -> list[str]:
        """The names, among ``fields`` (name to field), that the guard reads."""
        if cls.guard_fields is not None:
            return [name for name in cls.guard_fields if name in fields]
        return [
            name
            for name, field in fields.items()
            if isinstance(field, forms.CharField)
            and not isinstance(field.widget, forms.HiddenInput)
            and not isinstance(field, forms.EmailField)
            and name not in cls.guard_exempt
            and name not in (CONFIRM_FIELD, SHOWN_FIELD)
        ]

    @property
    def redact_name(self) -> str:
        return self.add_prefix(REDACT_FIELD)

    @property
    def guard_strong(self) -> list[guard.Finding]:
        return [f for f in self.guard_findings if f.strong]

    @property
    def guard_weak(self) -> list[guard.Finding]:
        return [f for f in self.guard_findings if not f.strong]

    @property
    def finding_fingerprints(self) -> str:
        """The hidden field's value: the fingerprints of the weak findings shown, signed."""
        shown = sorted({f.fingerprint for f in self.guard_weak})
        return signing.Signer(salt=SHOWN_SALT).sign_object(shown, compress=True)

    def shown_fingerprints(self) -> set[str]:
        """The fingerprints the posted form says it showed, if the signature holds; otherwise
        none (a missing, unsigned or tampered value shows nothing)."""
        value = self.data.get(self.add_prefix(SHOWN_FIELD)) or ""
        if not isinstance(value, str) or not value:
            return set()
        try:
            shown = signing.Signer(salt=SHOWN_SALT).unsign_object(value)
        except (signing.BadSignature, ValueError, TypeError):
            return set()
        if not isinstance(shown, list):
            return set()
        return {item for item in shown if isinstance(item, str)}

    def _redact_data(self) -> None:
        data = self.data.copy()
        for name in self.guarded_field_names(self.fields):
            key = self.add_prefix(name)
            value = data.get(key)
            if isinstance(value, str):
                redacted = guard.redact(value)
                if redacted != value:
                    self.guard_redacted_fields.append(name)
                data[key] = redacted
        data.pop(self.add_prefix(CONFIRM_FIELD), None)
        self.data = data
        self.guard_redacted = True

    @property
    def non_field_anchor(self) -> str:
        """Where the error summary's form-wide message links: after a redaction, the first
        field that changed; with findings, the finding or the confirmation (``guard_anchor``);
        otherwise the error summary falls back to the first field."""
        if self.guard_redacted_fields or self.guard_findings:
            return self.guard_anchor
        return ""

    @property
    def guard_anchor(self) -> str:
        """Where a link about the guard's findings goes: the confirmation checkbox when it needs
        ticking, otherwise the first field with a finding (after a redaction, the first field
        that changed)."""
        if self.guard_weak and CONFIRM_FIELD in self.errors:
            return self[CONFIRM_FIELD].auto_id
        if self.guard_redacted_fields:
            return self[self.guard_redacted_fields[0]].auto_id
        if self.guard_findings:
            return self[self.guard_findings[0].field].auto_id
        return self[CONFIRM_FIELD].auto_id if self.guard_weak else ""

    def preview_identifying_information(self) -> None:
        """For an unbound form over a record that needs review (an imported entry): find and
        highlight what the guard flags in the stored text before anything is posted, so the
        person sees what to change. Adds no errors."""
        texts = {
            name: value
            for name in self.guarded_field_names(self.fields)
            if isinstance(value := self[name].value(), str)
        }
        self._guard_texts = texts
        self.guard_findings = [
            f
            for f in guard.check_fields(texts)
            if f.strong or f.fingerprint not in self.confirmed_fingerprints
        ]

    # ----------------------------------------------------------------------------------------
    def full_clean(self):
        # Redact here, not in __init__, so fields a subclass adds after __init__ are covered.
        if self.is_bound and not self.guard_redacted and self.redact_name in self.data:
            self._redact_data()
        super().full_clean()
        if self.is_bound and hasattr(self, "cleaned_data"):
            self.check_identifying_information()

    def guard_texts(self) -> dict[str, str]:
        """The text the guard reads, by field name, as each field cleaned it (kept even if the
        form's own checks later put an error on the field)."""
        texts = getattr(self, "_guard_texts", {})
        return {
            name: texts[name]
            for name in self.guarded_field_names(self.fields)
            if isinstance(texts.get(name), str)
        }

    def check_identifying_information(self) -> None:
        findings = [
            f
            for f in guard.check_fields(self.guard_texts())
            if f.strong or f.fingerprint not in self.confirmed_fingerprints
        ]
        self.guard_findings = findings
        self.guard_confirmed = []
        if self.guard_redacted:
            self.add_error(None, REDACTED_MESSAGE)
        by_field: dict[str, list[guard.Finding]] = {}
        for finding in self.guard_strong:
            by_field.setdefault(finding.field, []).append(finding)
        for name, strong in by_field.items():
            what = _plain(f.label.removeprefix("a possible ") for f in strong)
            self.add_error(
                name,
                ValidationError(
                    f"Remove the {what} from this text, or use Redact to replace it",
                    code="identifying",
                ),
            )
        weak = self.guard_weak
        if not weak:
            return
        shown = self.shown_fingerprints()
        confirmed = self.cleaned_data.get(CONFIRM_FIELD) and not self.guard_redacted
        if confirmed and {f.fingerprint for f in weak} <= shown:
            self.guard_confirmed = weak
            return
        self.add_error(CONFIRM_FIELD, ValidationError(CONFIRM_MESSAGE, code="identifying"))

    def highlighted_fields(self) -> list[dict]:
        """For the guard panel: each field with findings, its label and highlighted text."""
        by_field: dict[str, list[guard.Finding]] = {}
        for finding in self.guard_findings:
            by_field.setdefault(finding.field, []).append(finding)
        texts = self.guard_texts()

        def in_order(findings, strong):
            # What was found, in the order it stands in the text, each kind once.
            ordered = sorted((f for f in findings if f.strong == strong), key=lambda f: f.start)
            return list(dict.fromkeys(f.label for f in ordered))

        return [
            {
                "name": name,
                "label": self.fields[name].label or name.replace("_", " ").capitalize(),
                "html": guard.highlight(texts.get(name, ""), findings),
                "strong_kinds": in_order(findings, True),
                "weak_kinds": in_order(findings, False),
                "strong": any(f.strong for f in findings),
                "field": self[name],
            }
            for name, findings in by_field.items()
        ]

    def _clean_fields(self):
        super()._clean_fields()
        # Keep the cleaned text: a field with an error drops out of cleaned_data later.
        self._guard_texts = {
            name: value for name, value in self.cleaned_data.items() if isinstance(value, str)
        }


def record_confirmation(*, record, findings: list[guard.Finding], by) -> None:
    """Record that ``by`` confirmed ``findings`` on ``record`` as anonymised, dated today."""
    if not findings or record is None:
        return
    from cms.models import GuardConfirmation

    GuardConfirmation.record(record=record, findings=findings, by=by)


def confirmed_fingerprints(record) -> set[str]:
    """Fingerprints already confirmed on ``record``, so the same text is not flagged again."""
    if record is None or record.pk is None:
        return set()
    from cms.models import GuardConfirmation

    return GuardConfirmation.fingerprints_for(record)
