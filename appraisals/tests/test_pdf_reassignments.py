"""The appraisal PDF carries the changes of participant as the appraisal page shows them: who
took whose role, when and on whose decision, with the reason. A former participant's copy (the
stages they signed) holds none of it, as their page shows none: the reason is for the people
taking part now. Text read as in test_pdf.py (core font, uncompressed)."""

import datetime

import pytest
from django.utils import timezone

from appraisals import former, pdf, pdf_views, reassign, services
from appraisals.factories import answer_required, team_with_people, two_stage_template
from appraisals.pdf import appraisal_data, render_appraisal_pdf, signed_stages_data
from organisations.factories import MembershipFactory
from organisations.models import Role
from tests.pdf_text import lines, literal

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
REASON = "Moved to the adoption team; the new manager takes over."


@pytest.fixture
def reassigned(pcf):
    """The first stage signed by the practitioner and their manager; then the PSW reassigns the
    appraiser's role to a newcomer, with a reason."""
    team, practitioner, manager, psw = team_with_people()
    newcomer = MembershipFactory(
        organisation=team.organisation,
        team=team,
        role=Role.LINE_MANAGER,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
    )
    first = appraisal.stages.get(order=1)
    answer_required(first)
    services.sign_off(stage=first, user=practitioner, role="appraisee")
    services.sign_off(stage=first, user=manager, role="appraiser")
    reassign.reassign(appraisal=appraisal, role="appraiser", to=newcomer, reason=REASON, by=psw)
    appraisal.refresh_from_db()
    return appraisal, manager, newcomer, psw


def change_line(newcomer, manager, psw):
    today = timezone.localdate()
    return (
        f"{today.day} {today:%B %Y}: {newcomer} became the appraiser (line manager) in place "
        f"of {manager} (reassigned by {psw})."
    )


def test_the_data_holds_each_change_with_its_reason(reassigned):
    appraisal, manager, newcomer, psw = reassigned
    [change] = appraisal_data(appraisal)["reassignments"]
    assert (change["role"], change["from"], change["to"], change["made_by"]) == (
        "appraiser",
        str(manager),
        str(newcomer),
        str(psw),
    )
    assert change["reason"] == REASON and change["made_at"]


def test_the_pdf_shows_who_replaced_whom_when_by_whom_and_why(reassigned, core_font):
    appraisal, manager, newcomer, psw = reassigned
    output = render_appraisal_pdf(appraisal_data(appraisal), compress=False)
    assert literal("Changes of participant") in output
    assert change_line(newcomer, manager, psw) in lines(output)
    assert literal(f"Reason: {REASON}") in output
    # Before the stages, as on the appraisal page.
    assert output.index(literal("Changes of participant")) < output.index(
        literal("Questions and answers")
    )


def test_a_record_never_reassigned_has_no_such_section(pcf, core_font):
    team, practitioner, manager, psw = team_with_people()
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=START,
        started_by=manager,
    )
    output = render_appraisal_pdf(appraisal_data(appraisal), compress=False)
    assert literal("Changes of participant") not in output


def test_the_former_participants_copy_holds_no_change_and_no_reason(reassigned, core_font):
    appraisal, manager, newcomer, psw = reassigned
    scope = former.scope_for(manager, appraisal)
    data = signed_stages_data(appraisal, user=manager, scope=scope)
    assert data["reassignments"] == []
    output = render_appraisal_pdf(data, compress=False)
    assert literal("Changes of participant") not in output
    assert literal(REASON) not in output


def test_the_downloads_match_what_each_reader_sees(client, reassigned, core_font, monkeypatch):
    appraisal, manager, newcomer, psw = reassigned
    monkeypatch.setattr(
        pdf_views,
        "render_appraisal_pdf",
        lambda data: pdf.render_appraisal_pdf(data, compress=False),
    )
    url = f"/appraisals/{appraisal.uuid}/appraisal.pdf"
    for reader in (appraisal.appraisee, newcomer, psw):
        client.force_login(reader)
        body = client.get(url).content
        assert literal(f"Reason: {REASON}") in body, reader
        assert change_line(newcomer, manager, psw) in lines(body), reader
    client.force_login(manager)
    body = client.get(url).content
    assert body.startswith(b"%PDF-")
    assert literal(REASON) not in body and literal("Changes of participant") not in body
