"""Moving a portfolio between Capable sites: the JSON (or ZIP) export, and importing it again.

By stage: `export_portfolio()` (in `interchange_export`) builds the "capable-portfolio" format
version 1, which the PDF renderer (`portfolios.pdf`) also reads; `export_zip()` packs it with
every attachment's bytes. The export also carries the person's signed appraisals (and the ZIP
their PDFs), which are never imported. `read_upload()` (in `interchange_read`) turns an uploaded
.json or .zip file into that data and its attachments, `check_data()` (in `interchange_check`)
checks every entry, and `import_portfolio()` (here) adds the entries to a person's portfolio: all of them or, if anything in the
file is wrong, none.

Words others wrote (feedback received through Capable, a direct observation) travel as the
entry's "written_by_others": who wrote them, the day and the answers. Imported, they stay marked
as others' words (`Entry.imported_from_others`, read-only, exported again unchanged); the record
behind them (the feedback request, the observation both signed) stays on the site it came from.

Only ever the person's own portfolio: neither function takes anything but the signed-in user.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from capabilities.models import Item

from .guard import check_fields, redact
from .interchange_check import (
    DEFAULT_MAX_ENTRIES,
    FORMAT,
    FORMAT_VERSION,
    _AttachmentData,
    _EntryData,
    _MappingData,
    check_data,
    max_entries,
)
from .interchange_export import (
    appraisal_path,
    attachment_path,
    dumps,
    export_portfolio,
    export_zip,
)
from .interchange_read import (
    JSON_NAME,
    MAX_JSON_BYTES,
    MAX_ZIP_BYTES,
    MAX_ZIP_MEMBERS,
    ZIP_MAGIC,
    PortfolioImportError,
    ZipAttachments,
    parse_json,
    read_upload,
)
from .models import Attachment, Comment, Entry, Mapping, Portfolio
from .rules import entries_owned_by

__all__ = [
    "DEFAULT_MAX_ENTRIES",
    "FORMAT",
    "FORMAT_VERSION",
    "JSON_NAME",
    "MAX_JSON_BYTES",
    "MAX_ZIP_BYTES",
    "MAX_ZIP_MEMBERS",
    "ZIP_MAGIC",
    "ImportResult",
    "PortfolioImportError",
    "ZipAttachments",
    "appraisal_path",
    "attachment_path",
    "check_data",
    "dumps",
    "export_portfolio",
    "export_zip",
    "import_portfolio",
    "max_entries",
    "parse_json",
    "read_upload",
]

logger = logging.getLogger(__name__)

#: The most unmatched mappings or rejected attachments the summary lists one by one.
MAX_LISTED = 50
#: Statements looked up per query when matching mappings (SQLite limits an expression's depth).
MATCH_CHUNK = 200


# --- importing ----------------------------------------------------------------------------------


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


@dataclass
class ImportResult:
    entries_created: int = 0
    #: Entries left out because the portfolio already had one with the same title, date and
    #: description (the same file imported twice).
    duplicates_skipped: int = 0
    mappings_matched: int = 0
    #: "framework version code" of each mapping no published statement matched.
    mappings_unmatched: list[str] = field(default_factory=list)
    comments_imported: int = 0
    #: Imported notes in which strong identifiers (NHS numbers, dates of birth, postcodes,
    #: phone numbers, email addresses) were replaced by placeholders: nobody can edit a note.
    notes_redacted: int = 0
    attachments_restored: int = 0
    #: "name: reason" for each attachment that was not restored from the ZIP file.
    attachments_rejected: list[str] = field(default_factory=list)
    #: Attachments listed in a plain .json file, which carries no files.
    attachments_not_included: int = 0
    #: Titles of imported entries whose text the identifying-information guard flags ...
    flagged_for_review: list[str] = field(default_factory=list)
    #: ... and the entries themselves: drafts that need review.
    review_entries: list[Entry] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"Imported {_plural(self.entries_created, 'entry', 'entries')}",
            f"with {_plural(self.mappings_matched, 'mapped statement')}",
            f"{_plural(self.comments_imported, 'comment')}",
            f"and {_plural(self.attachments_restored, 'attachment')}.",
        ]
        text = f"{parts[0]} {parts[1]}, {parts[2]} {parts[3]}"
        if self.duplicates_skipped:
            text += (
                f" {_plural(self.duplicates_skipped, 'entry was', 'entries were')} already in "
                "your portfolio and left out."
            )
        return text

    def warnings(self, *, include_review: bool = True) -> list[str]:
        """What the person should check. The summary page lists the entries that need review
        itself, with links, so it leaves that note out (`include_review=False`)."""
        notes = []
        if self.notes_redacted:
            notes.append(
                f"{_plural(self.notes_redacted, 'imported note')} held details that identify "
                "someone (such as an NHS number, a postcode or a phone number): they were "
                "replaced with placeholders such as “[postcode removed]”."
            )
        if self.flagged_for_review and include_review:
            count = len(self.flagged_for_review)
            notes.append(
                f"{_plural(count, 'imported entry', 'imported entries')} may hold information "
                "that identifies a child or family, so "
                f"{'it was' if count == 1 else 'they were'} saved as "
                f"{'a draft' if count == 1 else 'drafts'} marked “Needs review”. Open each one, "
                "change the text or confirm it is anonymised, and save it before you complete it."
            )
        if self.mappings_unmatched:
            shown = self.mappings_unmatched[:MAX_LISTED]
            more = len(self.mappings_unmatched) - len(shown)
            notes.append(
                f"{_plural(len(self.mappings_unmatched), 'mapping')} could not be matched to a "
                "published framework statement and "
                f"{'was' if len(self.mappings_unmatched) == 1 else 'were'} left out: "
                + ", ".join(shown)
                + (f" and {more:,} more." if more else ".")
            )
        if self.attachments_not_included:
            notes.append(
                f"{_plural(self.attachments_not_included, 'attachment')} listed in the file "
                f"{'was' if self.attachments_not_included == 1 else 'were'} not imported: a .json "
                "file holds no attachments. Import the ZIP download to restore them."
            )
        if self.attachments_rejected:
            shown = self.attachments_rejected[:MAX_LISTED]
            more = len(self.attachments_rejected) - len(shown)
            notes.append(
                f"{_plural(len(self.attachments_rejected), 'attachment')} could not be restored: "
                + " ".join(shown)
                + (f" And {more:,} more." if more else "")
            )
        return notes


def _match_items(mappings: Iterable[_MappingData]) -> tuple[dict, dict]:
    """Published statements by identifier and by (framework, version, code): two queries."""
    mappings = list(mappings)
    statements = Item.objects.published().statements()
    identifiers = sorted({m.identifier for m in mappings if m.identifier is not None})
    by_identifier = {}
    for chunk in _chunks(identifiers):
        rows = statements.filter(identifier__in=chunk).values_list("identifier", "pk")
        by_identifier.update(rows)
    wanted: dict[tuple[str, str], set[str]] = {}
    for m in mappings:
        if m.identifier not in by_identifier:
            wanted.setdefault((m.framework, m.version), set()).add(m.code)
    # One (framework, version, code) per condition, a chunk of them per query: thousands of
    # distinct mappings in one query make SQLite answer "Expression tree is too large".
    wanted_codes = sorted((f, v, c) for (f, v), codes in wanted.items() for c in codes)
    by_code: dict[tuple[str, str, str], int] = {}
    for chunk in _chunks(wanted_codes):
        grouped: dict[tuple[str, str], list[str]] = {}
        for framework, version, code in chunk:
            grouped.setdefault((framework, version), []).append(code)
        condition = Q()
        for (framework, version), codes in grouped.items():
            condition |= Q(
                version__framework__slug=framework, version__slug=version, code__in=codes
            )
        rows = statements.filter(condition).values_list(
            "pk", "version__framework__slug", "version__slug", "code"
        )
        by_code.update(((framework, version, code), pk) for pk, framework, version, code in rows)
    return by_identifier, by_code


def _chunks(values: list, size: int = MATCH_CHUNK) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _check_attachment(attachment: _AttachmentData, files: dict[str, bytes]):
    """The CheckedUpload for an attachment in the ZIP, or a reason it cannot be restored."""
    from .uploads import check_upload

    try:
        content = files.get(attachment.path)
    except PortfolioImportError as error:
        return None, f"“{attachment.name}” could not be restored: {error.message}"
    if content is None:
        return None, f"“{attachment.name}” is not in the ZIP file."
    try:
        return check_upload(SimpleUploadedFile(attachment.name, content)), None
    except ValidationError as error:
        return None, " ".join(error.messages)


def _redact_notes(item: _EntryData) -> int:
    """Imported notes cannot be edited by anyone, so strong identifiers in them are replaced by
    placeholders as they arrive; weaker findings put the entry up for review. Returns how many
    notes changed."""
    changed = 0
    for comment in item.comments:
        redacted = redact(comment["body"])
        if redacted != comment["body"]:
            comment["body"] = redacted
            changed += 1
    return changed


def _new_entry(portfolio: Portfolio, item: _EntryData) -> Entry:
    """The entry to create: a draft that needs review when the guard flags its text or that of
    its imported notes (or the file says it was waiting for review), whatever status the file
    gives it."""
    entry = Entry(portfolio=portfolio, **item.fields)
    notes = {f"comment {n}": c["body"] for n, c in enumerate(item.comments, start=1)}
    if item.others:
        entry.source = item.others["source"]
        entry.author_kind = item.others.get("author_kind", "")
        entry.imported_from_others = item.others
        notes |= {
            f"written by others {n}": a["answer"]
            for n, a in enumerate(item.others["answers"], start=1)
        }
    if item.needs_review or check_fields({**entry.text_fields(), **notes}):
        entry.needs_review = True
        entry.status = Entry.Status.DRAFT
    return entry


def import_portfolio(
    user, *, data: dict, files: ZipAttachments | dict[str, bytes] | None = None
) -> ImportResult:
    """Add the entries of an exported portfolio to `user`'s portfolio: all or nothing.

    Only the entries: the file's "appraisals" (and the appraisal PDFs in a ZIP file) are left
    alone, because appraisals belong to an employer's process and are not brought into another.
    `files` are the attachments by path, from a ZIP export (`read_upload`'s ZipAttachments, or
    their bytes); None for a plain .json file. Entries already in the portfolio with the same
    title, date and description are left out, so importing the same file twice adds nothing the
    second time. An entry whose text the identifying-information guard flags is imported as a
    draft that "needs review": it cannot be completed until its owner has changed the text, or
    confirmed it is anonymised, in the entry form. Raises PortfolioImportError."""
    checked = check_data(data)
    result = ImportResult()
    saved_files: list[str] = []
    try:
        with transaction.atomic():
            portfolio = Portfolio.for_user(user)
            existing = set(
                entries_owned_by(user).values_list("title", "occurred_on", "description")
            )
            new = []
            for item in checked:
                if item.key in existing:
                    result.duplicates_skipped += 1
                else:
                    result.notes_redacted += _redact_notes(item)
                    new.append(item)
            by_identifier, by_code = _match_items(m for item in new for m in item.mappings)

            entries = Entry.objects.bulk_create([_new_entry(portfolio, item) for item in new])
            now = timezone.now()
            for entry, item in zip(entries, new, strict=True):
                entry.created_at = item.created_at or now
                entry.updated_at = item.updated_at or item.created_at or now
            Entry.objects.bulk_update(entries, ["created_at", "updated_at"])

            mappings, comments = [], []
            for entry, item in zip(entries, new, strict=True):
                item_ids: set[int] = set()
                for mapping in item.mappings:
                    pk = by_identifier.get(mapping.identifier) or by_code.get(
                        (mapping.framework, mapping.version, mapping.code)
                    )
                    if pk is None:
                        result.mappings_unmatched.append(mapping.label)
                    elif pk not in item_ids:
                        item_ids.add(pk)
                        mappings.append(Mapping(entry=entry, item_id=pk))
                comments.extend(
                    Comment(entry=entry, author=None, imported=True, **comment)
                    for comment in item.comments
                )
                for attachment in item.attachments:
                    if files is None:
                        result.attachments_not_included += 1
                        continue
                    upload, problem = _check_attachment(attachment, files)
                    if upload is None:
                        result.attachments_rejected.append(problem)
                        continue
                    stored = Attachment(
                        entry=entry,
                        file=ContentFile(upload.content, name=upload.original_name),
                        original_name=upload.original_name,
                        content_type=upload.content_type,
                        size=upload.size,
                        sha256=upload.sha256,
                    )
                    stored.save()
                    saved_files.append(stored.file.name)
                    result.attachments_restored += 1
            Mapping.objects.bulk_create(mappings)
            Comment.objects.bulk_create(comments)
            result.entries_created = len(entries)
            result.review_entries = [entry for entry in entries if entry.needs_review]
            result.flagged_for_review = [entry.title for entry in result.review_entries]
            result.mappings_matched = len(mappings)
            result.comments_imported = len(comments)
    except BaseException:
        # The rows are rolled back; the files already written must go too.
        for name in saved_files:
            try:
                Attachment._meta.get_field("file").storage.delete(name)
            except Exception:  # a leftover file is not worth hiding the real error
                logger.exception("Could not remove %s after a failed import", name)
        raise
    return result
