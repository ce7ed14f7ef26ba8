"""`manage.py seed_scale` at a tiny size: the rows it makes, their shape, and that the pages the
benchmarks time open for the people it makes. (The benchmarks themselves are in bench/, never
in the test run: tests do not time anything.)"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from wagtail.models import Page

from accounts.mfa import has_mfa
from accounts.models import User
from appraisals.models import Appraisal, DomainAssessment, Stage
from capabilities.models import FrameworkVersion
from cms.models import ContentPage
from cms.scale import BENCH_ACCOUNTS, SCALE_DOMAIN, Sizes
from cms.scale_records import AUDIT_COMMENT, DESCRIPTION, IMPACT, LEARNING, PEER_LEARNING, TITLES
from cms.scale_search import LIBRARY_SLUG
from organisations.models import Membership, Role
from placements.models import Audit, AuditPart, Placement
from portfolios.guard import find_identifiers
from portfolios.models import Entry, Mapping, Share

pytestmark = pytest.mark.django_db

SCALE = 0.002


def test_generated_dataset(client):
    """One generation (it loads the whole framework, so it is slow), checked from each side."""
    out = io.StringIO()
    call_command(
        "seed_scale",
        scale=SCALE,
        quiet=True,
        search_pages=12,
        framework_versions=5,
        stdout=out,
    )
    # The planner's statistics are gathered for the bulk-inserted rows (autovacuum may be off).
    assert "Statistics gathered (ANALYZE)." in out.getvalue()
    sizes = Sizes.at(SCALE)
    check_counts(sizes)
    check_shapes()
    check_pages(client)
    check_search_content(client)
    with pytest.raises(CommandError, match="already holds the generated dataset"):
        call_command("seed_scale", scale=SCALE, quiet=True)


def check_counts(sizes):
    practitioners = Membership.objects.filter(role=Role.PRACTITIONER)
    assert practitioners.count() == sizes.practitioners == 4
    assert Entry.objects.count() == sizes.heavy_entries + sizes.entries_each * (
        sizes.practitioners - 1
    )
    assert Mapping.objects.count() == 3 * Entry.objects.count()
    assert Appraisal.objects.count() == sizes.completed_appraisals + sizes.current_appraisals
    completed = Appraisal.objects.filter(status=Appraisal.Status.COMPLETED)
    assert completed.count() == sizes.completed_appraisals
    # Every domain of the PCF judged at the stage that assesses them, and that stage signed.
    judged = DomainAssessment.objects.filter(
        judgement_rating__isnull=False, stage__status=Stage.Status.SIGNED
    )
    assert judged.count() == 9 * sizes.completed_appraisals
    assert Placement.objects.count() == sizes.placements == 10
    assert Audit.objects.count() == sizes.audits == 8
    assert Placement.objects.filter(status=Placement.Status.COMPLETED).count() == sizes.audits
    assert AuditPart.objects.filter(submitted_at__isnull=False).count() == 4 * sizes.audits


def check_shapes():
    # The owner shares the whole portfolio with their line manager.
    share = Share.objects.select_related("portfolio__owner", "reader").first()
    manager = Membership.objects.get(user=share.reader, role=Role.LINE_MANAGER)
    mine = Membership.objects.get(user=share.portfolio.owner, role=Role.PRACTITIONER)
    assert manager.team_id == mine.team_id
    # Everyone who reads other people's records has a second factor; practitioners need none.
    for membership in Membership.objects.select_related("user"):
        reads_others = membership.role not in (Role.PRACTITIONER, Role.STUDENT)
        assert has_mfa(membership.user) == reads_others, membership
    # Each signed stage carries a sign-off from every signer, and a completed appraisal has
    # every stage signed.
    for appraisal in Appraisal.objects.filter(status=Appraisal.Status.COMPLETED):
        for stage in appraisal.stages.all():
            assert stage.status == Stage.Status.SIGNED
            assert {s.role for s in stage.sign_offs.all()} == set(appraisal.signers())
    # A placement both sides agreed: the HEI's lead proposed, the provider's lead agreed.
    placement = Placement.objects.filter(status=Placement.Status.COMPLETED).first()
    provider = placement.provider_team.organisation
    assert Membership.objects.filter(
        user=placement.provider_agreed_by, organisation=provider, role=Role.PLACEMENT_LEAD
    ).exists()
    assert all(u.email.endswith(f"@{SCALE_DOMAIN}") for u in User.objects.all())


def test_generated_text_names_nobody():
    for text in [*TITLES, DESCRIPTION, LEARNING, IMPACT, PEER_LEARNING, AUDIT_COMMENT]:
        assert not find_identifiers(text), text


PAGES = {
    "practitioner": ["/portfolio/", "/portfolio/?q=supervision", "/portfolio/cpd/2026/"],
    "psw": ["/appraisals/", "/appraisals/organisation/"],
    "placement-lead": ["/placements/", "/placements/registers/?register=placements"],
}


def check_pages(client):
    for account, urls in PAGES.items():
        client.force_login(User.objects.get(email=BENCH_ACCOUNTS[account]))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (account, url)
    # The heavy portfolio's CPD year lists its records.
    client.force_login(User.objects.get(email=BENCH_ACCOUNTS["practitioner"]))
    assert TITLES[0] in client.get("/portfolio/cpd/2026/").content.decode()


@override_settings(CAPABLE_ALLOW_DEMO_DATA=False)
def test_refuses_in_production_settings():
    with pytest.raises(CommandError, match="never runs with production settings"):
        call_command("seed_scale", scale=SCALE, quiet=True)
    assert not User.objects.exists()


def check_search_content(client):
    """Pages and versions for public search, and a top-up that adds only what is missing."""
    library = ContentPage.objects.get(slug=LIBRARY_SLUG)
    leaves = ContentPage.objects.descendant_of(library).filter(depth=library.depth + 2)
    assert leaves.live().count() == 12
    assert FrameworkVersion.objects.published().count() == 5
    generated = FrameworkVersion.objects.get(slug="gen-2019-1")
    assert generated.predecessor.slug == "2018"
    assert FrameworkVersion.objects.current("pcf").slug == "gen-2019-1"
    page = leaves.first()
    assert client.get(page.url).status_code == 200
    # The tree stays consistent for treebeard (numchild and paths as add_child leaves them).
    assert all(not problem for problem in Page.find_problems())
    call_command(
        "seed_scale",
        search_only=True,
        search_pages=15,
        framework_versions=5,
        quiet=True,
        stdout=io.StringIO(),
    )
    assert leaves.count() == 15
    assert FrameworkVersion.objects.published().count() == 5
    found = Page.objects.live().search(page.title.split()[0])
    assert page.pk in [p.pk for p in found]
