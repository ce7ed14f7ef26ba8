"""“You said, we did”: every member of an organisation reads the replies its Principal Social
Worker published to practice voice; the PSW writes them, grouping notes under a theme. Thin
views: who may see and write what is `appraisals.voice`."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cms.guard_forms import GuardedFormMixin, confirmed_fingerprints, record_confirmation

from . import rules, voice
from .models import PracticeVoiceNote
from .suppression import is_small


class VoiceReplyForm(GuardedFormMixin, forms.Form):
    guard_exempt = {"notes": "a choice of notes, not text"}

    title = forms.CharField(
        label="Theme",
        max_length=150,
        help_text="A few words for what the notes are about, for example “Time to write up "
        "visits”.",
        error_messages={
            "required": "Enter the theme",
            "max_length": "The theme must be 150 characters or fewer",
        },
    )
    you_said = forms.CharField(
        label="You said",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the notes said, in your words. Do not quote anything that could show "
        "who wrote a note.",
        error_messages={"required": "Enter what people said"},
    )
    we_did = forms.CharField(
        label="We did",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What has been done or is being done, and when.",
        error_messages={"required": "Enter what was done"},
    )
    notes = forms.ModelMultipleChoiceField(
        label="Which notes does this answer?",
        queryset=PracticeVoiceNote.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Members see how many notes a reply answers (“fewer than 5” for a few), "
        "never the notes themselves.",
        error_messages={"invalid_choice": "Choose notes sent to this organisation"},
    )
    # When the reply being changed was last saved, as the form was opened (`voice.save_reply`).
    editing_since = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["notes"]
        field.queryset = voice.notes_of(organisation)
        field.label_from_instance = _note_label

    def clean_editing_since(self):
        value = self.cleaned_data["editing_since"]
        if not value:
            return None
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            raise forms.ValidationError(
                "This page is out of date: open the reply again to change it"
            ) from None


def _note_label(note) -> str:
    text = note.text if len(note.text) <= 160 else note.text[:159] + "…"
    return (
        f"{note.get_theme_display()}, {note.get_kind_display().lower()}, {note.month:%B %Y}: {text}"
    )


def _member_organisations(request):
    organisations = list(voice.member_organisations(request.user))
    if not organisations:
        raise Http404
    slug = request.GET.get("organisation")
    if slug:
        organisations = [o for o in organisations if o.slug == slug]
        if not organisations:
            raise Http404
    return organisations


@login_required
def you_said_we_did(request):
    """The published replies of each of the person's organisations (and, for its PSW, the
    drafts). Members only: 404 for anyone else, and for an organisation they are not in."""
    organisations = _member_organisations(request)
    psw_of = set(rules.psw_organisations(request.user).values_list("pk", flat=True))
    with_psw = set(voice.organisations_with_psw().values_list("pk", flat=True))
    replies = (
        voice.replies_visible_to(request.user)
        .filter(organisation__in=organisations)
        .annotate(note_count=Count("notes"))
        .select_related("published_by")
    )
    by_organisation = {o.pk: [] for o in organisations}
    for reply in replies:
        reply.notes_few = is_small(reply.note_count)
        by_organisation[reply.organisation_id].append(reply)
    sections = [
        {
            "organisation": o,
            "is_psw": o.pk in psw_of,
            "has_psw": o.pk in with_psw,
            "published": [r for r in by_organisation[o.pk] if r.is_published],
            "drafts": [r for r in by_organisation[o.pk] if not r.is_published],
        }
        for o in organisations
    ]
    filtered = bool(request.GET.get("organisation"))
    return render(
        request, "appraisals/you_said_we_did.html", {"sections": sections, "filtered": filtered}
    )


def _form_page(request, form, organisation, reply, *, current=None, status=None):
    return render(
        request,
        "appraisals/you_said_we_did_form.html",
        {"form": form, "organisation": organisation, "reply": reply, "current": current},
        status=status or (400 if form.is_bound else 200),
    )


def _save(request, form, organisation, reply):
    try:
        saved = voice.save_reply(
            organisation=organisation,
            by=request.user,
            reply=reply,
            publish=request.POST.get("action") == "publish",
            editing_since=form.cleaned_data["editing_since"],
            **{name: form.cleaned_data[name] for name in ("title", "you_said", "we_did", "notes")},
        )
    except PermissionDenied:
        raise Http404 from None
    except voice.ReplyChanged as changed:
        # Someone else saved first: what this person typed stays in the form, beside the reply
        # as it is now; saving again (from the version now shown) replaces it.
        current = changed.current
        data = request.POST.copy()
        data["editing_since"] = current.updated_at.isoformat()
        form = VoiceReplyForm(
            data, organisation=organisation, confirmed_fingerprints=confirmed_fingerprints(current)
        )
        form.is_valid()
        form.add_error(None, changed.message)
        return _form_page(request, form, organisation, current, current=current, status=409)
    record_confirmation(record=saved, findings=form.guard_confirmed, by=request.user)
    if saved.is_published:
        messages.success(
            request, f"“{saved.title}” is published: everyone in {organisation} can read it."
        )
    else:
        messages.success(
            request,
            f"“{saved.title}” is saved as a draft. Only you and other Principal Social Workers of {organisation} can read it.",
        )
    return redirect(f"{_list_url()}?organisation={organisation.slug}#reply-{saved.uuid}")


def _list_url():
    return reverse("appraisals:you-said-we-did")


@login_required
def reply_create(request, slug):
    organisation = get_object_or_404(rules.psw_organisations(request.user), slug=slug)
    form = VoiceReplyForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        return _save(request, form, organisation, None)
    return _form_page(request, form, organisation, None)


@login_required
def reply_edit(request, reply):
    reply = get_object_or_404(
        voice.replies_changeable_by(request.user).select_related("organisation"), uuid=reply
    )
    organisation = reply.organisation
    form = VoiceReplyForm(
        request.POST or None,
        organisation=organisation,
        initial={
            "title": reply.title,
            "you_said": reply.you_said,
            "we_did": reply.we_did,
            "notes": list(reply.notes.values_list("pk", flat=True)),
            "editing_since": reply.updated_at.isoformat(),
        },
        confirmed_fingerprints=confirmed_fingerprints(reply),
    )
    if request.method == "POST" and form.is_valid():
        return _save(request, form, organisation, reply)
    return _form_page(request, form, organisation, reply)
