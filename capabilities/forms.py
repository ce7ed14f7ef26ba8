from django import forms
from django.core.exceptions import ValidationError

from .models import FrameworkVersion


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
