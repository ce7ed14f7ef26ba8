"""Look for what may identify a child or family in a portfolio entry before it is saved.

A practitioner's reflective record must never hold information that identifies a child or
family. Before an entry is saved its text is run through :func:`find_identifiers` (or
:func:`check_fields` for a whole form), and anything found is shown back to the person with
:func:`highlight` so they can edit the text or confirm that it is anonymised. A confirmation
is remembered by :attr:`Finding.fingerprint`, an HMAC keyed with the server's secret, so the
matched text itself is never stored and cannot be recovered by hashing a list of names.

What it catches (British usage):

* names: a capitalised name after a title ("Mrs Amelia Hart", "Mr. O'Neill"), two or more
  capitalised words after a family or role word ("the mother, Jane Smith", "child Tom
  Brown"), or one capitalised word after "named" or "called";
* dates of birth: a date near "born", "DOB", "D.O.B", "date of birth" or "birthday"
  (a date with no birth cue, such as the date of a course, is left alone);
* NHS numbers: ten digits, contiguous or spaced 3-3-4, that pass the modulus 11 check
  digit, or any ten digits just after "NHS";
* full UK postcodes ("SW1A 1AA", "m1 1ae"), but not an outward code on its own;
* UK phone numbers: mobiles, 01/02/03 landlines and +44 forms;
* email addresses;
* street addresses: a house number, capitalised words and a street suffix ("14 Elm Grove",
  "Flat 3, 22 Mill Lane").

This is a prompt for human judgement, not a guarantee. Pattern matching misses much that
identifies a family (a rare first name on its own, a school, an unusual event, a nickname)
and will sometimes flag harmless text. The person writing the record stays responsible for
anonymising it; the guard only helps them look.

The module has no database access, so forms, views and tests can use it freely; fingerprints
read SECRET_KEY from the settings.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping

from django.utils.crypto import salted_hmac
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

__all__ = [
    "FINGERPRINT_SALT",
    "KIND_LABELS",
    "PLACEHOLDERS",
    "STRONG_KINDS",
    "Finding",
    "Kind",
    "check_fields",
    "find_identifiers",
    "highlight",
    "nhs_number_is_valid",
    "redact",
]


class Kind:
    """The kinds of identifying information the guard looks for."""

    NAME = "name"
    DATE_OF_BIRTH = "date_of_birth"
    NHS_NUMBER = "nhs_number"
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


KIND_LABELS: dict[str, str] = {
    Kind.NAME: "a possible name",
    Kind.DATE_OF_BIRTH: "a possible date of birth",
    Kind.NHS_NUMBER: "a possible NHS number",
    Kind.POSTCODE: "a possible postcode",
    Kind.PHONE: "a possible phone number",
    Kind.EMAIL: "a possible email address",
    Kind.ADDRESS: "a possible street address",
}

_FALLBACK_LABEL = "possible identifying information"

# Strong identifiers point at one person whatever the context: they must be removed or redacted
# and can never be confirmed away. The others (a possible name, a street address) are weaker
# pattern matches that are often harmless ("Mr Men books", "10 Downing Street"): the writer may
# confirm that they are anonymised.
STRONG_KINDS: frozenset[str] = frozenset(
    {Kind.NHS_NUMBER, Kind.DATE_OF_BIRTH, Kind.POSTCODE, Kind.PHONE, Kind.EMAIL}
)

# What "Redact" puts in place of each strong finding.
PLACEHOLDERS: dict[str, str] = {
    Kind.NHS_NUMBER: "[NHS number removed]",
    Kind.DATE_OF_BIRTH: "[date of birth removed]",
    Kind.POSTCODE: "[postcode removed]",
    Kind.PHONE: "[phone number removed]",
    Kind.EMAIL: "[email address removed]",
    Kind.ADDRESS: "[address removed]",
    Kind.NAME: "[name removed]",
}

# When two findings of the same length overlap, the one whose kind comes first here wins.
_SPECIFICITY = (
    Kind.EMAIL,
    Kind.NHS_NUMBER,
    Kind.DATE_OF_BIRTH,
    Kind.POSTCODE,
    Kind.PHONE,
    Kind.ADDRESS,
    Kind.NAME,
)


#: With SECRET_KEY, the key of every fingerprint. Changing either makes every stored
#: confirmation stop matching, so people are asked again about text they had confirmed.
FINGERPRINT_SALT = "capable.guard.fingerprint"


@dataclasses.dataclass(frozen=True)
class Finding:
    """One stretch of text that may identify a child or family."""

    kind: str
    start: int
    end: int
    text: str
    field: str = ""

    @property
    def label(self) -> str:
        """A human label for the kind, e.g. "a possible NHS number"."""
        return KIND_LABELS.get(self.kind, _FALLBACK_LABEL)

    @property
    def strong(self) -> bool:
        """True for an identifier that must be removed (it cannot be confirmed as anonymised)."""
        return self.kind in STRONG_KINDS

    @property
    def fingerprint(self) -> str:
        """A stable HMAC-SHA256 of the kind and the matched text, ignoring case and spacing,
        keyed with SECRET_KEY (and FINGERPRINT_SALT).

        Used to remember that the person confirmed a finding without storing what it said: with
        no secret in the key, anyone holding the stored fingerprints could hash a list of names
        and find which one was confirmed.
        """
        normalised = " ".join(self.text.casefold().split())
        return salted_hmac(
            FINGERPRINT_SALT, f"{self.kind}:{normalised}", algorithm="sha256"
        ).hexdigest()


# --------------------------------------------------------------------------------------------
# Email addresses

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?![\w-])"
)


def _emails(text: str) -> Iterator[Finding]:
    for m in _EMAIL.finditer(text):
        yield Finding(Kind.EMAIL, m.start(), m.end(), m.group())


# --------------------------------------------------------------------------------------------
# NHS numbers

_NHS_CANDIDATE = re.compile(r"(?<![\d.])\d{3}([ -]?)\d{3}\1\d{4}(?!\d|\.\d)")
_NHS_CUE = re.compile(
    r"\bNHS(?:[ \t]*(?:no\b\.?|num\b\.?|number\b))?[ \t]*(?:is\b|:|#|-|\()?[ \t]*$",
    re.IGNORECASE,
)


def nhs_number_is_valid(number: str) -> bool:
    """True if ``number`` (spaces and hyphens allowed) is ten digits with a valid check digit.

    The NHS modulus 11 check: weight the first nine digits 10 down to 2, take the sum modulo
    11 and subtract from 11; 11 means a check digit of 0 and 10 means the number is invalid.
    """
    digits = re.sub(r"[ -]", "", number)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> Iterator[Finding]:
    for m in _NHS_CANDIDATE.finditer(text):
        before = text[max(0, m.start() - 30) : m.start()]
        if nhs_number_is_valid(m.group()) or _NHS_CUE.search(before):
            yield Finding(Kind.NHS_NUMBER, m.start(), m.end(), m.group())


# --------------------------------------------------------------------------------------------
# Postcodes

_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])"
    r"(?P<outward>GIR|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?))"
    r"[ \u00a0]?"
    r"(?P<inward>\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_ORDINAL_INWARD = re.compile(r"\d(?:st|nd|rd|th)")


def _postcodes(text: str) -> Iterator[Finding]:
    for m in _POSTCODE.finditer(text):
        # "KS2 3rd" or "Y7 2nd" reads as a key stage or year group and an ordinal.
        if _ORDINAL_INWARD.fullmatch(m["inward"]) and not m["outward"].islower():
            continue
        yield Finding(Kind.POSTCODE, m.start(), m.end(), m.group())


# --------------------------------------------------------------------------------------------
# Phone numbers

_PHONE = re.compile(
    r"""
    (?<![\w+/])(?<!\d[.,])
    (?:
        \+44[ -]?(?:\(0\)[ -]?)?     # +44 7700 ..., +44 (0)20 ...
      | \(0\d{2,4}\)[ -]?            # (0161) 496 0000
      | (?=0)                        # 07700 900123, 020 7946 0018
    )
    \d+(?:[ -]\d+){0,4}
    """,
    re.VERBOSE,
)
_DIGIT_GROUP = re.compile(r"\d+")


def _is_uk_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+"):
        digits = digits.removeprefix("44")
        if not digits.startswith("0"):
            digits = "0" + digits
    if len(digits) < 2 or digits[0] != "0" or digits[1] not in "1237":
        return False
    return len(digits) == 11 or (digits[1] == "1" and len(digits) == 10)


def _phones(text: str) -> Iterator[Finding]:
    for m in _PHONE.finditer(text):
        # The pattern may run on into a following number ("07700 900123 2 times"), so try
        # the longest run of digit groups first and drop groups from the end until it fits.
        ends = [m.start() + g.end() for g in _DIGIT_GROUP.finditer(m.group())]
        for end in reversed(ends):
            if _is_uk_phone(text[m.start() : end]):
                yield Finding(Kind.PHONE, m.start(), end, text[m.start() : end])
                break


# --------------------------------------------------------------------------------------------
# Dates of birth

_MONTH = (
    r"(?:(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?)"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
_YEAR = r"(?:19|20)\d{2}(?!\d)"
_DATE = (
    r"(?:"
    r"\d{4}-\d{1,2}-\d{1,2}(?!\d)"  # 2015-04-03
    r"|\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})(?!\d)"  # 03/04/2015, 3.4.15
    rf"|{_DAY}[ \t]+(?:of[ \t]+)?{_MONTH}(?:,?[ \t]+{_YEAR})?"  # 3rd (of) April (2015)
    rf"|{_MONTH}[ \t]+{_DAY}(?:,?[ \t]+{_YEAR})?"  # April 3rd, 2015
    rf"|{_MONTH}[ \t]+{_YEAR}"  # March 2015
    r")"
)
_BIRTH_CUE = (
    r"(?:\bborn\b|\bd\.?o\.?b\b\.?|\bdate[ \t]+of[ \t]+birth\b|\bbirth[ \t]?date\b|\bbirthday\b)"
)
_DOB_AFTER_CUE = re.compile(
    rf"{_BIRTH_CUE}[ \t]*[:,(\u2013-]?[ \t]*(?:[A-Za-z'\u2019]+[ \t]+){{0,4}}?(?P<date>{_DATE})",
    re.IGNORECASE,
)
_DOB_BEFORE_CUE = re.compile(
    rf"(?<![\w/.-])(?P<date>{_DATE})"
    r"(?=[ \t]*[(\[,]?[ \t]*(?:d\.?o\.?b\b|date[ \t]+of[ \t]+birth\b))",
    re.IGNORECASE,
)


def _dates_of_birth(text: str) -> Iterator[Finding]:
    for pattern in (_DOB_AFTER_CUE, _DOB_BEFORE_CUE):
        for m in pattern.finditer(text):
            yield Finding(Kind.DATE_OF_BIRTH, m.start("date"), m.end("date"), m["date"])


# --------------------------------------------------------------------------------------------
# Street addresses

_STREET_SUFFIX = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Crescent|Court|Place|Gardens"
    r"|Grove|Terrace|Walk|Hill|Park|Square|Mews|Row)"
)
_ADDRESS = re.compile(
    r"(?<![\w./-])"
    r"(?:(?:Flat|Apartment|Apt|Unit)\.?[ \t]+\d{1,4}[A-Za-z]?,?[ \t]+)?"
    r"\d{1,4}[A-Za-z]?(?:[-\u2013]\d{1,4}[A-Za-z]?)?,?[ \t]+"
    r"(?P<words>(?:[A-Z][A-Za-z'\u2019-]*[ \t]+){1,3})"
    rf"{_STREET_SUFFIX}\b"
)
# "2 Family Court hearings" is about courts, not a street.
_COURTS = frozenset(
    {"family", "crown", "county", "magistrates", "magistrates'", "youth", "high", "appeal"}
    | {"supreme", "coroner's", "coroners", "juvenile", "civil", "criminal", "district"}
)


def _addresses(text: str) -> Iterator[Finding]:
    for m in _ADDRESS.finditer(text):
        words = m["words"].split()
        if m.group().endswith("Court") and words[-1].casefold() in _COURTS:
            continue
        yield Finding(Kind.ADDRESS, m.start(), m.end(), m.group())


# --------------------------------------------------------------------------------------------
# Names

_TITLE = r"(?:Mrs|Mr|Ms|Miss|Mx|Dr|Master)"
_ROLE = (
    r"(?:young[ \t]+person|foster[ \t]+carer|child|baby|boy|girl|son|daughter|mother|mum"
    r"|father|dad|parent|carer|grandmother|nan|grandfather|grandad|sibling|brother|sister"
    r"|aunt|uncle|stepfather|stepmother|partner)"
)
_NAME_TRIGGER = re.compile(
    rf"(?P<title>\b{_TITLE}\b\.?[ \t\u00a0]+(?:[A-Z]\.?[ \t\u00a0]+){{0,2}})"
    rf"|(?P<role>\b(?i:{_ROLE})\b[ \t\u00a0]*[,:(]?[ \t\u00a0]*)"
    r"|(?P<called>(?<![\w-])(?:named|called)[ \t\u00a0]+)"
)
_NAME_PART = r"[A-Z](?:[a-z]+(?:['\u2019]?[A-Z][a-z]+)*|['\u2019][A-Z][a-z]+)"
_NAME_WORD = re.compile(rf"{_NAME_PART}(?:-{_NAME_PART})*(?!\w)")
_NAME_GAP = re.compile(r"[ \t\u00a0]+")
_MAX_NAME_WORDS = 4

# Capitalised words that often follow a role word, title or "called" but are not names.
# April, May, June and August are left out on purpose: they are also given names.
_NOT_NAMES_TEXT = """
    mr mrs ms miss mx dr master
    monday tuesday wednesday thursday friday saturday sunday
    january february march july september october november december
    christmas easter eid diwali hanukkah ramadan new year
    today tomorrow yesterday morning afternoon evening night week weekend
    act acts abuse after agency agreement and arrangement arrangements around assessment
    authority benefit board care carer carers centre child children city clinic college
    committee conference council court criminal day development disability early education
    england exploitation families family first forum framework friendly group guardian
    guidance health help hospital house housing hub in independent infant justice lead
    line local looked management manager matters meeting mental ministry minor model
    national need network nurse nursery of office officer order orders panel parent
    parenting parents partnership plan police policy practice practitioner primary
    principal profile programme project protection psychology reflective register
    review reviewing safeguarding safety scheme school secondary service services sexual
    signs social special standards strategy supervision support team the training trust
    tribunal unit visit visits wales welfare worker workers youth
    barnardo cafcass childline coram kooth ofsted samaritans
    mum dad nan nanny grandad granny grandma grandpa
"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())


def _is_stop_word(word: str) -> bool:
    return word.casefold() in _NOT_NAMES


def _name_words(text: str, pos: int) -> list[re.Match[str]]:
    words: list[re.Match[str]] = []
    while len(words) < _MAX_NAME_WORDS:
        word = _NAME_WORD.match(text, pos)
        if word is None:
            break
        words.append(word)
        gap = _NAME_GAP.match(text, word.end())
        if gap is None:
            break
        pos = gap.end()
    return words


def _names(text: str) -> Iterator[Finding]:
    for trigger in _NAME_TRIGGER.finditer(text):
        words = _name_words(text, trigger.end())
        # After a title the first word is almost always a surname or given name ("Mr Young"),
        # so only the words after it are checked against the stoplist. "Master" is also an
        # ordinary word ("Master Practitioner"), so all words after it are checked.
        title = trigger["title"]
        first_checked = 1 if title and not title.startswith("Master") else 0
        for i, word in enumerate(words):
            if i >= first_checked and _is_stop_word(word.group()):
                words = words[:i]
                break
        needed = 2 if trigger["role"] else 1
        if len(words) < needed:
            continue
        start = trigger.start() if trigger["title"] else words[0].start()
        end = words[-1].end()
        yield Finding(Kind.NAME, start, end, text[start:end])


# --------------------------------------------------------------------------------------------
# Putting it together

_DETECTORS = (_emails, _nhs_numbers, _dates_of_birth, _postcodes, _phones, _addresses, _names)


def _merge(findings: list[Finding]) -> list[Finding]:
    """Drop findings that overlap a longer (or, at equal length, more specific) one."""
    rank = {kind: i for i, kind in enumerate(_SPECIFICITY)}
    preferred = sorted(
        set(findings),
        key=lambda f: (-(f.end - f.start), rank.get(f.kind, len(rank)), f.start),
    )
    kept: list[Finding] = []
    for finding in preferred:
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: (f.start, f.end))


def find_identifiers(text: str) -> list[Finding]:
    """All findings, sorted by start, overlapping matches merged (keep the longer/more specific)."""
    if not text:
        return []
    found = [finding for detect in _DETECTORS for finding in detect(text)]
    return _merge(found)


def check_fields(fields: Mapping[str, str | None]) -> list[Finding]:
    """Run find_identifiers on each field's text; each Finding carries its field name."""
    return [
        dataclasses.replace(finding, field=name)
        for name, value in fields.items()
        for finding in find_identifiers(value or "")
    ]


def redact(text: str, kinds: frozenset[str] | set[str] = STRONG_KINDS) -> str:
    """``text`` with every finding of ``kinds`` replaced by a neutral placeholder."""
    if not text:
        return text
    parts: list[str] = []
    pos = 0
    for finding in find_identifiers(text):
        if finding.kind not in kinds:
            continue
        parts.append(text[pos : finding.start])
        parts.append(PLACEHOLDERS.get(finding.kind, "[removed]"))
        pos = finding.end
    parts.append(text[pos:])
    return "".join(parts)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _escape_with_breaks(text: str) -> str:
    return _LINE_BREAK.sub("<br>", str(escape(text)))


def highlight(text: str, findings: list[Finding]) -> SafeString:
    """HTML-escaped text with each finding wrapped in a ``<mark>`` and a hidden label.

    Each finding becomes ``<mark class="guard-mark" data-kind="...">...</mark>`` holding a
    visually hidden label for screen readers, e.g. ``<mark ...>Jane Smith<span
    class="govuk-visually-hidden"> (possible name)</span></mark>``. Line breaks become
    ``<br>``. Only findings whose offsets belong to this text are used: a finding is skipped
    if its span falls outside the text, does not hold the finding's text, or overlaps one
    already marked.
    """
    text = text or ""
    usable = sorted(
        (
            f
            for f in findings
            if 0 <= f.start < f.end <= len(text) and text[f.start : f.end] == f.text
        ),
        key=lambda f: (f.start, -f.end),
    )
    parts: list[str] = []
    pos = 0
    for finding in usable:
        if finding.start < pos:
            continue
        parts.append(_escape_with_breaks(text[pos : finding.start]))
        parts.append(
            format_html(
                '<mark class="guard-mark" data-kind="{}">{}'
                '<span class="govuk-visually-hidden"> ({})</span></mark>',
                finding.kind,
                mark_safe(_escape_with_breaks(finding.text)),  # escaped, then <br> added
                finding.label.removeprefix("a ").removeprefix("an "),
            )
        )
        pos = finding.end
    parts.append(_escape_with_breaks(text[pos:]))
    # Every piece was escaped or built by format_html.
    return mark_safe("".join(parts))
