"""The CPD year page's long lists, a page at a time: the year's records laid out in the order of
Social Work England's form, and the groups of records counted as one piece of CPD. The year's
counts come from `cpd.cpd_year_for`; a page costs the same however many records the year has."""

from django.db.models import Prefetch

from cms.paging import Paged, paginate

from .cpd import CpdYear, in_year, over_limits, too_long_filter
from .models import Mapping

#: Records laid out on one page of the year page.
RECORDS_PER_PAGE = 20
#: Groups of records counted as one piece of CPD listed on one page of the year page.
SAME_PIECES_PER_PAGE = 20


def records_page(request, cpd: CpdYear, *, too_long_only: bool = False) -> Paged:
    """One page of the signed-in person's complete records in `cpd`'s year, in date order, with
    their statements and each one's `too_long` (only those too long for Social Work England's
    form, when `too_long_only`): two queries, the count being `cpd`'s."""
    entries, too_long = too_long_filter(in_year(request.user, cpd.year).complete())
    count = cpd.records_count
    if too_long_only:
        entries = entries.filter(too_long) if too_long else entries.none()
        count = cpd.too_long_count
    entries = entries.order_by("occurred_on", "created_at", "pk").prefetch_related(
        Prefetch(
            "mappings",
            queryset=Mapping.objects.select_related("item").order_by(
                "item__sort_order", "item__code", "pk"
            ),
        )
    )
    paged = paginate(request, entries, per_page=RECORDS_PER_PAGE, count=count)
    paged.page.object_list = list(paged.page.object_list)
    for record in paged.page.object_list:
        record.too_long = over_limits(record)
    return paged


def same_pieces_page(request, cpd: CpdYear) -> Paged:
    """One page of the groups of records that `cpd` counts as one piece of CPD (no query)."""
    return paginate(request, cpd.treated_as_one, per_page=SAME_PIECES_PER_PAGE, param="same")
