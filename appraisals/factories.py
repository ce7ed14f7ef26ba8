import datetime

import factory

from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Role

from .models import Access, AppraisalTemplate, TemplateQuestion, TemplateStage


class AppraisalTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppraisalTemplate

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Annual appraisal {n}")
    kind = AppraisalTemplate.Kind.ANNUAL


class TemplateStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateStage

    template = factory.SubFactory(AppraisalTemplateFactory)
    order = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Stage {n}")
    due_after_days = 30


class TemplateQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TemplateQuestion

    stage = factory.SubFactory(TemplateStageFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Question {n}?")
    appraisee = Access.MUST
    appraiser = Access.MUST
    countersigner = Access.READ
    assessor = Access.NONE


def two_stage_template(organisation=None, **kwargs):
    """A template with two stages of one question each (both must answer), the second also
    assessing domains."""
    template = AppraisalTemplateFactory(
        organisation=organisation or OrganisationFactory(), **kwargs
    )
    first = TemplateStageFactory(template=template, order=1, name="Planning", due_after_days=14)
    TemplateQuestionFactory(stage=first, order=1, text="What do you want to learn this year?")
    second = TemplateStageFactory(
        template=template, order=2, name="Review", due_after_days=365, assesses_domains=True
    )
    TemplateQuestionFactory(stage=second, order=1, text="How did the year go?")
    return template


def team_with_people(organisation=None, *, asye=False):
    """A team with a practitioner, their line manager and the organisation's PSW (all with MFA
    where their role needs it). Returns (team, practitioner, manager, psw)."""
    organisation = organisation or OrganisationFactory()
    team = TeamFactory(organisation=organisation)
    practitioner = MembershipFactory(
        organisation=organisation,
        team=team,
        role=Role.PRACTITIONER,
        asye=asye,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    manager = MembershipFactory(
        organisation=organisation,
        team=team,
        role=Role.LINE_MANAGER,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    psw = MembershipFactory(
        organisation=organisation,
        role=Role.PRINCIPAL_SOCIAL_WORKER,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    return team, practitioner, manager, psw


def answer_required(stage, text="Answered") -> None:
    """Every answer the stage must have, each by the participant whose role it is."""
    from . import services

    appraisal = stage.appraisal
    for question in stage.template_stage.questions.all():
        for role in question.must_answer():
            person = appraisal.participants()[role]
            if person:
                services.save_answer(
                    stage=stage, question=question, user=person, role=role, text=text
                )
