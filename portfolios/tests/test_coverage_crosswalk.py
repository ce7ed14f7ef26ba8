"""Coverage across frameworks: evidence mapped to a post-qualifying standard counts on the
standard that replaces it in a newly loaded framework, without touching the mapping."""

import pytest

from capabilities.demo import EXAMPLE_VERSION, REPLACED_VERSION, ensure_example_framework
from capabilities.factories import build_standards, crosswalk
from capabilities.models import Association, FrameworkVersion
from capabilities.services import load_shipped_frameworks, publish_version
from portfolios.coverage import standards_coverage
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Mapping

pytestmark = pytest.mark.django_db


def counts(coverage_list, slug):
    framework = next(c for c in coverage_list if c.version.slug == slug)
    return {row.standard.code: (row.count, row.through_crosswalk) for row in framework.standards}


@pytest.fixture
def old_and_new(db):
    old = build_standards(framework_slug="pqs-test", codes=["CFP-1", "CFP-2", "CFP-3"])
    new = build_standards(framework_slug="ecs-test", codes=["ECS-1", "ECS-2"], publish=False)
    return old, new


@pytest.mark.parametrize("link", ["replacedBy", "exactMatchOf"])
def test_an_entry_mapped_to_an_old_standard_counts_on_the_new_framework(
    practitioner, old_and_new, link
):
    old, new = old_and_new
    cfp = {i.code: i for i in old.items.all()}
    ecs = {i.code: i for i in new.items.all()}
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner), statements=[cfp["CFP-1"]])
    crosswalk(new, [(cfp["CFP-1"], link, ecs["ECS-1"]), (cfp["CFP-2"], link, ecs["ECS-1"])])
    # A draft framework is not shown and counts nothing.
    assert [c.version for c in standards_coverage(practitioner)] == [old]
    publish_version(version=new)
    found = standards_coverage(practitioner)
    assert counts(found, "ecs-test-v1") == {"ECS-1": (1, 1), "ECS-2": (0, 0)}
    assert counts(found, "pqs-test-v1")["CFP-1"] == (1, 0)
    ecs_coverage = next(c for c in found if c.version == new)
    assert (ecs_coverage.entries_counted, ecs_coverage.through_crosswalk) == (1, 1)
    assert [i.code for i in ecs_coverage.missing] == ["ECS-2"]
    # The mapping is unchanged; without the link the entry would not count.
    assert list(entry.mappings.values_list("item__code", flat=True)) == ["CFP-1"]
    Association.objects.filter(version=new).delete()
    assert counts(standards_coverage(practitioner), "ecs-test-v1")["ECS-1"] == (0, 0)


def test_an_entry_mapped_to_both_counts_once_and_not_as_crosswalked(practitioner, old_and_new):
    old, new = old_and_new
    cfp = {i.code: i for i in old.items.all()}
    ecs = {i.code: i for i in new.items.all()}
    crosswalk(new, [(cfp["CFP-1"], "replacedBy", ecs["ECS-1"])])
    publish_version(version=new)
    EntryFactory(
        portfolio=PortfolioFactory(owner=practitioner), statements=[cfp["CFP-1"], ecs["ECS-1"]]
    )
    assert counts(standards_coverage(practitioner), "ecs-test-v1")["ECS-1"] == (1, 0)


def test_the_coverage_page_shows_the_new_standards_counting_old_evidence(
    client, practitioner, old_and_new
):
    old, new = old_and_new
    cfp = {i.code: i for i in old.items.all()}
    ecs = {i.code: i for i in new.items.all()}
    crosswalk(new, [(cfp["CFP-3"], "replacedBy", ecs["ECS-2"])])
    publish_version(version=new)
    EntryFactory(portfolio=PortfolioFactory(owner=practitioner), statements=[cfp["CFP-3"]])
    client.force_login(practitioner)
    html = client.get("/portfolio/coverage/").content.decode()
    table = html.split('id="standards-ecs-test-v1"', 1)[1].split("</table>", 1)[0]
    row = table.split("ECS-2", 1)[1].split("</tr>", 1)[0]
    assert [cell.split("<", 1)[0] for cell in row.split('numeric">')[1:]] == ["1", "1"]
    assert "1 of them only through the crosswalk" in html


def test_the_shipped_pqs_evidence_counts_on_the_example_early_career_standards(practitioner):
    load_shipped_frameworks()
    ensure_example_framework()
    pqs = FrameworkVersion.objects.get(slug=REPLACED_VERSION)
    cfp = {i.code: i for i in pqs.items.statements()}
    portfolio = PortfolioFactory(owner=practitioner)
    EntryFactory(portfolio=portfolio, statements=[cfp["CFP-3"]])  # exactMatchOf EX-2
    EntryFactory(portfolio=portfolio, statements=[cfp["CFP-6"], cfp["CFP-7"]])  # both EX-5
    example = counts(standards_coverage(practitioner), EXAMPLE_VERSION)
    assert example["EX-2"] == (1, 1)
    assert example["EX-5"] == (1, 1)
    assert sum(count for count, _ in example.values()) == 2
    assert Mapping.objects.filter(entry__portfolio=portfolio, item__version=pqs).count() == 3


def test_the_picker_says_which_standards_are_replaced_and_by_what(
    client, practitioner, old_and_new
):
    old, new = old_and_new
    cfp = {i.code: i for i in old.items.all()}
    ecs = {i.code: i for i in new.items.all()}
    crosswalk(new, [(cfp["CFP-1"], "replacedBy", ecs["ECS-1"])])
    client.force_login(practitioner)
    before = client.get("/portfolio/evidence/new/")
    assert before.status_code == 200
    assert f'id="st-{cfp["CFP-1"].pk}"' in before.content.decode()
    assert "Replaced by" not in before.content.decode()
    publish_version(version=new)
    page = client.get("/portfolio/evidence/new/").content.decode()
    hint = f'id="st-{cfp["CFP-1"].pk}-replaced"'
    assert f'aria-describedby="st-{cfp["CFP-1"].pk}-replaced"' in page
    assert "Replaced by ECS-1 (Standards ecs-test)" in page.split(hint, 1)[1]
    assert page.count("Replaced by") == 1
    # The new standards are offered too.
    assert f'id="st-{ecs["ECS-1"].pk}"' in page
