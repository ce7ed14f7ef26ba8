"""Writes to portfolios: saving entries with their mappings and attachments, deleting and
restoring, sharing and revoking, comments. Views call these; the rules they enforce are tested
here, not through the views alone."""

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import log_access
from accounts.models import AccessEvent, User

from . import rules
from .guard import Finding, check_fields
from .models import (
    RECORD_FIELDS,
    Attachment,
    Comment,
    Entry,
    GuardConfirmation,
    Mapping,
    Portfolio,
    Share,
)
from .uploads import CheckedUpload


def confirmed_fingerprints(entry: Entry | None) -> set[str]:
    if entry is None or entry.pk is None:
        return set()
    return {fp for c in entry.guard_confirmations.all() for fp in (c.fingerprints or []) if fp}


@transaction.atomic
def save_entry(
    *,
    owner: User,
    entry: Entry | None,
    values: dict,
    complete: bool,
    statements: Iterable = (),
    uploads: Sequence[CheckedUpload] = (),
    remove_attachments: Iterable[str] = (),
    confirmed: Sequence[Finding] = (),
) -> Entry:
    """Create or update one of `owner`'s entries. `confirmed` holds the guard findings the owner
    confirmed as anonymised: the confirmation is recorded (kinds, fields and fingerprints, never
    the text)."""
    if entry is None:
        entry = Entry(portfolio=Portfolio.for_user(owner))
    elif entry.portfolio.owner_id != owner.pk or entry.is_deleted:
        raise ValidationError("Only the owner can change this entry.")
    for name in RECORD_FIELDS:
        if name in values:
            setattr(entry, name, values[name] if values[name] is not None else _empty(name))
    entry.status = Entry.Status.COMPLETE if complete else Entry.Status.DRAFT
    if entry.needs_review:
        _settle_review(entry, complete=complete, confirmed=confirmed)
    entry.full_clean(exclude=["portfolio"])
    entry.save()

    wanted = {item.pk for item in statements}
    existing = set(entry.mappings.values_list("item_id", flat=True))
    entry.mappings.filter(item_id__in=existing - wanted).delete()
    Mapping.objects.bulk_create(Mapping(entry=entry, item_id=pk) for pk in wanted - existing)

    remove = list(remove_attachments)
    if remove:
        for attachment in entry.attachments.filter(uuid__in=remove):
            attachment.file.delete(save=False)
            attachment.delete()
    for upload in uploads:
        add_attachment(entry=entry, upload=upload)

    if confirmed:
        GuardConfirmation.objects.create(
            entry=entry,
            confirmed_by=owner,
            kinds=sorted({f.kind for f in confirmed}),
            fields=sorted({f.field for f in confirmed}),
            fingerprints=sorted({f.fingerprint for f in confirmed}),
        )
    return entry


def _settle_review(entry: Entry, *, complete: bool, confirmed: Sequence[Finding]) -> None:
    """An imported entry the guard flagged stays "needs review" (and a draft) until its text
    passes the guard, findings the owner confirmed as anonymised aside."""
    accepted = confirmed_fingerprints(entry) | {f.fingerprint for f in confirmed}
    remaining = [f for f in check_fields(entry.text_fields()) if f.fingerprint not in accepted]
    # Imported notes cannot be edited: the import redacts strong identifiers in them, and none
    # may remain (a weaker finding in a note is for the owner to look at, not to block).
    notes = {f"note {n}": c.body for n, c in enumerate(entry.comments.filter(imported=True))}
    remaining += [f for f in check_fields(notes) if f.strong]
    if not remaining:
        entry.needs_review = False
    elif complete:
        raise ValidationError(
            "This imported entry may identify a child or family. Change the highlighted text, "
            "or confirm that it is anonymised, before you complete it."
        )


def _empty(name: str):
    field = Entry._meta.get_field(name)
    if name == "swe_standards":
        return []
    return None if field.null else ""


def add_attachment(*, entry: Entry, upload: CheckedUpload) -> Attachment:
    return Attachment.objects.create(
        entry=entry,
        file=ContentFile(upload.content, name=upload.original_name),
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
    )


def delete_entry(*, entry: Entry, by: User) -> None:
    """Soft delete: the entry disappears everywhere (shares included) and can be restored for
    RESTORE_DAYS; `purge_deleted_entries` removes it for good after that."""
    if not rules.is_owner(by, entry):
        raise ValidationError("Only the owner can delete this entry.")
    entry.deleted_at = timezone.now()
    entry.save(update_fields=["deleted_at", "updated_at"])


def restore_entry(*, entry: Entry, by: User) -> None:
    if not rules.is_owner(by, entry):
        raise ValidationError("Only the owner can restore this entry.")
    entry.deleted_at = None
    entry.save(update_fields=["deleted_at", "updated_at"])


def purge_deleted_entries(*, now=None) -> int:
    count = 0
    for entry in Entry.objects.deleted().purgeable(now).prefetch_related("attachments"):
        with transaction.atomic():
            for attachment in entry.attachments.all():
                attachment.file.delete(save=False)
            entry.delete()
            count += 1
    return count


def check_share_terms(
    *,
    owner: User,
    whole_portfolio: bool,
    entries: Iterable[Entry],
    expires_on: date | None,
) -> list[Entry]:
    """The terms of a share (or an invitation to one) are sound; returns the entries."""
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": "The end date must be today or in the future"})
    portfolio = Portfolio.for_user(owner)
    entries = list(entries)
    if any(e.portfolio_id != portfolio.pk for e in entries):
        raise ValidationError("You can only share your own entries.")
    if not whole_portfolio and not entries:
        raise ValidationError({"entries": "Choose at least one entry to share"})
    return entries


@transaction.atomic
def share_portfolio(
    *,
    owner: User,
    reader: User,
    relationship: str,
    whole_portfolio: bool,
    entries: Iterable[Entry] = (),
    can_comment: bool = False,
    expires_on: date | None = None,
    invited_email: str = "",
) -> Share:
    """Share with `reader` on these terms. Sharing again with someone already shared with
    updates that share (what it covers, comments, end date): never a second active share."""
    if reader.pk == owner.pk:
        raise ValidationError({"email": "That is your own address: choose someone else"})
    entries = check_share_terms(
        owner=owner, whole_portfolio=whole_portfolio, entries=entries, expires_on=expires_on
    )
    # Lock the portfolio row: two shares with the same reader at once cannot both be created.
    portfolio = Portfolio.objects.select_for_update().get(owner=owner)
    share = Share.objects.active().filter(portfolio=portfolio, reader=reader).order_by("pk").first()
    if share is None:
        share = Share(portfolio=portfolio, reader=reader, invited_email=invited_email)
    share.relationship = relationship
    share.whole_portfolio = whole_portfolio
    share.can_comment = can_comment
    share.expires_on = expires_on
    share.save()
    share.entries.set([] if whole_portfolio else entries)
    return share


def revoke_share(*, share: Share, by: User) -> None:
    if share.portfolio.owner_id != by.pk:
        raise ValidationError("Only the owner can stop sharing.")
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])


def set_comment_hidden(*, comment: Comment, by: User, hidden: bool) -> Comment:
    """The entry's owner hides a comment from everyone but its author, or shows it again."""
    if not rules.can_hide_comment(by, comment):
        raise ValidationError("Only the owner of the entry can hide a comment on it.")
    comment.hidden_at = (comment.hidden_at or timezone.now()) if hidden else None
    comment.save(update_fields=["hidden_at"])
    return comment


def add_comment(*, entry: Entry, author: User, body: str, request=None) -> Comment:
    """A shared reader's comment. It never changes the entry; the owner's access log says who
    commented on it."""
    if not rules.can_comment(author, entry):
        raise ValidationError("You cannot comment on this entry.")
    share = rules.active_shares_for(author).covering(entry).filter(can_comment=True).first()
    comment = Comment.objects.create(
        entry=entry,
        author=author,
        author_name=str(author),
        author_role=share.get_relationship_display() if share else "",
        body=body.strip(),
    )
    log_access(
        actor=author,
        obj=entry,
        owner=entry.portfolio.owner,
        action=AccessEvent.Action.COMMENT,
        change="added a comment",
        request=request,
    )
    return comment
