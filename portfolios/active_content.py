"""Active content in attached documents: what `portfolios.uploads` refuses in Office files and
PDFs because it can run code, fetch content from elsewhere or carry other files.

Office Open XML packages: macro projects and macro sheets, embedded OLE objects, ActiveX
controls and embedded packages, found by part name, by content type in [Content_Types].xml, by
relationship type in every .rels part and, for OLE, by content; and any relationship that
points outside the file except a hyperlink (a remote template, a linked frame or object). The
package XML is parsed with defusedxml, so character references, another encoding (UTF-16) or
a renamed part hide nothing, and DTDs and entities are refused.

PDF: JavaScript, launch actions, actions run on opening (a page to open at is fine) or on events,
embedded files, rich media and XFA forms; names are read with their #xx escapes decoded, from
PDF syntax read token by token (comments, strings and stream data hold no names), and inside
compressed object streams (decompressed up to MAX_PDF_INFLATED_BYTES). Encrypted PDFs cannot be
read, so they are reported too.
"""

import bisect
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence

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

# A PDF is read as a reader would read it, token by token: comments (% to the end of the line)
# and strings, literal "(...)" with nesting and backslash escapes and hex "<...>", hold no names;
# "stream" is a stream's keyword only right after a dictionary's ">>" (whitespace between), and
# its data runs for the dictionary's /Length when that is a direct integer followed by
# "endstream", otherwise to the next "endstream". Names are read everywhere else.
#
# A reader may also jump straight to an object through the cross-reference table, even into what
# a linear read takes for a comment, a string or stream data; so an object header ("5 0 obj")
# found inside any of those is read again from there, up to its "endobj".
_DELIMITERS = rb"\x00\t\n\x0c\r /<>\[\]()\{\}%"
# What matters to the reading; numbers, brackets and other keywords are passed over.
_PDF_SIGNIFICANT_RE = re.compile(
    rb"(?P<comment>%[^\r\n]*)"
    rb"|(?P<open><<)"
    rb"|(?P<close>>>)"
    rb"|(?P<hex><[^>]*>?)"
    rb"|(?P<simple>\([^()\\]*+\))"  # a string with no parentheses or escapes in it
    rb"|(?P<string>\()"
    # A run of names with only whitespace between them, read at once.
    rb"|(?P<name>/[^" + _DELIMITERS + rb"]*+(?:[\x00\t\n\x0c\r ]*+/[^" + _DELIMITERS + rb"]*+)*+)"
    rb"|(?<![^" + _DELIMITERS + rb"])(?P<word>stream|endobj)(?![^" + _DELIMITERS + rb"])"
)
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_PDF_NAME_RE = re.compile(rb"/([^" + _DELIMITERS + rb"]*)")
_PDF_STRING_RE = re.compile(rb"[()\\]")
_PDF_EOL_RE = re.compile(rb"\r\n|\n|\r")
# A direct integer after the name /Length (not a reference, "5 0 R").
_PDF_LENGTH_RE = re.compile(rb"[\x00\t\n\x0c\r ]*(\d+)(?![\d.]|\s+\d+\s+R\b)")
_PDF_ENDSTREAM_RE = re.compile(rb"[\x00\t\n\x0c\r ]*endstream")
_PDF_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_OBJECT_RE = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
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
_PDF_WANTED_NAMES = {*_PDF_ACTIVE_NAMES, b"Encrypt", b"OpenAction"}
_UNCHECKABLE = "compressed data Capable cannot check"
#: Tokens read again from object headers found in comments, strings or stream data, in all.
MAX_PDF_REREAD_TOKENS = 500_000


def _decode_name(raw: bytes) -> bytes:
    if b"#" in raw:
        return _PDF_ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return raw


class TooLarge(Exception):
    """Checking the file would inflate more than MAX_PDF_INFLATED_BYTES."""


class _Unchecked(Exception):
    """Reading the file again from hidden object headers would take too long."""


class _Scan:
    """One reading of PDF syntax from a position: the names that matter (decoded, with where
    each ends; every name with `every_name`),
    the streams (dictionary, data start, data end) and the stretches skipped as comments,
    strings or stream data."""

    def __init__(
        self,
        data: bytes,
        start: int = 0,
        *,
        one_object: bool = False,
        budget: list[int] | None = None,
        every_name: bool = False,
    ):
        self.data = data
        self.every_name = every_name
        self.names: list[tuple[bytes, int]] = []
        self.streams: list[tuple[bytes, int, int]] = []
        self.skipped: list[tuple[int, int]] = []
        self._read(start, one_object, budget)

    def _read(self, pos: int, one_object: bool, budget: list[int] | None) -> None:
        data = self.data
        opened: list[int] = []
        last_dictionary: tuple[int, int] | None = None
        previous = ""
        previous_end = pos
        while True:
            match = _PDF_SIGNIFICANT_RE.search(data, pos)
            if match is None:
                break
            if budget is not None:
                budget[0] -= 1
                if budget[0] < 0:
                    raise _Unchecked
            kind = match.lastgroup
            begin, pos = match.span()
            if kind in ("comment", "hex", "simple"):
                self.skipped.append((begin, pos))
            elif kind == "open":
                opened.append(begin)
            elif kind == "close":
                if opened:
                    last_dictionary = (opened.pop(), pos)
            elif kind == "string":
                pos = self._skip_string(begin, pos)
            elif kind == "name":
                self._read_names(begin, pos)
            elif match.group(kind) == b"stream":
                # Only right after a dictionary's ">>", with nothing but whitespace between.
                if (
                    previous == "close"
                    and last_dictionary
                    and not data[previous_end:begin].strip(_PDF_WHITESPACE)
                ):
                    pos = self._skip_stream(data[slice(*last_dictionary)], pos)
            elif one_object:  # endobj
                return
            previous, previous_end = kind, pos

    def _read_names(self, begin: int, end: int) -> None:
        run = _PDF_NAME_RE.findall(self.data, begin, end)
        if (
            not self.every_name
            and b"#" not in self.data[begin:end]
            and _PDF_WANTED_NAMES.isdisjoint(run)
        ):
            return
        for match in _PDF_NAME_RE.finditer(self.data, begin, end):
            name = _decode_name(match.group(1))
            if self.every_name or name in _PDF_WANTED_NAMES:
                self.names.append((name, match.end()))

    def _skip_string(self, begin: int, pos: int) -> int:
        depth = 1
        while depth:
            found = _PDF_STRING_RE.search(self.data, pos)
            if found is None:
                pos = len(self.data)
                break
            pos = found.end()
            if found.group() == b"\\":
                pos += 1
            elif found.group() == b"(":
                depth += 1
            else:
                depth -= 1
        self.skipped.append((begin, pos))
        return pos

    def _skip_stream(self, dictionary: bytes, pos: int) -> int:
        data = self.data
        eol = _PDF_EOL_RE.match(data, pos)
        start = eol.end() if eol else pos
        end = -1
        for name, after in _Scan(dictionary, every_name=True).names:
            length = _PDF_LENGTH_RE.match(dictionary, after) if name == b"Length" else None
            if length is not None:
                candidate = start + int(length.group(1))
                if candidate <= len(data) and _PDF_ENDSTREAM_RE.match(data, candidate):
                    end = candidate
                break
        if end < 0:
            end = data.find(b"endstream", start)
            end = len(data) if end < 0 else end
        self.streams.append((dictionary, start, end))
        self.skipped.append((start, end))
        return end


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


def _inside(ranges: list[tuple[int, int]], starts: list[int], position: int) -> bool:
    at = bisect.bisect_right(starts, position) - 1
    return at >= 0 and ranges[at][0] <= position < ranges[at][1]


def pdf_active_content(data: bytes) -> str:
    """What active content the PDF holds ("" for none, "encrypted" when it cannot be read).

    Names are read, with their #xx escapes decoded, everywhere outside comments, strings and
    stream data, from every object header however it is hidden, and inside every object stream
    (decompressed, up to MAX_PDF_INFLATED_BYTES in all), which is where a PDF's dictionaries
    are. Other streams' data (page content, fonts, images, cross-reference streams) hold no
    actions and are skipped. An object stream Capable cannot decompress is refused. Raises
    TooLarge."""
    main = _Scan(data)
    scans = [main]
    objects: dict[int, list[bytes]] = {}
    starts = [start for start, _end in main.skipped]
    reread = [MAX_PDF_REREAD_TOKENS]
    for match in _PDF_OBJECT_RE.finditer(data):
        objects.setdefault(int(match.group(1)), []).append(data[match.end() : match.end() + 64])
        if _inside(main.skipped, starts, match.start()):
            try:
                scans.append(_Scan(data, match.start(), one_object=True, budget=reread))
            except _Unchecked:
                return _UNCHECKABLE

    budget = [MAX_PDF_INFLATED_BYTES]
    sources: list[tuple[bytes, list[tuple[bytes, int]]]] = [(data, s.names) for s in scans]
    for scan in scans:
        for dictionary, start, end in scan.streams:
            names = [name for name, _end in _Scan(dictionary, every_name=True).names]
            if not (b"ObjStm" in names or (b"First" in names and b"N" in names)):
                continue
            filters = [n for n in names if n.endswith(b"Decode") or n in _PDF_FLATE]
            if any(f not in _PDF_FLATE for f in filters):
                return _UNCHECKABLE
            stream = data[start:end]
            inflated = _inflate(stream, budget) if filters else stream
            if inflated is None:
                return _UNCHECKABLE
            sources.append((inflated, _Scan(inflated).names))
            for number, text in _object_stream_objects(inflated, dictionary).items():
                objects.setdefault(number, []).append(text[:64])

    for text, names in sources:
        for found, end in names:
            if found == b"Encrypt":
                return "encrypted"
            if found in _PDF_ACTIVE_NAMES:
                return _PDF_ACTIVE_NAMES[found]
            if found == b"OpenAction" and _is_action(text[end:], objects):
                return "an action that runs when it is opened"
    return ""


def _is_action(value: bytes, objects: dict[int, list[bytes]]) -> bool:
    """Whether an /OpenAction value is an action rather than a page to open at: a page is an
    array, [3 0 R /Fit], given there or in the object it refers to (every copy of it)."""
    value = value.lstrip()
    reference = _PDF_REFERENCE_RE.match(value)
    if reference:
        targets = objects.get(int(reference.group(1)))
        return not targets or not all(t.lstrip().startswith(b"[") for t in targets)
    return not value.startswith(b"[")
