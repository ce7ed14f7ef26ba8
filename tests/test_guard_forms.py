"""Every form a person writes free text into runs the identifying-information guard.

The walk imports every module of our apps, collects the Django form classes defined there and
fails on a free-text field that is neither guarded (`cms.guard_forms.GuardedFormMixin`) nor
explicitly left out with a reason: the whole form (`guard_opt_out = "<reason>"`, for text that
is not a record about a person, such as template wording) or one field
(`guard_exempt = {"field": "<reason>"}`, such as a registration number or a search box).
"""

import pytest
from django import forms

from cms.guard_forms import GuardedFormMixin
from tests.project_forms import project_forms

# Text fields whose type says they are not free text.
NOT_FREE_TEXT = (forms.EmailField, forms.SlugField, forms.URLField, forms.UUIDField)


def unguarded_fields(cls) -> list[str]:
    """The free-text fields of a form class that nothing guards or explicitly leaves out."""
    if getattr(cls, "guard_opt_out", ""):
        return []
    exempt = getattr(cls, "guard_exempt", {}) or {}
    guarded = (
        set(cls.guarded_field_names(cls.base_fields))
        if issubclass(cls, GuardedFormMixin)
        else set()
    )
    problems = []
    for name, field in cls.base_fields.items():
        if not isinstance(field, forms.CharField) or isinstance(field, NOT_FREE_TEXT):
            continue
        if isinstance(field.widget, forms.HiddenInput):
            continue
        if name in guarded or exempt.get(name):
            continue
        problems.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    return problems


def test_the_walk_finds_our_forms():
    found = {f"{cls.__module__}.{cls.__qualname__}" for cls in project_forms()}
    for expected in (
        "portfolios.forms.EntryForm",
        "portfolios.forms.CommentForm",
        "placements.audit_views.AuditPartForm",
        "placements.audit_views.ModerationForm",
        "placements.partnership_views.ActionForm",
        "placements.designation_views.EvidenceForm",
        "appraisals.forms.StageForm",
        "appraisals.template_forms.QuestionForm",
        "organisations.forms.InvitationForm",
    ):
        assert expected in found
    assert not any(name.startswith(("django.", "allauth.", "wagtail.")) for name in found)


def test_every_free_text_field_is_guarded_or_opted_out_with_a_reason():
    problems = [name for cls in project_forms() for name in unguarded_fields(cls)]
    assert problems == [], (
        "Free-text fields without the identifying-information guard: mix in "
        "cms.guard_forms.GuardedFormMixin, or give a reason in guard_exempt / guard_opt_out"
    )


def test_the_walk_catches_a_form_that_forgets_the_guard():
    class Forgetful(forms.Form):
        note = forms.CharField(widget=forms.Textarea)
        email = forms.EmailField()

    class Restricted(GuardedFormMixin, forms.Form):
        guard_fields = ("note",)
        note = forms.CharField(widget=forms.Textarea)
        other = forms.CharField()

    class Guarded(GuardedFormMixin, forms.Form):
        note = forms.CharField(widget=forms.Textarea)
        code = forms.CharField()
        guard_exempt = {"code": "a code"}

    class OptedOut(forms.Form):
        guard_opt_out = "wording of a template"
        note = forms.CharField(widget=forms.Textarea)

    assert unguarded_fields(Forgetful) == [f"{__name__}.{Forgetful.__qualname__}.note"]
    assert unguarded_fields(Restricted) == [f"{__name__}.{Restricted.__qualname__}.other"]
    assert unguarded_fields(Guarded) == []
    assert unguarded_fields(OptedOut) == []


@pytest.mark.parametrize("cls", [c for c in project_forms() if getattr(c, "guard_opt_out", "")])
def test_an_opt_out_gives_a_reason(cls):
    assert len(cls.guard_opt_out.split()) >= 3


def test_our_apps_are_the_ones_in_this_checkout():
    from tests.project_forms import project_apps

    ours = set(project_apps())
    assert {"accounts", "appraisals", "capabilities", "cms", "organisations"} <= ours
    assert {"placements", "portfolios", "search"} <= ours
    # Installed packages are never walked, even when the virtual environment sits in the checkout.
    assert not any(name.startswith(("wagtail", "django", "allauth")) for name in ours)
