"""The template says how many direct observations an ASYE asks for: the evidence slot, the
template editor and its error."""

import datetime

import pytest

from appraisals import services
from appraisals.defaults import ASYE, ensure_default_templates
from appraisals.factories import team_with_people
from appraisals.models import SharedEvidence
from organisations.models import Membership
from portfolios.factories import EntryFactory

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 1, 5)
OBSERVATION = SharedEvidence.Slot.OBSERVATION


def _asye(pcf):
    team, practitioner, manager, psw = team_with_people()
    Membership.objects.filter(user=practitioner).update(asye=True)
    template = {t.name: t for t in ensure_default_templates(team.organisation)}[ASYE]
    appraisal = services.start_cycle(
        template=template, appraisee=practitioner, starts_on=START, started_by=psw, notify=False
    )
    return appraisal, template, psw


def _observation_slot(appraisal):
    return next(s for s in services.asye_slots(appraisal) if s["slot"] == OBSERVATION)


def test_the_observation_slot_needs_what_the_template_says(pcf):
    appraisal, template, psw = _asye(pcf)
    assert _observation_slot(appraisal)["needed"] == 3
    for _ in range(2):
        entry = EntryFactory(portfolio__owner=appraisal.appraisee)
        services.share_evidence(
            appraisal=appraisal, user=appraisal.appraisee, entry=entry, slot=OBSERVATION
        )
    assert _observation_slot(appraisal)["missing"] == 1
    template.observations_needed = 2
    template.save()
    appraisal.refresh_from_db()
    slot = _observation_slot(appraisal)
    assert (slot["needed"], slot["missing"], len(slot["filled"])) == (2, 0, 2)


def test_the_editor_sets_the_number_and_refuses_a_bad_one_keeping_what_was_typed(client, pcf):
    appraisal, template, psw = _asye(pcf)
    client.force_login(psw)
    url = f"/appraisals/templates/{template.uuid}/"
    data = {
        "action": "save-template",
        "template-name": template.name,
        "template-kind": "asye",
        "template-rating_scale": "\n".join(template.rating_scale),
        "template-judged_by": template.judged_by,
        "template-countersigner_from": template.countersigner_from,
        "template-requires_countersignature": "on",
        "template-is_active": "on",
    }
    response = client.post(url, {**data, "template-observations_needed": "40"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a number of observations from 0 to 12" in page
    assert 'href="#id_template-observations_needed"' in page
    assert 'value="40"' in page
    response = client.post(url, {**data, "template-observations_needed": "4"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.observations_needed == 4
    assert "Direct observations needed" in client.get(url).content.decode()
