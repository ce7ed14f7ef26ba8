"""The CPD year page's long lists, a page at a time: the year's records laid out in the order of
Social Work England's form, and the groups of records counted as one piece of CPD. The year's
counts come from `cpd.cpd_year_for`; a page costs the same however many records the year has."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from cms.paging import Paged, paginate

from .cpd import CpdYear, in_year, over_limits, too_long_filter
from .models import Mapping

#: Records laid out on one page of the year page.
RECORDS_PER_PAGE = 20
#: Records counted as one piece of CPD (with another) listed on one page of the year page.
SAME_PIECES_PER_PAGE = 50


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


@dataclass
class SameGroup:
    """The part of one group of records counted as one piece of CPD that is on this page."""

    number: int
    size: int
    records: list = field(default_factory=list)
    continued: bool = False  # begun on the page before
    continues: bool = False  # goes on on the next page


def same_pieces_page(request, cpd: CpdYear) -> Paged:
    """One page of the records that `cpd` counts as one piece of CPD, `SAME_PIECES_PER_PAGE` at a
    time in their groups (a group can hold hundreds: the same words copied), as `SameGroup`s.
    No query: the groups are `cpd`'s."""
    flat = [
        (number, len(piece), position, record)
        for number, piece in enumerate(cpd.treated_as_one, start=1)
        for position, record in enumerate(piece)
    ]
    paged = paginate(request, flat, per_page=SAME_PIECES_PER_PAGE, param="same")
    groups: list[SameGroup] = []
    for number, size, position, record in paged.page.object_list:
        if not groups or groups[-1].number != number:
            groups.append(SameGroup(number=number, size=size, continued=position > 0))
        groups[-1].records.append(record)
        groups[-1].continues = position < size - 1
    paged.page.object_list = groups
    return paged
