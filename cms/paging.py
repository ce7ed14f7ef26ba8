"""Pages of a long list: every list that can grow with an organisation shows one page at a time
(GOV.UK pagination, `templates/includes/pagination.html`), so a page's cost stays the same
however many rows the organisation has."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator


@dataclass
class Paged:
    page: Page
    param: str
    query_string: str  # the rest of the query string, without the page number

    @property
    def rows(self):
        return self.page.object_list


def paginate(request, rows, *, per_page: int, param: str = "page", count: int | None = None):
    """One page of `rows` (a queryset ordered on indexed columns, or a list). `count`: the
    total, when the caller already knows it (saves the COUNT query)."""
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is never queried
    page = paginator.get_page(request.GET.get(param))
    rest = request.GET.copy()
    rest.pop(param, None)
    return Paged(page=page, param=param, query_string=rest.urlencode())
