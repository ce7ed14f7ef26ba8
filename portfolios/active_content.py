"""Active content in attached documents: what `portfolios.uploads` refuses in Office files and
PDFs because it can run code, fetch content from elsewhere or carry other files.

Office Open XML packages: macro projects and macro sheets, embedded OLE objects, ActiveX
controls and embedded packages, found by part name, by content type in [Content_Types].xml, by
relationship type in every .rels part and, for OLE, by content; and any relationship that
points outside the file except a hyperlink (a remote template, a linked frame or object). The
package XML is parsed with defusedxml, so character references, another encoding (UTF-16) or
a renamed part hide nothing, and DTDs and entities are refused.

PDF: JavaScript, launch actions, actions run on opening (a page to open at is fine) or on events,
embedded files, rich media and XFA forms; names are read with their #xx escapes decoded, in the
file and inside compressed object streams (decompressed up to MAX_PDF_INFLATED_BYTES). Encrypted
PDFs cannot be read, so they are reported too.
"""

import bisect
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

#: A PDF's object streams may inflate to at most this many bytes in total while checked.
MAX_PDF_INFLATED_BYTES = 100 * 1024 * 1024

#: The first bytes of an OLE compound file (a macro project, an embedded object, old Office).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# --- Office Open XML --------------------------------------------------------------------------

MACROS = "macros"
ACTIVE = "active_content"

# Content types (lowercased, after the XML is parsed) of macro parts ...
_MACRO_CONTENT_TYPES = (
    "macroenabled",
    "vbaproject",
    "vbadata",
    "macrosheet",
    "keymapcustomizations",
)
# ... and of embedded objects.
_EMBEDDED_CONTENT_TYPES = ("oleobject", "activex")
# Relationship types (the last part of the Type URI, lowercased) of macro parts ...
_MACRO_RELATIONSHIPS = {
    "vbaproject",
    "vbaprojectsignature",
    "vbaprojectsignatureagile",
    "vbaprojectsignaturev3",
    "wordvbadata",
    "keymapcustomizations",
    "xlmacrosheet",
    "xlintlmacrosheet",
}
# ... and of embedded objects.
_EMBEDDED_RELATIONSHIPS = {"oleobject", "activex", "activexcontrolbinary", "control", "package"}
# The only relationship that may point outside the file.
_EXTERNAL_ALLOWED = {"hyperlink"}
# Part names (lowercased) of macro parts and embedded objects.
_MACRO_PART_NAMES = {"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"}
_EMBEDDED_FOLDERS = ("embeddings/", "activex/")
_EMBEDDED_PART_PREFIXES = ("oleobject", "activex")


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


class Unreadable(Exception):
    """A package XML part that cannot be parsed (or decompressed): the file is damaged."""


def _parse_package_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo):
    """A package XML part, parsed (whatever its encoding, with character references resolved) by
    a parser that refuses DTDs and entities. The caller has capped the archive's sizes."""
    try:
        return SafeET.fromstring(archive.read(member), forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError, UnicodeError):
        raise Unreadable from None
    except Exception:  # any failure to decompress untrusted data means "damaged"
        raise Unreadable from None


def office_active_content(
    archive: zipfile.ZipFile, members: Sequence[zipfile.ZipInfo]
) -> str | None:
    """MACROS, ACTIVE or None for a .docx, .xlsx or .pptx package: every part's name, every
    content type in [Content_Types].xml and every relationship in every .rels part. Raises
    Unreadable for package XML that cannot be parsed."""
    found: set[str] = set()
    for member in members:
        lowered = member.filename.lower()
        base = lowered.rsplit("/", 1)[-1]
        if base in _MACRO_PART_NAMES or lowered.startswith("xl/macrosheets/"):
            found.add(MACROS)
        if any(f"/{folder}" in f"/{lowered}" for folder in _EMBEDDED_FOLDERS) or base.startswith(
            _EMBEDDED_PART_PREFIXES
        ):
            found.add(ACTIVE)

    by_name = {member.filename: member for member in members}
    types = _parse_package_xml(archive, by_name["[Content_Types].xml"])
    for element in types.iter():
        content_type = (element.get("ContentType") or "").lower()
        if any(marker in content_type for marker in _MACRO_CONTENT_TYPES):
            found.add(MACROS)
        if any(marker in content_type for marker in _EMBEDDED_CONTENT_TYPES):
            found.add(ACTIVE)

    for member in members:
        if not member.filename.lower().endswith(".rels"):
            continue
        for element in _parse_package_xml(archive, member).iter():
            if _local(element.tag) != "Relationship":
                continue
            relationship = (element.get("Type") or "").rstrip("/").rsplit("/", 1)[-1].lower()
            if relationship in _MACRO_RELATIONSHIPS:
                found.add(MACROS)
            if relationship in _EMBEDDED_RELATIONSHIPS:
                found.add(ACTIVE)
            external = (element.get("TargetMode") or "").strip().lower() == "external"
            if external and relationship not in _EXTERNAL_ALLOWED:
                found.add(ACTIVE)
    if MACROS in found:
        return MACROS
    return ACTIVE if found else None


def has_ole_part(archive: zipfile.ZipFile, members: Iterable[zipfile.ZipInfo]) -> bool:
    """Whether any part, whatever its name, is an OLE compound file: a macro project or an
    embedded object under another name."""
    return any(
        not member.is_dir()
        and member.file_size >= len(OLE_MAGIC)
        and _starts_with(archive, member, OLE_MAGIC)
        for member in members
    )


def _starts_with(archive: zipfile.ZipFile, member: zipfile.ZipInfo, magic: bytes) -> bool:
    try:
        with archive.open(member) as handle:
            return handle.read(len(magic)) == magic
    except Exception:  # a member that fails to decompress was already refused by testzip()
        return False


# --- PDF ------------------------------------------------------------------------------------

# A PDF name: a slash and regular characters; "#xx" stands for the byte xx, so /J#61vaScript is
# /JavaScript.
_PDF_NAME_RE = re.compile(rb"/([^\x00\t\n\x0c\r /<>\[\]()\{\}%]*)")
_PDF_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_OBJECT_RE = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_PDF_STREAM_RE = re.compile(rb"\bstream(?:\r\n|\n|\r)")
_PDF_REFERENCE_RE = re.compile(rb"\s*(\d+)\s+(\d+)\s+R\b")
_PDF_ACTIVE_NAMES = {
    b"JavaScript": "JavaScript",
    b"JS": "JavaScript",
    b"Launch": "an action that launches a program",
    b"EmbeddedFile": "an embedded file",
    b"EmbeddedFiles": "an embedded file",
    b"AA": "actions that run on events",
    b"RichMedia": "rich media",
    b"XFA": "an XFA form",
}
_PDF_FLATE = {b"FlateDecode", b"Fl"}


def _pdf_names(text: bytes) -> Iterator[tuple[bytes, int]]:
    """Each name in `text`, with its #xx escapes decoded, and where it ends."""
    for match in _PDF_NAME_RE.finditer(text):
        raw = match.group(1)
        if b"#" in raw:
            raw = _PDF_ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
        yield raw, match.end()


class TooLarge(Exception):
    """Checking the file would inflate more than MAX_PDF_INFLATED_BYTES."""


def _inflate(stream: bytes, budget: list[int]) -> bytes | None:
    """A Flate stream decompressed a piece at a time, never past the budget left; None if it does
    not decompress at all."""
    inflater = zlib.decompressobj()
    out = bytearray()
    pending = stream
    try:
        while pending and not inflater.eof:
            chunk = inflater.decompress(pending, 1024 * 1024)
            pending = inflater.unconsumed_tail
            out += chunk
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise TooLarge
            if not chunk and not pending:
                break
    except zlib.error:
        return bytes(out) or None
    return bytes(out)


def _object_stream_objects(inflated: bytes, head: bytes) -> dict[int, bytes]:
    """The objects of an object stream by number: N pairs of numbers (object number, offset
    from /First) and then the objects."""
    first_match = re.search(rb"/First\s+(\d+)", head)
    if first_match is None:
        return {}
    first = int(first_match.group(1))
    numbers = [int(n) for n in re.findall(rb"\d+", inflated[:first])]
    pairs = list(zip(numbers[0::2], numbers[1::2], strict=False))
    objects = {}
    for index, (number, offset) in enumerate(pairs):
        end = first + pairs[index + 1][1] if index + 1 < len(pairs) else None
        objects[number] = inflated[first + offset : end]
    return objects


def pdf_active_content(data: bytes) -> str:
    """What active content the PDF holds ("" for none, "encrypted" when it cannot be read).

    Names are read, with their #xx escapes decoded, everywhere outside streams and inside every
    object stream (decompressed, up to MAX_PDF_INFLATED_BYTES in all), which is where a PDF's
    dictionaries are. Other streams (page content, fonts, images) hold no actions and are
    skipped. An object stream Capable cannot decompress is refused. Raises TooLarge."""
    budget = [MAX_PDF_INFLATED_BYTES]
    object_starts = [(m.start(), m.end(), int(m.group(1))) for m in _PDF_OBJECT_RE.finditer(data)]
    positions = [start for start, _end, _number in object_starts]
    objects: dict[int, bytes] = {
        number: data[end : end + 64] for _start, end, number in object_starts
    }
    texts, outside, cursor = [], [], 0
    for match in _PDF_STREAM_RE.finditer(data):
        if match.start() < cursor:
            continue  # "stream" inside a stream's own bytes
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        outside.append(data[cursor : match.start()])
        cursor = end
        at = bisect.bisect_right(positions, match.start()) - 1
        head = data[object_starts[at][1] : match.start()] if at >= 0 else b""
        names = [n for n, _end in _pdf_names(head)]
        if not (b"ObjStm" in names or (b"First" in names and b"N" in names)):
            continue
        filters = [n for n in names if n.endswith(b"Decode") or n in _PDF_FLATE]
        if any(f not in _PDF_FLATE for f in filters):
            return "compressed data Capable cannot check"
        stream = data[match.end() : end]
        inflated = _inflate(stream, budget) if filters else stream
        if inflated is None:
            return "compressed data Capable cannot check"
        texts.append(inflated)
        objects.update(_object_stream_objects(inflated, head))
    outside.append(data[cursor:])
    texts.insert(0, b"\n".join(outside))
    for text in texts:
        for found, end in _pdf_names(text):
            if found == b"Encrypt":
                return "encrypted"
            if found in _PDF_ACTIVE_NAMES:
                return _PDF_ACTIVE_NAMES[found]
            if found == b"OpenAction" and _is_action(text[end:], objects):
                return "an action that runs when it is opened"
    return ""


def _is_action(value: bytes, objects: dict[int, bytes]) -> bool:
    """Whether an /OpenAction value is an action rather than a page to open at: a page is an
    array, [3 0 R /Fit], given there or in the object it refers to."""
    value = value.lstrip()
    reference = _PDF_REFERENCE_RE.match(value)
    if reference:
        target = objects.get(int(reference.group(1)))
        return target is None or not target.lstrip().startswith(b"[")
    return not value.startswith(b"[")
