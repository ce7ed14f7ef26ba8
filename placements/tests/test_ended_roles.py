"""Access through a role ends with the role: a placement lead or an awarding body's person whose
membership ended yesterday no longer opens the placements and designations it gave them, and
nor does a practice educator, co-assessor, on-site supervisor or HEI tutor named on a placement
once the role the placement was agreed on has ended."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.mfa import requires_mfa
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Membership, Organisation, PepsStage, Role
from placements import services
from placements.factories import HEIFactory, PlacementFactory, _member
from placements.models import AuditParty, DaysLog, Designation, DesignationKind, Placement
from placements.rules import (
    audit_parties_of,
    designations_visible_to,
    placements_visible_to,
    sees_students_individually,
)

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


# ---------------------------------------------------------------------------------------------
# The people named on a placement: practice educator, co-assessor, on-site supervisor, HEI tutor.
# Each counts only while they hold the role the placement was agreed on (see `placements.rules`).


def _in_progress(world, **people):
    named = {
        "practice_educator": world["pe"],
        "onsite_supervisor": world["onsite"],
        "hei_tutor": world["tutor"],
    }
    named.update(people)
    return PlacementFactory(
        cohort=world["cohort"],
        student=world["student"],
        provider_team=world["team"],
        status=Placement.Status.IN_PROGRESS,
        **named,
    )


def _confirm_a_day(client, placement):
    """The student has logged a day; the client confirms it."""
    DaysLog.objects.create(
        placement=placement,
        on=placement.starts_on + datetime.timedelta(days=3),
        days=1,
        recorded_by=placement.student,
    )
    return client.post(placement.get_absolute_url(), {"step": "confirm_days"})


@pytest.mark.parametrize("who", ["pe", "onsite"])
def test_a_current_educator_or_supervisor_opens_the_placement_and_confirms_days(client, world, who):
    placement = _in_progress(world)
    client.force_login(world[who])
    assert client.get(placement.get_absolute_url()).status_code == 200
    assert _confirm_a_day(client, placement).status_code == 302
    assert DaysLog.objects.get(placement=placement).confirmed_by == world[who]
    assert requires_mfa(world[who])


@pytest.mark.parametrize("who", ["pe", "onsite"])
def test_an_ended_educator_or_supervisor_loses_the_placement(client, world, who):
    placement = _in_progress(world)
    person = world[who]
    _end_roles(person)
    client.force_login(person)
    assert client.get(placement.get_absolute_url()).status_code == 404
    assert _confirm_a_day(client, placement).status_code == 404
    assert not DaysLog.objects.filter(placement=placement, confirmed_at__isnull=False).exists()
    assert not placements_visible_to(person).exists()
    assert services.roles_in(person, placement) == frozenset()
    with pytest.raises(PermissionDenied):
        services.confirm_days(placement=placement, by=person)
    assert not requires_mfa(person)


def test_an_ended_co_assessor_loses_the_placement(client, world):
    co_assessor = _member(world["provider"], Role.PRACTICE_EDUCATOR, peps_stage=PepsStage.STAGE_2)
    placement = _in_progress(world, practice_educator=world["pe1"], co_assessor=co_assessor)
    client.force_login(co_assessor)
    assert client.get(placement.get_absolute_url()).status_code == 200
    _end_roles(co_assessor)
    assert client.get(placement.get_absolute_url()).status_code == 404
    assert services.roles_in(co_assessor, placement) == frozenset()
    assert not requires_mfa(co_assessor)


def test_an_ended_tutor_loses_the_placement_and_its_audit(client, world):
    placement = _in_progress(world)
    tutor = world["tutor"]
    client.force_login(tutor)
    url = placement.get_absolute_url()
    assert client.get(url).status_code == 200
    _end_roles(tutor)
    assert client.get(url).status_code == 404
    response = client.post(url, {"step": "extend", "extend-days": "3", "extend-reason": "Ill"})
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.extension_days == 0
    assert services.roles_in(tutor, placement) == frozenset()
    assert not sees_students_individually(tutor, placement)
    assert not requires_mfa(tutor)


def test_a_tutor_counts_only_at_the_placements_hei(world):
    """A tutor who moved to another university keeps a tutor role, but not at this HEI."""
    placement = _in_progress(world)
    tutor = world["tutor"]
    _end_roles(tutor)
    MembershipFactory(user=tutor, organisation=HEIFactory(), role=Role.HEI_TUTOR)
    assert not placements_visible_to(tutor).filter(pk=placement.pk).exists()
    assert services.roles_in(tutor, placement) == frozenset()


def test_a_supervisor_counts_only_while_working_at_the_provider(world):
    placement = _in_progress(world)
    onsite = world["onsite"]
    _end_roles(onsite)
    MembershipFactory(user=onsite, organisation=OrganisationFactory(), role=Role.PRACTITIONER)
    assert not placements_visible_to(onsite).filter(pk=placement.pk).exists()
    assert audit_parties_of(onsite, placement) == []


def test_an_off_site_educator_counts_while_a_practice_educator_anywhere(client, world):
    """A practice educator from another organisation (with an on-site supervisor at the provider)
    keeps the placement while they hold a current practice educator role somewhere, and loses
    it when that role ends, even if they still work elsewhere in another role."""
    elsewhere = OrganisationFactory()
    educator = _member(elsewhere, Role.PRACTICE_EDUCATOR, peps_stage=PepsStage.STAGE_2)
    placement = _in_progress(world, practice_educator=educator)
    client.force_login(educator)
    assert client.get(placement.get_absolute_url()).status_code == 200
    assert services.EDUCATOR in services.roles_in(educator, placement)
    _end_roles(educator)
    MembershipFactory(user=educator, organisation=elsewhere, role=Role.PRACTITIONER)
    assert client.get(placement.get_absolute_url()).status_code == 404
    assert _confirm_a_day(client, placement).status_code == 404
    assert services.roles_in(educator, placement) == frozenset()


def test_an_ended_educators_audit_part_stays_as_submitted(client, audit, world):
    """What they did stays: the part they submitted keeps its answers and their name."""
    pe = world["pe"]
    part = audit.parts.get(party=AuditParty.EDUCATOR)
    sections = audit.template.sections.filter(party=AuditParty.EDUCATOR)
    ratings = {c.pk: 2 for s in sections.prefetch_related("criteria") for c in s.criteria.all()}
    services.submit_audit_part(
        audit=audit, by=pe, party=AuditParty.EDUCATOR, ratings=ratings, comments={}
    )
    _end_roles(pe)
    part.refresh_from_db()
    assert part.submitted_by == pe and part.submitted_at is not None
    assert audit_parties_of(pe, audit.placement) == []
    client.force_login(pe)
    assert client.get(audit.placement.get_absolute_url()).status_code == 404
    client.force_login(world["tutor"])
    view = services.audit_view_for(world["tutor"], audit)
    educator = next(p for p in view["parts"] if p["party"] == AuditParty.EDUCATOR)
    assert educator["submitted"] and educator["part"].submitted_by == pe


def test_the_student_shares_their_portfolio_only_with_current_assessors(world):
    placement = _in_progress(world)
    _end_roles(world["onsite"])
    readers = {
        share.reader
        for share in services.share_portfolio_with_assessors(
            placement=placement, by=world["student"]
        )
    }
    assert readers == {world["pe"], world["tutor"]}
