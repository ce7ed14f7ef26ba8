"""The home's moderation tasks for the HEI's placement lead: one task per audit with every part
in while there are few, one task for them all past `MODERATE_ONE_BY_ONE`, linking to the
placements list filtered to exactly the audits the lead may moderate (`?waiting=moderation`)."""

from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cms import home
from placements import services
from placements.audit_tasks import MODERATE_ONE_BY_ONE, moderation_list_url
from placements.factories import PlacementFactory, ProgrammeFactory, placement_world
from placements.models import Audit, AuditPart, AuditParty, Placement

pytestmark = pytest.mark.django_db
ONE = "Moderate the placement audit (every part is in)"


def moderation_tasks(user):
    return [t for t in home.tasks_for(user) if t.what.startswith("Moderate ")]


def audits(world, n, *, cohort=None, every_part_in=True) -> list[Audit]:
    """`n` completed placements of new students in the world's cohort, each with its audit open
    and (if `every_part_in`) every part submitted."""
    made = []
    for _ in range(n):
        placement = PlacementFactory(
            cohort=cohort or world["cohort"],
            provider_team=world["team"],
            practice_educator=world["pe"],
            hei_tutor=world["tutor"],
            status=Placement.Status.COMPLETED,
            recommendation="pass",
        )
        audit = services.open_audit(placement)
        parts = AuditPart.objects.filter(audit=audit)
        if not every_part_in:
            parts = parts.exclude(party=AuditParty.TUTOR)
        parts.update(submitted_at=timezone.now())
        made.append(audit)
    return made


def audit_url(audit) -> str:
    return reverse("placements:audit", kwargs={"placement": audit.placement.uuid})


def test_a_few_audits_are_one_task_each(world):
    few = audits(world, MODERATE_ONE_BY_ONE)
    tasks = moderation_tasks(world["hei_lead"])
    assert [t.what for t in tasks] == [ONE] * MODERATE_ONE_BY_ONE
    assert {t.url for t in tasks} == {audit_url(a) for a in few}
    assert {t.for_whom for t in tasks} == {str(a.placement.student) for a in few}


def test_many_audits_are_one_task_listing_exactly_those_the_lead_moderates(world, client):
    many = audits(world, MODERATE_ONE_BY_ONE + 2)
    still_open = audits(world, 1, every_part_in=False)[0]  # the tutor's part is still to come
    moderated = audits(world, 1)[0]
    Audit.objects.filter(pk=moderated.pk).update(status=Audit.Status.MODERATED)
    elsewhere = placement_world()  # another university's audits, every part in
    theirs = audits(elsewhere, 2)

    (task,) = moderation_tasks(world["hei_lead"])
    assert task.what == f"Moderate {len(many)} placement audits (every part is in)"
    assert task.for_whom == world["programme"].name
    assert task.url == moderation_list_url()
    client.force_login(world["hei_lead"])
    assert escape(task.what) in client.get("/home/").content.decode()

    page = client.get(task.url).content.decode()
    assert "Audits to moderate" in page
    for audit in many:
        assert audit_url(audit) in page
    for audit in (still_open, moderated, *theirs):
        assert audit_url(audit) not in page
        assert str(audit.placement.uuid) not in page
    # The provider's placement lead sees these placements but moderates none of them.
    assert moderation_tasks(world["provider_lead"]) == []
    client.force_login(world["provider_lead"])
    page = client.get(task.url).content.decode()
    assert "No audit waits for your moderation." in page
    assert not any(str(audit.placement.uuid) in page for audit in many)
    # The unfiltered list still shows them all.
    page = client.get(reverse("placements:index")).content.decode()
    assert all(str(audit.placement.uuid) in page for audit in many)


def test_many_audits_across_programmes_name_how_many(world):
    other = ProgrammeFactory(hei=world["hei"])
    cohort = type(world["cohort"]).objects.create(programme=other, name="Other intake")
    audits(world, MODERATE_ONE_BY_ONE)
    audits(world, 1, cohort=cohort)
    (task,) = moderation_tasks(world["hei_lead"])
    assert task.what == f"Moderate {MODERATE_ONE_BY_ONE + 1} placement audits (every part is in)"
    assert task.for_whom == "2 programmes"


def _home_queries(client, user) -> int:
    client.force_login(user)
    client.get("/home/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/home/").status_code == 200
    return len(queries.captured_queries)


def _list_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(moderation_list_url()).status_code == 200
    return len(queries.captured_queries)


def test_the_home_and_the_list_cost_the_same_however_many_audits_wait(world, client):
    bigger = placement_world()
    audits(world, MODERATE_ONE_BY_ONE + 1)
    audits(bigger, 3 * MODERATE_ONE_BY_ONE)
    assert _home_queries(client, world["hei_lead"]) == _home_queries(client, bigger["hei_lead"])
    assert _list_queries(client, world["hei_lead"]) == _list_queries(client, bigger["hei_lead"])
