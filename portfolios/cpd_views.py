"""A person's own CPD, registration year by registration year.

There is no user in these URLs: each person sees only their own records. Readers of a shared
portfolio see its entries through the sharing views, never this summary.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone

from .cpd import cpd_year_for, field_limit
from .cpd_records import records_page, same_pieces_page
from .models import registration_year_bounds, registration_year_for

FIRST_YEAR = 2000


def _year_label(year: int) -> str:
    return " to ".join(dateformat.format(d, "j F Y") for d in registration_year_bounds(year))


def _current_year() -> int:
    return registration_year_for(timezone.localdate())


@login_required
def cpd_current(request):
    """The year with something to do: the current one. During a new year's first weeks its page
    carries last year's status, one link away."""
    return redirect("portfolios:cpd-year", year=_current_year())


@login_required
def cpd_year(request, year: int):
    today = timezone.localdate()
    last_year = registration_year_for(today) + 1
    if not FIRST_YEAR <= year <= last_year:
        raise Http404("No such registration year.")
    cpd = cpd_year_for(request.user, year, today=today)
    previous = None
    weeks = timedelta(weeks=settings.CPD_LAST_YEAR_SHOWN_WEEKS)
    if cpd.is_current and today < cpd.starts_on + weeks and year > FIRST_YEAR:
        previous = cpd_year_for(request.user, year - 1, today=today)
    title = (
        f"CPD for the registration year {dateformat.format(cpd.starts_on, 'j F Y')} "
        f"to {dateformat.format(cpd.ends_on, 'j F Y')}"
    )
    too_long_only = request.GET.get("show") == "too-long"
    context = {
        "cpd": cpd,
        "records": records_page(request, cpd, too_long_only=too_long_only),
        "too_long_only": too_long_only,
        "same_pieces": same_pieces_page(request, cpd),
        "previous_cpd": previous,
        "title": title,
        "required_records": cpd.required_pieces,
        "required_peer": cpd.required_peer,
        "limits": {name: field_limit(name) for name in ("description", "learning", "impact")},
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "previous_label": _year_label(year - 1),
        "next_year": year + 1 if year < last_year else None,
        "next_label": _year_label(year + 1),
        "breadcrumbs": [
            ("Your portfolio", reverse("portfolios:index")),
            (f"CPD {year - 1} to {year}", None),
        ],
    }
    return render(request, "portfolios/cpd_year.html", context)
