"""Reading a Moodle competency framework CSV file the way Moodle's `csv_import_reader` does:
bytes in a chosen encoding (UTF-8 by default, a byte order mark dropped), Windows and old Mac
line ends made Unix ones, blank lines skipped, a comma, semicolon, colon or tab delimiter (chosen,
or detected from the header row), then headers compared without case or punctuation.

Descriptions are turned into plain text according to their "Description format" column: HTML
(format 1) and Moodle auto-format with tags (format 0) lose their markup, paragraphs become blank
lines, line breaks new lines and list items "- " lines; plain text (2) and Markdown (4) are kept.
"""

import csv
import io
import re
from html.parser import HTMLParser

from .errors import InterchangeError
from .moodle_format import (
    DELIMITERS,
    ENCODINGS,
    FORMAT_HTML,
    FORMAT_MOODLE,
    HEADERS,
    header_key,
)


def error(row: int, column: int | None, message: str) -> InterchangeError:
    """An error that names the row and the column, as a sentence."""
    message = message[0].upper() + message[1:]
    if not message.endswith((".", "?", "!")):
        message += "."
    if column is None:
        return InterchangeError(f"Row {row}: {message}")
    return InterchangeError(f"Row {row}, column '{HEADERS[column]}': {message}")


def decode(data: bytes | str, encoding: str = "utf-8") -> str:
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if not isinstance(data, bytes):
        raise InterchangeError("Row 1: The file is not text.")
    if encoding not in ENCODINGS:
        raise InterchangeError(f"Row 1: {encoding!r} is not an encoding Capable reads.")
    try:
        return data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    except UnicodeDecodeError as problem:
        row = _row_at(data[: problem.start], encoding)
        byte = data[problem.start : problem.start + 1].hex().upper()
        hint = (
            " Choose the encoding the file was saved in (a file from Excel on Windows is often "
            "Windows-1252)."
            if encoding == "utf-8"
            else " Choose the encoding the file was saved in."
        )
        raise InterchangeError(
            f"Row {row}: The file is not {ENCODINGS[encoding]} text: byte 0x{byte} cannot be "
            f"read.{hint}"
        ) from None


def _row_at(prefix: bytes, encoding: str) -> int:
    """The row (CSV record, header = 1) in which the bytes after `prefix` fall."""
    text = re.sub(r"\r\n?", "\n", prefix.decode(encoding, errors="replace"))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), strict=False))
    except csv.Error:
        return text.count("\n") + 1
    in_quotes = text.count('"') % 2 == 1
    return len(records) + (0 if in_quotes or not text.endswith("\n") else 1) or 1


def _split(text: str, delimiter: str) -> list[list[str]]:
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as problem:
        raise InterchangeError(f"Row 1: The file is not a readable CSV file ({problem}).") from None


def _first_line(text: str) -> str:
    return text.split("\n", 1)[0]


def detect_delimiter(text: str) -> str:
    """The delimiter that splits the header row into Moodle's 14 columns (comma if none does)."""
    header = _first_line(text)
    widths = {}
    for name, char in DELIMITERS.items():
        rows = _split(header, char)
        widths[name] = len(rows[0]) if rows else 0
    fitting = [name for name, width in widths.items() if width == len(HEADERS)]
    if fitting:
        return fitting[0]
    best = max(widths, key=lambda name: widths[name])
    return best if widths[best] > 1 else "comma"


def read_rows(text: str, delimiter: str | None = None) -> list[tuple[int, list[str]]]:
    """The data rows, each with its row number (the header is row 1; a row whose description
    runs over several lines counts once, as in a spreadsheet)."""
    text = re.sub(r"\r\n?", "\n", text).strip(" \n\r\x00\x0b")
    name = delimiter or detect_delimiter(text)
    if name not in DELIMITERS:
        raise InterchangeError(f"Row 1: {name!r} is not a delimiter Capable reads.")
    records = _split(text, DELIMITERS[name])
    numbered = []
    line = 1
    for cells in records:
        if cells and cells != [""]:
            numbered.append((line, cells))
        line += 1
    if not numbered:
        raise error(1, None, "the file is empty")
    number, header = numbered[0]
    if len(header) != len(HEADERS):
        how = "the delimiter you chose" if delimiter else "the delimiter it seems to use"
        raise error(
            number,
            None,
            f"expected the {len(HEADERS)} columns of a Moodle competency framework file, found "
            f"{len(header)} (read with {how}, {name})",
        )
    for column, (expected, found) in enumerate(zip(HEADERS, header, strict=True)):
        if header_key(found) != header_key(expected):
            raise error(number, column, f"expected the header {expected!r}, found {found!r}")
    for number, cells in numbered[1:]:
        if len(cells) != len(HEADERS):
            raise error(number, None, f"expected {len(HEADERS)} columns, found {len(cells)}")
    return numbered[1:]


# --- HTML descriptions -----------------------------------------------------------------------

BLOCKS = {
    "p", "div", "section", "article", "blockquote", "pre", "table", "tr", "ul", "ol", "dl",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip


class _Text(HTMLParser):
    def __init__(self, keep_newlines: bool):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.keep_newlines = keep_newlines
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(self.skip - 1, 0)
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.skip:
            return
        space = r"[ \t\f\v]+" if self.keep_newlines else r"\s+"
        self.parts.append(re.sub(space, " ", data))


def html_to_text(value: str, *, keep_newlines: bool = False) -> str:
    parser = _Text(keep_newlines)
    parser.feed(value)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def description_text(value: str, description_format: str) -> str:
    """A description as plain text, by Moodle's format number."""
    fmt = description_format.strip()
    if fmt == FORMAT_HTML:
        return html_to_text(value)
    if fmt in (FORMAT_MOODLE, "") and re.search(r"<[a-zA-Z/][^>]*>", value):
        return html_to_text(value, keep_newlines=True)
    return value
