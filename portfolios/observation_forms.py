"""Forms of direct observations: the observer's observation (with judgements against up to
`JUDGEMENT_ROWS` statements of the level the learner works at), the learner's reflection and
signature, and an amendment of a locked observation. Every text runs the guard."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from capabilities.models import FrameworkVersion, Item
from cms.forms import GovUKDateField
from cms.guard_forms import GuardedFormMixin

from .observation_models import Observation, Rating

JUDGEMENT_ROWS = 3
TEXT_MAX = 4000

# The PCF level an observation is judged at, by what the observer observes.
LEVEL_BY_PLACEMENT_KIND = {"first": "first-placement", "final": "last-placement"}


def level_for(basis) -> str:
    if basis.placement is not None:
        return LEVEL_BY_PLACEMENT_KIND.get(basis.placement.kind, "readiness")
    if basis.appraisal is not None:
        return "asye"
    return "social-worker"


def statements_for(basis):
    version = FrameworkVersion.objects.current("pcf")
    if version is None:
        return Item.objects.none()
    return (
        Item.objects.statements()
        .filter(version=version, level__slug=level_for(basis))
        .select_related("domain")
        .order_by("domain__sort_order", "sort_order")
    )


class ObservationForm(GuardedFormMixin, forms.Form):
    guard_fields = ("setting", "observed", "to_develop")

    observed_on = GovUKDateField(
        label="Date of the observation",
        name_in_errors="date of the observation",
        max_value=timezone.localdate,
        help_text="For example, 27 3 2026.",
    )
    setting = forms.CharField(
        label="Kind of setting",
        max_length=200,
        help_text="For example, a home visit, a child protection conference or a team meeting. "
        "No names, places or case details.",
        error_messages={"required": "Enter the kind of setting"},
    )
    observed = forms.CharField(
        label="What you observed",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the learner did and how, and what it showed. Do not name or describe "
        "children, families or colleagues.",
        error_messages={"required": "Write what you observed"},
    )
    to_develop = forms.CharField(
        label="What to develop",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write what the learner should develop"},
    )

    def __init__(self, *args, statements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = {str(item.pk): item for item in statements}
        # A plain list (the shared select has no option groups): the code starts each label.
        choices = [("", "No statement")] + [
            (key, f"{item.code} {item.display_title}"[:160])
            for key, item in self.statements.items()
        ]
        for n in range(1, JUDGEMENT_ROWS + 1):
            self.fields[f"statement_{n}"] = forms.ChoiceField(
                label=f"Statement {n}",
                choices=choices,
                required=False,
                error_messages={"invalid_choice": "Choose a statement from the list"},
            )
            self.fields[f"rating_{n}"] = forms.ChoiceField(
                label=f"Your judgement for statement {n}",
                choices=[("", "Choose a judgement"), *Rating.choices],
                required=False,
                error_messages={"invalid_choice": "Choose a judgement from the scale"},
            )

    def judgement_rows(self):
        return [(self[f"statement_{n}"], self[f"rating_{n}"]) for n in range(1, JUDGEMENT_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for n in range(1, JUDGEMENT_ROWS + 1):
            statement, rating = data.get(f"statement_{n}"), data.get(f"rating_{n}")
            if statement and not rating:
                self.add_error(
                    f"rating_{n}",
                    ValidationError(f"Choose your judgement for statement {n}", code="required"),
                )
            elif rating and not statement:
                self.add_error(
                    f"statement_{n}",
                    ValidationError(f"Choose statement {n}, or no judgement", code="required"),
                )
        return data

    def judgements(self) -> list[tuple[Item, str]]:
        rows = []
        for n in range(1, JUDGEMENT_ROWS + 1):
            key, rating = (
                self.cleaned_data.get(f"statement_{n}"),
                self.cleaned_data.get(f"rating_{n}"),
            )
            if key and rating:
                rows.append((self.statements[key], rating))
        return rows


class ReflectionForm(GuardedFormMixin, forms.Form):
    reflection = forms.CharField(
        label="Your reflection",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What you take from the observation and what you will do next. When you sign, "
        "the observation is locked and goes into your portfolio.",
        error_messages={"required": "Write your reflection on the observation"},
    )


class AmendObservationForm(GuardedFormMixin, forms.Form):
    guard_fields = ("text", "reason")

    field = forms.ChoiceField(
        label="What to change",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to change"},
    )
    text = forms.CharField(
        label="The new text",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The whole text as it should read. The text before is kept beside it.",
        error_messages={"required": "Write the new text"},
    )
    reason = forms.CharField(
        label="Why it changes",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why it changes"},
    )

    def __init__(self, *args, fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [
            (name, Observation._meta.get_field(name).verbose_name.capitalize()) for name in fields
        ]
