"""A save that writes several rows leaves all of them or none: interrupted half-way (a later
write fails), nothing is half-written, and the person gets back everything they typed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError

from appraisals import services
from appraisals.factories import answer_required, team_with_people, two_stage_template
from appraisals.models import Answer, DomainAssessment, Objective
from portfolios import services as portfolio_services
from portfolios.models import Entry, Mapping

pytestmark = pytest.mark.django_db


@pytest.fixture
def review_stage(pcf):
    """An appraisal at its second stage, which has a question and assesses domains."""
    team, practitioner, manager, psw = team_with_people()
    appraisal = services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=manager,
        notify=False,
    )
    first = appraisal.stages.get(order=1)
    answer_required(first, text="Answered")
    for role in appraisal.signers():
        services.sign_off(stage=first, user=appraisal.participants()[role], role=role)
    stage = appraisal.stages.get(order=2)
    assert stage.status == "open"
    return appraisal, stage


def stage_post(stage, domains):
    question = stage.template_stage.questions.get()
    data = {f"answer-{question.pk}-appraisee": "The year went well; supervision helped."}
    for number, domain in enumerate(domains[:3]):
        data[f"appraisee-{domain.pk}-rating"] = str(number % 2)
        data[f"appraisee-{domain.pk}-comment"] = f"My comment on {domain.code}"
    return data


def fail_on_second_judgement(monkeypatch, error):
    real = services.assess_domain
    calls = []

    def assess_domain(**kwargs):
        calls.append(kwargs["domain"])
        if len(calls) == 2:
            raise error
        return real(**kwargs)

    monkeypatch.setattr(services, "assess_domain", assess_domain)
    return calls


@pytest.mark.parametrize(
    ("error", "status"),
    [(OperationalError("database is locked"), 503), (ValidationError("Refused"), 400)],
)
def test_an_interrupted_stage_save_writes_nothing_and_keeps_what_was_typed(
    client, review_stage, monkeypatch, error, status
):
    appraisal, stage = review_stage
    domains = services.domains_for(appraisal)
    data = stage_post(stage, domains)
    calls = fail_on_second_judgement(monkeypatch, error)
    client.force_login(appraisal.appraisee)

    response = client.post(stage.get_absolute_url(), data)

    assert len(calls) == 2  # the answer and the first judgement were written, then it failed
    assert response.status_code == status
    assert not Answer.objects.filter(stage=stage).exists()
    assert not DomainAssessment.objects.filter(stage=stage).exists()
    html = response.content.decode()
    assert "The year went well; supervision helped." in html
    for domain in domains[:3]:
        assert f"My comment on {domain.code}" in html


def test_the_same_stage_save_uninterrupted_writes_everything(client, review_stage):
    appraisal, stage = review_stage
    client.force_login(appraisal.appraisee)
    response = client.post(
        stage.get_absolute_url(), stage_post(stage, services.domains_for(appraisal))
    )
    assert response.status_code == 302
    assert Answer.objects.filter(stage=stage).count() == 1
    assert DomainAssessment.objects.filter(stage=stage).count() == 3


def test_an_interrupted_entry_save_leaves_no_entry_without_its_mappings(
    practitioner_user, pcf, monkeypatch
):
    statements = list(pcf.items.statements()[:2])

    def fail(*args, **kwargs):
        raise OperationalError("disk I/O error")

    monkeypatch.setattr(Mapping.objects, "bulk_create", fail)
    with pytest.raises(OperationalError):
        portfolio_services.save_entry(
            owner=practitioner_user,
            entry=None,
            values={"title": "A record with mappings"},
            complete=False,
            statements=statements,
        )
    assert not Entry.objects.exists()


def test_carrying_objectives_is_all_or_nothing(review_stage, monkeypatch):
    appraisal, _stage = review_stage
    for text in ("Lead a group supervision", "Chair a strategy meeting"):
        Objective.objects.create(appraisal=appraisal, text=text, status=Objective.Status.AGREED)
    real_save = Objective.save
    saves = []

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["status"]:
            saves.append(self)
            if len(saves) == 2:
                raise OperationalError("database is locked")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Objective, "save", save)
    before = Objective.objects.count()
    with pytest.raises(OperationalError):
        services.carry_objectives(previous=appraisal, into=appraisal)
    assert Objective.objects.count() == before
    assert set(Objective.objects.values_list("status", flat=True)) == {Objective.Status.AGREED}


@pytest.fixture
def practitioner_user(db):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    return MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
