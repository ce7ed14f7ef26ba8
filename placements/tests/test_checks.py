"""Pre-placement checks: who confirms each, the induction date, and the start refused until the
programme's required checks are confirmed (naming what is missing)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AccessEvent
from placements import checks, services
from placements.models import CheckKind, Placement, PlacementCheck
from placements.tests.test_placements import START, propose, refused

pytestmark = pytest.mark.django_db


def agreed(world, **requires):
    for name, value in requires.items():
        setattr(world["programme"], f"requires_{name}", value)
    world["programme"].save()
    placement = propose(world)
    services.agree(placement=placement, by=world["provider_lead"])
    return placement


def test_start_is_refused_naming_each_required_check_still_to_confirm(world):
    placement = agreed(world, dbs=True, induction=True)
    with pytest.raises(ValidationError) as error:
        services.start(placement=placement, by=world["pe"])
    message = refused(error)["checks"][0]
    assert "dbs check" in message and "induction date" in message
    assert "occupational" not in message  # not required by this programme
    checks.confirm_check(placement=placement, by=world["tutor"], kind=CheckKind.DBS)
    with pytest.raises(ValidationError) as error:
        services.start(placement=placement, by=world["pe"])
    assert "dbs" not in refused(error)["checks"][0]
    checks.confirm_check(
        placement=placement, by=world["pe"], kind=CheckKind.INDUCTION, induction_on=START
    )
    services.start(placement=placement, by=world["pe"])
    placement.refresh_from_db()
    assert placement.status == Placement.Status.IN_PROGRESS


def test_a_programme_requiring_no_checks_starts_without_them(world):
    placement = agreed(world)
    services.start(placement=placement, by=world["pe"])


@pytest.mark.parametrize("who", ["student", "pe", "provider_lead", "onsite"])
def test_the_university_checks_are_confirmed_only_by_the_hei(world, who):
    placement = agreed(world, dbs=True)
    with pytest.raises(PermissionDenied):
        checks.confirm_check(placement=placement, by=world[who], kind=CheckKind.DBS)
    assert not PlacementCheck.objects.exists()


@pytest.mark.parametrize("who", ["student", "tutor", "hei_lead", "onsite"])
def test_the_induction_is_confirmed_only_by_the_provider(world, who):
    placement = agreed(world, induction=True)
    with pytest.raises(PermissionDenied):
        checks.confirm_check(
            placement=placement, by=world[who], kind=CheckKind.INDUCTION, induction_on=START
        )


def test_each_check_records_who_and_when_once_and_is_logged(world):
    placement = agreed(world, suitability=True)
    check = checks.confirm_check(
        placement=placement, by=world["hei_lead"], kind=CheckKind.SUITABILITY
    )
    assert check.confirmed_by == world["hei_lead"] and check.confirmed_at
    with pytest.raises(ValidationError) as error:
        checks.confirm_check(placement=placement, by=world["tutor"], kind=CheckKind.SUITABILITY)
    assert "kind" in refused(error)
    assert AccessEvent.objects.filter(
        owner=world["student"], actor=world["hei_lead"], change__contains="suitability"
    ).exists()


def test_the_induction_needs_its_date_before_the_placement_ends(world):
    placement = agreed(world, induction=True)
    with pytest.raises(ValidationError) as error:
        checks.confirm_check(placement=placement, by=world["pe"], kind=CheckKind.INDUCTION)
    assert "induction_on" in refused(error)
    with pytest.raises(ValidationError) as error:
        checks.confirm_check(
            placement=placement,
            by=world["provider_lead"],
            kind=CheckKind.INDUCTION,
            induction_on=placement.ends_on + timedelta(days=1),
        )
    assert "induction_on" in refused(error)


def test_the_checks_page_per_role(client, world):
    placement = agreed(world, dbs=True, induction=True)
    url = f"/placements/{placement.uuid}/checks/"
    client.force_login(world["tutor"])
    page = client.get(url).content.decode()
    assert "Still to confirm before the placement can start" in page
    assert 'name="kind" value="dbs"' in page and 'value="induction"' not in page
    assert client.post(url, {"kind": "dbs"}).status_code == 302
    assert placement.checks.get().confirmed_by == world["tutor"]
    client.force_login(world["pe"])
    response = client.post(url, {"kind": "induction", "induction-induction_on_day": "40"})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    # The start button says what is missing.
    response = client.post(placement.get_absolute_url(), {"step": "start"}, follow=True)
    assert "induction date is still to confirm" in response.content.decode()


def test_the_checks_page_is_404_for_people_outside_the_placement(client, world):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    placement = agreed(world)
    client.force_login(MembershipFactory(role=Role.HEI_TUTOR, mfa=True).user)
    assert client.get(f"/placements/{placement.uuid}/checks/").status_code == 404
