"""Forms for organisation admins. They only read what was typed; the rules (who may do what,
which combinations of role details are valid) live in organisations.services and the models, and
their errors are put back on the right field with `add_service_error`."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.forms import GovUKDateField, ServiceErrorsMixin

from .models import Invitation, Organisation, PepsStage, Role, Team


class InvitationForm(ServiceErrorsMixin, forms.Form):
    guard_exempt = {"registration_number": "a Social Work England registration number"}

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="They will need to sign in, or create an account, with this address.",
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={"required": "Choose a role"},
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    starts_on = GovUKDateField(
        label="Start date", name_in_errors="start date", help_text="For example, 27 3 2026"
    )
    ends_on = GovUKDateField(
        label="End date (optional)",
        name_in_errors="end date",
        required=False,
        help_text="Leave blank if the role has no planned end.",
    )
    asye = forms.BooleanField(
        label="In the Assessed and Supported Year in Employment (ASYE)",
        required=False,
        help_text="Practitioners only: newly qualified social workers in their first year.",
    )
    peps_stage = forms.TypedChoiceField(
        label="PEPS stage",
        choices=[("", "Not a practice educator"), *PepsStage.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text="Practice educators only.",
    )
    registration_number = forms.CharField(
        label="Social Work England registration number",
        max_length=20,
        required=False,
        help_text="Practice educators only. For example, SW123456.",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        teams = organisation.teams.all()
        if teams.exists():
            self.fields["team"].queryset = teams
        else:
            del self.fields["team"]
        if not self.is_bound:
            self.initial.setdefault("starts_on", timezone.localdate())

    def _post_clean(self):
        """Show the model's own checks (PEPS stage, ASYE, dates, team) in the same round as
        the form's, so nobody has to fix one batch of errors to discover the next. The service
        checks again, with everything else, when the invitation is made."""
        super()._post_clean()
        if "role" not in self.cleaned_data:
            return
        fields = {k: v for k, v in self.cleaned_data.items() if v is not None}
        try:
            Invitation(organisation=self.organisation, **fields).clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)


class EndMembershipForm(ServiceErrorsMixin, forms.Form):
    ends_on = GovUKDateField(
        label="Last day in the role",
        name_in_errors="last day in the role",
        help_text="For example, 27 3 2026. The role stops giving access after this day.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("ends_on", timezone.localdate())
