"""What Capable's Moodle CSV reader and writer share: the columns, the formats, and the escaping
inside the framework row's "Capable framework data" section (see `moodle` for the conventions)."""

import re

from ..models import Item

HEADERS = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
(
    PARENT,
    IDNUMBER,
    SHORTNAME,
    DESCRIPTION,
    FORMAT,
    SCALE_VALUES,
    SCALE_CONFIG,
    RULE_TYPE,
    RULE_OUTCOME,
    RULE_CONFIG,
    RELATED,
    EXPORT_ID,
    IS_FRAMEWORK,
    TAXONOMY,
) = range(len(HEADERS))

# Moodle's text formats (FORMAT_MOODLE, FORMAT_HTML, FORMAT_PLAIN, FORMAT_MARKDOWN).
FORMAT_MOODLE = "0"
FORMAT_HTML = "1"
FORMAT_PLAIN = "2"
FORMAT_MARKDOWN = "4"
SCALE = "Not yet demonstrated,Demonstrated"
SCALE_CONFIGURATION = '[{"scaleid":"0"},{"id":2,"scaledefault":1,"proficient":1}]'
DATA_HEADING = "## Capable framework data"
FRAMEWORK_HEADING = "## Framework"
KIND_ORDER = {Item.Kind.GROUP: 0, Item.Kind.DOMAIN: 1, Item.Kind.LEVEL: 2, Item.Kind.STATEMENT: 3}
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
ITEM_LINE = re.compile(r"^- (group|domain|level|statement) (.+?)(?:: (.*))?$")
KEY_LINE = re.compile(r"^- (framework|kind|version|identifier|changed|creator|predecessor): (.*)$")

# The delimiters and encodings Moodle's import form offers (csv_import_reader), by name.
DELIMITERS = {"comma": ",", "semicolon": ";", "colon": ":", "tab": "\t"}
ENCODINGS = {"utf-8": "UTF-8", "windows-1252": "Windows-1252", "iso-8859-1": "ISO-8859-1"}


def header_key(name: str) -> str:
    """A header as compared: without case, spaces or punctuation ("Shortname", "Short name" and
    "SHORT-NAME" are one header, as Moodle's own files spell them differently)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def escape(value: str, *, list_item: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if list_item:
        value = value.replace(";", "%3B").replace(",", "%2C")
    return value


def unescape(value: str) -> str:
    return re.sub(r"%(25|0A|0D|3B|2C)", lambda m: chr(int(m[1], 16)), value)


def related_escape(code: str) -> str:
    # Moodle's own convention for commas inside a cross-referenced ID number.
    return code.replace(",", "%2C")
