"""Moving a portfolio between Capable sites: the JSON (or ZIP) export, and importing it again.

`export_portfolio()` builds the "capable-portfolio" format version 1, which the PDF renderer
(`portfolios.pdf`) also reads; `export_zip()` packs it with every attachment's bytes. The export
also carries the person's signed appraisals (and the ZIP their PDFs), which are never imported.
`read_upload()` turns an uploaded .json or .zip file into that data and those bytes, and
`import_portfolio()` adds the entries to a person's portfolio: all of them or, if anything in the
file is wrong, none.

Only ever the person's own portfolio: neither function takes anything but the signed-in user.
"""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone

from capabilities.models import Item
from cms.forms import check_date_in_range

from .guard import check_fields
from .models import SWE_STANDARD_4_CODES, Attachment, Comment, Entry, Mapping, Portfolio
from .rules import entries_owned_by

logger = logging.getLogger(__name__)

FORMAT = "capable-portfolio"
FORMAT_VERSION = 1
JSON_NAME = "portfolio.json"
ZIP_MAGIC = b"PK\x03\x04"

#: A .json file (or the portfolio.json inside a ZIP) may be at most this big ...
MAX_JSON_BYTES = 20 * 1024 * 1024
#: ... and a ZIP may expand to at most this much in total ...
MAX_ZIP_BYTES = 200 * 1024 * 1024
#: ... in at most this many members ...
MAX_ZIP_MEMBERS = 10_000
#: ... none of which, once bigger than this, may be compressed more than MAX_COMPRESSION_RATIO
#: times (a ZIP bomb); a member's declared size is checked against what it really holds.
COMPRESSION_RATIO_APPLIES_FROM_BYTES = 1024 * 1024
MAX_COMPRESSION_RATIO = 100
#: Entries in one import, unless CAPABLE_IMPORT_MAX_ENTRIES says otherwise.
DEFAULT_MAX_ENTRIES = 2_000
#: The most unmatched mappings or rejected attachments the summary lists one by one.
MAX_LISTED = 50
#: Statements looked up per query when matching mappings (SQLite limits an expression's depth).
MATCH_CHUNK = 200

_MB = 1024 * 1024
_HOURS_STEP = Decimal("0.1")
_HOURS_LIMIT = Decimal("10000")  # max_digits=5, decimal_places=1


def max_entries() -> int:
    """The most entries one import may hold (CAPABLE_IMPORT_MAX_ENTRIES)."""
    return int(getattr(settings, "CAPABLE_IMPORT_MAX_ENTRIES", DEFAULT_MAX_ENTRIES))


class PortfolioImportError(Exception):
    """The file cannot be imported. The message says why and can be shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


# --- export -------------------------------------------------------------------------------------


def _entries_for_export(user):
    """The person's live entries, drafts included, with everything the export needs in a fixed
    number of queries: entries, mappings (with items, versions, frameworks, domains and levels),
    comments and attachments."""
    return (
        entries_owned_by(user)
        .order_by(F("occurred_on").asc(nulls_last=True), "created_at", "pk")
        .prefetch_related(
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


def _entry_dict(entry: Entry) -> dict:
    has_peer = any(
        (entry.peer_name, entry.peer_role, entry.peer_on is not None, entry.peer_learning)
    )
    mappings = sorted(
        (_mapping_dict(mapping.item) for mapping in entry.mappings.all()),
        key=lambda m: (m["framework"], m["version"], m["code"]),
    )
    return {
        "id": str(entry.uuid),
        "type": entry.entry_type,
        "type_label": entry.get_entry_type_display(),
        "title": entry.title,
        "date": _iso(entry.occurred_on),
        "hours": str(entry.hours) if entry.hours is not None else None,
        "status": entry.status,
        "needs_review": entry.needs_review,
        "description": entry.description,
        "learning": entry.learning,
        "impact": entry.impact,
        "peer_reflection": (
            {
                "name": entry.peer_name,
                "role": entry.peer_role,
                "date": _iso(entry.peer_on),
                "learning": entry.peer_learning,
            }
            if has_peer
            else None
        ),
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
        "owner": {"name": user.get_full_name().strip() or user.email, "email": user.email},
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


# --- reading an uploaded file -------------------------------------------------------------------


def _size_text(size: int) -> str:
    return f"{size // _MB} MB"


def parse_json(raw: bytes, *, label: str = "The file") -> dict:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PortfolioImportError(
            f"{label} is not a Capable portfolio: it is neither a ZIP file nor JSON text. "
            "Choose the .json or .zip file you downloaded from Capable."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PortfolioImportError(
            f"{label} is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}."
        ) from None
    except RecursionError:
        raise PortfolioImportError(
            f"{label} is not a Capable portfolio: its JSON is nested too deeply."
        ) from None
    if not isinstance(data, dict):
        raise PortfolioImportError(
            f"{label} is JSON but not a Capable portfolio: it should hold one JSON object."
        )
    return data


_DRIVE_RE = re.compile(r"^[A-Za-z]:")


def _unsafe_member(name: str) -> bool:
    name = name.replace("\\", "/")
    return name.startswith("/") or bool(_DRIVE_RE.match(name)) or ".." in name.split("/")


_DAMAGED = (
    "The ZIP file could not be opened; it may be damaged or incomplete. "
    "Download it from Capable again and import the new copy."
)


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, read a chunk at a time and never more than `limit` (nor more than it
    declares it holds): a member that holds more or less than it declares is damaged."""
    if member.file_size > limit:
        raise PortfolioImportError(_DAMAGED)
    buffer = bytearray()
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(min(64 * 1024, member.file_size + 1 - len(buffer)) or 1):
                buffer += chunk
                if len(buffer) > member.file_size:
                    raise PortfolioImportError(_DAMAGED)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError):
        raise PortfolioImportError(_DAMAGED) from None
    except RuntimeError:  # zipfile's "File is encrypted, password required"
        raise PortfolioImportError(
            "The ZIP file is protected with a password, so it cannot be imported."
        ) from None
    if len(buffer) != member.file_size:
        raise PortfolioImportError(_DAMAGED)
    return bytes(buffer)


def _is_bomb(member: zipfile.ZipInfo) -> bool:
    return member.file_size > COMPRESSION_RATIO_APPLIES_FROM_BYTES and (
        member.compress_size <= 0 or member.file_size / member.compress_size > MAX_COMPRESSION_RATIO
    )


class ZipAttachments:
    """The attachments in an imported ZIP file, by path. Nothing is read until an attachment is
    asked for, and then only that member, in chunks, up to the largest attachment Capable takes:
    a small ZIP file cannot fill the server's memory."""

    def __init__(self, archive: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]):
        self.archive = archive
        self.members = members

    def __contains__(self, path: object) -> bool:
        return path in self.members

    def __len__(self) -> int:
        return len(self.members)

    def __iter__(self) -> Iterator[str]:
        return iter(self.members)

    def get(self, path: str) -> bytes | None:
        """The member's bytes, None if there is no such member; PortfolioImportError (with a
        reason to show) if it is too large or damaged."""
        from .uploads import max_upload_bytes

        member = self.members.get(path)
        if member is None:
            return None
        limit = max_upload_bytes()
        if member.file_size > limit:
            raise PortfolioImportError(
                f"it is larger than {_size_text(limit) if limit >= _MB else f'{limit:,} bytes'}, "
                "the largest file Capable takes."
            )
        return _read_member(self.archive, member, limit)

    def close(self) -> None:
        self.archive.close()


def _read_zip(uploaded_file) -> tuple[dict, ZipAttachments]:
    try:
        archive = zipfile.ZipFile(uploaded_file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise PortfolioImportError(_DAMAGED) from None
    try:
        return _read_archive(archive)
    except BaseException:
        archive.close()
        raise


def _read_archive(archive: zipfile.ZipFile) -> tuple[dict, ZipAttachments]:
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise PortfolioImportError(
            f"The ZIP file holds more than {MAX_ZIP_MEMBERS:,} files, "
            "more than a Capable portfolio can."
        )
    total = 0
    for member in members:
        if _unsafe_member(member.filename):
            raise PortfolioImportError(
                f"The ZIP file contains “{member.filename}”, a path that points outside the "
                "ZIP file. Nothing was imported. Import the file you downloaded from Capable."
            )
        total += member.file_size
        if _is_bomb(member):
            raise PortfolioImportError(
                f"The ZIP file contains “{member.filename}”, which is compressed far more than "
                "any file in a Capable download, so it cannot be imported safely. Nothing was "
                "imported. Import the file you downloaded from Capable."
            )
    if total > MAX_ZIP_BYTES:
        raise PortfolioImportError(
            f"The ZIP file expands to more than {_size_text(MAX_ZIP_BYTES)}, the most Capable "
            "can import at once."
        )
    files = [member for member in members if not member.is_dir()]
    names = {member.filename for member in files}
    prefix = ""
    if JSON_NAME not in names:
        # Someone unzipped the download and zipped its folder again.
        nested = [n for n in names if n.count("/") == 1 and n.endswith("/" + JSON_NAME)]
        if len(nested) != 1:
            raise PortfolioImportError(
                f"The ZIP file has no {JSON_NAME}. Import the ZIP file you downloaded from "
                "Capable, or the .json file on its own."
            )
        prefix = nested[0].removesuffix(JSON_NAME)
    data: dict | None = None
    attachments: dict[str, zipfile.ZipInfo] = {}
    for member in files:
        if not member.filename.startswith(prefix):
            continue
        name = member.filename.removeprefix(prefix)
        if name != JSON_NAME:
            attachments[name] = member
            continue
        if member.file_size > MAX_JSON_BYTES:
            raise PortfolioImportError(
                f"The {JSON_NAME} in the ZIP file is larger than "
                f"{_size_text(MAX_JSON_BYTES)}, the most Capable can import."
            )
        content = _read_member(archive, member, MAX_JSON_BYTES)
        data = parse_json(content, label=f"The {JSON_NAME} in the ZIP file")
    assert data is not None
    return data, ZipAttachments(archive, attachments)


def read_upload(uploaded_file) -> tuple[dict, ZipAttachments | dict[str, bytes]]:
    """The portfolio data and attachments (by path) from an uploaded .json or .zip file: for a
    ZIP file, a ZipAttachments that reads each one when it is asked for.

    Which it is is decided by the content, not the name. Raises PortfolioImportError."""
    uploaded_file.seek(0)
    head = uploaded_file.read(4)
    uploaded_file.seek(0)
    size = getattr(uploaded_file, "size", None)
    if head == ZIP_MAGIC:
        if size is not None and size > MAX_ZIP_BYTES:
            raise PortfolioImportError(
                f"The file is larger than {_size_text(MAX_ZIP_BYTES)}, the most Capable can "
                "import at once."
            )
        return _read_zip(uploaded_file)
    if size is not None and size > MAX_JSON_BYTES:
        raise PortfolioImportError(
            f"The file is larger than {_size_text(MAX_JSON_BYTES)}, the largest portfolio "
            "JSON file Capable can import. Attachments belong in the ZIP download, not the JSON."
        )
    raw = uploaded_file.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise PortfolioImportError(
            f"The file is larger than {_size_text(MAX_JSON_BYTES)}, the largest portfolio "
            "JSON file Capable can import."
        )
    if not raw.strip():
        raise PortfolioImportError("The file is empty.")
    return parse_json(raw), {}


# --- checking the data --------------------------------------------------------------------------


@dataclass
class _MappingData:
    framework: str
    version: str
    code: str
    identifier: uuid.UUID | None

    @property
    def label(self) -> str:
        return f"{self.framework} {self.version} {self.code}"


@dataclass
class _AttachmentData:
    name: str
    path: str


@dataclass
class _EntryData:
    fields: dict[str, Any]
    created_at: datetime | None
    updated_at: datetime | None
    mappings: list[_MappingData]
    comments: list[dict[str, Any]]
    attachments: list[_AttachmentData]
    #: The file says the entry was waiting for review where it came from.
    needs_review: bool = False

    @property
    def key(self) -> tuple:
        return (self.fields["title"], self.fields["occurred_on"], self.fields["description"])


_MISSING = object()
_ENTRY_TYPES = set(Entry.Type.values)
_STATUSES = set(Entry.Status.values)


class _Checker:
    """Reads one entry's values, raising PortfolioImportError that names the entry and field."""

    def __init__(self, number: int, raw: dict):
        self.raw = raw
        title = raw.get("title")
        if isinstance(title, str) and title.strip():
            shown = title.strip()
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            self.where = f"Entry {number} (“{shown}”)"
        else:
            self.where = f"Entry {number}"

    def fail(self, field_name: str, problem: str) -> PortfolioImportError:
        return PortfolioImportError(
            f"{self.where}, field “{field_name}”: {problem} Nothing was imported."
        )

    def get(self, source: dict, key: str, label: str, *, required: bool):
        value = source.get(key, _MISSING)
        if value is _MISSING:
            if required:
                raise self.fail(label, "is missing.")
            return None
        return value

    def text(
        self,
        source: dict,
        key: str,
        label: str | None = None,
        *,
        required: bool = False,
        blank: bool = True,
        max_length: int | None = None,
    ) -> str:
        label = label or key
        value = self.get(source, key, label, required=required)
        if value is None:
            if not blank or required:
                raise self.fail(label, "must be text, not empty.")
            return ""
        if not isinstance(value, str):
            raise self.fail(label, "must be text.")
        if not blank and not value.strip():
            raise self.fail(label, "must not be empty.")
        if max_length is not None and len(value) > max_length:
            raise self.fail(label, f"is longer than {max_length} characters.")
        return value

    def day(self, source: dict, key: str, label: str | None = None) -> date | None:
        label = label or key
        value = self.get(source, key, label, required=False)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                pass
            else:
                self.in_range(day, label, value)
                return day
        raise self.fail(label, f"“{value}” is not a date in the form YYYY-MM-DD.")

    def in_range(self, day: date, label: str, value: str) -> None:
        """The same years as every form takes (cms.forms.check_date_in_range)."""
        try:
            check_date_in_range(day)
        except ValidationError as error:
            problem = error.messages[0].removeprefix("Date ")
            raise self.fail(label, f"“{value}”: the date {problem}.") from None

    def moment(
        self, source: dict, key: str, label: str | None = None, *, required: bool = False
    ) -> datetime | None:
        label = label or key
        value = self.get(source, key, label, required=required)
        if value is None:
            if required:
                raise self.fail(label, "must be a date and time.")
            return None
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                pass
            else:
                self.in_range(moment.date(), label, value)
                if timezone.is_naive(moment):
                    moment = timezone.make_aware(moment)
                return moment
        raise self.fail(
            label, f"“{value}” is not a date and time in the form 2026-03-02T14:30:00+00:00."
        )

    def hours(self) -> Decimal | None:
        value = self.get(self.raw, "hours", "hours", required=False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail("hours", "must be a number of hours, such as “1.5”.")
        try:
            hours = Decimal(str(value).strip())
        except InvalidOperation:
            raise self.fail("hours", f"“{value}” is not a number of hours.") from None
        if not hours.is_finite() or hours < 0 or hours >= _HOURS_LIMIT:
            raise self.fail("hours", f"“{value}” is not a number of hours from 0 to 9999.9.")
        if hours != hours.quantize(_HOURS_STEP):
            raise self.fail("hours", f"“{value}” has more than one decimal place.")
        return hours.quantize(_HOURS_STEP)

    def items(self, key: str) -> list:
        value = self.get(self.raw, key, key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "must be a list.")
        return value

    def item_dict(self, value, label: str) -> dict:
        if not isinstance(value, dict):
            raise self.fail(label, "must be a JSON object.")
        return value


def _check_entry(number: int, raw: Any) -> _EntryData:
    if not isinstance(raw, dict):
        raise PortfolioImportError(
            f"Entry {number} is not a JSON object, so the file is not a Capable portfolio. "
            "Nothing was imported."
        )
    check = _Checker(number, raw)
    check.text(raw, "id", required=True)
    title = check.text(raw, "title", required=True, blank=False, max_length=200)

    entry_type = check.get(raw, "type", "type", required=True)
    if entry_type is None:
        entry_type = ""
    if entry_type != "" and entry_type not in _ENTRY_TYPES:
        raise check.fail("type", f"“{entry_type}” is not a type of evidence Capable knows.")

    status = check.get(raw, "status", "status", required=True)
    if status not in _STATUSES:
        raise check.fail("status", f"“{status}” should be “complete” or “draft”.")
    needs_review = check.get(raw, "needs_review", "needs_review", required=False)
    if needs_review is not None and not isinstance(needs_review, bool):
        raise check.fail("needs_review", "must be true or false.")

    peer = check.get(raw, "peer_reflection", "peer_reflection", required=False)
    peer_fields: dict[str, Any] = {
        "peer_name": "",
        "peer_role": "",
        "peer_on": None,
        "peer_learning": "",
    }
    if peer is not None:
        peer = check.item_dict(peer, "peer_reflection")
        peer_fields = {
            "peer_name": check.text(peer, "name", "peer_reflection.name", max_length=200),
            "peer_role": check.text(peer, "role", "peer_reflection.role", max_length=200),
            "peer_on": check.day(peer, "date", "peer_reflection.date"),
            "peer_learning": check.text(peer, "learning", "peer_reflection.learning"),
        }

    swe_standards: list[str] = []
    for code in check.items("swe_standards"):
        if code not in SWE_STANDARD_4_CODES:
            raise check.fail(
                "swe_standards",
                f"“{code}” is not one of Social Work England's standards 4.1 to 4.8.",
            )
        if code not in swe_standards:
            swe_standards.append(code)

    mappings = []
    for n, value in enumerate(check.items("mappings"), start=1):
        label = f"mappings {n}"
        value = check.item_dict(value, label)
        identifier = value.get("identifier")
        try:
            identifier = uuid.UUID(identifier) if isinstance(identifier, str) else None
        except ValueError:
            identifier = None
        mappings.append(
            _MappingData(
                framework=check.text(value, "framework", f"{label}, framework", required=True),
                version=check.text(value, "version", f"{label}, version", required=True),
                code=check.text(value, "code", f"{label}, code", required=True, blank=False),
                identifier=identifier,
            )
        )

    comments = []
    for n, value in enumerate(check.items("comments"), start=1):
        label = f"comments {n}"
        value = check.item_dict(value, label)
        comments.append(
            {
                "author_name": check.text(
                    value, "author", f"{label}, author", required=True, blank=False, max_length=200
                ),
                "author_role": check.text(value, "role", f"{label}, role", max_length=100),
                "created_at": check.moment(value, "at", f"{label}, at", required=True),
                "body": check.text(value, "body", f"{label}, body", required=True, blank=False),
            }
        )

    attachments = []
    for n, value in enumerate(check.items("attachments"), start=1):
        label = f"attachments {n}"
        value = check.item_dict(value, label)
        attachments.append(
            _AttachmentData(
                name=check.text(value, "name", f"{label}, name", required=True, blank=False),
                path=check.text(value, "path", f"{label}, path", required=True, blank=False),
            )
        )

    return _EntryData(
        fields={
            "entry_type": entry_type,
            "title": title,
            "occurred_on": check.day(raw, "date"),
            "hours": check.hours(),
            "status": status,
            "description": check.text(raw, "description"),
            "learning": check.text(raw, "learning"),
            "impact": check.text(raw, "impact"),
            **peer_fields,
            "swe_standards": swe_standards,
        },
        created_at=check.moment(raw, "created_at"),
        updated_at=check.moment(raw, "updated_at"),
        needs_review=bool(needs_review),
        mappings=mappings,
        comments=comments,
        attachments=attachments,
    )


def check_data(data: Any) -> list[_EntryData]:
    """Every entry of the file, checked. Raises PortfolioImportError at the first problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PortfolioImportError(
            "This is not a Capable portfolio file: it does not say "
            f'“"format": "{FORMAT}"”. Choose the .json or .zip file you downloaded from the '
            "export page of Capable."
        )
    version = data.get("format_version")
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise PortfolioImportError(
            f"This portfolio file is in format version {version!r}, which this site cannot "
            f"read: it reads version {FORMAT_VERSION}. Export it again from a site that has been "
            "updated to the same version of Capable."
        )
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise PortfolioImportError(
            "This portfolio file has no list of “entries”, so there is nothing to import."
        )
    limit = max_entries()
    if len(entries) > limit:
        raise PortfolioImportError(
            f"This portfolio file has {len(entries):,} entries; Capable imports at most "
            f"{limit:,} at once. Nothing was imported. Split the file into smaller ones, or ask "
            "your Capable site's administrator for help."
        )
    return [_check_entry(number, raw) for number, raw in enumerate(entries, start=1)]


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

    def warnings(self) -> list[str]:
        notes = []
        if self.flagged_for_review:
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


def _new_entry(portfolio: Portfolio, item: _EntryData) -> Entry:
    """The entry to create: a draft that needs review when the guard flags its text or that of
    its imported notes (or the file says it was waiting for review), whatever status the file
    gives it."""
    entry = Entry(portfolio=portfolio, **item.fields)
    notes = {f"comment {n}": c["body"] for n, c in enumerate(item.comments, start=1)}
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
