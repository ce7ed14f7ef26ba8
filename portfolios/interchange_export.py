"""The portfolio export, the first stage of `interchange`: the person's own portfolio as the
"capable-portfolio" format version 1 (`export_portfolio`), which the PDF renderer
(`portfolios.pdf`) also reads, as JSON (`dumps`) or packed in a ZIP file with every attachment's
bytes and each signed appraisal as a PDF (`export_zip`).

A fixed number of queries however many entries (issue 19): the entries with their feedback and
observation, their statements as plain rows (one query, no model per row: `_mapping_rows`), and
their comments and attachments.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections import defaultdict
from datetime import date, datetime

from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils import timezone

from .interchange_check import FORMAT, FORMAT_VERSION
from .interchange_read import JSON_NAME
from .models import Attachment, Comment, Entry, Mapping
from .rules import entries_owned_by

logger = logging.getLogger(__name__)


def _entries_for_export(user):
    """The person's live entries, drafts included, with everything the export needs in a fixed
    number of queries: entries, comments and attachments (their statements: `_mapping_rows`)."""
    return (
        entries_owned_by(user)
        .order_by(F("occurred_on").asc(nulls_last=True), "created_at", "pk")
        .select_related("feedback__request", "observation__observer")
        .prefetch_related(
            "observation__judgements__item",
            Prefetch("comments", queryset=Comment.objects.order_by("created_at", "pk")),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
    )


# Each exported mapping's keys, and where each is read from (a Mapping's fields).
MAPPING_FIELDS = {
    "framework": "item__version__framework__slug",
    "framework_title": "item__version__framework__title",
    "version": "item__version__slug",
    "code": "item__code",
    "identifier": "item__identifier",
    "statement": "item__full_statement",
    "domain": "item__domain__title",
    "level": "item__level__title",
}


def _mapping_key(mapping: dict) -> tuple:
    return (mapping["framework"], mapping["version"], mapping["code"])


def _mapping_rows(entries) -> dict[int, list[dict]]:
    """{entry id: its statements as exported, in framework, version and code order} for the
    entries of the queryset `entries`: one query, as plain rows (thousands of them make no
    model instances)."""
    by_entry: dict[int, list[dict]] = defaultdict(list)
    rows = Mapping.objects.filter(entry__in=entries.values("pk")).values_list(
        "entry_id", *MAPPING_FIELDS.values()
    )
    for entry_id, *values in rows:
        mapping = dict(zip(MAPPING_FIELDS, values, strict=True))
        mapping["identifier"] = str(mapping["identifier"])
        mapping["domain"] = mapping["domain"] or ""
        mapping["level"] = mapping["level"] or ""
        by_entry[entry_id].append(mapping)
    for mappings in by_entry.values():
        mappings.sort(key=_mapping_key)
    return by_entry


def _member_name(name: str) -> str:
    """A file name that stays one component of a ZIP path whatever was stored."""
    name = name.replace("/", "_").replace("\\", "_").strip()
    return "file" if name in ("", ".", "..") else name


def attachment_path(attachment: Attachment) -> str:
    return f"attachments/{attachment.uuid}/{_member_name(attachment.original_name)}"


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


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


def _entry_dict(entry: Entry, mappings: list[dict] | None = None) -> dict:
    """One entry as exported; its statements are `mappings` (from `_mapping_rows`), or read
    now when not given."""
    if mappings is None:
        mappings = _mapping_rows(Entry.objects.filter(pk=entry.pk)).get(entry.pk, [])
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

    found = _entries_for_export(user)
    entries = list(found)
    mappings = _mapping_rows(found)
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "owner": {"name": user.get_full_name().strip() or user.display_name, "email": user.email},
        "entries": [_entry_dict(entry, mappings.get(entry.pk, [])) for entry in entries],
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
