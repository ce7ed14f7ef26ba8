"""Reading an uploaded portfolio file: a .json file, or the ZIP download with the attachments.

Which it is is decided by the content, not the name. A ZIP file is checked before anything in it
is read (paths pointing outside it, the number of members, the size it expands to, members
compressed like a ZIP bomb); then only portfolio.json is read. Attachments are read one at a
time when the import asks for them, in chunks, never past the largest attachment Capable takes
nor past the size the member declares (`ZipAttachments`).
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Iterator

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

_MB = 1024 * 1024


class PortfolioImportError(Exception):
    """The file cannot be imported. The message says why and can be shown to the person."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


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
