"""The demo placements: agreed by both sides, with days logged and confirmed, and a student
whose practice learning progress shows confirmed and unconfirmed days."""

import pytest
from django.utils import timezone
from django.utils.html import escape

from accounts.demo import DEMO_DOMAIN, ensure_demo_people
from accounts.models import User
from placements import services
from placements.demo import ensure_demo_placements
from placements.demo_data import DAYS_CONFIRMED, DAYS_LOGGED
from placements.models import ActionItem, PartnershipReview, Placement
from placements.partnership_demo import LAST_YEAR, LAST_YEAR_ACTIONS, PARTNERSHIP_SLUG

pytestmark = pytest.mark.django_db


def person(local):
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


@pytest.fixture
def demo(db):
    ensure_demo_people()
    ensure_demo_placements()


def test_every_placement_past_proposal_was_agreed_by_two_people(demo):
    placements = Placement.objects.exclude(status=Placement.Status.PROPOSED)
    assert placements.exists()
    for placement in placements:
        assert placement.provider_agreed_at and placement.hei_agreed_at, placement
        assert placement.provider_agreed_by_id != placement.hei_agreed_by_id, placement
        assert placement.proposed_by_id in (
            placement.provider_agreed_by_id,
            placement.hei_agreed_by_id,
        )
        assert placement.setting_type


def test_completed_placements_have_their_days_confirmed(demo):
    for placement in Placement.objects.filter(status=Placement.Status.COMPLETED):
        assert services.days_confirmed(placement) >= services.days_needed(placement), placement


def test_sol_shows_confirmed_and_unconfirmed_days_and_programme_status(client, demo):
    sol = person("sol.student")
    placement = Placement.objects.get(student=sol)
    assert placement.days_log.count() == DAYS_LOGGED
    assert placement.days_log.filter(confirmed_at__isnull=False).count() == DAYS_CONFIRMED
    client.force_login(sol)
    page = client.get(placement.get_absolute_url()).content.decode()
    assert "more logged and waiting to be confirmed" in page
    progress = client.get(f"/placements/progress/{sol.uuid}/")
    assert progress.status_code == 200
    html = progress.content.decode()
    assert "Days of practice learning" in html and "Contrasting settings" in html
    assert "Not met yet" in html


def test_the_demo_runs_again_without_change(demo):
    before = Placement.objects.count(), ActionItem.objects.count()
    ensure_demo_placements()
    assert (Placement.objects.count(), ActionItem.objects.count()) == before


def test_last_years_partnership_review_is_complete_with_every_side_and_its_actions(client, demo):
    year = timezone.localdate().year - 1
    review = PartnershipReview.objects.get(partnership__slug=PARTNERSHIP_SLUG, year=year)
    sides = list(review.sides.select_related("organisation"))
    assert len(sides) == len(LAST_YEAR) == 3
    assert all(side.submitted_at and side.submitted_by for side in sides)
    assert review.actions.count() == len(LAST_YEAR_ACTIONS)
    # This year's is under way: Brightpath's side only.
    this_year = PartnershipReview.objects.get(partnership__slug=PARTNERSHIP_SLUG, year=year + 1)
    submitted = this_year.sides.filter(submitted_at__isnull=False)
    assert [s.organisation.slug for s in submitted] == ["brightpath"]
    # A reader in the partnership sees every side's ratings and the agreed actions.
    client.force_login(person("lee.placements"))
    page = client.get(f"/placements/partnerships/{PARTNERSHIP_SLUG}/review/{year}/")
    assert page.status_code == 200
    html = page.content.decode()
    for _, ratings in LAST_YEAR.values():
        assert html.count(escape(ratings["academics"][1])) == 1
    for text, _, _ in LAST_YEAR_ACTIONS:
        assert escape(text) in html


def test_sol_has_checks_a_signed_learning_agreement_and_a_midpoint_concern_with_a_plan(client, db):
    from placements.concerns import concerns_visible_to
    from placements.models import Concern
    from placements.tests.test_learning_agreement import pcf_with_placement_levels

    pcf_with_placement_levels()
    ensure_demo_people()
    ensure_demo_placements()
    sol = Placement.objects.get(student=person("sol.student"), status=Placement.Status.IN_PROGRESS)
    assert sorted(sol.checks.values_list("kind", flat=True)) == sorted(
        sol.cohort.programme.required_checks()
    )
    assert len(sol.cohort.programme.required_checks()) == 4
    assert sol.learning_agreement.is_locked
    assert sol.learning_agreement.statements.exists()
    review = sol.midpoint
    assert len(review.judgements) == 3 and review.level.slug == "first-placement"
    cause = Concern.objects.get(placement=sol, about_placement=False)
    assert cause.actions.count() == 2 and cause.resolved_at is None
    hidden = Concern.objects.get(placement=sol, about_placement=True)
    assert not concerns_visible_to(sol.practice_educator, sol).filter(pk=hidden.pk).exists()
    assert concerns_visible_to(sol.hei_tutor, sol).filter(pk=hidden.pk).exists()
    # Every placement that started had the programme's checks confirmed first.
    for placement in Placement.objects.exclude(
        status__in=[Placement.Status.PROPOSED, Placement.Status.AGREED]
    ):
        assert placement.checks.count() == 4, placement
    # The tutor sees the concerns among their tasks, and the pages open for them.
    from placements.tasks import tasks_for

    whats = [task.what for task in tasks_for(sol.hei_tutor)]
    assert any(w.startswith("Cause for concern raised by the practice educator") for w in whats)
    client.force_login(sol.hei_tutor)
    for page in ("checks", "learning-agreement", "midpoint", "concerns"):
        assert client.get(f"/placements/{sol.uuid}/{page}/").status_code == 200


def test_a_final_report_by_domain_a_panel_decision_then_the_heis(client, db):
    from placements.assessment_models import PanelCase
    from placements.tests.test_learning_agreement import pcf_with_placement_levels

    pcf_with_placement_levels()
    ensure_demo_people()
    ensure_demo_placements()
    dev = Placement.objects.get(student=person("dev.student"))
    assert len(dev.final_judgements.judgements) == 3
    case = dev.panel_cases.get()
    assert case.reason == PanelCase.Reason.CONCERN and case.outcome == PanelCase.Outcome.AGREE
    assert dev.hei_decision == "pass"
    assert dev.concerns.get().actions.filter(done_at__isnull=False).exists()
    # Southvale's panel has still to decide on Kai's report, so the HEI's decision waits.
    kai = Placement.objects.get(student=person("kai.student"))
    assert kai.panel_cases.get().waiting and kai.hei_decision == ""
    # Every other completed placement has been before a panel and has its HEI decision.
    for placement in Placement.objects.filter(status=Placement.Status.COMPLETED).exclude(pk=kai.pk):
        assert placement.panel_cases.exists() and placement.hei_decision, placement
    client.force_login(person("una.placements"))
    page = client.get(kai.panel_cases.get().panel.get_absolute_url())
    assert page.status_code == 200 and "Waiting" in page.content.decode()
