"""The midpoint review (a judgement and comment per domain against the placement's level) and
concerns: raised by each of the four parties, reaching the tutor at once (email and a task on
their home), an action plan with dated actions, and a student's concern about the placement
hidden from the provider's people."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from capabilities.models import Item
from placements import concerns, midpoint
from placements.models import Concern, MidpointReview
from placements.tasks import tasks_for
from placements.tests.test_learning_agreement import pcf_with_placement_levels
from placements.tests.test_placements import DAY, START, in_progress, refused

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def placement(world):
    pcf_with_placement_levels()
    placement = in_progress(world, onsite_supervisor=world["onsite"])
    from placements import services

    services.record_learning_agreement(placement=placement, by=world["tutor"], on=START + DAY)
    return placement


def all_domains(rating=2, comment="Steady progress"):
    return dict.fromkeys(midpoint.pcf_domains(), (rating, comment))


def test_a_judgement_and_comment_per_domain_at_the_placements_level(placement, world):
    domains = midpoint.pcf_domains()
    judgements = all_domains()
    judgements[domains[0]] = (None, "Fine")
    judgements[domains[1]] = (1, " ")
    with pytest.raises(ValidationError) as error:
        midpoint.record_midpoint_review(
            placement=placement, by=world["pe"], held_on=START + 40 * DAY, judgements=judgements
        )
    assert set(refused(error)) == {
        midpoint.rating_field(domains[0]),
        midpoint.comment_field(domains[1]),
    }
    review = midpoint.record_midpoint_review(
        placement=placement, by=world["pe"], held_on=START + 40 * DAY, judgements=all_domains()
    )
    assert review.level.slug == "first-placement"
    assert len(review.judgements) == len(domains) == 3
    placement.refresh_from_db()
    assert placement.midpoint_review_on == START + 40 * DAY
    rows = midpoint.judgement_rows(review)
    assert [row["rating"] for row in rows] == [MidpointReview.SCALE[2]] * 3


def test_the_midpoint_comes_after_the_learning_agreement_and_only_the_assessors_record_it(
    placement, world
):
    with pytest.raises(ValidationError) as error:
        midpoint.record_midpoint_review(
            placement=placement, by=world["pe"], held_on=START, judgements=all_domains()
        )
    assert "held_on" in refused(error)
    for who in ("student", "provider_lead", "onsite"):
        with pytest.raises(PermissionDenied):
            midpoint.record_midpoint_review(
                placement=placement, by=world[who], held_on=START + 40 * DAY, judgements={}
            )


def test_the_midpoint_page(client, world, placement):
    url = f"/placements/{placement.uuid}/midpoint/"
    domains = midpoint.pcf_domains()
    client.force_login(world["tutor"])
    data = {"held_on_day": "1", "held_on_month": "1", "held_on_year": "2020"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert f"Choose a judgement for {domains[0].title}" in response.content.decode()
    held = START + 40 * DAY
    data = {"held_on_day": held.day, "held_on_month": held.month, "held_on_year": held.year}
    for domain in domains:
        data[f"domain_{domain.pk}"] = "3"
        data[f"comment_{domain.pk}"] = f"Comment on {domain.title}"
    assert client.post(url, data).status_code == 302
    client.force_login(world["student"])
    page = client.get(url).content.decode()
    assert "Showing more than the level" in page and "Save the midpoint review" not in page


@pytest.mark.parametrize(
    ("who", "party"),
    [("student", "student"), ("pe", "educator"), ("onsite", "onsite"), ("tutor", "tutor")],
)
def test_a_cause_for_concern_from_each_party_reaches_the_tutor(placement, world, who, party):
    mail.outbox.clear()
    concern = concerns.raise_concern(placement=placement, by=world[who], text="Missed visits")
    assert concern.party == party and not concern.about_placement
    assert [m.to for m in mail.outbox] == [[world["tutor"].email]]
    tasks = [t for t in tasks_for(world["tutor"]) if "concern" in t.what.lower()]
    assert len(tasks) == 1 and "agree an action plan" in tasks[0].what


def test_nobody_else_raises_a_cause_for_concern(placement, world):
    for who in ("provider_lead", "hei_lead"):
        with pytest.raises(PermissionDenied):
            concerns.raise_concern(placement=placement, by=world[who], text="Worried")
    with pytest.raises(ValidationError) as error:
        concerns.raise_concern(placement=placement, by=world["pe"], text=" ")
    assert "text" in refused(error)


def test_an_action_plan_with_dated_actions_then_resolved(placement, world):
    concern = concerns.raise_concern(placement=placement, by=world["pe"], text="Late reports")
    with pytest.raises(ValidationError) as error:
        concerns.resolve(concern=concern, by=world["tutor"])
    assert "actions" in refused(error)
    with pytest.raises(ValidationError) as error:
        concerns.add_action(concern=concern, by=world["tutor"], text="Catch up", due_on=None)
    assert "due_on" in refused(error)
    with pytest.raises(ValidationError) as error:
        concerns.add_action(concern=concern, by=world["tutor"], text="Catch up", due_on=TODAY - DAY)
    assert "due_on" in refused(error)
    with pytest.raises(PermissionDenied):
        concerns.add_action(
            concern=concern, by=world["student"], text="Catch up", due_on=TODAY + DAY
        )
    concerns.add_action(
        concern=concern, by=world["pe"], text="Two reports a week", due_on=TODAY + 14 * DAY
    )
    tasks = [t for t in tasks_for(world["tutor"]) if "concern" in t.what.lower()]
    assert "follow the action plan" in tasks[0].what
    with pytest.raises(PermissionDenied):
        concerns.resolve(concern=concern, by=world["pe"])
    concerns.resolve(concern=concern, by=world["tutor"])
    assert not [t for t in tasks_for(world["tutor"]) if "concern" in t.what.lower()]


def test_a_students_concern_about_the_placement_is_hidden_from_the_provider(
    client, placement, world
):
    with pytest.raises(PermissionDenied):
        concerns.raise_concern(
            placement=placement, by=world["pe"], text="About it", about_placement=True
        )
    mail.outbox.clear()
    client.force_login(world["student"])
    response = client.post(
        f"/placements/{placement.uuid}/concerns/",
        {"kind": "placement", "placement-text": "I am left alone on duty"},
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.about_placement and len(mail.outbox) == 1
    url = f"/placements/{placement.uuid}/concerns/{concern.uuid}/"
    for who in ("pe", "onsite", "provider_lead"):
        client.force_login(world[who])
        assert client.get(url).status_code == 404
        page = client.get(f"/placements/{placement.uuid}/concerns/").content.decode()
        assert "left alone" not in page and str(concern.uuid) not in page
        assert not concerns.concerns_visible_to(world[who], placement).exists()
        with pytest.raises(PermissionDenied):
            concerns.add_action(concern=concern, by=world[who], text="x", due_on=TODAY)
    for who in ("student", "tutor", "hei_lead"):
        client.force_login(world[who])
        assert "left alone" in client.get(url).content.decode()


def test_a_student_raises_a_concern_about_the_placement_at_any_time(world):
    from placements.tests.test_placements import propose

    placement = propose(world)  # not even agreed yet
    concerns.raise_concern(
        placement=placement, by=world["student"], text="Worried", about_placement=True
    )
    with pytest.raises(ValidationError):
        concerns.raise_concern(placement=placement, by=world["student"], text="Worried")


def test_concern_pages_are_404_for_people_outside_the_placement(client, world, placement):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    concern = concerns.raise_concern(placement=placement, by=world["pe"], text="Late")
    client.force_login(MembershipFactory(role=Role.HEI_TUTOR, mfa=True).user)
    base = f"/placements/{placement.uuid}"
    for url in (f"{base}/concerns/", f"{base}/concerns/{concern.uuid}/", f"{base}/midpoint/"):
        assert client.get(url).status_code == 404


def test_domains_follow_the_current_framework(placement):
    assert [d.kind for d in midpoint.pcf_domains()] == [Item.Kind.DOMAIN] * 3
    assert timedelta(days=1) == DAY
