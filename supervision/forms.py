"""The supervision record form. Its agreed actions run the identifying-information guard
(`cms.guard_forms.GuardedFormMixin`); the number of cases is a number and nothing else."""

from django import forms
from django.utils import timezone

from cms.forms import GovUKDateField
from cms.guard_forms import GuardedFormMixin

from .models import CASES_MAX, MINUTES_MAX, MINUTES_MIN, SupervisionRecord


class SupervisionForm(GuardedFormMixin, forms.Form):
    guard_fields = ("agreed_actions",)

    supervisee = forms.ChoiceField(
        label="Who was supervised",
        error_messages={
            "required": "Choose who was supervised",
            "invalid_choice": "Choose one of the people you supervise",
        },
    )
    held_on = GovUKDateField(
        label="Date of the supervision",
        name_in_errors="date of the supervision",
        max_value=timezone.localdate,
        help_text="For example, 27 3 2026.",
    )
    minutes = forms.IntegerField(
        label="How long it lasted, in minutes",
        min_value=MINUTES_MIN,
        max_value=MINUTES_MAX,
        error_messages={
            "required": "Enter how long the supervision lasted, in minutes",
            "invalid": "Enter how long the supervision lasted as a number of minutes",
            "min_value": f"The supervision must have lasted at least {MINUTES_MIN} minutes",
            "max_value": f"Enter {MINUTES_MAX} minutes or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="Kind of supervision",
        choices=SupervisionRecord.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of supervision"},
    )
    protected_time = forms.BooleanField(
        label="Protected development time was taken",
        required=False,
        help_text="Time set aside for learning and development that casework did not take over.",
    )
    cases_held = forms.IntegerField(
        label="Number of cases held",
        min_value=0,
        max_value=CASES_MAX,
        help_text="A number only. Do not write case details anywhere in this record.",
        error_messages={
            "required": "Enter the number of cases held",
            "invalid": "Enter the number of cases held as a number, with no case details",
            "min_value": "The number of cases held cannot be below 0",
            "max_value": f"Enter {CASES_MAX} cases or fewer",
        },
    )
    agreed_actions = forms.CharField(
        label="Agreed actions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you both agreed to do. Do not name or describe children, families or "
        "colleagues.",
    )

    def __init__(self, *args, supervisees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if supervisees is None:
            del self.fields["supervisee"]  # changing a record: the people stay as they are
            return
        self.supervisees = {str(m.uuid): m for m in supervisees}
        self.fields["supervisee"].choices = [("", "Choose a person")] + [
            (key, f"{m.user} ({m.team.name if m.team else m.organisation.name})")
            for key, m in self.supervisees.items()
        ]

    def clean_supervisee(self):
        return self.supervisees[self.cleaned_data["supervisee"]]
