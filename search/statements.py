"""Finding framework statements, for the public search and the statement picker's "Find": one
search (Wagtail's backend over `capabilities.search.public_items`), so a word finds the same
statements in both."""

from wagtail.search.backends import get_search_backend

from capabilities.search import public_items


def statement_ids_matching(query: str, *, version_ids) -> set[int]:
    """The published statements of `version_ids` that match every word of `query`, or whose
    code starts with it (a code typed in part, such as "7.ASYE")."""
    query = (query or "").strip()
    if not query:
        return set()
    items = public_items().filter(version_id__in=list(version_ids))
    found = get_search_backend("default").search(query, items, operator="and")
    ids = {item.pk for item in found}
    ids |= set(items.filter(code__istartswith=query).values_list("pk", flat=True))
    return ids
