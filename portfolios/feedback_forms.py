"""Forms of feedback without an account: the learner's request, the answer given through the
link, and adding an answer to the portfolio with the learner's reflection."""

from django import forms
from django.core.exceptions import ValidationError

from cms.guard_forms import GuardedFormMixin

from . import guard
from .feedback_models import DEFAULT_OPEN_DAYS, MAX_OPEN_DAYS
from .feedback_prompts import PROMPTS, Audience

ANSWER_MAX_LENGTH = 3000


class FeedbackRequestForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who is it for?",
        help_text="The kind of person, not their name. Capable does not store who they are or "
        "how to contact them: you give them the link or the paper form yourself.",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the feedback is for"},
    )
    prompt = forms.ChoiceField(
        label="Which questions?",
        choices=[(p.key, f"{p.label}: {p.description}") for p in PROMPTS.values()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the questions to ask"},
    )
    days = forms.IntegerField(
        label="How many days should the link stay open?",
        help_text=f"From 1 to {MAX_OPEN_DAYS} days. After that the link stops working.",
        initial=DEFAULT_OPEN_DAYS,
        min_value=1,
        max_value=MAX_OPEN_DAYS,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many days the link should stay open",
            "invalid": "Enter the number of days as a whole number, like 21",
            "min_value": "The link must stay open for at least 1 day",
            "max_value": f"The link can stay open for {MAX_OPEN_DAYS} days at most",
        },
    )


class FeedbackAnswerForm(forms.Form):
    # Not the mixin: the person answering has no account and cannot take responsibility for
    # flagged text, so any finding (strong or weak) refuses the answer, with no confirmation.
    guard_opt_out = "feedback answers refuse any guard finding themselves, with no override"

    typed_from_paper = forms.BooleanField(
        label="I am typing in answers someone else wrote on the paper form",
        required=False,
    )

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        fields = {}
        for question in questions:
            fields[f"q_{question['key']}"] = forms.CharField(
                label=question["text"] + ("" if question["required"] else " (optional)"),
                help_text=question["hint"],
                required=question["required"],
                max_length=ANSWER_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 6}),
                error_messages={
                    "required": "Write an answer to this question",
                    "max_length": f"Keep your answer to {ANSWER_MAX_LENGTH:,} characters or fewer",
                },
            )
        # The questions first, then the paper-form box.
        fields.update(self.fields)
        self.fields = fields
        self.highlighted: list[dict] = []

    def clean(self):
        data = super().clean()
        for question in self.questions:
            name = f"q_{question['key']}"
            text = data.get(name) or ""
            findings = guard.find_identifiers(text)
            if not findings:
                continue
            labels = sorted({f.label.removeprefix("a possible ") for f in findings})
            what = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
            self.add_error(
                name,
                ValidationError(
                    f"Take out the {what} from this answer: write “a parent”, “a child” or "
                    "“a worker” instead of a name, and leave out addresses, dates and numbers",
                    code="identifying",
                ),
            )
            self.highlighted.append({"field": self[name], "html": guard.highlight(text, findings)})
        return data

    def answers(self) -> list[tuple[str, str]]:
        return [(q["text"], self.cleaned_data.get(f"q_{q['key']}") or "") for q in self.questions]


class AddFeedbackForm(GuardedFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A few words to find it again.",
        error_messages={"required": "Enter a title"},
    )
    description = forms.CharField(
        label="What the feedback was about and why it is relevant",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say what the feedback was about and why it is relevant"},
    )
    learning = forms.CharField(
        label="Your reflection: what you learnt from it",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={"required": "Write your reflection on the feedback"},
    )
    impact = forms.CharField(
        label="What you will do differently, and the impact on the people you work with",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Say what you will do differently"},
    )
