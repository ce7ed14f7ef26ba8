"""Paging, sorting, filtering and field selection for getAllCFDocuments, as the CASE 1.1 REST
binding describes them (the 1EdTech query parameters):

- `limit` (at least 1; default 100) and `offset` (at least 0; default 0) choose the page; the
  answer says how many there are in `X-Total-Count` and links the `first`, `prev`, `next` and
  `last` pages in a `Link` header (RFC 8288);
- `sort` names a CFDocument field and `orderBy` is `asc` (the default) or `desc`;
- `filter` is `<field><predicate><value>` with the predicates `=`, `!=`, `>`, `>=`, `<`, `<=`
  and `~` (contains, ignoring case), the value optionally in single quotes; clauses are joined
  by ` AND ` or by ` OR ` (one kind in a filter);
- `fields` is a comma-separated list of the CFDocument fields to return.

A field that CFDocuments do not have, or a value out of range, is refused with HTTP 400 and an
imsx_StatusInfo body: `invalid_sort_field` for `sort` and `orderBy`, `invalid_selection_field`
for the rest.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

DEFAULT_LIMIT = 100
# Every field of CFDocumentDType, in the order of the OpenAPI file.
DOCUMENT_FIELDS = (
    "identifier",
    "uri",
    "frameworkType",
    "caseVersion",
    "creator",
    "title",
    "lastChangeDateTime",
    "officialSourceURL",
    "publisher",
    "description",
    "subject",
    "subjectURI",
    "language",
    "version",
    "adoptionStatus",
    "statusStartDate",
    "statusEndDate",
    "licenseURI",
    "notes",
    "extensions",
    "CFPackageURI",
)
_CLAUSE = re.compile(r"^\s*(\w+)\s*(!=|>=|<=|=|>|<|~)\s*(.*?)\s*$", re.S)


class QueryError(Exception):
    def __init__(self, description: str, code_minor: str):
        super().__init__(description)
        self.code_minor = code_minor


@dataclass
class Page:
    items: list[dict]
    total: int
    links: dict[str, dict] = field(default_factory=dict)  # rel -> {"limit":.., "offset":..}


def _whole(params, name: str, default: int, least: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be a whole number", "invalid_selection_field") from None
    if value < least:
        raise QueryError(f"{name} must be {least} or more", "invalid_selection_field")
    return value


def _text(value) -> str:
    if isinstance(value, dict):
        return str(value.get("title", ""))
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def _matches(document: dict, clause: str) -> bool:
    match = _CLAUSE.match(clause)
    if match is None:
        raise QueryError(f"Cannot read the filter {clause!r}", "invalid_selection_field")
    name, predicate, value = match.groups()
    if name not in DOCUMENT_FIELDS:
        raise QueryError(f"CFDocuments have no field {name}", "invalid_selection_field")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1]
    have = _text(document.get(name))
    if predicate == "~":
        return value.lower() in have.lower()
    return {
        "=": have == value,
        "!=": have != value,
        ">": have > value,
        ">=": have >= value,
        "<": have < value,
        "<=": have <= value,
    }[predicate]


def _filtered(documents: list[dict], expression: str) -> list[dict]:
    if not expression.strip():
        return documents
    if " AND " in expression and " OR " in expression:
        raise QueryError(
            "A filter joins its clauses with AND or with OR, not both", "invalid_selection_field"
        )
    if " OR " in expression:
        clauses = expression.split(" OR ")
        return [d for d in documents if any(_matches(d, c) for c in clauses)]
    clauses = expression.split(" AND ")
    return [d for d in documents if all(_matches(d, c) for c in clauses)]


def page(documents: list[dict], params) -> Page:
    """The page of `documents` (CFDocumentDType dicts) that the query parameters ask for."""
    limit = _whole(params, "limit", DEFAULT_LIMIT, 1)
    offset = _whole(params, "offset", 0, 0)
    documents = _filtered(documents, params.get("filter", ""))
    sort, order = params.get("sort", ""), params.get("orderBy", "") or "asc"
    if order not in ("asc", "desc"):
        raise QueryError("orderBy is asc or desc", "invalid_sort_field")
    if sort:
        if sort not in DOCUMENT_FIELDS:
            raise QueryError(f"CFDocuments have no field {sort}", "invalid_sort_field")
        documents = sorted(documents, key=lambda d: _text(d.get(sort)).lower())
    if order == "desc":
        documents = list(reversed(documents))
    fields = [f.strip() for f in params.get("fields", "").split(",") if f.strip()]
    unknown = [f for f in fields if f not in DOCUMENT_FIELDS]
    if unknown:
        raise QueryError(f"CFDocuments have no field {unknown[0]}", "invalid_selection_field")
    total = len(documents)
    items = documents[offset : offset + limit]
    if fields:
        items = [{k: v for k, v in d.items() if k in fields} for d in items]
    last = max(0, (total - 1) // limit * limit)
    links = {"first": 0, "last": last}
    if offset + limit < total:
        links["next"] = offset + limit
    if offset > 0:
        links["prev"] = max(0, offset - limit)
    return Page(items, total, {rel: {"limit": limit, "offset": at} for rel, at in links.items()})


def link_header(url: str, params, links: dict[str, dict]) -> str:
    """An RFC 8288 Link header for the pages, keeping the other query parameters."""
    kept = {k: v for k, v in params.items() if k not in ("limit", "offset")}
    return ", ".join(
        f'<{url}?{urlencode(kept | where)}>; rel="{rel}"' for rel, where in links.items()
    )
