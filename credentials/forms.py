from django import forms


class VerifyForm(forms.Form):
    """A credential pasted to be verified. Nothing is stored, so no identifying-information guard."""

    guard_exempt = {"credential": "a signed credential pasted to be checked, never stored"}

    credential = forms.CharField(
        label="Credential",
        help_text="Paste the signed credential (the text starting with eyJ), as downloaded.",
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        error_messages={"required": "Paste the credential to verify"},
        max_length=100_000,
    )
