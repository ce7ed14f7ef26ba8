"""The structured learning agreement: each field's rule, the statements at the placement's level,
three signatures that lock it, a later change re-opening the signatures (and logged), and the
page per role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AccessEvent
from capabilities.factories import build_pcf
from capabilities.models import Item
from placements import learning
from placements.models import LearningAgreement
from placements.tests.test_placements import DAY, START, in_progress, refused

pytestmark = pytest.mark.django_db


def pcf_with_placement_levels():
    """A small PCF whose first two levels are the first and last placement levels."""
    version = build_pcf()
    levels = list(Item.objects.filter(version=version, kind=Item.Kind.LEVEL).order_by("sort_order"))
    Item.objects.filter(pk=levels[0].pk).update(slug="first-placement", title="First placement")
    Item.objects.filter(pk=levels[1].pk).update(slug="last-placement", title="Last placement")
    return version, levels


def statements_at(level, count=2):
    return list(Item.objects.filter(level=level, kind=Item.Kind.STATEMENT)[:count])


def arguments(placement, world, **overrides):
    level = learning.placement_level(placement)
    values = {
        "meeting_on": START + DAY,
        "present": [world["student"], world["pe"], world["tutor"]],
        "statements": statements_at(level),
        "supervision_frequency": "weekly",
        "supervision_minutes": 90,
        "workload": "Two families to begin with, four by the midpoint.",
    }
    values.update(overrides)
    return values


@pytest.fixture
def placement(world):
    pcf_with_placement_levels()
    return in_progress(world)


def save(placement, world, by="pe", **overrides):
    return learning.save_learning_agreement(
        placement=placement, by=world[by], **arguments(placement, world, **overrides)
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("meeting_on", None),
        ("present", []),
        ("statements", []),
        ("supervision_frequency", "daily"),
        ("supervision_minutes", 0),
        ("supervision_minutes", 1000),
        ("workload", "  "),
    ],
)
def test_each_field_is_refused_by_name(placement, world, field, value):
    with pytest.raises(ValidationError) as error:
        save(placement, world, **{field: value})
    assert list(refused(error)) == [field]
    assert not LearningAgreement.objects.exists()


def test_people_present_come_from_the_placement(placement, world):
    with pytest.raises(ValidationError) as error:
        save(placement, world, present=[world["provider_lead"]])
    assert "present" in refused(error)


def test_statements_are_at_the_placements_level(placement, world):
    level = learning.placement_level(placement)
    assert level.slug == "first-placement"
    other = Item.objects.filter(kind=Item.Kind.STATEMENT).exclude(level=level).first()
    with pytest.raises(ValidationError) as error:
        save(placement, world, statements=[other])
    assert "First placement" in refused(error)["statements"][0]


@pytest.mark.parametrize("who", ["student", "provider_lead", "onsite", "hei_lead"])
def test_only_the_educator_or_tutor_records_it(placement, world, who):
    with pytest.raises(PermissionDenied):
        save(placement, world, by=who)


def test_three_signatures_lock_it_and_a_change_reopens_them_and_is_logged(placement, world):
    agreement = save(placement, world)
    placement.refresh_from_db()
    assert placement.learning_agreement_on == START + DAY
    for who in ("student", "pe"):
        learning.sign_learning_agreement(placement=placement, by=world[who])
        agreement.refresh_from_db()
        assert not agreement.is_locked
    with pytest.raises(PermissionDenied):
        learning.sign_learning_agreement(placement=placement, by=world["provider_lead"])
    with pytest.raises(ValidationError):
        learning.sign_learning_agreement(placement=placement, by=world["pe"])  # signed already
    learning.sign_learning_agreement(placement=placement, by=world["tutor"])
    agreement.refresh_from_db()
    assert agreement.is_locked and agreement.tutor_signed_by == world["tutor"]
    assert learning.unsigned_by(agreement) == []

    save(placement, world, by="tutor", supervision_minutes=60)
    agreement.refresh_from_db()
    assert not agreement.is_locked
    assert agreement.student_signed_at is None and agreement.educator_signed_at is None
    assert agreement.reopened_count == 1 and agreement.supervision_minutes == 60
    assert AccessEvent.objects.filter(
        owner=world["student"], change__contains="signatures re-opened"
    ).exists()


def test_the_page_per_role(client, world, placement):
    url = f"/placements/{placement.uuid}/learning-agreement/"
    client.force_login(world["pe"])
    page = client.get(url).content.decode()
    assert "Record the learning agreement" in page and 'name="statements"' in page
    level = learning.placement_level(placement)
    chosen = statements_at(level)
    data = {
        "action": "save",
        "meeting_on_day": str((START + DAY).day),
        "meeting_on_month": str((START + DAY).month),
        "meeting_on_year": str((START + DAY).year),
        "present": [world["student"].pk, world["pe"].pk],
        "statements": [item.pk for item in chosen],
        "supervision_frequency": "fortnightly",
        "supervision_minutes": "",
        "workload": "Shadowing first.",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter how long supervision lasts, in minutes" in body
    assert "Shadowing first." in body
    data["supervision_minutes"] = "75"
    assert client.post(url, data).status_code == 302
    agreement = LearningAgreement.objects.get()
    assert set(agreement.statements.all()) == set(chosen)
    # The student sees it and signs; the provider's lead reads it but has no form or button.
    client.force_login(world["student"])
    page = client.get(url).content.decode()
    assert "Sign the learning agreement" in page and "Save the learning agreement" not in page
    assert client.post(url, {"action": "sign"}).status_code == 302
    client.force_login(world["provider_lead"])
    page = client.get(url).content.decode()
    assert "Sign the learning agreement" not in page and "Shadowing first." in page


def test_the_page_is_404_for_people_outside_the_placement(client, world, placement):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    client.force_login(MembershipFactory(role=Role.PRACTICE_EDUCATOR, peps_stage=2, mfa=True).user)
    assert client.get(f"/placements/{placement.uuid}/learning-agreement/").status_code == 404
