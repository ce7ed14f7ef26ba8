import json

from django import forms
from django.core.exceptions import ValidationError

from .models import Framework, FrameworkVersion


class NewDraftVersionForm(forms.Form):
    guard_opt_out = "a framework version's label and description: published reference text"

    label = forms.CharField(max_length=80, help_text="The version as people say it, e.g. 2027.")
    slug = forms.SlugField(
        max_length=80, help_text="Used in URLs: /framework/<slug>/. Cannot be changed later."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if FrameworkVersion.objects.filter(slug=slug).exists():
            raise ValidationError("A version with this slug already exists. Choose another.")
        return slug


class CaseImportForm(forms.Form):
    """A CASE 1.1 package uploaded in the admin: read here, imported by the view."""

    MAX_BYTES = 10 * 1024 * 1024

    package = forms.FileField(
        label="CASE package (JSON)",
        help_text="A 1EdTech CASE 1.1 CFPackage, as a .json file of up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    FROM_PACKAGE = ""
    kind = forms.ChoiceField(
        label="Framework type",
        required=False,
        choices=[
            (FROM_PACKAGE, "As the package says (a package Capable exported)"),
            *Framework.Kind.choices,
        ],
        help_text=(
            "Which kind of framework this is. A package from another system does not say: "
            "choose the type. Ignored when the framework is already in Capable."
        ),
    )

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError("The file is larger than 10 MB.")
        try:
            return json.loads(upload.read().decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValidationError(f"The file is not JSON: {error}") from None
