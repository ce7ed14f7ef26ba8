"""Admin: import a Moodle competency framework CSV file (Framework > Versions > "Import a Moodle
CSV file"), always as a draft, with the encoding and delimiter Moodle's own import form asks for.
The result page lists what Moodle would have silently ignored (unknown references and the like)."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import AdminURLFinder

from .interchange.errors import InterchangeError
from .interchange.moodle_format import DELIMITERS, ENCODINGS
from .interchange.moodle_import import import_file


class MoodleImportForm(forms.Form):
    """A Moodle competency framework CSV file uploaded in the admin: read here, imported by the
    view. Free text comes from a published framework (reference text), as with a CASE package."""

    MAX_BYTES = 10 * 1024 * 1024
    DELIMITER_CHOICES = [("", "Find it from the header row")] + [
        (name, name.capitalize()) for name in DELIMITERS
    ]

    file = forms.FileField(
        label="Moodle competency framework (CSV)",
        help_text="A file exported from Moodle (Competency frameworks, Export) or written to "
        "its 14 columns, of up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    encoding = forms.ChoiceField(
        choices=list(ENCODINGS.items()),
        initial="utf-8",
        help_text="How the file's text is stored. Moodle writes UTF-8; Excel on Windows often "
        "saves Windows-1252.",
    )
    delimiter = forms.ChoiceField(
        choices=DELIMITER_CHOICES,
        required=False,
        help_text="The character between columns. Capable finds it when left to.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise ValidationError("The file is larger than 10 MB.")
        return upload.read()


def import_moodle_file(request):
    if not request.user.has_perm("capabilities.add_frameworkversion"):
        raise PermissionDenied
    form = MoodleImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = import_file(
                form.cleaned_data["file"],
                encoding=form.cleaned_data["encoding"],
                delimiter=form.cleaned_data["delimiter"] or None,
            )
        except InterchangeError as error:
            form.add_error("file", f"Nothing was imported: {error} Choose the file again.")
        else:
            version = result.version
            return TemplateResponse(
                request,
                "capabilities/admin/import_moodle_done.html",
                {
                    "result": result,
                    "version": version,
                    "items": version.items.count(),
                    "links": version.associations.count(),
                    "edit_url": AdminURLFinder(request.user).get_edit_url(version),
                },
            )
    if form.errors:
        messages.error(request, "The file was not imported. The reason is shown below the field.")
    return TemplateResponse(request, "capabilities/admin/import_moodle.html", {"form": form})
