import datetime

import pytest

from appraisals.factories import AppraisalTemplateFactory, team_with_people
from appraisals.models import Appraisal, AppraisalTemplate
from capabilities.factories import build_pcf
from capabilities.models import Item
from capabilities.services import publish_version
from placements.factories import PlacementFactory
from placements.models import Placement


@pytest.fixture
def pcf():
    version = build_pcf(publish=False)
    levels = list(version.items.filter(kind=Item.Kind.LEVEL).order_by("sort_order"))
    levels[0].slug = "first-placement"
    levels[0].save()
    levels[2].slug = "asye"
    levels[2].save()
    publish_version(version=version)
    version.refresh_from_db()
    return version


def asye(pcf, *, decision=Appraisal.Recommendation.PASS):
    team, practitioner, manager, psw = team_with_people(asye=True)
    template = AppraisalTemplateFactory(
        organisation=team.organisation, kind=AppraisalTemplate.Kind.ASYE
    )
    appraisal = Appraisal.objects.create(
        template=template,
        organisation=team.organisation,
        team=team,
        appraisee=practitioner,
        appraiser=manager,
        starts_on=datetime.date(2025, 9, 1),
        target_level=pcf.items.get(slug="asye"),
        panel_decision=decision,
    )
    return appraisal, psw


@pytest.fixture
def confirmed_asye(pcf):
    return asye(pcf)


@pytest.fixture
def passed_placement(pcf):
    return PlacementFactory(
        hei_decision=Placement.Recommendation.PASS, status=Placement.Status.COMPLETED
    )
