"""Forms for the template pages. They only collect and tidy input: the rules (rating scales,
what may change once appraisals exist) are in `template_services`, whose ValidationErrors the
views put back on these forms with `add_service_error`."""

from django import forms

from cms.forms import ServiceErrorsMixin
from organisations.models import Organisation

from . import rules, template_services
from .models import Access, AppraisalTemplate, CountersignerFrom, JudgedBy, TemplateQuestion

ACCESS_CHOICES = [
    (Access.NONE, "None"),
    (Access.READ, "Read only"),
    (Access.ANSWER, "May answer"),
    (Access.MUST, "Must answer"),
]

ROLE_LABELS = {
    "appraisee": "Appraisee",
    "appraiser": "Appraiser",
    "countersigner": "Countersigner",
    "assessor": "Assessor (ASYE)",
}


class TemplateForm(ServiceErrorsMixin, forms.Form):
    guard_opt_out = "template wording written for everyone taking part, not a record about a person"

    name = forms.CharField(max_length=200, error_messages={"required": "Enter a name"})
    kind = forms.ChoiceField(
        choices=AppraisalTemplate.Kind.choices,
        label="Kind",
        help_text="An ASYE programme has an assessor and ends with a recommendation.",
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation"},
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to the people taking part.",
    )
    rating_scale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Rating scale",
        help_text=(
            f"One rating on each line, lowest first: from {template_services.MIN_RATINGS} to "
            f"{template_services.MAX_RATINGS} ratings. Used for the self-assessment and the "
            "judgement in each domain."
        ),
        error_messages={"required": "Enter the ratings, one on each line"},
    )
    target_level = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No target level",
        label="Target level",
        help_text="The framework level people are judged against, unless set per appraisal.",
    )
    countersigner_from = forms.ChoiceField(
        choices=CountersignerFrom.choices,
        label="Who countersigns",
        help_text="Proposed when a cycle starts: the appraiser's own manager is the line manager "
        "of the team or service above the appraiser's, or the Principal Social Worker at the "
        "top. The person starting a cycle can choose someone else.",
        widget=forms.RadioSelect,
        # Left out (an older form): a new template's appraiser's manager; an edit keeps it.
        required=False,
        error_messages={"invalid_choice": "Choose who countersigns from the list"},
    )
    judged_by = forms.ChoiceField(
        choices=JudgedBy.choices,
        label="Who judges each domain",
        help_text="Whoever judges signs each stage too. In the ASYE the assessor judges. A "
        "change applies to stages not signed off yet.",
        widget=forms.RadioSelect,
        # Left out (an older form): a new template's appraiser judges; an edit keeps what it had.
        required=False,
        error_messages={"invalid_choice": "Choose who judges each domain from the list"},
    )
    observations_needed = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=template_services.MAX_OBSERVATIONS,
        label="Direct observations of practice needed",
        help_text="ASYE programmes: how many observations fill the evidence slot (usually 3).",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "Enter the number of observations as a whole number, like 3",
            "min_value": "Enter a number of observations from 0 to "
            f"{template_services.MAX_OBSERVATIONS}",
            "max_value": "Enter a number of observations from 0 to "
            f"{template_services.MAX_OBSERVATIONS}",
        },
    )
    requires_countersignature = forms.BooleanField(
        required=False,
        label="Someone above the appraiser countersigns each stage",
        help_text="A change applies to stages not signed off yet, also in appraisals under way.",
    )

    def __init__(self, *args, user, template=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_level"].queryset = template_services.target_levels(template)
        self.fields["target_level"].label_from_instance = lambda level: (
            f"{level.title} ({level.version.label})"
        )
        organisations = rules.template_manager_organisations(user)
        if template is not None or organisations.count() == 1:
            del self.fields["organisation"]
            self.chosen_organisation = template.organisation if template else organisations.get()
        else:
            self.fields["organisation"].queryset = organisations.order_by("name")
            self.chosen_organisation = None

    def clean_rating_scale(self):
        try:
            return template_services.parse_rating_scale(self.cleaned_data["rating_scale"])
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["rating_scale"]) from None

    def clean_countersigner_from(self):
        return self.cleaned_data["countersigner_from"] or None

    def clean_judged_by(self):
        return self.cleaned_data["judged_by"] or None

    def clean(self):
        data = super().clean()
        if "organisation" in self.fields and data.get("organisation"):
            self.chosen_organisation = data["organisation"]
        return data

    @staticmethod
    def initial_for(template: AppraisalTemplate) -> dict:
        return {
            "name": template.name,
            "kind": template.kind,
            "description": template.description,
            "rating_scale": "\n".join(template.rating_scale),
            "target_level": template.target_level_id,
            "judged_by": template.judged_by,
            "countersigner_from": template.countersigner_from,
            "requires_countersignature": template.requires_countersignature,
            "observations_needed": template.observations_needed,
            "is_active": template.is_active,
        }


class TemplateEditForm(TemplateForm):
    is_active = forms.BooleanField(
        required=False,
        label="In use",
        help_text="Untick to stop new appraisals starting from this template.",
    )


class StageForm(ServiceErrorsMixin, forms.Form):
    guard_opt_out = "template wording written for everyone taking part, not a record about a person"

    name = forms.CharField(max_length=200, error_messages={"required": "Enter a name"})
    due_after_days = forms.IntegerField(
        min_value=0,
        max_value=template_services.MAX_DUE_AFTER_DAYS,
        label="Due after (days)",
        help_text="Days after the appraisal's start date.",
        error_messages={
            "required": "Enter the number of days",
            "invalid": "Enter a whole number of days",
        },
    )
    optional = forms.BooleanField(
        required=False, label="Optional", help_text="The appraiser can skip it."
    )
    assesses_domains = forms.BooleanField(
        required=False,
        label="Assesses the default framework",
        help_text="When the template lists no frameworks: a self-assessment and a judgement "
        "against each domain or standard of the appraisee's default framework (by role). A "
        "framework the template lists names its own stages.",
    )
    sets_objectives = forms.BooleanField(required=False, label="Sets objectives")
    is_final_review = forms.BooleanField(
        required=False,
        label="Final review",
        help_text="ASYE only: the assessor records the recommendation (pass, fail or extend).",
    )

    @staticmethod
    def initial_for(stage) -> dict:
        return {
            field: getattr(stage, field)
            for field in (
                "name",
                "due_after_days",
                "optional",
                "assesses_domains",
                "sets_objectives",
                "is_final_review",
            )
        }


class QuestionForm(ServiceErrorsMixin, forms.Form):
    guard_opt_out = "template wording written for everyone taking part, not a record about a person"

    text = forms.CharField(
        max_length=TemplateQuestion._meta.get_field("text").max_length,
        label="Question",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter the question"},
    )
    help_text = forms.CharField(
        required=False, label="Help text", widget=forms.Textarea(attrs={"rows": 2})
    )
    appraisee = forms.ChoiceField(choices=ACCESS_CHOICES, initial=Access.MUST)
    appraiser = forms.ChoiceField(choices=ACCESS_CHOICES, initial=Access.MUST)
    countersigner = forms.ChoiceField(choices=ACCESS_CHOICES, initial=Access.READ)
    assessor = forms.ChoiceField(choices=ACCESS_CHOICES, initial=Access.NONE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for role, label in ROLE_LABELS.items():
            self.fields[role].label = label

    def access_fields(self):
        return [self[role] for role in ROLE_LABELS]

    @staticmethod
    def initial_for(question) -> dict:
        return {
            field: getattr(question, field)
            for field in ("text", "help_text", *template_services.ROLE_FIELDS)
        }


class FrameworkForm(ServiceErrorsMixin, forms.Form):
    """A framework the template assesses: which (when adding), at what level, at which stages."""

    framework = forms.ModelChoiceField(
        queryset=None,
        empty_label="Choose a framework",
        label="Framework",
        error_messages={"required": "Choose a framework"},
    )
    level = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No level",
        label="Level",
        help_text="For a framework with levels, such as the PCF: the level people are judged "
        "against. With no level, the PCF uses the appraisal's target level.",
    )
    stages = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Stages that assess it",
        help_text="At each, the appraisee self-assesses against every domain or standard and "
        "whoever judges gives a judgement of each.",
        error_messages={"required": "Choose at least one stage that assesses this framework"},
    )

    def __init__(self, *args, template, row=None, **kwargs):
        from . import frameworks, template_frameworks

        super().__init__(*args, **kwargs)
        if row is not None:
            del self.fields["framework"]
        else:
            self.fields["framework"].queryset = frameworks.choosable_frameworks()
        self.fields["level"].queryset = template_frameworks.levels()
        self.fields["level"].label_from_instance = lambda level: (
            f"{level.version.framework.title}: {level.title}"
        )
        self.fields["stages"].queryset = template_frameworks.stages_of(template)
        self.fields["stages"].label_from_instance = lambda stage: f"{stage.order}. {stage.name}"

    @staticmethod
    def initial_for(row) -> dict:
        return {"level": row.level_id, "stages": [s.pk for s in row.stages.all()]}
