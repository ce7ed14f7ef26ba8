"""A person's own CPD, registration year by registration year.

There is no user in these URLs: each person sees only their own records. Readers of a shared
portfolio see its entries through the sharing views, never this summary.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone

from .cpd import REQUIRED_PEER, REQUIRED_RECORDS, cpd_year_for
from .models import registration_year_for

FIRST_YEAR = 2000


def _current_year() -> int:
    return registration_year_for(timezone.localdate())


@login_required
def cpd_current(request):
    return redirect("portfolios:cpd-year", year=_current_year())


@login_required
def cpd_year(request, year: int):
    today = timezone.localdate()
    last_year = registration_year_for(today) + 1
    if not FIRST_YEAR <= year <= last_year:
        raise Http404("No such registration year.")
    cpd = cpd_year_for(request.user, year, today=today)
    title = (
        f"CPD for the registration year {dateformat.format(cpd.starts_on, 'j F Y')} "
        f"to {dateformat.format(cpd.ends_on, 'j F Y')}"
    )
    context = {
        "cpd": cpd,
        "title": title,
        "required_records": REQUIRED_RECORDS,
        "required_peer": REQUIRED_PEER,
        "previous_year": year - 1 if year > FIRST_YEAR else None,
        "next_year": year + 1 if year < last_year else None,
        "breadcrumbs": [
            ("Your portfolio", reverse("portfolios:index")),
            (f"CPD {year - 1} to {year}", None),
        ],
    }
    return render(request, "portfolios/cpd_year.html", context)
