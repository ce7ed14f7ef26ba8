"""Starting and withdrawing PEPS candidacies on the register of practice educators (the page is
`educator_views.educator_register`, which passes posts with ``action=candidacy`` or
``action=withdraw`` here). Who may record them: `educators.awarding_organisations_of`; the rules
(a current stage 2 mentor, stage 2 after stage 1, one open candidacy per stage) are in
`educators.start_candidacy` and `educators.withdraw_candidacy`."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse

from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin
from organisations.models import Organisation, PepsStage

from . import educators
from .currency import currencies_of
from .models import EducatorAward
from .views_common import save_form


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


class PepsPersonForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    """What the register's forms share: a person from the register (`people`), a PEPS stage and
    the course's name. Each form names its person field (`person`), how its labels and errors
    call them (`person_is`), what the stage is to them (`stage_is`) and an example course."""

    person = "educator"
    person_is = "practice educator"
    stage_is = "awarded"
    course_example = "Practice Education stage 2"

    stage = forms.TypedChoiceField(choices=PepsStage.choices, coerce=int, widget=forms.RadioSelect)
    programme_name = forms.CharField(
        label="Practice educator programme (optional)", required=False, max_length=200
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.person] = PersonField(
            queryset=people,
            label=self.person_is[0].upper() + self.person_is[1:],
            help_text="People on this register, and people working in practice at a partner "
            "employer.",
            error_messages={
                "required": f"Choose the {self.person_is}",
                "invalid_choice": f"Choose a {self.person_is} from the list",
            },
        )
        stage = self.fields["stage"]
        stage.label = f"PEPS stage {self.stage_is}"
        stage.error_messages = {
            **stage.error_messages,
            "required": f"Choose the PEPS stage {self.stage_is}",
        }
        self.fields[
            "programme_name"
        ].help_text = f"The name of the course, for example {self.course_example}."
        self.order_fields(self.field_order)


class CandidacyForm(PepsPersonForm):
    person = "candidate"
    person_is = "candidate"
    stage_is = "they are working towards"
    course_example = "Practice Education stage 1"
    field_order = ["candidate", "stage", "mentor", "provider", "started_on", "programme_name"]

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

    def __init__(self, *args, people, mentors, providers, **kwargs):
        super().__init__(*args, people=people, **kwargs)
        self.fields["mentor"].queryset = mentors
        self.fields["mentor"].currencies = currencies_of(mentors.values("pk"))
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


def refused(request, error) -> None:
    """A refusal on the register, as an error message."""
    messages.error(request, str(error.args[0] if error.args else error))


def start(request, form: CandidacyForm, *, then) -> HttpResponse | None:
    """Start the candidacy `form` describes and go to `then`; None when the form is to be shown
    again (its refusals are on its fields)."""

    def save():
        data = form.cleaned_data
        return educators.start_candidacy(
            by=request.user,
            candidate=data["candidate"],
            stage=data["stage"],
            mentor=data["mentor"],
            provider=data["provider"],
            started_on=data["started_on"],
            programme_name=data["programme_name"],
        )

    return save_form(
        request,
        form,
        save,
        done=lambda candidacy: f"Recorded: {candidacy}, mentored by {candidacy.mentor}.",
        then=then,
        refused=refused,
    )


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
        refused(request, error)
    else:
        messages.success(request, f"Withdrawn: {candidacy}.")
