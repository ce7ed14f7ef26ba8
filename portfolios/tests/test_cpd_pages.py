"""The CPD year page a page at a time (issue 19): the year's counts come from SQL, the records are
laid out one page at a time, and every record stays one link away."""

import re
from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.factories import UserFactory
from capabilities.models import Item
from portfolios import cpd_records
from portfolios.cpd import cpd_year_for
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Entry

pytestmark = pytest.mark.django_db

PER_PAGE = 4
URL = reverse("portfolios:cpd-year", kwargs={"year": 2026})
CARD = '<div class="govuk-summary-card">'


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(cpd_records, "RECORDS_PER_PAGE", PER_PAGE)
    monkeypatch.setattr(cpd_records, "SAME_PIECES_PER_PAGE", 2)


def records(user, count: int, statements=(), **kwargs) -> list[Entry]:
    portfolio = PortfolioFactory(owner=user)
    return [
        EntryFactory(
            portfolio=portfolio,
            title=f"Record {n:03d}",
            occurred_on=date(2025, 12, 1) + timedelta(days=n),
            peer_learning="Learnt from a peer." if n % 2 else "",
            swe_standards=["4.1"],
            statements=list(statements),
            **kwargs,
        )
        for n in range(count)
    ]


def get(client, django_assert_num_queries, query: str = ""):
    with django_assert_num_queries(PAGE_QUERIES) as queries:
        response = client.get(URL + query)
    assert response.status_code == 200
    return response, len(queries)


# Four for the session, the user and the rest of the middleware; then the page's five: the counts
# (one aggregate), the records' keys for telling pieces apart, the first registration, one page
# of records and their statements.
PAGE_QUERIES = 9


@pytest.mark.parametrize("count", [3, 3 * PER_PAGE + 1])
def test_a_page_lays_out_at_most_a_page_of_records_in_the_same_queries(
    client, pcf, count, django_assert_num_queries
):
    statements = list(Item.objects.filter(version=pcf, kind=Item.Kind.STATEMENT)[:2])
    small, big = UserFactory(), UserFactory()
    records(small, 1, statements)
    made = records(big, count, statements)
    EntryFactory(portfolio=PortfolioFactory(owner=big), status=Entry.Status.DRAFT)

    client.force_login(small)
    client.get(URL)  # the first request of a session records it; measure the next
    _, small_queries = get(client, django_assert_num_queries)
    client.force_login(big)
    client.get(URL)
    response, queries = get(client, django_assert_num_queries)
    _, last_page_queries = get(client, django_assert_num_queries, "?page=999")

    assert queries == small_queries == last_page_queries
    assert response.text.count(CARD) == min(count, PER_PAGE)
    cpd = response.context["cpd"]
    assert cpd.records_count == count and cpd.drafts_count == 1
    assert f"{count} of at least" in response.text  # different pieces: each title differs
    assert made[0].get_absolute_url() in response.text
    if count > PER_PAGE:
        assert made[PER_PAGE].get_absolute_url() not in response.text
        assert f"Records 1 to {PER_PAGE} of {count}" in response.text
        assert 'aria-label="Pages of your records"' in response.text
        assert '?page=2#records" rel="next"' in response.text
    else:
        assert "Pages of your records" not in response.text


def test_every_record_is_on_exactly_one_page(client):
    user = UserFactory()
    made = records(user, 2 * PER_PAGE + 1)
    client.force_login(user)
    seen = []
    for page in (1, 2, 3):
        text = client.get(URL, {"page": page}).text
        seen += [e.pk for e in made if e.get_absolute_url() in text]
        ids = re.findall(r'id="record-(\d+)-title"', text)
        assert (
            ids
            == [str(n) for n in range((page - 1) * PER_PAGE + 1, page * PER_PAGE + 1)][: len(ids)]
        )
    assert sorted(seen) == sorted(e.pk for e in made)
    assert len(seen) == len(set(seen))
    assert "Records 9 to 9 of 9" in text


def test_the_summary_counts_every_record_not_only_the_page(client):
    user = UserFactory()
    records(user, PER_PAGE + 2)
    client.force_login(user)
    text = client.get(URL, {"page": 2}).text
    # Three of the six have a peer reflection (the odd ones); all six are different pieces.
    assert "6 of at least" in text and "3 of at least" in text
    assert ">Ready to record with Social Work England<" in text


@override_settings(CPD_FIELD_LIMITS={"impact": 10, "title": 200})
def test_records_too_long_for_the_form_are_counted_and_can_be_shown_alone(client):
    user = UserFactory()
    fine = records(user, PER_PAGE + 1, impact="Short.")
    too_long = EntryFactory(
        portfolio=PortfolioFactory(owner=user),
        occurred_on=date(2026, 6, 1),
        impact="Much more than ten\r\ncharacters.",
    )
    # A line break counts once, as the form counts it: ten characters exactly are fine.
    EntryFactory(portfolio=PortfolioFactory(owner=user), impact="12345\r\n6789")
    client.force_login(user)

    assert cpd_year_for(user, 2026).too_long_count == 1
    text = client.get(URL).text
    assert "Too long to paste into Social Work England's form" in text
    assert '<a class="govuk-link" href="?show=too-long#records">show only that record</a>' in text
    assert too_long.get_absolute_url() not in text  # dated last: on the last page

    only = client.get(URL, {"show": "too-long"}).text
    assert too_long.get_absolute_url() in only
    assert "is 30 characters; the form takes 10" in only
    assert not any(e.get_absolute_url() in only for e in fine)
    assert only.count(CARD) == 1
    assert "Show all your records for this year" in only


def test_with_nothing_too_long_the_filter_says_so(client):
    user = UserFactory()
    records(user, 2)
    client.force_login(user)
    text = client.get(URL, {"show": "too-long"}).text
    assert "None of your records for this year is too long" in text
    assert CARD not in text


def test_records_counted_as_one_are_listed_a_page_at_a_time(client):
    user = UserFactory()
    portfolio = PortfolioFactory(owner=user)
    groups = []
    for n in range(2):
        on = date(2026, 3, 1 + n)
        groups.append(
            [EntryFactory(portfolio=portfolio, title=f"Course {n}", occurred_on=on) for _ in "ab"]
        )
    client.force_login(user)

    first = client.get(URL).text
    second = client.get(URL, {"same": 2}).text

    def section(text):
        return text.split('id="treated-as-one"')[1].split("</ul>")[0]

    assert all(e.get_absolute_url() in section(first) for e in groups[0])
    assert not any(e.get_absolute_url() in section(first) for e in groups[1])
    assert all(e.get_absolute_url() in section(second) for e in groups[1])
    assert 'aria-label="Pages of records counted as one piece of CPD"' in first
    assert "2 of at least" in second  # four records, two pieces, on every page


def test_a_large_group_of_records_counted_as_one_runs_over_pages(client):
    user = UserFactory()
    portfolio = PortfolioFactory(owner=user)
    copies = [
        EntryFactory(
            portfolio=portfolio,
            title=f"Copy {n}",
            occurred_on=date(2026, 3, 1 + n),
            description="The same words.",
            learning="The same learning.",
            impact="The same impact.",
        )
        for n in range(3)
    ]
    client.force_login(user)

    first, second = (client.get(URL, {"same": page}).text for page in (1, 2))

    def section(text):
        return text.split('id="treated-as-one"')[1].split("</ul>")[0]

    assert "3 records counted as one: " in section(first)
    assert "and more on the next page" in section(first)
    assert [e.get_absolute_url() in section(first) for e in copies] == [True, True, False]
    assert "3 records counted as one (continued): " in section(second)
    assert copies[2].get_absolute_url() in section(second)
    assert "1 of at least" in second
