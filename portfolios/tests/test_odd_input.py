"""Server errors on odd input: thousands of distinct mappings in an import, and dates such as
31 December 9999, through the real URLs."""

import json
from datetime import date

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.factories import UserFactory
from cms.forms import GovUKDateField, latest_date
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Entry
from tests.project_forms import project_forms

from .test_entries import NEW, record

pytestmark = pytest.mark.django_db

IMPORT = "/portfolio/import/"


def entry(n=1, **changes):
    data = {
        "id": str(n),
        "type": "learning",
        "title": f"Course {n}",
        "date": "2026-03-02",
        "status": "complete",
        "description": "A course on neglect.",
    }
    data.update(changes)
    return data


def post_import(client, *entries):
    data = {"format": "capable-portfolio", "format_version": 1, "entries": list(entries)}
    return client.post(IMPORT, {"file": SimpleUploadedFile("p.json", json.dumps(data).encode())})


# --- many mappings ------------------------------------------------------------------------------


def test_an_import_with_three_thousand_distinct_mappings_works(client, pcf, settings):
    # Above the default cap on mappings per entry (test_import_limits): raised here so the
    # summary of mappings that could not be matched is what is tested.
    settings.CAPABLE_IMPORT_MAX_MAPPINGS_PER_ENTRY = 3_001
    client.force_login(UserFactory())
    mappings = [{"framework": "pcf", "version": f"v{n}", "code": f"{n}.L1.1"} for n in range(3_000)]
    mappings.append({"framework": "pcf", "version": pcf.slug, "code": "1.L1.1"})

    response = post_import(client, entry(mappings=mappings))

    assert response.status_code == 302
    imported = Entry.objects.get()
    assert imported.mappings.count() == 1
    summary = client.get(response["Location"]).content.decode()
    assert "3000 mappings could not be matched" in summary
    assert "and 2,950 more." in summary  # the first 50 are listed, not all 3,000


# --- dates --------------------------------------------------------------------------------------


def test_the_entry_form_refuses_a_date_in_the_year_9999(client, practitioner):
    client.force_login(practitioner)

    response = client.post(
        NEW, record(occurred_on_day="31", occurred_on_month="12", occurred_on_year="9999")
    )

    assert response.status_code == 200
    last = latest_date()
    assert (
        f"Date must be between 1 January 1950 and 31 December {last.year}"
        in response.content.decode()
    )
    assert not Entry.objects.exists()


def test_the_entry_form_refuses_a_date_before_1950(client, practitioner):
    client.force_login(practitioner)

    response = client.post(NEW, record(occurred_on_year="1949"))

    assert response.status_code == 200
    assert "Date must be between 1 January 1950" in response.content.decode()


def test_an_import_with_a_date_in_the_year_9999_is_refused(client):
    client.force_login(UserFactory())

    response = post_import(client, entry(date="9999-12-31"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "“9999-12-31”: the date must be between 1 January 1950" in page
    assert not Entry.objects.exists()


def test_an_import_with_a_far_future_time_is_refused_not_a_server_error(client):
    client.force_login(UserFactory())
    comment = {"author": "A", "at": "9999-12-31T23:59:59-05:00", "body": "Note."}

    response = post_import(client, entry(comments=[comment]))

    assert response.status_code == 200
    assert "the date must be between" in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("year", ["10000", "9999", "0", "-1", "abc", "1" * 30, ""])
def test_the_year_filter_answers_odd_values_and_old_odd_dates(client, year):
    owner = UserFactory()
    portfolio = PortfolioFactory(owner=owner)
    # Written before dates were bounded.
    EntryFactory(portfolio=portfolio, title="Far future", occurred_on=date(9999, 12, 31))
    EntryFactory(portfolio=portfolio, title="Long ago", occurred_on=date(1, 1, 1))
    EntryFactory(portfolio=portfolio, title="This year", occurred_on=date(2026, 3, 1))
    client.force_login(owner)

    response = client.get("/portfolio/", {"year": year})

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="10000"' not in page  # no such registration year offered


def test_the_year_filter_still_filters():
    owner = UserFactory()
    portfolio = PortfolioFactory(owner=owner)
    EntryFactory(portfolio=portfolio, title="Far future", occurred_on=date(9999, 12, 31))

    assert Entry.objects.in_registration_year(10_000).count() == 0
    assert Entry.objects.in_registration_year(0).count() == 0


def test_the_date_field_takes_its_own_bounds():
    field = GovUKDateField(
        name_in_errors="end date", min_value=date(2026, 1, 1), max_value=lambda: date(2026, 12, 31)
    )

    assert field.clean(["1", "6", "2026"]) == date(2026, 6, 1)
    with pytest.raises(forms.ValidationError, match="End date must be between 1 January 2026"):
        field.clean(["1", "1", "2027"])


def test_every_date_field_in_every_form_is_bounded():
    unbounded = []
    for form in project_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, GovUKDateField):
                continue
            if isinstance(field, forms.DateField | forms.DateTimeField):
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    # Wagtail admin forms add their validators when they are built: check those instances.
    from organisations.wagtail_hooks import MembershipAdminForm

    admin_form = MembershipAdminForm()
    for name in ("starts_on", "ends_on", "first_registered_on"):
        with pytest.raises(forms.ValidationError):
            admin_form.fields[name].clean("9999-12-31")
        unbounded.remove(f"organisations.wagtail_hooks.MembershipAdminForm.{name}")
    assert unbounded == []
