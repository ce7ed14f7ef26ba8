"""Shared by the ASYE coordinator tests: an organisation with a practitioner in the ASYE, another
not in it, their line manager, the PSW, an ASYE coordinator, and an ASYE programme and an annual
appraisal in progress."""

import datetime
from dataclasses import dataclass

from appraisals import services
from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import Appraisal, AppraisalTemplate
from organisations.factories import MembershipFactory
from organisations.models import Role

START = datetime.date(2026, 1, 5)


@dataclass
class World:
    organisation: object
    team: object
    newcomer: object  # in the ASYE
    colleague: object  # not in the ASYE
    manager: object
    psw: object
    coordinator: object
    asye_template: AppraisalTemplate
    annual_template: AppraisalTemplate
    asye: Appraisal
    annual: Appraisal


def coordinator_of(organisation, **kwargs):
    return MembershipFactory(
        organisation=organisation,
        role=Role.ASYE_COORDINATOR,
        mfa=True,
        starts_on=datetime.date(2020, 1, 1),
        **kwargs,
    ).user


def make_world(*, start=START) -> World:
    team, newcomer, manager, psw = team_with_people(asye=True)
    organisation = team.organisation
    colleague = MembershipFactory(
        organisation=organisation,
        team=team,
        role=Role.PRACTITIONER,
        starts_on=datetime.date(2020, 1, 1),
    ).user
    coordinator = coordinator_of(organisation)
    asye_template = two_stage_template(
        organisation, name="ASYE programme", kind=AppraisalTemplate.Kind.ASYE
    )
    annual_template = two_stage_template(organisation, name="Annual appraisal")
    asye = services.start_cycle(
        template=asye_template, appraisee=newcomer, starts_on=start, started_by=manager
    )
    annual = services.start_cycle(
        template=annual_template, appraisee=colleague, starts_on=start, started_by=manager
    )
    return World(
        organisation,
        team,
        newcomer,
        colleague,
        manager,
        psw,
        coordinator,
        asye_template,
        annual_template,
        asye,
        annual,
    )
