"""The appraisal PDF: what `appraisal_data` reads, what the PDF shows, and who may download it.

Text assertions force the Helvetica fallback and render uncompressed, as in
portfolios/tests/test_pdf.py: core-font text is written literally into the content stream.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccessEvent
from appraisals import services
from appraisals.factories import (
    AppraisalTemplateFactory,
    TemplateQuestionFactory,
    TemplateStageFactory,
    team_with_people,
    two_stage_template,
)
from appraisals.models import Access, Appraisal, SharedEvidence
from appraisals.pdf import appraisal_data, render_appraisal_pdf
from organisations.factories import MembershipFactory, TeamFactory
from organisations.models import Role
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Portfolio
from tests.pdf_text import literal

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
PLAN = "Learn more about court work"
MANAGER_PLAN = "Shadow a colleague at court"
CORRECTED = "Learn more about parenting assessments"
REASON = "I named the wrong course"
DISSENT = "I do not agree with the summary of my caseload"


def start(people, **template_options) -> Appraisal:
    team, practitioner, manager, psw = people
    template = two_stage_template(team.organisation, **template_options)
    return services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager
    )


def sign_first_stage(appraisal, *, plan=PLAN, manager_plan=MANAGER_PLAN):
    """Both answer the first stage's question and both sign it."""
    stage = appraisal.stages.get(order=1)
    question = stage.template_stage.questions.get(order=1)
    services.save_answer(
        stage=stage, question=question, user=appraisal.appraisee, role="appraisee", text=plan
    )
    services.save_answer(
        stage=stage,
        question=question,
        user=appraisal.appraiser,
        role="appraiser",
        text=manager_plan,
    )
    for role in appraisal.signers():
        services.sign_off(stage=stage, user=appraisal.participants()[role], role=role)
    stage.refresh_from_db()
    return stage


def full_record(appraisal, pcf):
    """A signed first stage with a signed amendment and a dissent note, an objective mapped to a
    statement, and a domain self-assessed with evidence and judged in the open second stage."""
    stage = sign_first_stage(appraisal)
    question = stage.template_stage.questions.get()
    amendment = services.amend(
        stage=stage,
        user=appraisal.appraisee,
        role="appraisee",
        question=question,
        text=CORRECTED,
        reason=REASON,
    )
    for role in appraisal.signers():
        services.sign_amendment(amendment=amendment, user=appraisal.participants()[role], role=role)
    services.record_dissent(stage=stage, user=appraisal.appraisee, text=DISSENT)
    statement = pcf.items.statements().order_by("code").first()
    services.add_objective(
        appraisal=appraisal,
        user=appraisal.appraiser,
        text="Present a case at the legal gateway meeting",
        statements=[statement],
        review_on=datetime.date(2026, 6, 1),
    )
    entry = EntryFactory(
        portfolio=Portfolio.for_user(appraisal.appraisee), title="Court statement feedback"
    )
    services.share_evidence(appraisal=appraisal, user=appraisal.appraisee, entry=entry)
    review = appraisal.stages.get(order=2)
    domain = services.domains_for(appraisal)[0]
    services.assess_domain(
        stage=review,
        user=appraisal.appraisee,
        role="appraisee",
        domain=domain,
        rating=1,
        comment="I write clearer statements now",
        evidence=[entry],
    )
    services.assess_domain(
        stage=review,
        user=appraisal.appraiser,
        role="appraiser",
        domain=domain,
        rating=2,
        comment="Consistently strong",
    )
    return appraisal


@pytest.fixture
def people(db):
    return team_with_people()


@pytest.fixture
def appraisal(people, pcf):
    return full_record(start(people), pcf)


# --- the data -----------------------------------------------------------------------------------


def test_data_holds_the_whole_record(appraisal, people, pcf):
    team, practitioner, manager, psw = people
    data = appraisal_data(appraisal)

    assert data["appraisee"] == str(practitioner) and data["appraiser"] == str(manager)
    assert data["organisation"] == team.organisation.name and data["team"] == team.name
    assert data["starts_on"] == "2026-01-05"
    assert data["rating_scale"] == ["Not yet at level", "At level", "Beyond level"]
    assert data["has_dissent"] is True
    first, second = data["stages"]
    assert (first["name"], first["signed"], first["due_on"]) == ("Planning", True, "2026-01-19")
    assert (second["name"], second["signed"]) == ("Review", False)
    [question] = first["questions"]
    assert {a["role"]: a["text"] for a in question["answers"]} == {
        "appraisee": CORRECTED,  # the answer as amended
        "appraiser": MANAGER_PLAN,
    }
    assert [s["role"] for s in first["sign_offs"]] == ["appraisee", "appraiser"]
    assert first["sign_offs"][0]["name"] == str(practitioner)
    [amendment] = first["amendments"]
    assert (amendment["before"], amendment["after"], amendment["reason"]) == (
        PLAN,
        CORRECTED,
        REASON,
    )
    assert amendment["made_by"] == str(practitioner) and amendment["signed_at"]
    assert [s["role"] for s in amendment["sign_offs"]] == ["appraisee", "appraiser"]
    assert [d["text"] for d in first["dissents"]] == [DISSENT]
    [domain] = second["domains"]
    assert domain["self_rating_label"] == "At level"
    assert domain["judgement_rating_label"] == "Beyond level"
    assert domain["evidence"] == ["Court statement feedback"]
    assert domain["judged_by"] == str(manager)
    [objective] = data["objectives"]
    assert objective["statements"][0]["code"] == pcf.items.statements().order_by("code")[0].code
    assert objective["review_on"] == "2026-06-01"
    assert data["asye"] is None


def test_data_is_read_in_a_fixed_number_of_queries(appraisal):
    with CaptureQueriesContext(connection) as once:
        appraisal_data(appraisal)
    services.record_dissent(
        stage=appraisal.stages.get(order=2), user=appraisal.appraisee, text="More"
    )
    services.add_objective(appraisal=appraisal, user=appraisal.appraiser, text="Another")
    with CaptureQueriesContext(connection) as again:
        appraisal_data(appraisal)
    assert len(again) == len(once) <= 15


# --- the PDF ------------------------------------------------------------------------------------


def test_pdf_shows_the_signed_stage_the_amendment_and_the_dissent(appraisal, core_font):
    output = render_appraisal_pdf(appraisal_data(appraisal), compress=False)

    assert output.startswith(b"%PDF-") and output.rstrip().endswith(b"%%EOF")
    for text in (
        "Stage 1: Planning: Signed",
        "Stage 2: Review: Not signed off",
        "What do you want to learn this year?",
        MANAGER_PLAN,
        CORRECTED,
        PLAN,  # the answer before the amendment
        f"Reason: {REASON}",
        DISSENT,
        "I write clearer statements now",
        "Evidence: Court statement feedback",
        "Self-assessment: At level",
        "Judgement: Beyond level",
        "Present a case at the legal gateway meeting",
        "1 of 2 stages signed off",
    ):
        assert literal(text) in output, text
    # The dissent is announced on the cover, before the first stage's content.
    notice = literal("This record includes a dissent note")
    assert notice in output
    assert output.index(notice) < output.index(literal("Questions and answers"))


def test_pdf_of_a_record_without_dissent_says_nothing_of_one(people, pcf, core_font):
    appraisal = start(people)
    sign_first_stage(appraisal)

    output = render_appraisal_pdf(appraisal_data(appraisal), compress=False)

    assert literal("Stage 1: Planning: Signed") in output
    assert literal("This record includes a dissent note") not in output
    assert literal("Reason:") not in output


def test_pdf_renders_unicode_heavy_text_in_either_font(appraisal):
    data = appraisal_data(appraisal)
    data["stages"][0]["dissents"][0]["text"] = "“Zoë” — Łukasz Nguyễn 😊 中文\u200b\x00"
    assert render_appraisal_pdf(data).startswith(b"%PDF-")
    with pytest.raises(TypeError):
        render_appraisal_pdf(None)


# --- the download -------------------------------------------------------------------------------


def url(appraisal):
    return f"/appraisals/{appraisal.uuid}/appraisal.pdf"


def test_only_people_who_see_the_appraisal_download_it(client, appraisal, people):
    team, practitioner, manager, psw = people
    other_manager = MembershipFactory(
        organisation=team.organisation,
        team=TeamFactory(organisation=team.organisation),
        role=Role.LINE_MANAGER,
        mfa=True,
    ).user
    colleague = MembershipFactory(
        organisation=team.organisation, team=team, role=Role.PRACTITIONER
    ).user
    exports = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT)
    for outsider in (other_manager, colleague):
        client.force_login(outsider)
        assert client.get(url(appraisal)).status_code == 404, outsider
    assert not exports.exists()

    practitioner.first_name, practitioner.last_name = "Ada", "O'Neill"
    practitioner.save()
    for insider in (practitioner, manager, psw):
        client.force_login(insider)
        response = client.get(url(appraisal))
        assert response.status_code == 200, insider
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="appraisal-ada-oneill-2026-01-05.pdf"'
        )
        assert response.content.startswith(b"%PDF")


def test_downloads_by_anyone_but_the_appraisee_are_logged(client, appraisal, people):
    team, practitioner, manager, psw = people
    exports = AccessEvent.objects.filter(action=AccessEvent.Action.EXPORT)
    client.force_login(practitioner)
    client.get(url(appraisal))
    assert not exports.exists()

    for reader in (manager, psw):
        client.force_login(reader)
        client.get(url(appraisal))
    events = exports.order_by("pk")
    assert [(e.actor, e.owner, e.action) for e in events] == [
        (manager, practitioner, AccessEvent.Action.EXPORT),
        (psw, practitioner, AccessEvent.Action.EXPORT),
    ]
    assert all(e.object_id == str(appraisal.pk) for e in events)


def test_signed_out_readers_are_sent_to_sign_in(client, appraisal):
    response = client.get(url(appraisal))
    assert response.status_code == 302
    assert "/appraisal.pdf" in response["Location"]


def test_asye_record_shows_the_evidence_slots_recommendation_and_panel_decision(pcf, core_font):
    team, practitioner, manager, psw = team_with_people(asye=True)
    educator = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.PRACTICE_EDUCATOR,
        mfa=True,
        starts_on=START,
    ).user
    template = AppraisalTemplateFactory(
        organisation=team.organisation, kind="asye", requires_countersignature=True
    )
    stage = TemplateStageFactory(
        template=template, order=1, name="Final review", is_final_review=True
    )
    TemplateQuestionFactory(stage=stage, text="Assessor's summary?", assessor=Access.MUST)
    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=psw
    )
    portfolio = PortfolioFactory(owner=practitioner)
    for title in ("Observed home visit", "Observed core group"):
        services.share_evidence(
            appraisal=appraisal,
            user=practitioner,
            entry=EntryFactory(portfolio=portfolio, title=title),
            slot=SharedEvidence.Slot.OBSERVATION,
        )
    final = appraisal.stages.get()
    question = final.template_stage.questions.get()
    for role, person in appraisal.participants().items():
        if person and role in question.must_answer():
            services.save_answer(
                stage=final, question=question, user=person, role=role, text=f"{role} wrote"
            )
    services.record_recommendation(appraisal=appraisal, user=educator, recommendation="pass")
    for role in appraisal.signers():
        services.sign_off(stage=final, user=appraisal.participants()[role], role=role)
    appraisal.refresh_from_db()
    services.confirm_by_panel(appraisal=appraisal, user=psw, decision="pass")

    data = appraisal_data(appraisal)

    assert data["assessor"] == str(educator)
    slots = {s["slot"]: s for s in data["asye"]["slots"]}
    assert slots["observation"]["filled"] == ["Observed home visit", "Observed core group"]
    assert slots["observation"]["missing"] == 1
    assert slots["family-feedback"]["missing"] == 3
    assert data["asye"]["recommendation_label"] == "Pass"
    assert data["asye"]["recommendation_by"] == str(educator)
    assert data["asye"]["panel_confirmed_by"] == str(psw)
    assert [s["role"] for s in data["stages"][0]["sign_offs"]] == [
        "appraisee",
        "appraiser",
        "countersigner",
    ]
    output = render_appraisal_pdf(data, compress=False)
    for text in (
        "Direct observation of practice: 2 of 3 filled, 1 missing",
        "Observed core group",
        "assessor wrote",
        f"Pass, by {educator}",
        f"Pass, recorded by {psw}",
        "Stage 1: Final review: Signed",
    ):
        assert literal(text) in output, text
