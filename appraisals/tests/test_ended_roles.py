"""Access through a role ends with the role: a line manager whose role ended yesterday no longer
opens, changes or downloads the appraisals they ran, nor reads the evidence shared into them.
What they signed stays readable to them, read-only, and listed apart."""

import datetime

import pytest
from django.utils import timezone

from accounts.mfa import requires_mfa
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
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=START,
        started_by=psw,
    )
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
