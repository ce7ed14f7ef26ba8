"""Forms for what people write into an appraisal: stage answers and domain comments, amendments,
notes of disagreement and objectives. Each runs the identifying-information guard
(`cms.guard_forms.GuardedFormMixin`); the rules live in `services.py`."""

import re

from django import forms

from cms.guard_forms import GuardedFormMixin

ANSWER = re.compile(r"answer-(\d+)-(\w+)")
DOMAIN_COMMENT = re.compile(r"(appraisee|appraiser|assessor)-(\d+)-comment")


class StageForm(GuardedFormMixin, forms.Form):
    """The free text of a stage page as posted: an answer per question and role
    (`answer-<question>-<role>`) and a comment per domain and side (`<role>-<domain>-comment`).
    Field ids match the page's text areas, so the error summary and the guard link to them.
    Who may write which answer is decided by the view and the service, not here."""

    def __init__(self, data, *, questions: dict, domains: dict, **kwargs):
        super().__init__(data, auto_id="%s", **kwargs)
        for key in data:
            if m := ANSWER.fullmatch(key):
                question = questions.get(int(m[1]))
                if question is None:
                    continue
                label = f"{question.text} ({m[2]})"
            elif m := DOMAIN_COMMENT.fullmatch(key):
                domain = domains.get(int(m[2]))
                if domain is None:
                    continue
                # "1. Professionalism" for a domain, "PS-1 Promote ..." for a standard.
                dot = "." if domain.kind == domain.Kind.DOMAIN else ""
                label = f"Comment on {domain.code}{dot} {domain.title} ({m[1]})"
            else:
                continue
            self.fields[key] = forms.CharField(
                label=label, required=False, strip=False, widget=forms.Textarea
            )

    def typed(self) -> dict[str, str]:
        """What the page shows in each text area after an error (redacted if asked)."""
        return {name: self.data.get(name, "") for name in self.fields if name in self.data}


class AmendForm(GuardedFormMixin, forms.Form):
    question = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="New answer",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        strip=False,
    )
    reason = forms.CharField(
        label="Why it is being changed",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        strip=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="amend-%s", **kwargs)


class DissentForm(GuardedFormMixin, forms.Form):
    text = forms.CharField(
        label="If you disagree with this record, say so here",
        help_text="Your note is kept with the signed record and shown wherever it is read or "
        "printed.",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        strip=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="dissent-%s", **kwargs)


class ObjectiveForm(GuardedFormMixin, forms.Form):
    guard_exempt = {
        "statements": "capability statement codes, checked against the framework",
        "review_on": "a date",
    }

    text = forms.CharField(
        label="New objective",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        strip=False,
    )
    statements = forms.CharField(required=False)
    review_on = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="objective-%s", **kwargs)
