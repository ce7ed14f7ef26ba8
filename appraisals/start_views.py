"""Starting appraisals: for one person, Capable first proposes the appraiser, countersigner and
assessor from memberships (`starting.default_participants`) as preselected choices, and the
starter can change any of them; a whole team starts at once, each with their proposals. If the
person, template or date is changed once the people are shown, they are proposed again (the
"Propose people again" button, or a start, which is then not made), so nobody starts with people
proposed for someone else."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from accounts.models import User
from capabilities.models import Framework, Item
from cms.forms import GovUKDateField
from organisations.models import Membership, Team

from . import frameworks, rules, services
from .models import AppraisalTemplate, Participant


class StartForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=AppraisalTemplate.objects.none(),
        empty_label="Choose a template",
        error_messages={"required": "Choose a template"},
    )
    person = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Choose a person",
        label="For one person",
    )
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label="Choose a team",
        label="Or a whole team",
    )
    starts_on = GovUKDateField(
        label="Start date", name_in_errors="start date", help_text="For example, 1 9 2026"
    )
    # Shown once a person is chosen, preselected with the people proposed from memberships.
    appraiser = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="As proposed", label="Appraiser"
    )
    countersigner = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="As proposed",
        label="Countersigner",
    )
    assessor = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="As proposed", label="Assessor"
    )
    # What the people shown were proposed for (`proposal_key`): a start for anything else is
    # not made but proposed afresh.
    proposed_for = forms.CharField(required=False, widget=forms.HiddenInput)
    # Also shown once a person is chosen, for a template that lists no frameworks: what they
    # are judged against, preselected with the default for their role.
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.none(),
        required=False,
        empty_label="As proposed",
        label="Judged against",
        help_text="The template's frameworks decide, if it lists any. Otherwise the person's "
        "role proposes one: the practice leader standards for a Principal Social Worker, the "
        "practice supervisor standards for managers and supervisors, the PCF for practitioners.",
    )
    level = forms.ModelChoiceField(
        queryset=Item.objects.none(),
        required=False,
        empty_label="The template's level",
        label="PCF level",
        help_text="Used when they are judged against the PCF.",
    )
    PEOPLE = (Participant.APPRAISER, Participant.COUNTERSIGNER, Participant.ASSESSOR)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = rules.cycle_starter_organisations(user)
        for role in self.PEOPLE:
            self.fields[role].queryset = User.objects.filter(
                pk__in=Membership.objects.active()
                .filter(organisation__in=organisations, role__in=services.CHOOSABLE[role])
                .values("user")
            ).order_by("last_name", "first_name")
        # An ASYE coordinator (who may start nothing else) sees ASYE templates and people.
        self.fields["template"].queryset = (
            rules.templates_startable_by(user).filter(is_active=True).select_related("organisation")
        )
        self.fields["person"].queryset = User.objects.filter(
            pk__in=rules.appraisees_startable_by(user).values("user")
        ).order_by("last_name", "first_name")
        self.fields["team"].queryset = Team.objects.filter(organisation__in=organisations)
        self.fields["framework"].queryset = frameworks.choosable_frameworks()
        self.fields["level"].queryset = frameworks.pcf_levels()

    def clean(self):
        data = super().clean()
        if bool(data.get("person")) == bool(data.get("team")):
            self.add_error("person", "Choose one person or one team")
        return data


def proposal_key(data) -> str:
    """The person, template and start date the people were proposed for."""
    return f"{data['person'].pk}:{data['template'].pk}:{data['starts_on'].isoformat()}"


PROPOSED_AGAIN = (
    "Nothing was started: the person, template or start date changed after the people were "
    "proposed. Check the people proposed now, then start."
)


def _sets_own_frameworks(form) -> bool:
    template = getattr(form, "cleaned_data", {}).get("template")
    return bool(template and template.frameworks.exists())


def _propose(request, data, *, changed: bool):
    """Step 2: the people proposed for the chosen person, template and date, preselected (the
    starter can change any of them), and, for a template that lists no frameworks, the framework
    proposed by the person's role. Everything else typed stays as it was."""
    proposed = services.default_participants(
        template=data["template"], appraisee=data["person"], on=data["starts_on"]
    )
    posted = request.POST.copy()
    for role in StartForm.PEOPLE:
        posted[role] = getattr(proposed[role], "pk", "") or ""
    posted["proposed_for"] = proposal_key(data)
    sets_own = data["template"].frameworks.exists()
    if not sets_own:
        proposed_framework = frameworks.default_framework(
            organisation=data["template"].organisation,
            appraisee=data["person"],
            on=data["starts_on"],
        )
        posted["framework"] = getattr(proposed_framework, "pk", "") or ""
        posted["level"] = data["template"].target_level_id or ""
    form = StartForm(posted, user=request.user)
    form.is_valid()
    if changed:
        form.add_error(None, PROPOSED_AGAIN)
    return render(
        request,
        "appraisals/start.html",
        {"form": form, "choosing": True, "sets_own_frameworks": sets_own},
    )


@login_required
def start(request):
    if not rules.cycle_starter_organisations(request.user).exists():
        raise Http404
    form = StartForm(request.POST or None, user=request.user)
    choosing = request.POST.get("action") == "start"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["person"] and not choosing:
                # First (or again, "Propose people again") the proposals.
                return _propose(request, data, changed=False)
            if data["person"] and data["proposed_for"] != proposal_key(data):
                # Without JavaScript the people shown cannot follow a change of person,
                # template or date: propose afresh rather than start with the wrong people.
                return _propose(request, data, changed=bool(data["proposed_for"]))
            if data["person"]:
                appraisal = services.start_cycle(
                    template=data["template"],
                    appraisee=data["person"],
                    starts_on=data["starts_on"],
                    started_by=request.user,
                    chosen={role: data[role] for role in StartForm.PEOPLE},
                    framework=data["framework"],
                    target_level=data["level"],
                )
                messages.success(request, f"Started {appraisal}.")
                return redirect(appraisal)
            started = services.start_team_cycle(
                template=data["template"],
                team=data["team"],
                starts_on=data["starts_on"],
                started_by=request.user,
            )
            messages.success(
                request, f"Started {len(started)} appraisal{'s' if len(started) != 1 else ''}."
            )
            return redirect("appraisals:index")
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, problems in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, problems)
            else:
                form.add_error(None, "; ".join(error.messages))
        except PermissionDenied as error:
            form.add_error(None, str(error))
    return render(
        request,
        "appraisals/start.html",
        {
            "form": form,
            "choosing": choosing,
            "sets_own_frameworks": _sets_own_frameworks(form),
        },
    )
