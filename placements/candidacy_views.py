"""Starting and withdrawing PEPS candidacies on the register of practice educators (the page is
`educator_views.educator_register`, which passes posts with ``action=candidacy`` or
``action=withdraw`` here). Who may record them: `educators.awarding_organisations_of`; the rules
(a current stage 2 mentor, stage 2 after stage 1, one open candidacy per stage) are in
`educators.start_candidacy` and `educators.withdraw_candidacy`."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin, record_confirmation
from organisations.models import Organisation, PepsStage

from . import educators
from .models import EducatorAward


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return str(user)


class MentorField(forms.ModelChoiceField):
    """A stage 2 practice educator, labelled with their currency (set `currencies`: {person id:
    Currency}) so the lead sees who has lapsed before choosing."""

    currencies: dict = {}

    def label_from_instance(self, user):
        currency = self.currencies.get(user.pk)
        return f"{user} ({currency.label.lower()})" if currency else str(user)


class CandidacyForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    candidate = PersonField(
        queryset=None,
        label="Candidate",
        help_text="People on this register, and people working in practice at a partner employer.",
        error_messages={
            "required": "Choose the candidate",
            "invalid_choice": "Choose a candidate from the list",
        },
    )
    stage = forms.TypedChoiceField(
        choices=PepsStage.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label="PEPS stage they are working towards",
        error_messages={"required": "Choose the PEPS stage they are working towards"},
    )
    mentor = MentorField(
        queryset=None,
        label="Mentor",
        help_text="A practice educator with PEPS stage 2 who is current.",
        error_messages={
            "required": "Choose a mentor",
            "invalid_choice": "Choose a mentor from the list: a practice educator with stage 2",
        },
    )
    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation running the course",
        error_messages={
            "required": "Choose the organisation running the course",
            "invalid_choice": "Choose the organisation running the course from the list",
        },
    )
    started_on = GovUKDateField(
        label="Date they started",
        name_in_errors="date they started",
        help_text="For example, 1 9 2026",
    )
    programme_name = forms.CharField(
        label="Practice educator programme (optional)",
        required=False,
        max_length=200,
        help_text="The name of the course, for example Practice Education stage 1.",
    )

    def __init__(self, *args, people, mentors, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].queryset = people
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].currencies = educators.currencies_of(mentors.values("pk"))
        self.fields["provider"].queryset = providers


def mentors_among(people):
    """Who of `people` may be offered as a mentor: those with a PEPS stage 2 award."""
    return people.filter(
        pk__in=EducatorAward.objects.filter(stage=PepsStage.STAGE_2).values("educator")
    )


def candidacy_form(request, programme, people, data=None) -> CandidacyForm:
    return CandidacyForm(
        data,
        people=people,
        mentors=mentors_among(get_user_model().objects.filter(pk__in=people.values("pk"))),
        providers=educators.awarding_organisations_of(request.user).order_by("name", "pk"),
        initial={"provider": programme.hei_id},
        prefix="candidacy",
    )


def start(request, form: CandidacyForm) -> bool:
    """Start the candidacy the valid-looking `form` describes; True when it is recorded (the
    refusals are on the form's fields). PermissionDenied passes up."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        candidacy = educators.start_candidacy(
            by=request.user,
            candidate=data["candidate"],
            stage=data["stage"],
            mentor=data["mentor"],
            provider=data["provider"],
            started_on=data["started_on"],
            programme_name=data["programme_name"],
        )
    except ValidationError as error:
        form.add_service_error(error)
        return False
    record_confirmation(record=candidacy, findings=form.guard_confirmed, by=request.user)
    messages.success(request, f"Recorded: {candidacy}, mentored by {candidacy.mentor}.")
    return True


def withdraw(request, candidacies) -> None:
    """Withdraw the open candidacy named in the post, one of `candidacies` (the register's);
    404 for any other."""
    chosen = request.POST.get("candidacy", "")
    candidacy = next((c for c in candidacies if str(c.uuid) == chosen), None)
    if candidacy is None:
        raise Http404
    try:
        educators.withdraw_candidacy(by=request.user, candidacy=candidacy)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error.args[0] if error.args else error))
    else:
        messages.success(request, f"Withdrawn: {candidacy}.")
