"""Moving a portfolio between Capable sites: the JSON (or ZIP) export, and importing it again.

`export_portfolio()` builds the "capable-portfolio" format version 1, which the PDF renderer
(`portfolios.pdf`) also reads; `export_zip()` packs it with every attachment's bytes. The export
also carries the person's signed appraisals (and the ZIP their PDFs), which are never imported.
`read_upload()` (in `interchange_read`) turns an uploaded .json or .zip file into that data and
its attachments, `check_data()` (in `interchange_check`) checks every entry, and
`import_portfolio()` adds the entries to a person's portfolio: all of them or, if anything in the
file is wrong, none.

Words others wrote (feedback received through Capable, a direct observation) travel as the
entry's "written_by_others": who wrote them, the day and the answers. Imported, they stay marked
as others' words (`Entry.imported_from_others`, read-only, exported again unchanged); the record
behind them (the feedback request, the observation both signed) stays on the site it came from.

Only ever the person's own portfolio: neither function takes anything but the signed-in user.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
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
    "check_data",
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


# --- export -------------------------------------------------------------------------------------


def _entries_for_export(user):
    """The person's live entries, drafts included, with everything the export needs in a fixed
    number of queries: entries, mappings (with items, versions, frameworks, domains and levels),
    comments and attachments."""
    return (
        entries_owned_by(user)
        .order_by(F("occurred_on").asc(nulls_last=True), "created_at", "pk")
        .select_related("feedback__request", "observation__observer")
        .prefetch_related(
            "observation__judgements__item",
            Prefetch(
                "mappings",
                queryset=Mapping.objects.select_related(
                    "item__version__framework", "item__domain", "item__level"
                ),
            ),
            Prefetch("comments", queryset=Comment.objects.order_by("created_at", "pk")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
    )


def _member_name(name: str) -> str:
    """A file name that stays one component of a ZIP path whatever was stored."""
    name = name.replace("/", "_").replace("\\", "_").strip()
    return "file" if name in ("", ".", "..") else name


def attachment_path(attachment: Attachment) -> str:
    return f"attachments/{attachment.uuid}/{_member_name(attachment.original_name)}"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _mapping_dict(item: Item) -> dict:
    version = item.version
    return {
        "framework": version.framework.slug,
        "framework_title": version.framework.title,
        "version": version.slug,
        "code": item.code,
        "identifier": str(item.identifier),
        "statement": item.full_statement,
        "domain": item.domain.title if item.domain_id else "",
        "level": item.level.title if item.level_id else "",
    }


def _peer_dict(entry: Entry) -> dict | None:
    """The peer reflection; a colleague's name, role and the date only when they were given (a
    name is the colleague's personal data, and Social Work England does not ask for it)."""
    given = {
        "name": entry.peer_name,
        "role": entry.peer_role,
        "date": _iso(entry.peer_on),
        "learning": entry.peer_learning,
    }
    if not any(given.values()):
        return None
    return {key: value for key, value in given.items() if value or key == "learning"}


def _written_by_others(entry: Entry) -> dict | None:
    """Evidence in the entry that the owner did not write (feedback received through Capable):
    who wrote it, as a kind of person, the day it came and the words as given."""
    if not entry.written_by_others:
        return None
    if entry.imported_from_others and not (entry.feedback_id or entry.observation_id):
        return dict(entry.imported_from_others)
    if entry.source == Entry.Source.OBSERVATION:
        return _observation_dict(entry)
    from .feedback import author_label

    answer = entry.feedback
    return {
        "source": entry.source,
        "author": author_label(entry),
        "author_kind": entry.author_kind,
        "received_on": _iso(answer.received_on) if answer else None,
        "typed_from_paper": answer.typed_from_paper if answer else False,
        "answers": list(answer.answers) if answer else [],
    }


def _observation_dict(entry: Entry) -> dict:
    """A direct observation: who wrote it and in what role, the day, and what they wrote (the
    learner's reflection is the entry's own "learning")."""
    observation = entry.observation
    if observation is None:
        return {"source": entry.source, "author": "the observer", "answers": []}
    judged = "; ".join(
        f"{j.item.code}: {j.get_rating_display()}" for j in observation.judgements.all()
    )
    answers = [
        ("Kind of setting", observation.setting),
        ("What was observed", observation.observed),
        ("Judgements", judged),
        ("What to develop", observation.to_develop),
    ]
    return {
        "source": entry.source,
        "author": observation.author_label,
        "author_kind": entry.author_kind,
        "received_on": _iso(observation.observed_on),
        "typed_from_paper": False,
        "signed_by_both": observation.is_locked,
        "answers": [{"question": q, "answer": a} for q, a in answers if a],
    }


def _entry_dict(entry: Entry) -> dict:
    mappings = sorted(
        (_mapping_dict(mapping.item) for mapping in entry.mappings.all()),
        key=lambda m: (m["framework"], m["version"], m["code"]),
    )
    return {
        "id": str(entry.uuid),
        "type": entry.entry_type,
        "type_label": entry.get_entry_type_display(),
        "activity_type": entry.activity_type,
        "activity_type_label": entry.activity_type_label,
        "title": entry.title,
        "date": _iso(entry.occurred_on),
        "hours": str(entry.hours) if entry.hours is not None else None,
        "status": entry.status,
        "needs_review": entry.needs_review,
        "description": entry.description,
        "learning": entry.learning,
        "impact": entry.impact,
        "peer_reflection": _peer_dict(entry),
        "written_by_others": _written_by_others(entry),
        "swe_standards": list(entry.swe_standards or []),
        "mappings": mappings,
        "comments": [
            {
                "author": comment.author_name,
                "role": comment.author_role,
                "at": _iso(comment.created_at),
                "body": comment.body,
                # Imported comments are the owner's imported notes, never verified by Capable.
                "imported": comment.imported,
                # The owner hid it: kept in their own export, left out of the printed portfolio.
                "hidden_by_owner": comment.hidden_at is not None,
            }
            for comment in entry.comments.all()
        ],
        "attachments": [
            {
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "sha256": attachment.sha256,
                "path": attachment_path(attachment),
            }
            for attachment in entry.attachments.all()
        ],
        "created_at": _iso(entry.created_at),
        "updated_at": _iso(entry.updated_at),
    }


def _appraisals_for_export(user) -> list[dict]:
    """The person's appraisals as appraisee with at least one signed stage, oldest first, as
    `appraisals.pdf.appraisal_data` gives them (the questions the appraisee sees), in a fixed
    number of queries. They are in the export for the person to keep; they belong to the
    employer's process, so `import_portfolio` never reads them."""
    from appraisals.models import Appraisal, Participant, Stage
    from appraisals.pdf import appraisal_data, appraisals_with_related

    signed = Stage.objects.filter(appraisal=OuterRef("pk"), status=Stage.Status.SIGNED)
    appraisals = appraisals_with_related(
        Appraisal.objects.filter(Exists(signed), appraisee=user).order_by("starts_on", "pk")
    )
    return [appraisal_data(a, roles=[Participant.APPRAISEE]) for a in appraisals]


def _export(user) -> tuple[dict, list[Entry]]:
    from .coverage import coverage_summary

    entries = list(_entries_for_export(user))
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "owner": {"name": user.get_full_name().strip() or user.display_name, "email": user.email},
        "entries": [_entry_dict(entry) for entry in entries],
        "coverage": coverage_summary(user),
        "appraisals": _appraisals_for_export(user),
    }
    return data, entries


def export_portfolio(user) -> dict:
    """The person's whole portfolio (live entries, drafts included) as plain data, with their
    appraisals that have a signed stage."""
    return _export(user)[0]


def dumps(data: dict) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def appraisal_path(appraisal: dict) -> str:
    return f"appraisals/{appraisal['id']}.pdf"


def export_zip(user) -> bytes:
    """portfolio.json, every attachment's bytes at its `path` and each exported appraisal as a
    PDF at `appraisals/<uuid>.pdf`, as a ZIP file."""
    from appraisals.pdf import render_appraisal_pdf

    data, entries = _export(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, dumps(data))
        for entry in entries:
            for attachment in entry.attachments.all():
                try:
                    with attachment.file.open("rb") as stored:
                        content = stored.read()
                except (FileNotFoundError, OSError):
                    # Leave it out rather than fail the whole download; the import reports it.
                    logger.warning("Attachment %s is missing from storage", attachment.uuid)
                    continue
                archive.writestr(attachment_path(attachment), content)
        for appraisal in data["appraisals"]:
            archive.writestr(appraisal_path(appraisal), render_appraisal_pdf(appraisal))
    return buffer.getvalue()


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
