"""Both sides agree a placement: the provider's placement lead and the HEI's, never one person
for both; a final placement needs a designated provider where the programme says so."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Organisation, Role
from placements import services
from placements.models import Designation, DesignationKind, Placement, PlacementKind

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - timedelta(days=120)


def propose(world, **overrides):
    arguments = {
        "by": world["hei_lead"],
        "student": world["student"],
        "cohort": world["cohort"],
        "provider_team": world["team"],
        "practice_educator": world["pe"],
        "hei_tutor": world["tutor"],
        "kind": PlacementKind.FIRST,
        "setting_type": "la-children",
        "starts_on": START,
        "ends_on": START + timedelta(days=150),
    }
    arguments.update(overrides)
    return services.propose_placement(**arguments)


def designate(organisation, kind=DesignationKind.APS):
    board = OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY)
    return Designation.objects.create(
        organisation=organisation,
        kind=kind,
        status=Designation.Status.APPROVED,
        awarding_body=board,
        starts_on=TODAY - timedelta(days=30),
        expires_on=TODAY + timedelta(days=300),
    )


def test_proposing_counts_for_the_proposers_side_and_records_who(world):
    placement = propose(world)
    assert placement.proposed_by == world["hei_lead"]
    assert placement.hei_agreed_by == world["hei_lead"] and placement.hei_agreed_at
    assert placement.provider_agreed_by is None and placement.provider_agreed_at is None
    assert placement.status == Placement.Status.PROPOSED
    assert services.next_step(placement) == "Waiting to be agreed by the provider"


def test_the_placement_is_agreed_once_the_other_side_agrees(world):
    placement = propose(world, by=world["provider_lead"])
    assert services.next_step(placement) == "Waiting to be agreed by the HEI"
    services.agree(placement=placement, by=world["hei_lead"])
    placement.refresh_from_db()
    assert placement.status == Placement.Status.AGREED
    assert placement.provider_agreed_by == world["provider_lead"]
    assert placement.hei_agreed_by == world["hei_lead"]


def test_the_proposers_own_click_never_counts_for_the_other_side(world):
    placement = propose(world)
    with pytest.raises(PermissionDenied, match="the provider agrees"):
        services.agree(placement=placement, by=world["hei_lead"])
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED
    assert placement.provider_agreed_at is None
    assert "agree" not in services.steps_for(world["hei_lead"], placement)


def test_one_person_leading_both_sides_cannot_agree_for_both(world):
    both = world["hei_lead"]
    MembershipFactory(user=both, organisation=world["provider"], role=Role.PLACEMENT_LEAD)
    placement = propose(world, by=both)  # counts for the HEI only
    assert placement.provider_agreed_at is None
    with pytest.raises(PermissionDenied):
        services.agree(placement=placement, by=both)
    services.agree(placement=placement, by=world["provider_lead"])
    placement.refresh_from_db()
    assert placement.status == Placement.Status.AGREED


def test_another_lead_of_the_same_side_cannot_agree_for_the_other(world):
    colleague = MembershipFactory(organisation=world["hei"], role=Role.PLACEMENT_LEAD, mfa=True)
    placement = propose(world)
    with pytest.raises(PermissionDenied):
        services.agree(placement=placement, by=colleague.user)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED


def test_an_agreed_placement_is_not_agreed_again(world):
    placement = propose(world)
    services.agree(placement=placement, by=world["provider_lead"])
    with pytest.raises(ValidationError):
        services.agree(placement=placement, by=world["hei_lead"])


def test_a_final_placement_needs_a_designated_provider_where_the_programme_says_so(world):
    world["programme"].final_needs_designation = True
    world["programme"].save()
    with pytest.raises(ValidationError) as error:
        propose(world, kind=PlacementKind.FINAL)
    assert "Approved Practice Setting" in error.value.message_dict["provider_team"][0]
    # A first placement does not, and a designated provider is fine.
    propose(world)
    Placement.objects.all().delete()
    designate(world["provider"], DesignationKind.TEACHING)
    assert propose(world, kind=PlacementKind.FINAL).kind == PlacementKind.FINAL


def test_designation_status_is_shown_when_proposing_and_on_a_proposed_placement(client, world):
    designate(world["provider"])
    client.force_login(world["hei_lead"])
    form = client.get("/placements/new/").content.decode()
    assert f"{world['team'].name}, {world['provider']} (Approved Practice Setting)" in form
    placement = propose(world)
    page = client.get(placement.get_absolute_url()).content.decode()
    assert "Provider&#x27;s status" in page or "Provider's status" in page
    assert "Proposed by" in page and "not agreed yet" in page


def test_the_agree_button_counts_for_the_pressers_side_only(client, world):
    placement = propose(world)
    client.force_login(world["hei_lead"])
    assert 'value="agree"' not in client.get(placement.get_absolute_url()).content.decode()
    client.post(placement.get_absolute_url(), {"step": "agree"})
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PROPOSED
    client.force_login(world["provider_lead"])
    client.post(placement.get_absolute_url(), {"step": "agree"})
    placement.refresh_from_db()
    assert placement.status == Placement.Status.AGREED


def test_proposing_without_a_kind_of_setting_is_refused_naming_it(world):
    with pytest.raises(ValidationError) as error:
        propose(world, setting_type="")
    assert error.value.message_dict["setting_type"] == ["Choose the kind of setting"]
