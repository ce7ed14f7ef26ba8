"""Portfolio pages. Each view asks `rules` which entries the signed-in person may see and answers
404 for anything else; writes go through `services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Max, Min, Prefetch, Q
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.audit import record_access
from accounts.models import AccessEvent
from capabilities.models import FrameworkVersion
from capabilities.structure import FrameworkStructure
from cms.forms import EARLIEST_DATE, latest_date
from cms.guard_forms import record_confirmation

from . import coverage as coverage_service
from . import rules, services
from .cpd import over_limits
from .feedback import author_label as feedback_author_label
from .forms import (
    ACTION_COMPLETE,
    ACTION_DRAFT,
    ACTION_FIND,
    NEEDS_REVIEW,
    CommentForm,
    EntryFilterForm,
    EntryForm,
)
from .models import RECORD_FIELDS, Entry, Mapping, registration_year_for
from .observations import author_label as observation_author_label
from .picker import build_picker

PAGE_SIZE = 20


def _mappings_prefetch():
    return Prefetch(
        "mappings",
        queryset=Mapping.objects.select_related(
            "item__version__framework", "item__domain", "item__level"
        ).order_by("item__version__framework__kind", "item__sort_order", "item__code"),
    )


@login_required
def entry_list(request):
    owner = request.user
    version = FrameworkVersion.objects.current("pcf")
    structure = FrameworkStructure(version) if version else None
    span = rules.entries_owned_by(owner).aggregate(
        first=Min("occurred_on"), last=Max("occurred_on")
    )
    years = []
    if span["first"]:
        # Within the years any form takes, whatever dates older data holds (9999-12-31 ...).
        newest = min(registration_year_for(span["last"]), latest_date().year + 1)
        oldest = max(registration_year_for(span["first"]), EARLIEST_DATE.year)
        years = list(range(newest, oldest - 1, -1))
    form = EntryFilterForm(
        request.GET or None,
        years=years,
        domains=structure.domains if structure else (),
        levels=structure.levels if structure else (),
    )
    entries = rules.entries_owned_by(owner)
    filters = form.cleaned_data if form.is_valid() else {}
    if query := filters.get("q", "").strip():
        for word in query.split():
            entries = entries.filter(
                Q(title__icontains=word)
                | Q(description__icontains=word)
                | Q(learning__icontains=word)
                | Q(impact__icontains=word)
                | Q(peer_learning__icontains=word)
            )
    if year := filters.get("year"):
        entries = entries.in_registration_year(year)
    if entry_type := filters.get("type"):
        entries = entries.filter(entry_type=entry_type)
    if (status := filters.get("status")) == NEEDS_REVIEW:
        entries = entries.filter(needs_review=True)
    elif status:
        entries = entries.filter(status=status)
    domain = structure.domain(filters["domain"]) if filters.get("domain") else None
    level = structure.level(filters["level"]) if filters.get("level") else None
    if domain or level:
        ids = coverage_service.entry_ids_in(owner, version, domain=domain, level=level)
        entries = entries.filter(pk__in=ids)
    entries = (
        entries.annotate(
            attachment_count=Count("attachments", distinct=True),
            comment_count=Count("comments", distinct=True),
        )
        .order_by(F("occurred_on").desc(nulls_first=True), "-created_at")
        .prefetch_related(_mappings_prefetch())
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "portfolios/entry_list.html",
        {
            "page": page,
            "form": form,
            "filtered": any(filters.values()) if filters else False,
            "filter_summary": form.title_summary(),
            "domain": domain,
            "level": level,
            "query_string": query_string.urlencode(),
        },
    )


def _visible_entry(request, uuid) -> Entry:
    return get_object_or_404(
        rules.entries_visible_to(request.user).select_related("portfolio__owner"), uuid=uuid
    )


def _owned_entry(request, uuid) -> Entry:
    return get_object_or_404(
        rules.entries_owned_by(request.user).select_related("portfolio__owner"), uuid=uuid
    )


@login_required
def entry_detail(request, entry):
    entry = _visible_entry(request, entry)
    is_owner = rules.is_owner(request.user, entry)
    if not is_owner:
        record_access(request=request, obj=entry, owner=entry.owner)
    return _render_entry(request, entry, is_owner=is_owner)


def _author_label(entry) -> str:
    if entry.source == entry.Source.OBSERVATION:
        return observation_author_label(entry)
    return feedback_author_label(entry) if entry.written_by_others else ""


def _render_entry(request, entry, *, is_owner, comment_form=None, status=200):
    mappings = list(
        entry.mappings.select_related("item__version__framework", "item__domain", "item__level")
    )
    comments = list(rules.comments_visible_to(request.user, entry))
    reviewers: dict[str, list] = {}
    for comment in comments:
        if not comment.imported:  # imported notes are nobody's review: see the template
            reviewers.setdefault(comment.author_name, []).append(comment)
    can_comment = rules.can_comment(request.user, entry)
    context = {
        "entry": entry,
        "is_owner": is_owner,
        "pcf_mappings": [m for m in mappings if m.item.version.framework.is_pcf],
        "standard_mappings": [m for m in mappings if not m.item.version.framework.is_pcf],
        "attachments": entry.attachments.all(),
        "reviewers": reviewers,
        "imported_notes": [comment for comment in comments if comment.imported],
        "can_comment": can_comment,
        "comment_form": comment_form or (CommentForm() if can_comment else None),
        "readers": rules.readers_of(entry) if is_owner else None,
        "confirmations": entry.guard_confirmations.all() if is_owner else None,
        "too_long": over_limits(entry) if is_owner else (),
        "author_label": _author_label(entry),
    }
    return render(request, "portfolios/entry_detail.html", context, status=status)


@login_required
def entry_create(request):
    return _entry_form(request, None)


@login_required
def entry_edit(request, entry):
    return _entry_form(request, _owned_entry(request, entry))


def _entry_form(request, entry):
    action = request.POST.get("action", ACTION_DRAFT) if request.method == "POST" else ""
    confirmed = services.confirmed_fingerprints(entry)
    if request.method == "POST":
        form = EntryForm(
            request.POST,
            request.FILES,
            instance=entry,
            action=action,
            confirmed_fingerprints=confirmed,
        )
        if action == ACTION_FIND:
            # Searching the picker is not a save: keep what was typed, report no errors yet.
            form._errors = ErrorDict()
        elif form.is_valid():
            data = form.cleaned_data
            try:
                saved = services.save_entry(
                    owner=request.user,
                    entry=entry,
                    values={name: data.get(name) for name in RECORD_FIELDS},
                    complete=action == ACTION_COMPLETE,
                    statements=data["statements"],
                    uploads=data["attachments"],
                    remove_attachments=data["remove_attachments"],
                    confirmed=form.findings,
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(
                    request,
                    "Record saved."
                    if saved.status == Entry.Status.COMPLETE
                    else "Draft saved. It does not count towards your CPD until you complete it.",
                )
                return redirect(saved)
        selected = _selected_ids(request.POST.getlist("statements"))
        query = request.POST.get("statement_query", "")
    else:
        form = EntryForm(instance=entry, confirmed_fingerprints=confirmed)
        if entry is not None and entry.needs_review:
            # An imported entry waiting for review: show what to change before the first save.
            form.preview_identifying_information()
        selected = set(entry.mappings.values_list("item_id", flat=True)) if entry else set()
        query = request.GET.get("statement_query", "")
    target = coverage_service.default_target_slug(request.user) or ""
    picker = build_picker(selected_ids=selected, query=query, open_level=target)
    return render(
        request,
        "portfolios/entry_form.html",
        {
            "form": form,
            "entry": entry,
            "picker": picker,
            "show_errors": request.method == "POST" and action != ACTION_FIND,
            "finding": action == ACTION_FIND,
            "attachments": entry.attachments.all() if entry else (),
        },
    )


def _selected_ids(values) -> set[int]:
    return {int(v) for v in values if str(v).isdigit()}


@login_required
def entry_delete(request, entry):
    entry = _owned_entry(request, entry)
    if request.method == "POST":
        services.delete_entry(entry=entry, by=request.user)
        messages.success(
            request,
            f"“{entry.title}” was deleted. You can restore it from deleted entries until "
            f"{entry.purge_on:%-d %B %Y}.",
        )
        return redirect("portfolios:index")
    return render(request, "portfolios/entry_delete.html", {"entry": entry})


@login_required
def deleted_list(request):
    entries = Entry.objects.deleted().filter(portfolio__owner=request.user).order_by("-deleted_at")
    return render(request, "portfolios/deleted_list.html", {"entries": entries})


@login_required
@require_POST
def entry_restore(request, entry):
    entry = get_object_or_404(
        Entry.objects.deleted().filter(portfolio__owner=request.user), uuid=entry
    )
    services.restore_entry(entry=entry, by=request.user)
    messages.success(request, f"“{entry.title}” was restored.")
    return redirect(entry)


@login_required
def attachment_download(request, entry, attachment):
    entry = _visible_entry(request, entry)
    attachment = get_object_or_404(entry.attachments, uuid=attachment)
    if not rules.is_owner(request.user, entry):
        record_access(
            request=request,
            obj=attachment,
            owner=entry.owner,
            action=AccessEvent.Action.DOWNLOAD,
        )
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def comment_create(request, entry):
    entry = _visible_entry(request, entry)
    if not rules.can_comment(request.user, entry):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        comment = services.add_comment(
            entry=entry, author=request.user, body=form.cleaned_data["body"], request=request
        )
        record_confirmation(record=comment, findings=form.guard_confirmed, by=request.user)
        messages.success(request, "Your comment was added.")
        return redirect(entry)
    return _render_entry(request, entry, is_owner=False, comment_form=form, status=400)


@login_required
@require_POST
def comment_hide(request, entry, comment):
    """The entry's owner hides a comment (kept for its author) or shows it again."""
    entry = _owned_entry(request, entry)
    comment = get_object_or_404(entry.comments, uuid=comment)
    hidden = request.POST.get("hidden") != "0"
    try:
        services.set_comment_hidden(comment=comment, by=request.user, hidden=hidden)
    except ValidationError:
        raise Http404 from None
    messages.success(
        request,
        f"The comment by {comment.author_name} is hidden. Only they can still see it."
        if hidden
        else f"The comment by {comment.author_name} is shown again.",
    )
    return redirect(f"{entry.get_absolute_url()}#comments")


@login_required
def coverage(request):
    version = None
    if slug := request.GET.get("version"):
        version = get_object_or_404(FrameworkVersion.objects.published(), slug=slug)
    grid = coverage_service.build_coverage(
        request.user, version=version, level_slug=request.GET.get("level")
    )
    versions = FrameworkVersion.objects.published().filter(framework__slug="pcf")
    context = {
        "coverage": grid,
        "versions": versions,
        "drafts_mapped": coverage_service.drafts_mapped(request.user) if grid else 0,
        "standards": coverage_service.standards_coverage(request.user),
    }
    return render(request, "portfolios/coverage.html", context)


@login_required
def shared_with_me(request):
    shares = (
        rules.active_shares_for(request.user)
        .select_related("portfolio__owner")
        .annotate(chosen=Count("entries", filter=Q(entries__deleted_at__isnull=True)))
    )
    return render(request, "portfolios/shared_with_me.html", {"shares": shares})


@login_required
def shared_portfolio(request, share):
    share = get_object_or_404(
        rules.active_shares_for(request.user).select_related("portfolio__owner"), uuid=share
    )
    entries = (
        rules.entries_of_share(share)
        # Comments the owner hid count only for their author.
        .annotate(
            comment_count=Count(
                "comments",
                filter=Q(comments__hidden_at__isnull=True) | Q(comments__author=request.user),
                distinct=True,
            )
        )
        .order_by(F("occurred_on").desc(nulls_first=True), "-created_at")
        .prefetch_related(_mappings_prefetch())
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    record_access(request=request, obj=share.portfolio, owner=share.portfolio.owner)
    return render(request, "portfolios/shared_portfolio.html", {"share": share, "page": page})
