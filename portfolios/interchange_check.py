"""Checking the data of a portfolio file before anything is imported: every entry and every
field, with a message that names the entry and field of the first problem.

Dates must be in the years every form takes (`cms.forms.check_date_in_range`). One file may hold
at most CAPABLE_IMPORT_MAX_ENTRIES entries, each with at most
CAPABLE_IMPORT_MAX_COMMENTS_PER_ENTRY comments and CAPABLE_IMPORT_MAX_MAPPINGS_PER_ENTRY
mappings, and at most CAPABLE_IMPORT_MAX_COMMENTS comments and CAPABLE_IMPORT_MAX_MAPPINGS
mappings in all. The counts are checked before any entry is read, so an oversized file costs
nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cms.forms import check_date_in_range

from .interchange_read import PortfolioImportError
from .models import SWE_STANDARD_4_CODES, Entry, activity_type_choices

FORMAT = "capable-portfolio"
FORMAT_VERSION = 1

#: Entries in one import, unless CAPABLE_IMPORT_MAX_ENTRIES says otherwise.
DEFAULT_MAX_ENTRIES = 2_000

#: Comments and mappings on one entry, and in one import, unless settings say otherwise. Every
#: framework Capable ships has fewer than 400 statements, domains and levels together, so a real
#: entry mapped to all of them is never refused.
DEFAULT_MAX_COMMENTS_PER_ENTRY = 200
DEFAULT_MAX_MAPPINGS_PER_ENTRY = 500
DEFAULT_MAX_COMMENTS = 20_000
DEFAULT_MAX_MAPPINGS = 50_000

_HOURS_STEP = Decimal("0.1")
_HOURS_LIMIT = Decimal("10000")  # max_digits=5, decimal_places=1


def max_entries() -> int:
    """The most entries one import may hold (CAPABLE_IMPORT_MAX_ENTRIES)."""
    return int(getattr(settings, "CAPABLE_IMPORT_MAX_ENTRIES", DEFAULT_MAX_ENTRIES))


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _check_counts(entries: list) -> None:
    """Refuse a file with too many comments or mappings on one entry or in all, before reading
    any entry."""
    per_entry = {
        "comments": _limit("CAPABLE_IMPORT_MAX_COMMENTS_PER_ENTRY", DEFAULT_MAX_COMMENTS_PER_ENTRY),
        "mappings": _limit("CAPABLE_IMPORT_MAX_MAPPINGS_PER_ENTRY", DEFAULT_MAX_MAPPINGS_PER_ENTRY),
    }
    in_all = {
        "comments": _limit("CAPABLE_IMPORT_MAX_COMMENTS", DEFAULT_MAX_COMMENTS),
        "mappings": _limit("CAPABLE_IMPORT_MAX_MAPPINGS", DEFAULT_MAX_MAPPINGS),
    }
    totals = dict.fromkeys(per_entry, 0)
    for number, raw in enumerate(entries, start=1):
        if not isinstance(raw, dict):
            continue  # refused with its own message when the entry is read
        for key, limit in per_entry.items():
            items = raw.get(key)
            count = len(items) if isinstance(items, list) else 0
            if count > limit:
                raise PortfolioImportError(
                    f"{_Checker(number, raw).where} has {count:,} {key}; Capable imports at "
                    f"most {limit:,} {key} on one entry. Nothing was imported. Ask your Capable "
                    "site's administrator for help."
                )
            totals[key] += count
    for key, limit in in_all.items():
        if totals[key] > limit:
            raise PortfolioImportError(
                f"This portfolio file has {totals[key]:,} {key} in all; Capable imports at most "
                f"{limit:,} at once. Nothing was imported. Split the file into smaller ones, or "
                "ask your Capable site's administrator for help."
            )


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
    #: Words others wrote (feedback or an observation), kept as the file gives them.
    others: dict[str, Any] | None = None

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


_OTHER_SOURCES = set(Entry.Source.values) - {Entry.Source.OWN}


def _written_by_others(check: _Checker) -> dict[str, Any] | None:
    """The export's "written_by_others": who wrote the words (a kind of person, or an observer's
    name and role), the day, and the questions with their answers. The record behind them (the
    feedback request, the signed observation) stays where it came from."""
    raw = check.get(check.raw, "written_by_others", "written_by_others", required=False)
    if raw is None:
        return None
    label = "written_by_others"
    raw = check.item_dict(raw, label)
    source = check.get(raw, "source", f"{label}.source", required=True)
    if source not in _OTHER_SOURCES:
        raise check.fail(f"{label}.source", "should be “feedback” or “observation”.")
    others: dict[str, Any] = {
        "source": source,
        "author": check.text(raw, "author", f"{label}.author", blank=False, max_length=200),
        "author_kind": check.text(raw, "author_kind", f"{label}.author_kind", max_length=30),
        "received_on": None,
        "typed_from_paper": raw.get("typed_from_paper") is True,
        "answers": [],
    }
    if "signed_by_both" in raw:  # observations only
        others["signed_by_both"] = raw["signed_by_both"] is True
    received = check.day(raw, "received_on", f"{label}.received_on")
    others["received_on"] = received.isoformat() if received else None
    answers = raw.get("answers") or []
    if not isinstance(answers, list):
        raise check.fail(f"{label}.answers", "must be a list.")
    for n, value in enumerate(answers, start=1):
        where = f"{label}.answers {n}"
        value = check.item_dict(value, where)
        others["answers"].append(
            {
                "question": check.text(value, "question", f"{where}, question", max_length=500),
                "answer": check.text(value, "answer", f"{where}, answer", required=True),
            }
        )
    return others


def _activity_type(key: str) -> str:
    return key if key in dict(activity_type_choices()) else ""


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
                # A comment the owner hid before exporting stays hidden after the import.
                "hidden_at": timezone.now() if value.get("hidden_by_owner") is True else None,
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
            # Social Work England's type of CPD: a key Capable does not list is left out (it is
            # a choice, never free text).
            "activity_type": _activity_type(check.text(raw, "activity_type", max_length=40)),
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
        others=_written_by_others(check),
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
    _check_counts(entries)
    return [_check_entry(number, raw) for number, raw in enumerate(entries, start=1)]
