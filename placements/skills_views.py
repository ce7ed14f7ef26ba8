"""Skills days (`skills`): an HEI tutor or placement lead chooses a cohort of their university's
programmes, sees each student's skills days against the programme's limit, and logs a day (or
half day) for the students who took part. Anyone else gets 404."""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.audit import record_reads
from accounts.models import User
from cms.forms import GovUKDateField, ServiceErrorsMixin
from cms.guard_forms import GuardedFormMixin, record_confirmation
from cms.messages import report_refusal

from . import rules, skills
from .models import Cohort


class CohortForm(forms.Form):
    guard_opt_out = "A choice of cohort to show; nothing is written."

    cohort = forms.ModelChoiceField(
        queryset=Cohort.objects.none(),
        empty_label="Choose a cohort",
        error_messages={"required": "Choose a cohort", "invalid_choice": "Choose a cohort"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = (
            Cohort.objects.filter(programme__in=skills.programmes_for(user))
            .select_related("programme__hei")
            .order_by("programme__name", "name")
        )


class SkillsDayForm(GuardedFormMixin, ServiceErrorsMixin, forms.Form):
    on = GovUKDateField(label="Date", name_in_errors="date of the skills day")
    topic = forms.CharField(
        max_length=200,
        help_text="What the day was about, such as Communication with children.",
        error_messages={"required": "Enter the topic of the skills day"},
    )
    days = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="How long",
        error_messages={
            "required": "Choose a full day or a half day",
            "invalid_choice": "Enter a number of days up to 1",
        },
    )
    students = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Students who took part",
        error_messages={"required": "Choose the students who took part"},
    )

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("1", "A full day")]
        if cohort.programme.half_days_allowed:
            choices.append(("0.5", "A half day"))
        self.fields["days"].choices = choices
        self.fields["students"].queryset = cohort.students.order_by(
            "last_name", "first_name", "email"
        )


def _students(cohort: Cohort):
    """The cohort's students with their skills days on its programme (one query)."""
    return cohort.students.annotate(
        logged=Sum("skills_days__days", filter=Q(skills_days__programme=cohort.programme))
    ).order_by("last_name", "first_name", "email")


def _remove(request, cohort, here):
    """Remove a session logged in error (named by its date and topic)."""
    try:
        on = date.fromisoformat(request.POST.get("on", ""))
    except ValueError:
        messages.error(request, "Choose a session to remove.")
        return redirect(here)
    try:
        removed = skills.remove_session(
            by=request.user, cohort=cohort, on=on, topic=request.POST.get("topic", "")
        )
    except PermissionDenied as error:
        report_refusal(request, error, denied="You cannot remove skills days here.")
    else:
        if removed:
            messages.success(request, f"Removed the session for {removed} student(s).")
        else:
            messages.error(request, "That session has no skills days to remove.")
    return redirect(here)


@login_required
def skills_days(request):
    if not rules.skills_day_heis_of(request.user).exists():
        raise Http404
    chooser = CohortForm(request.GET or None, user=request.user)
    cohort = chooser.cleaned_data["cohort"] if chooser.is_valid() else None
    form = None
    if cohort is not None:
        here = f"{reverse('placements:skills-days')}?cohort={cohort.pk}"
        if request.method == "POST" and request.POST.get("what") == "remove":
            return _remove(request, cohort, here)
        if request.method == "POST":
            form = SkillsDayForm(request.POST, cohort=cohort)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    made = skills.log_skills_day(
                        by=request.user,
                        programme=cohort.programme,
                        students=data["students"],
                        on=data["on"],
                        topic=data["topic"],
                        days=data["days"],
                    )
                except PermissionDenied as error:
                    report_refusal(request, error, denied="You cannot log skills days here.")
                    return redirect(here)
                except ValidationError as error:
                    form.add_service_error(error)
                else:
                    for record in made:
                        record_confirmation(
                            record=record, findings=form.guard_confirmed, by=request.user
                        )
                    messages.success(
                        request,
                        f"Skills day logged for {len(made)} student{'s' if len(made) != 1 else ''}.",
                    )
                    return redirect(here)
        else:
            form = SkillsDayForm(cohort=cohort)
    students = list(_students(cohort)) if cohort is not None else []
    if students:
        record_reads(
            request=request,
            records=[(student, student) for student in students],
            organisation=cohort.programme.hei,
        )
    failed = form is not None and bool(form.errors)
    return render(
        request,
        "placements/skills_days.html",
        {
            "chooser": chooser,
            "cohort": cohort,
            "students": students,
            "sessions": list(skills.sessions_of(cohort)) if cohort is not None else [],
            "form": form,
            "error_form": form if failed else (chooser if chooser.errors else None),
        },
        status=400 if failed or chooser.errors else 200,
    )
