from django import forms

from .unbaking import credential_from_badge


class VerifyForm(forms.Form):
    """A credential pasted, or a baked badge image chosen, to be verified. Nothing is stored, so
    no identifying-information guard."""

    guard_exempt = {"credential": "a signed credential pasted to be checked, never stored"}

    credential = forms.CharField(
        label="Credential",
        help_text="Paste the signed credential (the text starting with eyJ), as downloaded.",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        required=False,
        max_length=100_000,
    )
    badge = forms.FileField(
        label="Or choose a badge image",
        help_text="A PNG or SVG badge with the credential baked into it, up to 2 MB.",
        required=False,
        error_messages={
            "empty": "The badge image you chose is empty",
            "invalid": "Choose a badge image that is a PNG or an SVG",
        },
    )

    def clean(self):
        cleaned = super().clean()
        badge = cleaned.get("badge")
        if badge:
            try:
                cleaned["token"] = credential_from_badge(badge)
            except forms.ValidationError as error:
                self.add_error("badge", error)
        elif cleaned.get("credential"):
            cleaned["token"] = cleaned["credential"]
        elif not self.errors:
            self.add_error("credential", "Paste the credential, or choose a badge image, to verify")
        return cleaned
