"""Access through a role ends with the role: a placement lead or an awarding body's person whose
membership ended yesterday no longer opens the placements and designations it gave them."""

import datetime

import pytest
from django.utils import timezone

from accounts.mfa import requires_mfa
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Membership, Organisation, Role
from placements.factories import PlacementFactory
from placements.models import Designation, DesignationKind
from placements.rules import designations_visible_to, placements_visible_to

pytestmark = pytest.mark.django_db


def _end_roles(user):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=user).update(
        starts_on=datetime.date(2020, 1, 1), ends_on=yesterday
    )


def test_an_ended_placement_lead_loses_the_placement(client):
    placement = PlacementFactory()
    lead = MembershipFactory(
        organisation=placement.provider_team.organisation, role=Role.PLACEMENT_LEAD, mfa=True
    ).user
    client.force_login(lead)
    url = f"/placements/{placement.uuid}/"
    assert client.get(url).status_code == 200
    _end_roles(lead)
    assert not placements_visible_to(lead).exists()
    assert client.get(url).status_code == 404
    assert client.post(f"{url}audit/", {}).status_code == 404
    assert not requires_mfa(lead)


def test_an_ended_awarding_body_member_loses_the_designation(client):
    board = OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY)
    employer = OrganisationFactory()
    designation = Designation.objects.create(
        organisation=employer,
        kind=DesignationKind.APS,
        status=Designation.Status.SUBMITTED,
        awarding_body=board,
    )
    reviewer = MembershipFactory(organisation=board, role=Role.ORG_ADMIN, mfa=True).user
    client.force_login(reviewer)
    url = f"/placements/designations/{designation.uuid}/"
    assert client.get(url).status_code == 200
    _end_roles(reviewer)
    assert not designations_visible_to(reviewer).exists()
    assert client.get(url).status_code == 404
