"""The coverage grid, the version crosswalk and query counts that do not grow with a portfolio."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from capabilities.models import Association, FrameworkVersion
from capabilities.services import create_draft_version, publish_version
from organisations.models import Role
from portfolios.coverage import build_coverage, coverage_summary
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Entry, Mapping

pytestmark = pytest.mark.django_db


def cell(coverage, domain_code, level_code):
    row = next(r for r in coverage.rows if r.domain.code == domain_code)
    return next(c for c in row.cells if c.level.code == level_code)


def test_counts_entries_per_domain_and_level(practitioner, pcf):
    portfolio = PortfolioFactory(owner=practitioner)
    s = {i.code: i for i in pcf.items.statements()}
    EntryFactory(portfolio=portfolio, statements=[s["1.L2.1"], s["1.L2.2"]])  # one entry, once
    EntryFactory(portfolio=portfolio, statements=[s["1.L2.1"], s["2.L1.1"]])
    deleted = EntryFactory(portfolio=portfolio, statements=[s["3.L2.1"]])
    Entry.objects.filter(pk=deleted.pk).update(deleted_at="2026-01-01T00:00Z")
    coverage = build_coverage(practitioner, level_slug="level-2")
    assert [lv.code for lv in coverage.levels] == ["L1", "L2", "L3"]
    assert coverage.target.code == "L2"
    assert cell(coverage, "1", "L2").count == 2
    assert cell(coverage, "2", "L1").count == 1
    assert cell(coverage, "3", "L2").count == 0
    assert [d.code for d in coverage.missing_at_target] == ["2", "3"]
    assert coverage.entries_counted == 2


def test_someone_elses_entries_are_never_counted(practitioner, student, pcf):
    statement = pcf.items.statements().first()
    EntryFactory(portfolio=PortfolioFactory(owner=student), statements=[statement])
    coverage = build_coverage(practitioner)
    assert all(c.count == 0 for row in coverage.rows for c in row.cells)


def test_the_target_level_comes_from_the_role(db):
    from capabilities.factories import build_pcf

    from .conftest import person

    version = build_pcf(levels=9)
    version.items.levels().filter(code="L5").update(slug="asye")
    asye = person(Role.PRACTITIONER, asye=True)
    coverage = build_coverage(asye)
    assert coverage.target.slug == "asye"
    assert [lv.code for lv in coverage.levels] == ["L4", "L5", "L6"]


def test_cells_link_to_their_entries(client, practitioner, pcf):
    portfolio = PortfolioFactory(owner=practitioner)
    s = {i.code: i for i in pcf.items.statements()}
    mapped = EntryFactory(portfolio=portfolio, title="Mapped one", statements=[s["2.L3.1"]])
    EntryFactory(portfolio=portfolio, title="Elsewhere", statements=[s["1.L1.1"]])
    client.force_login(practitioner)
    page = client.get("/portfolio/coverage/?level=level-3").content.decode()
    assert "/portfolio/?domain=domain-2&amp;level=level-3" in page
    assert "(target)" in page
    listed = client.get("/portfolio/?domain=domain-2&level=level-3").context["page"]
    assert [e.title for e in listed] == [mapped.title]


@pytest.mark.parametrize("link", ["exactMatchOf", "replacedBy"])
def test_an_entry_mapped_to_version_1_counts_in_version_2_through_the_crosswalk(
    client, practitioner, pcf, link
):
    old = pcf.items.statements().get(code="2.L2.1")
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner), statements=[old])
    v2 = create_draft_version(source=pcf, slug="v2", label="2")
    new = v2.items.statements().get(code="2.L2.1")
    if link == "replacedBy":
        # The editor says the statement was replaced rather than kept as it was.
        Association.objects.filter(version=v2, origin=new, destination=old).delete()
        Association.objects.create(
            version=v2, association_type="replacedBy", origin=old, destination=new
        )
    publish_version(version=v2)
    assert FrameworkVersion.objects.current("pcf") == v2
    coverage = build_coverage(practitioner, level_slug="level-2")
    assert coverage.version == v2
    assert cell(coverage, "2", "L2").count == 1
    # The mapping itself is unchanged.
    assert list(Mapping.objects.filter(entry=entry).values_list("item_id", flat=True)) == [old.pk]
    # Without a crosswalk link it would not count.
    Association.objects.filter(origin__in=[old, new], destination__in=[old, new]).delete()
    assert cell(build_coverage(practitioner, level_slug="level-2"), "2", "L2").count == 0
    client.force_login(practitioner)


def test_coverage_summary_is_plain_data(practitioner, pcf):
    EntryFactory(
        portfolio=PortfolioFactory(owner=practitioner),
        statements=[pcf.items.statements().get(code="1.L2.1")],
    )
    summary = coverage_summary(practitioner)
    assert summary["levels"] == ["Level 1", "Level 2", "Level 3"]
    assert summary["rows"][0] == {"domain": "Domain 1", "counts": [0, 1, 0]}


def grow_portfolio(owner, pcf, n):
    statements = list(pcf.items.statements())
    portfolio = PortfolioFactory(owner=owner)
    entries = Entry.objects.bulk_create(
        Entry(
            portfolio=portfolio,
            title=f"Entry {i}",
            status="complete",
            entry_type="reflection",
            occurred_on=f"2026-0{1 + i % 9}-1{i % 10}",
        )
        for i in range(n)
    )
    Mapping.objects.bulk_create(
        Mapping(entry=e, item=statements[i % len(statements)]) for i, e in enumerate(entries)
    )


def count_queries(client, url):
    # The header's task count and links are built once per person and cached (cms.home): warm
    # it, so the count is this page's own.
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/portfolio/",
        "/portfolio/?domain=domain-1&level=level-2&q=Entry",
        "/portfolio/coverage/",
        "/portfolio/coverage/?level=level-1",
    ],
)
def test_query_counts_are_the_same_for_10_and_1000_entries(
    client, practitioner, pcf, django_user_model, url
):
    grow_portfolio(practitioner, pcf, 10)
    client.force_login(practitioner)
    small = count_queries(client, url)
    from .conftest import person

    big_owner = person(Role.PRACTITIONER)
    grow_portfolio(big_owner, pcf, 1000)
    client.force_login(big_owner)
    big = count_queries(client, url)
    assert small == big
    assert small <= 20
