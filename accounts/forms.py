"""The name people use: asked at sign-up and edited on the profile page (/people/me/)."""

from django import forms

from .models import User

NAME_OPT_OUT = (
    "A person's own name, preferred name and pronouns: personal data about the user themself, "
    "not a record about a child or family"
)

NAME_FIELDS = ("first_name", "last_name", "preferred_name", "pronouns")

LABELS = {
    "first_name": "Given name",
    "last_name": "Family name",
    "preferred_name": "Preferred name (optional)",
    "pronouns": "Pronouns (optional)",
}
HELP = {
    "first_name": "If you have only one name, enter it here and leave the family name empty.",
    "last_name": "Leave this empty if you have only one name.",
    "preferred_name": "The name lists and emails show, if it is not your full name.",
    "pronouns": "For example, she/her, he/him or they/them.",
}
AUTOCOMPLETE = {
    "first_name": "given-name",
    "last_name": "family-name",
    "preferred_name": "nickname",
}


def _name_field(name: str, *, required: bool = False) -> forms.CharField:
    max_length = User._meta.get_field(name).max_length
    return forms.CharField(
        label=LABELS[name],
        help_text=HELP[name],
        required=required,
        max_length=max_length,
        widget=forms.TextInput(
            attrs={"autocomplete": AUTOCOMPLETE.get(name, "off"), "spellcheck": "false"}
        ),
        error_messages={"required": "Enter your name"} if required else None,
    )


def _clean_names(cleaned: dict) -> None:
    for name in NAME_FIELDS:
        if isinstance(cleaned.get(name), str):
            cleaned[name] = " ".join(cleaned[name].split())


class SignupDetailsForm(forms.Form):
    """allauth's ACCOUNT_SIGNUP_FORM_CLASS: its fields join the sign-up form."""

    guard_opt_out = NAME_OPT_OUT

    first_name = _name_field("first_name", required=True)
    last_name = _name_field("last_name")
    preferred_name = _name_field("preferred_name")
    pronouns = _name_field("pronouns")

    field_order = ["first_name", "last_name", "preferred_name", "pronouns", "email"]

    def clean(self):
        cleaned = super().clean()
        _clean_names(cleaned)
        return cleaned

    def signup(self, request, user) -> None:
        for name in NAME_FIELDS:
            setattr(user, name, self.cleaned_data.get(name, ""))
        user.save(update_fields=list(NAME_FIELDS))


class ProfileForm(forms.ModelForm):
    """A person edits their own name, preferred name and pronouns."""

    guard_opt_out = NAME_OPT_OUT

    class Meta:
        model = User
        fields = NAME_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NAME_FIELDS:
            self.fields[name] = _name_field(name, required=name == "first_name")

    def clean(self):
        cleaned = super().clean()
        _clean_names(cleaned)
        return cleaned
