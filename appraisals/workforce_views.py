"""The Principal Social Worker's workforce view, the page explaining its figures, and practice
voice: anonymous notes from anyone in the organisation about what helps or gets in the way of
good practice (Munro recommendations 4 and 14).

The workforce view shows counts only, never ranks, never names anyone, and answers 404 to anyone
who is not a PSW of the organisation. Practice voice stores the note and nothing about who sent
it: no user, no access event, no IP address, no time finer than the month.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cms.paging import paginate
from organisations.models import Organisation
from organisations.selectors import organisations_where
from portfolios import guard
from supervision.aggregates import supervision_by_team

from . import rules, voice, workforce
from .models import PracticeVoiceNote

TEXT_MAX_LENGTH = 2000


def _chosen(organisations, slug):
    """The organisation `?organisation=<slug>` names among `organisations` (404 if it is not
    one of them), else the first."""
    if slug:
        for organisation in organisations:
            if organisation.slug == slug:
                return organisation
        raise Http404
    return organisations[0]


TEAMS_PER_PAGE = 10


def _psw_organisation(request):
    """The PSW's organisations and the one chosen (`?organisation=<slug>`); 404 for anyone who
    is not a PSW."""
    organisations = list(rules.psw_organisations(request.user).order_by("name", "pk"))
    if not organisations:
        raise Http404
    return organisations, _chosen(organisations, request.GET.get("organisation"))


def _teams_url(organisations, chosen) -> str:
    url = reverse("appraisals:organisation-teams")
    return f"{url}?organisation={chosen.slug}" if len(organisations) > 1 else url


@login_required
def organisation(request):
    """The organisation-wide summary: every figure for all teams together, counted in the
    database, so the page costs the same however many teams there are. Each team's figures are
    a page of teams at a time (:func:`organisation_teams`)."""
    organisations, chosen = _psw_organisation(request)
    supervision = supervision_by_team(chosen)
    return render(
        request,
        "appraisals/organisation.html",
        {
            "organisation": chosen,
            "organisations": organisations,
            "progress_totals": workforce.organisation_progress(chosen),
            "teams_count": chosen.teams.count(),
            "teams_per_page": TEAMS_PER_PAGE,
            "teams_url": _teams_url(organisations, chosen),
            "cohort": workforce.asye_cohort(chosen),
            "profile": workforce.capability_profile(chosen, by_team=False),
            "needs": workforce.development_needs(chosen),
            "supervision": supervision,
            "supervision_overall": [(t, [t.overall]) for t in supervision.tables],
            "notes_count": PracticeVoiceNote.objects.filter(organisation=chosen).count(),
            "threshold": workforce.SUPPRESSION_THRESHOLD,
        },
    )


@login_required
def organisation_teams(request):
    """Each team's figures, a page of teams at a time in name order ("No team" on the last
    page): appraisals due, overdue and completed, the capability profile and supervision."""
    organisations, chosen = _psw_organisation(request)
    paged = paginate(request, chosen.teams.order_by("name", "pk"), per_page=TEAMS_PER_PAGE)
    teams = [(team.pk, team.name) for team in paged.rows]
    last = not paged.page.has_next()
    team_ids = [pk for pk, _name in teams]
    supervision = supervision_by_team(chosen)
    names = {name for _pk, name in teams} | ({workforce.NO_TEAM} if last else set())
    return render(
        request,
        "appraisals/organisation_teams.html",
        {
            "organisation": chosen,
            "organisations": organisations,
            "paged": paged,
            "progress": workforce.due_overdue_completed(chosen, teams=teams, no_team=last),
            "profile": workforce.capability_profile(
                chosen, team_ids=team_ids, no_team=last, overall=False
            ),
            "supervision": supervision,
            "supervision_teams": [
                (t, [row for row in t.teams if row.label in names]) for t in supervision.tables
            ],
            "threshold": workforce.SUPPRESSION_THRESHOLD,
        },
    )


@login_required
def profile_explained(request, slug):
    organisation = rules.psw_organisations(request.user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return render(
        request,
        "appraisals/profile_explained.html",
        {"organisation": organisation, "threshold": workforce.SUPPRESSION_THRESHOLD},
    )


# ---------------------------------------------------------------------------------------------
# Practice voice


class PracticeVoiceForm(forms.Form):
    # Not the mixin: practice voice has a stricter rule of its own (see practice_voice below):
    # a note is refused if the guard finds anything at all, with no confirmation or redaction.
    guard_opt_out = "practice voice refuses any finding itself, with no override"

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        label="Which organisation is this about?",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the organisation your note is about",
            "invalid_choice": "Choose one of your own organisations",
        },
    )
    kind = forms.ChoiceField(
        label="Is this about something that helps good practice, or something that gets in the way?",
        choices=[
            (PracticeVoiceNote.Kind.HELPS, "It helps good practice"),
            (PracticeVoiceNote.Kind.HINDERS, "It gets in the way"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether it helps or gets in the way"},
    )
    theme = forms.ChoiceField(
        label="What is it about?",
        choices=PracticeVoiceNote.Theme.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what your note is about"},
    )
    text = forms.CharField(
        label="Your note",
        help_text=(
            "Do not name or describe anyone: no colleagues, children or families, and nothing "
            "else that would tell someone who it is. You can write up to 2,000 characters."
        ),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "Write your note",
            "max_length": "Your note must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, organisations, accepting, **kwargs):
        """`organisations`: the person's own; `accepting`: those of them with a Principal
        Social Worker to read the note, the only ones offered."""
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations
        self.accepting = list(accepting)
        self.findings: list[guard.Finding] = []
        self.highlighted = ""
        if len(self.accepting) == 1:
            field.widget = forms.HiddenInput()
            field.initial = self.accepting[0].slug
        else:
            field.choices = [("", field.empty_label)] + [(o.slug, o.name) for o in self.accepting]

    def clean_organisation(self):
        organisation = self.cleaned_data["organisation"]
        if organisation not in self.accepting:
            raise forms.ValidationError(
                f"{organisation} has no Principal Social Worker to read your note, so it cannot "
                "be sent there. Nothing has been stored."
            )
        return organisation

    def clean_text(self):
        text = self.cleaned_data["text"]
        self.findings = guard.find_identifiers(text)
        if self.findings:
            self.highlighted = guard.highlight(text, self.findings)
            raise forms.ValidationError(
                "Remove the highlighted details: an anonymous note must not identify anyone. "
                "Write “a parent” or “a colleague” instead of a name."
            )
        return text

    @property
    def finding_labels(self) -> list[str]:
        return sorted({finding.label for finding in self.findings})


def _member_organisations(user):
    return organisations_where(user).order_by("name", "pk")


@login_required
def practice_voice(request):
    """GET: the form (and, for PSWs, the notes of their organisations). POST: store the note.

    Nothing about the sender is kept: the note row holds the organisation, theme, kind, text
    and the month, and this view records no access event and writes nothing to the session."""
    organisations = _member_organisations(request.user)
    if not organisations.exists():
        raise Http404
    # Only an organisation with a Principal Social Worker takes notes: the others are named on
    # the page, and a note sent to one is refused by the form before anything is stored.
    accepting = list(organisations.filter(pk__in=voice.organisations_with_psw()))
    not_accepting = [o for o in organisations if o not in accepting]
    psw_of = list(rules.psw_organisations(request.user).order_by("name", "pk"))
    notes_only = request.GET.get("view") == "notes"
    if notes_only and not psw_of:
        raise Http404

    if request.method == "POST":
        form = PracticeVoiceForm(request.POST, organisations=organisations, accepting=accepting)
        if form.is_valid():
            PracticeVoiceNote.objects.create(
                organisation=form.cleaned_data["organisation"],
                theme=form.cleaned_data["theme"],
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                month=timezone.localdate().replace(day=1),
            )
            messages.success(request, "Thank you. Your note has been sent without your name.")
            return redirect("appraisals:practice-voice")
    else:
        form = PracticeVoiceForm(organisations=organisations, accepting=accepting)

    voices = []
    if psw_of:
        slug = request.GET.get("organisation")
        shown = [_chosen(psw_of, slug)] if slug else psw_of
        voices = [(org, workforce.practice_voice(org)) for org in shown]
    return render(
        request,
        "appraisals/practice_voice.html",
        {
            "form": form,
            "show_errors": request.method == "POST",
            "notes_only": notes_only,
            "accepting": accepting,
            "not_accepting": not_accepting,
            "learner_or_tutor": any(o.kind == Organisation.Kind.HEI for o in not_accepting),
            "is_psw": bool(psw_of),
            "voices": voices,
        },
    )
