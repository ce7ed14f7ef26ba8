"""The home task "Record the panel's decision": for members of a panel with placements in its
sample waiting for its decision, never for the placement's own tutor or assessor, gone once the
panel has decided, back when a report referred back is revised."""

from html import escape

import pytest

from cms import home
from organisations.factories import MembershipFactory
from organisations.models import Role
from placements import panel
from placements.factories import put_before_panel
from placements.tests.test_final_report_and_panel import (
    completed,
    placement,  # noqa: F401 (fixture)
    write,
)

pytestmark = pytest.mark.django_db
WHAT = "Record the panel's decision"


def panel_tasks(user):
    return [t for t in home.tasks_for(user) if t.what == WHAT]


@pytest.fixture
def case(placement, world):  # noqa: F811
    completed(placement, world)
    made = put_before_panel(placement, world, decide=False)
    return made


def test_a_member_sees_the_task_until_the_panel_decides(case, world, client):
    (task,) = panel_tasks(world["hei_lead"])
    assert task.url == case.panel.get_absolute_url()
    assert task.for_whom.startswith("1 placement, Practice assessment panel")
    assert task.due_on == case.panel.held_on
    client.force_login(world["hei_lead"])
    page = client.get("/home/").content.decode()
    assert escape(WHAT) in page and case.panel.get_absolute_url() in page
    panel.record_panel_decision(case=case, by=world["hei_lead"], outcome="agree")
    assert panel_tasks(world["hei_lead"]) == []
    assert home.header_for(world["hei_lead"])["task_count"] == len(
        home.tasks_for(world["hei_lead"])
    )  # the header forgot its count when the case was saved


def test_not_for_the_placements_own_tutor_nor_for_people_off_the_panel(case, world):
    assert panel_tasks(world["tutor"]) == []  # a member, but the placement's tutor
    colleague = MembershipFactory(organisation=world["hei"], role=Role.HEI_TUTOR).user
    assert panel_tasks(colleague) == []  # not a member
    case.panel.members.add(colleague)
    assert len(panel_tasks(colleague)) == 1
    assert panel_tasks(world["pe"]) == [] and panel_tasks(world["student"]) == []


def test_a_report_referred_back_waits_for_its_revision(case, world):
    panel.record_panel_decision(
        case=case, by=world["hei_lead"], outcome="refer-back", comments="Say what it shows."
    )
    assert panel_tasks(world["hei_lead"]) == []
    write(case.placement, world, text="Revised: what the evidence shows.")
    assert len(panel_tasks(world["hei_lead"])) == 1


def test_not_for_a_placement_outside_the_sample(placement, world):  # noqa: F811
    world["programme"].panel_sample_percent = 0
    world["programme"].save()
    completed(placement, world)
    put_before_panel(placement, world)
    assert panel_tasks(world["hei_lead"]) == []
