"""Portfolio forms. They read and check what was typed; saving, sharing and the access rule live in
`services.py` and `rules.py`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat

from capabilities.models import Item
from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin

from .cpd import LIMITED_FIELDS, field_limit, text_length
from .models import (
    GUARDED_FIELDS,
    RECORD_FIELDS,
    SWE_STANDARD_4,
    Entry,
    Share,
    activity_type_choices,
    registration_year_bounds,
)
from .uploads import ACCEPTED_DESCRIPTION, check_uploads, max_upload_bytes

# What the buttons of the entry form do.
ACTION_DRAFT = "draft"
ACTION_COMPLETE = "complete"
ACTION_FIND = "find"
# The status filter's choice for imported drafts the guard flagged.
NEEDS_REVIEW = "needs-review"

REQUIRED_FOR_RECORD = {
    "entry_type": "Choose the type of evidence",
    "occurred_on": "Enter the date",
    "description": "Enter a short description and why it is relevant",
    "learning": "Enter what you learnt",
    "impact": "Enter the impact on your practice and on the people you work with",
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class EntryForm(GuardedFormMixin, ServiceErrorsMixin, forms.ModelForm):
    guard_fields = GUARDED_FIELDS
    guard_exempt = {"statement_query": "a search for framework statements, not saved"}

    occurred_on = GovUKDateField(
        label="Date", name_in_errors="date", required=False, help_text="For example, 27 3 2026"
    )
    activity_type = forms.ChoiceField(label="Type of CPD activity", required=False, choices=())
    peer_on = GovUKDateField(
        label="Date of the discussion (optional)",
        name_in_errors="date of the discussion",
        required=False,
    )
    swe_standards = forms.MultipleChoiceField(
        label="Social Work England standard 4 (optional)",
        choices=SWE_STANDARD_4,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    statements = forms.ModelMultipleChoiceField(
        queryset=Item.objects.statements().filter(version__live=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose statements from a published framework"},
    )
    statement_query = forms.CharField(label="Find statements", required=False, max_length=200)
    attachments = MultipleFileField(
        label="Attach files (optional)",
        required=False,
        help_text="",
    )
    remove_attachments = forms.MultipleChoiceField(required=False, choices=())

    class Meta:
        model = Entry
        fields = [*RECORD_FIELDS, "statements"]
        labels = {
            "entry_type": "Type of evidence",
            "description": "Short description and why it is relevant",
            "learning": "What I learnt",
            "impact": "Impact on my practice and on the people I work with",
            "peer_name": "Who you discussed it with (optional)",
            "peer_role": "Their role (optional)",
            "peer_learning": "What you learnt from discussing it with a peer",
            "hours": "Hours (optional)",
        }
        help_texts = {
            "title": "A few words to find it again, for example 'Supervision on a strategy meeting'.",
            "description": "What it was and why it matters to your practice. Do not name or "
            "describe a child or family in a way that could identify them.",
            "hours": "Social Work England sets no minimum number of hours.",
            "peer_name": "A colleague's name is their personal data: leave it out unless they "
            "agree, and it is never needed for your CPD. Social Work England asks what you learnt, "
            "not who you talked to.",
            "peer_learning": "A conversation about this learning with a colleague or another "
            "professional, or in group supervision or a team reflection. Social Work England asks "
            "for at least one record a year with one.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "learning": forms.Textarea(attrs={"rows": 5}),
            "impact": forms.Textarea(attrs={"rows": 5}),
            "peer_learning": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, action: str = ACTION_DRAFT, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        # The picker's checkboxes are hand-written (portfolios/includes/picker.html): an error
        # about them links to its first control, the search box, which the message describes.
        self.fields["statements"].error_anchor = "id_statement_query"
        self.fields["entry_type"].required = False
        self.fields["entry_type"].choices = [("", "Choose a type"), *Entry.Type.choices]
        self.fields["activity_type"].choices = [("", "Choose a type"), *activity_type_choices()]
        self.fields["activity_type"].help_text = (
            "As Social Work England's CPD form lists them. The type of evidence below is for "
            "your portfolio."
        )
        # Social Work England's form takes answers up to a length (settings.CPD_FIELD_LIMITS):
        # the page shows each limit with a live count, and saving checks it.
        self.limits = {name: field_limit(name) for name in LIMITED_FIELDS}
        self.fields["title"].error_messages["required"] = (
            "Enter a title, so you can find the record again"
        )
        limit_mb = max_upload_bytes() // (1024 * 1024)
        self.fields["attachments"].help_text = (
            f"{ACCEPTED_DESCRIPTION}. Up to {limit_mb} MB each. Remove names, faces and other "
            "details that could identify a child or family before you attach a file."
        )
        if self.instance.pk:
            self.fields["remove_attachments"].choices = [
                (str(a.uuid), a.original_name) for a in self.instance.attachments.all()
            ]

    # ----------------------------------------------------------------------------------------
    def clean_attachments(self):
        return check_uploads(self.cleaned_data.get("attachments") or [])

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if hours is not None and hours < 0:
            raise ValidationError("Hours cannot be negative")
        return hours

    def clean(self):
        data = super().clean()
        if self.action == ACTION_COMPLETE:
            for name, message in REQUIRED_FOR_RECORD.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        # A peer reflection is what was learnt from the peer; who they were is optional.
        peer = [data.get(n) for n in ("peer_name", "peer_role", "peer_on")]
        if (
            any(peer)
            and not data.get("peer_learning")
            and self.action == ACTION_COMPLETE
            and "peer_learning" not in self.errors
        ):
            self.add_error("peer_learning", "Enter what you learnt from discussing it")
        for name, label in LIMITED_FIELDS.items():
            limit = self.limits.get(name)
            length = text_length(data.get(name) or "")
            if limit and length > limit and name not in self.errors:
                self.add_error(
                    name,
                    f"{label} must be {limit:,} characters or fewer, the most Social Work "
                    f"England's form takes (it is {length:,})",
                )
        return data

    @property
    def findings(self):
        """The weaker findings the owner confirmed as anonymised (recorded by the service)."""
        return self.guard_confirmed


class ShareForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(
        label="Their email address",
        help_text="If they do not have a Capable account with this address yet, we email them "
        "an invitation to create one; they can read what you share once they have.",
        error_messages={
            "required": "Enter the email address of the person to share with",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    relationship = forms.ChoiceField(
        label="They are your",
        choices=[("", "Choose one"), *Share.Relationship.choices],
        error_messages={"required": "Choose who they are to you"},
    )
    scope = forms.ChoiceField(
        label="What to share",
        choices=[("whole", "My whole portfolio"), ("chosen", "Only the entries I choose")],
        initial="whole",
        widget=forms.RadioSelect,
    )
    entries = forms.ModelMultipleChoiceField(
        queryset=Entry.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    can_comment = forms.BooleanField(
        label="They may add comments",
        required=False,
        help_text="Comments sit beside your entries; nothing they write changes what you wrote.",
    )
    expires_on = GovUKDateField(
        label="Share until (optional)",
        name_in_errors="end date",
        required=False,
        help_text="Leave empty to share until you stop sharing. For example, 31 7 2027",
    )

    def __init__(self, *args, entries=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entries is not None:
            self.fields["entries"].queryset = entries

    def clean(self):
        data = super().clean()
        if data.get("scope") == "chosen" and not data.get("entries"):
            self.add_error("entries", "Choose at least one entry to share")
        return data


class CommentForm(GuardedFormMixin, forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": "Enter your comment"},
    )


class EntryFilterForm(forms.Form):
    guard_exempt = {"q": "a search of your own entries, not saved"}
    # A filter that does not fit is ignored, not reported: the page shows no errors, so its
    # title has no "Error: " (cms/templatetags/form_errors.py).
    errors_shown = False

    q = forms.CharField(label="Search your entries", required=False, max_length=200)
    year = forms.TypedChoiceField(
        label="Registration year", required=False, coerce=int, empty_value=None
    )
    type = forms.ChoiceField(
        label="Type", required=False, choices=[("", "All types"), *Entry.Type.choices]
    )
    domain = forms.ChoiceField(label="Domain", required=False)
    level = forms.ChoiceField(label="Level", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "All"), *Entry.Status.choices, (NEEDS_REVIEW, "Needs review")],
    )

    def __init__(self, *args, years=(), domains=(), levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years")] + [
            (y, " to ".join(dateformat.format(d, "j M Y") for d in registration_year_bounds(y)))
            for y in years
        ]
        self.fields["domain"].choices = [("", "All domains")] + [(d.slug, d.title) for d in domains]
        self.fields["level"].choices = [("", "All levels")] + [(lv.slug, lv.title) for lv in levels]

    def title_summary(self) -> str:
        """The filters applied, in words, for the page title (every filtered view of the
        portfolio gets its own title): "“supervision”, 1 Dec 2025 to 30 Nov 2026, Knowledge"."""
        if not self.is_valid():
            return ""
        data = self.cleaned_data
        parts = []
        if query := (data.get("q") or "").strip():
            parts.append(f"“{query}”")
        for name in ("year", "type", "domain", "level", "status"):
            value = data.get(name)
            if value not in (None, ""):
                parts.append(str(dict(self.fields[name].choices).get(value, value)))
        return ", ".join(parts)
