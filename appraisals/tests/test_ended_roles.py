"""Access through a role ends with the role: a line manager whose role ended yesterday no longer
opens, changes or downloads the appraisals they ran, nor reads the evidence shared into them.
What they signed stays readable to them, read-only, and listed apart."""

import datetime

import pytest
from django.utils import timezone

from accounts.mfa import requires_mfa
from accounts.models import AccessEvent
from appraisals import rules, services
from appraisals.factories import answer_required, team_with_people, two_stage_template
from appraisals.models import Answer
from organisations.factories import MembershipFactory
from organisations.models import Membership, Role
from portfolios.factories import EntryFactory, PortfolioFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
ENDED = "Appraisals you signed in a role that has ended"


def _answer_and_sign_first_stage(appraisal):
    first = appraisal.stages.get(order=1)
    for question in first.template_stage.questions.all():
        for role in question.must_answer():
            person = appraisal.participants()[role]
            services.save_answer(
                stage=first, question=question, user=person, role=role, text=f"{role} says"
            )
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")


@pytest.fixture
def ended(pcf):
    """A manager who ran two appraisals (signed the first stage of one) and whose line manager
    role ended yesterday. Evidence is shared into both."""
    team, practitioner, manager, psw = team_with_people()
    other = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.PRACTITIONER,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    template = two_stage_template(team.organisation)
    signed = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=manager
    )
    unsigned = services.start_cycle(
        template=template, appraisee=other, starts_on=START, started_by=manager
    )
    _answer_and_sign_first_stage(signed)
    entries = {}
    for appraisal in (signed, unsigned):
        entry = EntryFactory(portfolio=PortfolioFactory(owner=appraisal.appraisee))
        services.share_evidence(appraisal=appraisal, user=appraisal.appraisee, entry=entry)
        entries[appraisal.pk] = entry
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=manager, role=Role.LINE_MANAGER).update(ends_on=yesterday)
    return manager, signed, unsigned, entries


def test_the_rules_drop_appraisals_whose_role_has_ended(ended):
    manager, signed, unsigned, _entries = ended
    assert not rules.appraisals_visible_to(manager).exists()
    assert not rules.appraisals_run_by(manager).exists()
    assert list(rules.appraisals_signed_in_ended_role(manager)) == [signed]
    assert list(rules.appraisals_readable_by(manager)) == [signed]


def test_an_ended_line_manager_cannot_write_download_or_read_evidence(client, ended):
    manager, signed, unsigned, entries = ended
    client.force_login(manager)
    for appraisal in (signed, unsigned):
        stage = appraisal.stages.get(status="open")
        question = stage.template_stage.questions.first()
        response = client.post(
            f"/appraisals/{appraisal.uuid}/stages/{stage.order}/",
            {f"answer-{question.pk}-appraiser": "written after the role ended"},
        )
        assert response.status_code == 404
        for action in ("sign", "amend", "dissent"):
            url = f"/appraisals/{appraisal.uuid}/stages/{stage.order}/{action}/"
            assert client.post(url, {"role": "appraiser"}).status_code == 404
        assert client.post(f"/appraisals/{appraisal.uuid}/objectives/").status_code == 404
        assert client.post(f"/appraisals/{appraisal.uuid}/recommendation/").status_code == 404
    assert not Answer.objects.filter(text="written after the role ended").exists()
    assert client.get(f"/appraisals/{unsigned.uuid}/").status_code == 404
    assert client.get(f"/appraisals/{unsigned.uuid}/stages/1/").status_code == 404
    assert client.get(f"/appraisals/{unsigned.uuid}/appraisal.pdf").status_code == 404
    for entry in entries.values():
        assert client.get(f"/portfolio/evidence/{entry.uuid}/").status_code == 404


def test_what_they_signed_stays_readable_read_only_and_listed_apart(client, ended):
    manager, signed, unsigned, _entries = ended
    client.force_login(manager)
    page = client.get("/appraisals/").content.decode()
    assert ENDED in page
    assert str(signed.uuid) in page.split(ENDED, 1)[1]
    assert str(unsigned.uuid) not in page
    detail = client.get(f"/appraisals/{signed.uuid}/")
    assert detail.status_code == 200
    assert "Your role in this appraisal has ended" in detail.content.decode()
    stage = client.get(f"/appraisals/{signed.uuid}/stages/1/")
    assert stage.status_code == 200
    text = stage.content.decode()
    assert "appraiser says" in text
    assert "Your role in this appraisal has ended" in text
    assert "Sign off as" not in text and ">Save<" not in text
    assert 'action="/appraisals/' not in text  # no sign, amend or dissent forms
    open_stage = client.get(f"/appraisals/{signed.uuid}/stages/2/").content.decode()
    assert ">Save<" not in open_stage and "Sign off as" not in open_stage
    pdf = client.get(f"/appraisals/{signed.uuid}/appraisal.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_a_current_line_manager_still_runs_them(client, pcf):
    team, practitioner, manager, psw = team_with_people()
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
    )
    client.force_login(manager)
    assert client.get(f"/appraisals/{appraisal.uuid}/").status_code == 200
    page = client.get("/appraisals/").content.decode()
    assert ENDED not in page and str(appraisal.uuid) in page
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    services.share_evidence(appraisal=appraisal, user=practitioner, entry=entry)
    assert client.get(f"/portfolio/evidence/{entry.uuid}/").status_code == 200


def test_a_former_participant_who_signed_still_needs_mfa(ended):
    manager, *_rest = ended
    assert requires_mfa(manager)


def test_someone_whose_role_ended_hears_nothing_more_about_it(
    pcf, mailoutbox, django_capture_on_commit_callbacks
):
    team, practitioner, manager, psw = team_with_people()
    # The PSW countersigns (the appraiser's own manager: there is no team above).
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation, requires_countersignature=True),
        appraisee=practitioner,
        starts_on=START,
        started_by=psw,
    )
    assert appraisal.countersigner == psw
    first = appraisal.stages.get(order=1)
    answer_required(first, text="answered")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=manager).update(ends_on=yesterday)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.sign_off(stage=first, user=practitioner, role="appraisee")
    recipients = {address for message in mailoutbox for address in message.to}
    assert manager.email not in recipients
    assert psw.email in recipients


# --- What they signed, and nothing more -----------------------------------------------------------

LATER = "Written by the appraisee after the manager left"
LATER_OBJECTIVE = "An objective agreed after the manager left"
AMENDED = "Changed after the manager left"


@pytest.fixture
def written_since(ended):
    """After the manager's role ended the appraisee answers stage 2 (linking the evidence to a
    domain), adds an objective and amends their stage 1 answer."""
    manager, signed, unsigned, entries = ended
    practitioner = signed.appraisee
    review = signed.stages.get(order=2)
    for question in review.template_stage.questions.all():
        services.save_answer(
            stage=review, question=question, user=practitioner, role="appraisee", text=LATER
        )
    services.assess_domain(
        stage=review,
        user=practitioner,
        role="appraisee",
        domain=services.domains_for(signed)[0],
        rating=1,
        comment=LATER,
        evidence=[entries[signed.pk]],
    )
    services.add_objective(appraisal=signed, user=practitioner, text=LATER_OBJECTIVE)
    first = signed.stages.get(order=1)
    services.amend(
        stage=first,
        user=practitioner,
        role="appraisee",
        question=first.template_stage.questions.first(),
        text=AMENDED,
        reason="Second thoughts",
    )
    return manager, signed, entries[signed.pk]


def _uncompressed_pdfs(monkeypatch):
    """The PDF view, drawing in a core font without compression so its text can be searched."""
    from appraisals import pdf as appraisal_pdf
    from appraisals import pdf_views
    from portfolios import pdf as portfolio_pdf

    monkeypatch.setattr(portfolio_pdf, "find_unicode_font", lambda: None)
    monkeypatch.setattr(
        pdf_views,
        "render_appraisal_pdf",
        lambda data: appraisal_pdf.render_appraisal_pdf(data, compress=False),
    )


def _in_pdf(text: str) -> bytes:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def test_the_rules_know_which_stages_they_signed_and_when_the_role_ended(written_since):
    manager, signed, _entry = written_since
    assert list(rules.stages_signed_by(manager, signed)) == [signed.stages.get(order=1)]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert rules.role_ended_on(manager, signed) == yesterday


def test_a_stage_they_did_not_sign_is_not_found_and_its_read_not_logged(client, written_since):
    manager, signed, _entry = written_since
    client.force_login(manager)
    reads = AccessEvent.objects.filter(actor=manager, action=AccessEvent.Action.READ)
    before = reads.count()
    response = client.get(f"/appraisals/{signed.uuid}/stages/2/")
    assert response.status_code == 404
    assert LATER not in response.content.decode()
    assert reads.count() == before
    # Still no writes, to the stage they signed or the one they did not.
    for number in (1, 2):
        stage = signed.stages.get(order=number)
        question = stage.template_stage.questions.first()
        url = f"/appraisals/{signed.uuid}/stages/{number}/"
        assert client.post(url, {f"answer-{question.pk}-appraiser": "x"}).status_code == 404
        for action in ("sign", "amend", "dissent"):
            assert client.post(f"{url}{action}/", {"role": "appraiser"}).status_code == 404
    assert not Answer.objects.filter(text="x").exists()


def test_the_stage_they_signed_reads_as_they_signed_it_and_the_read_is_logged(
    client, written_since
):
    manager, signed, _entry = written_since
    client.force_login(manager)
    reads = AccessEvent.objects.filter(actor=manager, action=AccessEvent.Action.READ)
    before = reads.count()
    response = client.get(f"/appraisals/{signed.uuid}/stages/1/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "appraiser says" in text and "appraisee says" in text
    assert AMENDED not in text and "Second thoughts" not in text
    assert f"/appraisals/{signed.uuid}/stages/2/" not in text
    assert reads.count() == before + 1


def test_the_overview_shows_only_the_stages_they_signed(client, written_since):
    manager, signed, entry = written_since
    client.force_login(manager)
    response = client.get(f"/appraisals/{signed.uuid}/")
    assert response.status_code == 200
    text = response.content.decode()
    ended_on = timezone.localdate() - datetime.timedelta(days=1)
    assert (
        "You can read the stages you signed; the rest of this appraisal is no longer shared "
        f"with you because your role ended on {ended_on:%-d %B %Y}"
    ) in text
    assert f"/appraisals/{signed.uuid}/stages/1/" in text
    assert f"/appraisals/{signed.uuid}/stages/2/" not in text
    for later in (LATER, LATER_OBJECTIVE, AMENDED, entry.title):
        assert later not in text, later
    # Still listed apart, linking to it.
    listing = client.get("/appraisals/").content.decode().split(ENDED, 1)[1]
    assert f"/appraisals/{signed.uuid}/" in listing
    assert "Not shared with you since your role ended" in listing
    assert "Review, due" not in listing  # where the appraisal has got to since is not theirs


def test_the_pdf_is_of_the_stages_they_signed_only(client, written_since, monkeypatch):
    manager, signed, entry = written_since
    _uncompressed_pdfs(monkeypatch)
    client.force_login(manager)
    response = client.get(f"/appraisals/{signed.uuid}/appraisal.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "stages-you-signed" in response["Content-Disposition"]
    body = response.content
    assert _in_pdf("Stages you signed") in body
    assert _in_pdf("Stage 1: Planning: Signed") in body
    assert _in_pdf("appraiser says") in body and _in_pdf("appraisee says") in body
    assert _in_pdf("Stage 2: Review") not in body
    for later in (LATER, LATER_OBJECTIVE, AMENDED, entry.title, "Objectives"):
        assert _in_pdf(later) not in body, later
    assert AccessEvent.objects.filter(actor=manager, action=AccessEvent.Action.EXPORT).exists()


def test_whoever_still_takes_part_gets_the_whole_pdf(client, written_since, monkeypatch):
    _manager, signed, entry = written_since
    _uncompressed_pdfs(monkeypatch)
    client.force_login(signed.appraisee)
    body = client.get(f"/appraisals/{signed.uuid}/appraisal.pdf").content
    assert _in_pdf("Stages you signed") not in body
    for text in (LATER, LATER_OBJECTIVE, AMENDED, entry.title):
        assert _in_pdf(text) in body, text


def test_an_asye_recommendation_slots_and_panel_they_did_not_record_are_not_shared(
    client, pcf, monkeypatch
):
    from appraisals.factories import (
        AppraisalTemplateFactory,
        TemplateQuestionFactory,
        TemplateStageFactory,
    )
    from appraisals.models import Access, SharedEvidence

    team, practitioner, manager, psw = team_with_people(asye=True)
    educator = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.PRACTICE_EDUCATOR,
        mfa=True,
        starts_on=START,
    ).user
    template = AppraisalTemplateFactory(organisation=team.organisation, kind="asye")
    final_stage = TemplateStageFactory(
        template=template, order=1, name="Final review", is_final_review=True
    )
    TemplateQuestionFactory(stage=final_stage, text="Assessor's summary?", assessor=Access.MUST)
    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=psw
    )
    services.share_evidence(
        appraisal=appraisal,
        user=practitioner,
        entry=EntryFactory(portfolio=PortfolioFactory(owner=practitioner), title="Home visit"),
        slot=SharedEvidence.Slot.OBSERVATION,
    )
    final = appraisal.stages.get()
    answer_required(final, text="answered")
    services.record_recommendation(appraisal=appraisal, user=educator, recommendation="pass")
    for role in appraisal.signers():
        services.sign_off(stage=final, user=appraisal.participants()[role], role=role)
    appraisal.refresh_from_db()
    services.confirm_by_panel(appraisal=appraisal, user=psw, decision="pass")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=manager, role=Role.LINE_MANAGER).update(ends_on=yesterday)

    _uncompressed_pdfs(monkeypatch)
    client.force_login(manager)
    page = client.get(f"/appraisals/{appraisal.uuid}/").content.decode()
    assert f"/appraisals/{appraisal.uuid}/stages/1/" in page
    assert "Home visit" not in page and "The assessor recommends" not in page
    assert "The moderation panel decided" not in page
    body = client.get(f"/appraisals/{appraisal.uuid}/appraisal.pdf").content
    assert _in_pdf("Stage 1: Final review: Signed") in body
    for text in ("Home visit", "Evidence slots", "Moderation panel decision", "Pass"):
        assert _in_pdf(text) not in body, text
