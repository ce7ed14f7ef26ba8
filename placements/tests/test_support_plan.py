"""Reasonable adjustments: a student's learning-support plan, read only by the people the student
shares it with (practice educator, co-assessor, on-site supervisor), consent by consent, each
revocable; everyone else gets 404; reads by others are logged in the student's access log."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.models import Role
from placements import support
from placements.factories import PlacementFactory, _member
from placements.models import Placement, SupportConsent, SupportPlan
from placements.tests.test_placements import refused

pytestmark = pytest.mark.django_db

PLAN = "I need written feedback a day before supervision, and a quiet desk."
EVERYONE = [
    "student",
    "pe",
    "co_assessor",
    "onsite",
    "tutor",
    "hei_lead",
    "provider_lead",
    "psw",
    "org_admin",
    "other_student",
]


@pytest.fixture
def placement(world):
    world["co_assessor"] = world["pe1"]
    world["psw"] = _member(world["provider"], Role.PRINCIPAL_SOCIAL_WORKER)
    world["org_admin"] = _member(world["provider"], Role.ORG_ADMIN)
    world["other_student"] = _member(world["hei"], Role.STUDENT)
    world["cohort"].students.add(world["other_student"])
    return PlacementFactory(
        cohort=world["cohort"],
        student=world["student"],
        provider_team=world["team"],
        practice_educator=world["pe"],
        co_assessor=world["co_assessor"],
        onsite_supervisor=world["onsite"],
        hei_tutor=world["tutor"],
        status=Placement.Status.IN_PROGRESS,
    )


def url(placement) -> str:
    return f"/placements/{placement.uuid}/support-plan/"


def share(placement, world, *roles) -> None:
    support.save_plan(placement=placement, by=world["student"], text=PLAN)
    for role in roles:
        support.give_consent(placement=placement, by=world["student"], role=role)


def statuses(client, placement, world) -> dict:
    seen = {}
    for who in EVERYONE:
        client.force_login(world[who])
        seen[who] = client.get(url(placement)).status_code
    return seen


def test_before_any_consent_only_the_student_reads_the_plan(client, placement, world):
    share(placement, world)
    seen = statuses(client, placement, world)
    assert seen == {who: 200 if who == "student" else 404 for who in EVERYONE}


@pytest.mark.parametrize(
    ("roles", "readers"),
    [
        (["practice_educator"], {"pe"}),
        (["co_assessor"], {"co_assessor"}),
        (["onsite_supervisor"], {"onsite"}),
        (["practice_educator", "onsite_supervisor"], {"pe", "onsite"}),
    ],
)
def test_only_the_consented_readers_get_the_plan(client, placement, world, roles, readers):
    share(placement, world, *roles)
    seen = statuses(client, placement, world)
    assert seen == {who: 200 if who in readers | {"student"} else 404 for who in EVERYONE}
    client.force_login(world[next(iter(readers))])
    assert PLAN in client.get(url(placement)).content.decode()


def test_nobody_but_the_student_may_change_or_share_the_plan(client, placement, world):
    share(placement, world, "practice_educator")
    for who in ("pe", "tutor", "hei_lead"):
        with pytest.raises(PermissionDenied):
            support.save_plan(placement=placement, by=world[who], text="changed")
        with pytest.raises(PermissionDenied):
            support.give_consent(placement=placement, by=world[who], role="onsite_supervisor")
        client.force_login(world[who])
        response = client.post(url(placement), {"what": "share", "role": "onsite_supervisor"})
        assert response.status_code == 404
    assert SupportPlan.objects.get().text == PLAN
    assert SupportConsent.objects.count() == 1


def test_the_tutor_and_leads_cannot_be_given_consent(placement, world):
    share(placement, world)
    for role in ("hei_tutor", "student", ""):
        with pytest.raises(ValidationError) as error:
            support.give_consent(placement=placement, by=world["student"], role=role)
        assert "reader" in refused(error)
    assert not SupportConsent.objects.exists()


def test_revocation_takes_effect_on_the_next_request_and_history_is_kept(client, placement, world):
    share(placement, world, "practice_educator", "onsite_supervisor")
    client.force_login(world["pe"])
    assert client.get(url(placement)).status_code == 200
    assert "Learning-support plan" in client.get(placement.get_absolute_url()).content.decode()
    consent = SupportConsent.objects.get(role="practice_educator")
    client.force_login(world["student"])
    response = client.post(url(placement), {"what": "revoke", "consent": consent.pk})
    assert response.status_code == 302
    client.force_login(world["pe"])
    assert client.get(url(placement)).status_code == 404
    assert "Learning-support plan" not in client.get(placement.get_absolute_url()).content.decode()
    client.force_login(world["onsite"])
    assert client.get(url(placement)).status_code == 200
    consent.refresh_from_db()
    assert consent.revoked_at is not None and consent.revoked_by == world["student"]
    assert consent.given_by == world["student"] and consent.given_at < consent.revoked_at
    # Sharing again is a new consent; the revoked one stays in the history.
    support.give_consent(placement=placement, by=world["student"], role="practice_educator")
    assert SupportConsent.objects.filter(role="practice_educator").count() == 2
    client.force_login(world["student"])
    page = client.get(url(placement)).content.decode()
    assert "Sharing history" in page and page.count("Still shared") == 2


def test_revoking_twice_and_sharing_twice_are_refused_naming_the_field(placement, world):
    share(placement, world, "practice_educator")
    with pytest.raises(ValidationError) as error:
        support.give_consent(placement=placement, by=world["student"], role="practice_educator")
    assert refused(error) == {"reader": ["Your plan is already shared with the practice educator"]}
    consent = SupportConsent.objects.get()
    support.revoke_consent(consent=consent, by=world["student"])
    with pytest.raises(ValidationError) as error:
        support.revoke_consent(consent=consent, by=world["student"])
    assert "consent" in refused(error)
    with pytest.raises(PermissionDenied):
        support.revoke_consent(consent=consent, by=world["pe"])


def test_sharing_needs_a_plan_and_a_person_in_the_role(placement, world):
    with pytest.raises(ValidationError) as error:
        support.give_consent(placement=placement, by=world["student"], role="practice_educator")
    assert "text" in refused(error)
    placement.co_assessor = None
    placement.save()
    share(placement, world)
    with pytest.raises(ValidationError) as error:
        support.give_consent(placement=placement, by=world["student"], role="co_assessor")
    assert refused(error) == {"reader": ["This placement has no co-assessor to share with"]}
    with pytest.raises(ValidationError) as error:
        support.save_plan(placement=placement, by=world["student"], text="  ")
    assert "text" in refused(error)


def test_a_consent_is_for_the_person_in_the_role(client, placement, world):
    share(placement, world, "practice_educator")
    # A new practice educator reads nothing until the student shares with them.
    placement.practice_educator = world["pe1"]
    placement.co_assessor = None
    placement.save()
    client.force_login(world["pe1"])
    assert client.get(url(placement)).status_code == 404
    client.force_login(world["pe"])
    assert client.get(url(placement)).status_code == 404


def test_a_reader_who_loses_the_role_loses_the_plan(client, placement, world):
    share(placement, world, "onsite_supervisor")
    today = timezone.localdate()
    world["onsite"].memberships.update(
        starts_on=today - timedelta(days=100), ends_on=today - timedelta(days=1)
    )
    client.force_login(world["onsite"])
    assert client.get(url(placement)).status_code == 404


def test_reads_by_others_are_logged_in_the_students_log_only(client, placement, world):
    share(placement, world, "practice_educator")
    client.force_login(world["student"])
    client.get(url(placement))
    assert not AccessEvent.objects.exists()
    client.force_login(world["pe"])
    client.get(url(placement))
    event = AccessEvent.objects.get()
    assert (event.actor, event.owner, event.organisation) == (world["pe"], world["student"], None)
    assert event.object_repr == "Learning-support plan"


def test_the_placement_page_links_the_plan_only_for_its_readers(client, placement, world):
    share(placement, world, "practice_educator")
    for who, linked in [("student", True), ("pe", True), ("onsite", False), ("tutor", False)]:
        client.force_login(world[who])
        page = client.get(placement.get_absolute_url()).content.decode()
        assert (url(placement) in page) is linked, who


def test_the_plan_is_in_no_search_registry_and_no_admin(placement):
    from django.contrib import admin
    from wagtail.search.index import Indexed

    from search import registry

    for model in (SupportPlan, SupportConsent):
        assert model not in admin.site._registry
        assert registry.type_for_model(model) is None
        assert not issubclass(model, Indexed)
    assert all(t.model not in (SupportPlan, SupportConsent) for t in registry.search_types())


def test_the_student_writes_the_plan_through_the_guard(client, placement, world):
    client.force_login(world["student"])
    typed = "Please ring me on 07700 900123 before supervision."
    response = client.post(url(placement), {"what": "save", "plan-text": typed})
    assert response.status_code == 400
    assert not SupportPlan.objects.exists()
    page = response.content.decode()
    assert "07700 900123" in page  # nothing typed is lost
    assert 'href="#id_plan-text"' in page  # the refusal names the field
    response = client.post(url(placement), {"what": "save", "plan-text": ""})
    assert response.status_code == 400
    assert "Write the support and adjustments you need" in response.content.decode()
    response = client.post(url(placement), {"what": "save", "plan-text": PLAN})
    assert response.status_code == 302
    assert SupportPlan.objects.get().text == PLAN
    response = client.post(url(placement), {"what": "share", "role": "practice_educator"})
    assert response.status_code == 302
    assert SupportConsent.objects.live().get().reader == world["pe"]


def test_the_demo_plan_is_shared_with_the_educator_and_no_longer_the_supervisor(client, db):
    from accounts.demo import DEMO_DOMAIN, ensure_demo_people
    from accounts.models import User
    from placements.demo import ensure_demo_placements

    ensure_demo_people()
    ensure_demo_placements()
    ensure_demo_placements()  # again: nothing more
    plan = SupportPlan.objects.select_related("placement").get()
    placement = plan.placement
    assert placement.student.email == f"hugo.student@{DEMO_DOMAIN}"
    history = {c.role: c for c in plan.consents.all()}
    assert len(history) == 2 == plan.consents.count()
    assert history["practice_educator"].revoked_at is None
    assert history["onsite_supervisor"].revoked_at is not None
    client.force_login(placement.practice_educator)
    assert client.get(url(placement)).status_code == 200
    for reader in (placement.onsite_supervisor, placement.hei_tutor):
        client.force_login(reader)
        assert client.get(url(placement)).status_code == 404
    client.force_login(User.objects.get(email=f"hugo.student@{DEMO_DOMAIN}"))
    assert "Sharing history" in client.get(url(placement)).content.decode()
