"""Coverage counts what its page says it counts: complete records, with drafts shown apart."""

import pytest
from django.urls import reverse

from portfolios.coverage import build_coverage
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Entry

pytestmark = pytest.mark.django_db


def test_drafts_are_not_counted_but_shown_apart(client, practitioner, pcf):
    portfolio = PortfolioFactory(owner=practitioner)
    statement = pcf.items.statements().get(code="1.L2.1")
    EntryFactory(portfolio=portfolio, statements=[statement])
    EntryFactory(portfolio=portfolio, statements=[statement], status=Entry.Status.DRAFT)
    EntryFactory(portfolio=portfolio, status=Entry.Status.DRAFT)  # not mapped: not mentioned

    coverage = build_coverage(practitioner, level_slug="level-2")
    row = next(r for r in coverage.rows if r.domain.code == "1")
    assert [c.count for c in row.cells if c.level.code == "L2"] == [1]
    assert coverage.entries_counted == 1

    client.force_login(practitioner)
    page = client.get(reverse("portfolios:coverage") + "?level=level-2").text
    assert "1 record is counted" in page
    assert "Not counted: 1 draft mapped to the framework" in page
    # A cell's link lists the records it counts, not the drafts.
    assert "status=complete" in row.cells[1].url
    listed = client.get(row.cells[1].url).context["page"]
    assert [e.status for e in listed] == [Entry.Status.COMPLETE]
