"""Completion and assessment: the final report's judgement and evidence per domain at the
placement's level, the practice assessment panel (its sample, its decision, referring a report
back) before the HEI's decision, and marking a concern's action done."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.factories import MembershipFactory
from organisations.models import Role
from placements import concerns, final_report, midpoint, panel, services
from placements.assessment_models import FinalReportJudgements, PanelCase
from placements.factories import PlacementFactory, ProgrammeFactory, put_before_panel
from placements.models import Concern, Placement
from placements.tests.test_learning_agreement import pcf_with_placement_levels
from placements.tests.test_placements import (
    DAY,
    START,
    confirm_all_days,
    in_progress,
    refused,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MET, NOT_MET = 1, FinalReportJudgements.NOT_MET


@pytest.fixture
def placement(world):
    """In progress, with the learning agreement and the midpoint review, and a PCF of three
    domains whose first level is the first placement's."""
    pcf_with_placement_levels()
    placement = in_progress(world, onsite_supervisor=world["onsite"])
    services.record_learning_agreement(placement=placement, by=world["tutor"], on=START + DAY)
    services.record_midpoint(placement=placement, by=world["pe"], on=START + 40 * DAY)
    return placement


def every_domain(rating=MET, evidence="Seen in two direct observations"):
    return dict.fromkeys(midpoint.pcf_domains(), (rating, evidence))


def write(placement, world, *, by="pe", recommendation="pass", judgements=None, text="Ready."):
    return final_report.record_final_report(
        placement=placement,
        by=world[by],
        text=text,
        recommendation=recommendation,
        judgements=every_domain() if judgements is None else judgements,
    )


def completed(placement, world, **report) -> Placement:
    write(placement, world, **report)
    confirm_all_days(placement, world)
    services.complete(placement=placement, by=world["tutor"])
    placement.refresh_from_db()
    return placement


# ---------------------------------------------------------------------------------------------
# The final report


def test_each_domain_needs_a_judgement_and_its_evidence_each_refused_on_its_field(placement, world):
    domains = midpoint.pcf_domains()
    judgements = every_domain()
    judgements[domains[0]] = (None, "Seen on visits")
    judgements[domains[1]] = (MET, "  ")
    with pytest.raises(ValidationError) as error:
        write(placement, world, judgements=judgements, text=" ", recommendation="")
    errors = refused(error)
    assert errors == {
        final_report.judgement_field(domains[0]): [f"Give a judgement for {domains[0].title}"],
        final_report.evidence_field(domains[1]): [f"Give the evidence for {domains[1].title}"],
        "text": ["Write the overall summary of the final report"],
        "recommendation": ["Choose pass, fail or refer"],
    }
    placement.refresh_from_db()
    assert placement.recommendation == "" and not FinalReportJudgements.objects.exists()
    write(placement, world)
    record = FinalReportJudgements.objects.get(placement=placement)
    assert record.level.slug == "first-placement"
    assert len(record.judgements) == len(domains) == 3
    assert [row["rating"] for row in final_report.judgement_rows(placement)] == [
        FinalReportJudgements.SCALE[MET]
    ] * 3


def test_a_pass_needs_every_domain_met_and_a_fail_names_one_not_met(placement, world):
    domains = midpoint.pcf_domains()
    one_not_met = {**every_domain(), domains[2]: (NOT_MET, "Not yet seen in practice")}
    with pytest.raises(ValidationError) as error:
        write(placement, world, judgements=one_not_met, recommendation="pass")
    assert refused(error)["recommendation"] == [
        f"A pass needs every domain met at the level; not met: {domains[2].title}"
    ]
    with pytest.raises(ValidationError) as error:
        write(placement, world, recommendation="fail")
    assert "recommendation" in refused(error)
    write(placement, world, judgements=one_not_met, recommendation="fail")
    write(placement, world, judgements=one_not_met, recommendation="refer")
    placement.refresh_from_db()
    assert placement.recommendation == "refer"


def test_only_the_practice_educator_writes_it_and_not_once_the_placement_is_over(placement, world):
    for who in ("student", "tutor", "onsite", "provider_lead", "hei_lead"):
        with pytest.raises(PermissionDenied):
            write(placement, world, by=who)
    completed(placement, world)
    with pytest.raises(ValidationError):
        write(placement, world, text="A second thought")
    assert not final_report.may_write(world["pe"], placement)


def test_the_final_report_page(client, placement, world):
    url = f"/placements/{placement.uuid}/final-report/"
    domains = midpoint.pcf_domains()
    client.force_login(world["pe"])
    response = client.post(url, {"text": "Ready for the final placement."})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Give a judgement for {domains[0].title}" in page
    assert "Ready for the final placement." in page  # nothing typed is lost
    data = {"text": "Ready for the final placement.", "recommendation": "pass"}
    for domain in domains:
        data[f"judgement_{domain.pk}"] = "2"
        data[f"evidence_{domain.pk}"] = f"Evidence on {domain.title}"
    assert client.post(url, data).status_code == 302
    client.force_login(world["student"])
    page = client.get(url).content.decode()
    assert FinalReportJudgements.SCALE[2] in page and f"Evidence on {domains[1].title}" in page
    assert "Save the final report" not in page
    detail = client.get(placement.get_absolute_url()).content.decode()
    assert url in detail


# ---------------------------------------------------------------------------------------------
# The panel's sample


def finished(world, recommendation, *, ends_on=TODAY, **extra) -> Placement:
    """Another student's placement of the programme, completed with a recommendation."""
    student = MembershipFactory(organisation=world["hei"], role=Role.STUDENT).user
    extra = {"status": Placement.Status.COMPLETED, **extra}
    return PlacementFactory(
        cohort=world["cohort"],
        student=student,
        provider_team=world["team"],
        practice_educator=world["pe"],
        hei_tutor=world["tutor"],
        recommendation=recommendation,
        starts_on=ends_on - timedelta(days=140),
        ends_on=ends_on,
        **extra,
    )


def test_the_sample_is_every_fail_and_refer_every_concern_and_a_share_of_passes(world):
    assert world["programme"].panel_sample_percent == 25
    fail, refer = finished(world, "fail"), finished(world, "refer")
    worried = finished(world, "pass")
    Concern.objects.create(placement=worried, party="educator", text="Late notes")
    passes = [finished(world, "pass") for _ in range(5)]
    drawn = dict(panel.draw_sample([fail, refer, worried, *passes], 25))
    assert drawn[fail] == drawn[refer] == PanelCase.Reason.NOT_PASS
    assert drawn[worried] == PanelCase.Reason.CONCERN
    reasons = [drawn[p] for p in passes]
    # 25 per cent of five, rounded up: two, the first by the placement's random identifier.
    assert reasons.count(PanelCase.Reason.SAMPLED) == 2
    first_two = sorted(passes, key=lambda p: str(p.uuid))[:2]
    assert {drawn[p] for p in first_two} == {PanelCase.Reason.SAMPLED}
    # The same placements drawn again give the same sample; with no share, no pass is read.
    assert dict(panel.draw_sample(list(reversed(passes)), 25)) == {p: drawn[p] for p in passes}
    assert set(dict(panel.draw_sample(passes, 0)).values()) == {PanelCase.Reason.NOT_SAMPLED}


def test_a_panel_considers_the_programmes_placements_ended_in_its_period(world):
    inside = finished(world, "pass")
    early = finished(world, "pass", ends_on=TODAY - 60 * DAY)
    decided = finished(world, "pass", hei_decision="pass")
    unreported = finished(world, "")
    other = ProgrammeFactory(hei=world["hei"])
    elsewhere = PlacementFactory(
        cohort__programme=other, status="completed", recommendation="fail", ends_on=TODAY
    )
    made = panel.convene_panel(
        programme=world["programme"],
        by=world["hei_lead"],
        held_on=TODAY + DAY,
        period_from=TODAY - 30 * DAY,
        period_to=TODAY,
        members=[world["hei_lead"], world["tutor"]],
    )
    assert set(made.cases.values_list("placement", flat=True)) == {inside.pk}
    assert made.sample_percent == 25
    assert {early, decided, unreported, elsewhere}.isdisjoint(
        {c.placement for c in made.cases.all()}
    )
    # A placement goes before one panel only.
    with pytest.raises(ValidationError) as error:
        put_before_panel(inside, world)
    assert "period_to" in refused(error)


def test_setting_up_a_panel_refuses_each_field(world):
    finished(world, "pass")
    arguments = {
        "programme": world["programme"],
        "held_on": None,
        "period_from": TODAY,
        "period_to": TODAY - DAY,
        "members": [world["hei_lead"]],
    }
    with pytest.raises(ValidationError) as error:
        panel.convene_panel(by=world["hei_lead"], **arguments)
    assert refused(error) == {
        "held_on": ["Enter the date the panel meets"],
        "period_to": ["The last date of the period is on or after its first date"],
        "members": ["Choose at least two members of the panel"],
    }
    outsider = MembershipFactory(role=Role.HEI_TUTOR, mfa=True).user
    other_cohort = PlacementFactory().cohort
    with pytest.raises(ValidationError) as error:
        panel.convene_panel(
            by=world["hei_lead"],
            programme=world["programme"],
            held_on=TODAY,
            period_from=TODAY,
            period_to=TODAY,
            members=[world["hei_lead"], outsider],
            cohort=other_cohort,
        )
    assert set(refused(error)) == {"members", "cohort"}
    for who in ("tutor", "provider_lead", "pe"):
        with pytest.raises(PermissionDenied):
            panel.convene_panel(by=world[who], **arguments)


# ---------------------------------------------------------------------------------------------
# The panel's decision and the HEI's


@pytest.fixture
def case(placement, world):
    """The placement, completed with a pass, before a panel that samples it."""
    completed(placement, world)
    return put_before_panel(placement, world, decide=False)


def test_the_hei_decides_only_after_the_panel_has_decided_on_a_sampled_placement(case, world):
    placement = case.placement
    assert case.sampled and case.reason == PanelCase.Reason.SAMPLED  # one pass, rounded up
    with pytest.raises(ValidationError) as error:
        services.record_hei_decision(placement=placement, by=world["tutor"], decision="pass")
    assert "has this placement in its sample" in refused(error)["decision"][0]
    assert services.next_step(placement) == "Practice assessment panel's decision"
    panel.record_panel_decision(case=case, by=world["hei_lead"], outcome="agree")
    assert services.next_step(placement) == "HEI decision"
    case.refresh_from_db()
    assert case.panel_outcome == "pass" and case.decided_by == world["hei_lead"]
    with pytest.raises(ValidationError):
        panel.record_panel_decision(case=case, by=world["hei_lead"], outcome="agree")
    services.record_hei_decision(placement=placement, by=world["tutor"], decision="pass")


def test_no_hei_decision_before_a_panel_but_none_needed_without_a_recommendation(world):
    reported = finished(world, "pass")
    with pytest.raises(ValidationError) as error:
        services.record_hei_decision(placement=reported, by=world["tutor"], decision="pass")
    assert "puts it before a panel" in refused(error)["decision"][0]
    assert services.next_step(reported) == "Practice assessment panel"
    ended = finished(world, "", status=Placement.Status.ENDED_EARLY)
    services.record_hei_decision(placement=ended, by=world["tutor"], decision="fail")


def test_a_placement_not_in_the_sample_goes_forward_to_the_hei(world):
    world["programme"].panel_sample_percent = 0
    world["programme"].save()
    placement = finished(world, "pass")
    case = put_before_panel(placement, world)
    assert not case.sampled and case.reason == PanelCase.Reason.NOT_SAMPLED
    with pytest.raises(ValidationError):
        panel.record_panel_decision(case=case, by=world["hei_lead"], outcome="agree")
    services.record_hei_decision(placement=placement, by=world["tutor"], decision="pass")


def test_the_panels_decision_refuses_each_field(case, world):
    record = panel.record_panel_decision
    for outcome, extra, field in [
        ("maybe", {}, "outcome"),
        ("different", {"panel_outcome": "pass", "comments": "Thin"}, "panel_outcome"),
        ("different", {"panel_outcome": "", "comments": "Thin"}, "panel_outcome"),
        ("different", {"panel_outcome": "refer"}, "comments"),
        ("refer-back", {"comments": " "}, "comments"),
    ]:
        with pytest.raises(ValidationError) as error:
            record(case=case, by=world["hei_lead"], outcome=outcome, **extra)
        assert field in refused(error), (outcome, extra)
    record(
        case=case,
        by=world["hei_lead"],
        outcome="different",
        panel_outcome="refer",
        comments="The evidence on two domains does not show the level.",
    )
    case.refresh_from_db()
    assert case.panel_outcome == "refer" and case.recommendation == "pass"


def test_members_record_the_decision_but_not_on_a_placement_they_tutor(case, world):
    outsider_lead = MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user
    colleague = MembershipFactory(organisation=world["hei"], role=Role.HEI_TUTOR, mfa=True).user
    for who in (world["tutor"], world["pe"], world["student"], outsider_lead, colleague):
        with pytest.raises(PermissionDenied):
            panel.record_panel_decision(case=case, by=who, outcome="agree")
    case.panel.members.add(colleague)
    panel.record_panel_decision(case=case, by=colleague, outcome="agree")


def test_a_report_referred_back_is_rewritten_and_decided_again(case, world):
    placement = case.placement
    panel.record_panel_decision(
        case=case,
        by=world["hei_lead"],
        outcome="refer-back",
        comments="Say what the evidence on each domain shows, not only where it is.",
    )
    with pytest.raises(ValidationError) as error:
        services.record_hei_decision(placement=placement, by=world["tutor"], decision="pass")
    assert "revised report" in refused(error)["decision"][0]
    with pytest.raises(ValidationError) as error:
        panel.record_panel_decision(case=case, by=world["hei_lead"], outcome="agree")
    assert "outcome" in refused(error)
    # The placement is over, but the educator may rewrite the report referred back to them.
    assert final_report.may_write(world["pe"], placement)
    with pytest.raises(PermissionDenied):
        write(placement, world, by="tutor")
    write(placement, world, text="Revised: on each domain, what the evidence shows.")
    assert FinalReportJudgements.objects.get(placement=placement).revision == 2
    assert not final_report.may_write(world["pe"], placement)
    case.refresh_from_db()
    assert case.resubmitted_at is not None
    panel.record_panel_decision(case=case, by=world["hei_lead"], outcome="agree")
    services.record_hei_decision(placement=placement, by=world["tutor"], decision="pass")


# ---------------------------------------------------------------------------------------------
# The panel's pages


def test_the_panel_pages_for_the_hei_lead_and_nobody_outside(
    client, case, world, django_assert_max_num_queries
):
    for _ in range(3):
        put_before_panel(finished(world, "fail", ends_on=TODAY + DAY), world, decide=False)
    decision_form = 'name="step" value="hei_decision"'
    client.force_login(world["tutor"])
    detail = client.get(case.placement.get_absolute_url()).content.decode()
    assert "Waiting for the practice assessment panel" in detail and decision_form not in detail
    client.force_login(world["hei_lead"])
    assert "/placements/panels/" in client.get("/placements/").content.decode()
    with django_assert_max_num_queries(12):
        listing = client.get("/placements/panels/")
    assert listing.status_code == 200 and case.panel.get_absolute_url() in listing.content.decode()
    with django_assert_max_num_queries(14):
        page = client.get(case.panel.get_absolute_url())
    case_url = f"{case.panel.get_absolute_url()}placements/{case.placement.uuid}/"
    assert case_url in page.content.decode()
    before = AccessEvent.objects.filter(owner=world["student"], actor=world["hei_lead"]).count()
    page = client.get(case_url).content.decode()
    assert "Record the panel&#x27;s decision" in page or "Record the panel's decision" in page
    assert "Seen in two direct observations" in page  # the evidence per domain
    assert (
        AccessEvent.objects.filter(owner=world["student"], actor=world["hei_lead"]).count()
        == before + 1
    )
    response = client.post(case_url, {"panel-outcome": "refer-back", "panel-comments": ""})
    assert response.status_code == 400
    assert "Say what the practice educator needs to change" in response.content.decode()
    response = client.post(case_url, {"panel-outcome": "agree", "panel-comments": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "agree"
    # The tutor sits on the panel and reads it, but records nothing on their own student; the
    # HEI's decision is theirs to record now.
    client.force_login(world["tutor"])
    assert decision_form in client.get(case.placement.get_absolute_url()).content.decode()
    assert client.get(case.panel.get_absolute_url()).status_code == 200
    assert "Record the decision" not in client.get(case_url).content.decode()
    for who in ("provider_lead", "pe", "student"):
        client.force_login(world[who])
        assert client.get(case.panel.get_absolute_url()).status_code == 404
        assert client.get(case_url).status_code == 404
        assert client.get("/placements/panels/new/").status_code == 404
    client.force_login(MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user)
    assert client.get(case.panel.get_absolute_url()).status_code == 404


def test_setting_up_a_panel_through_its_page(client, world):
    placement = finished(world, "refer")
    client.force_login(world["hei_lead"])
    assert client.get("/placements/panels/new/").status_code == 200
    day = {"day": TODAY.day, "month": TODAY.month, "year": TODAY.year}
    data = {"programme": world["programme"].pk, "members": [world["hei_lead"].pk]}
    for name in ("period_from", "period_to", "held_on"):
        data.update({f"{name}_{part}": value for part, value in day.items()})
    response = client.post("/placements/panels/new/", data)
    assert response.status_code == 400
    assert "Choose at least two members of the panel" in response.content.decode()
    data["members"] = [world["hei_lead"].pk, world["tutor"].pk]
    response = client.post("/placements/panels/new/", data)
    assert response.status_code == 302
    assert placement.panel_cases.get().reason == PanelCase.Reason.NOT_PASS


# ---------------------------------------------------------------------------------------------
# A concern's action done


def test_a_concerns_action_is_marked_done_by_those_who_may(client, placement, world):
    concern = concerns.raise_concern(placement=placement, by=world["onsite"], text="Late notes")
    action = concerns.add_action(
        concern=concern, by=world["tutor"], text="Write up the same day", due_on=TODAY + DAY
    )
    for who in ("student", "onsite", "provider_lead"):
        with pytest.raises(PermissionDenied):
            concerns.mark_action_done(action=action, by=world[who])
    url = f"/placements/{placement.uuid}/concerns/{concern.uuid}/"
    client.force_login(world["pe"])
    assert "Mark done" in client.get(url).content.decode()
    assert client.post(url, {"what": "done", "action": action.pk}).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None
    with pytest.raises(ValidationError) as error:
        concerns.mark_action_done(action=action, by=world["hei_lead"])
    assert "action" in refused(error)
    second = concerns.add_action(
        concern=concern, by=world["tutor"], text="Weekly check", due_on=TODAY + DAY
    )
    concerns.resolve(concern=concern, by=world["tutor"])
    with pytest.raises(ValidationError):
        concerns.mark_action_done(action=second, by=world["tutor"])
