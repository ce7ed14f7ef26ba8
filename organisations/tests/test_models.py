"""Role dates and what a role must carry."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from organisations.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    TeamFactory,
)
from organisations.models import Invitation, Membership, Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "active"),
    [
        (TODAY, None, True),
        (TODAY - 30 * DAY, None, True),
        (TODAY - 30 * DAY, TODAY, True),  # the last day still counts
        (TODAY - 30 * DAY, TODAY + 30 * DAY, True),
        (TODAY + DAY, None, False),  # not started
        (TODAY - 30 * DAY, TODAY - DAY, False),  # ended
    ],
)
def test_a_role_is_active_between_its_dates(starts_on, ends_on, active):
    membership = MembershipFactory(starts_on=starts_on, ends_on=ends_on)
    assert membership.is_active() is active
    assert Membership.objects.active().filter(pk=membership.pk).exists() is active


def test_active_on_another_day():
    membership = MembershipFactory(starts_on=TODAY + 10 * DAY, ends_on=TODAY + 20 * DAY)
    assert not membership.is_active()
    assert membership.is_active(TODAY + 15 * DAY)
    assert Membership.objects.active(TODAY + 15 * DAY).filter(pk=membership.pk).exists()
    assert not Membership.objects.active(TODAY + 21 * DAY).filter(pk=membership.pk).exists()


def test_a_role_cannot_end_before_it_starts():
    membership = MembershipFactory.build(
        organisation=OrganisationFactory(), starts_on=TODAY, ends_on=TODAY - DAY
    )
    with pytest.raises(ValidationError) as caught:
        membership.clean()
    assert set(caught.value.message_dict) == {"ends_on"}


def test_a_practice_educator_needs_a_peps_stage_and_registration_number():
    membership = MembershipFactory.build(
        organisation=OrganisationFactory(),
        role=Role.PRACTICE_EDUCATOR,
        peps_stage=None,
        registration_number="",
    )
    with pytest.raises(ValidationError) as caught:
        membership.clean()
    assert set(caught.value.message_dict) == {"peps_stage", "registration_number"}


def test_the_factory_gives_practice_educators_what_they_need():
    membership = MembershipFactory(role=Role.PRACTICE_EDUCATOR)
    membership.full_clean()
    assert membership.peps_stage and membership.registration_number
    assert not MembershipFactory(role=Role.STUDENT).peps_stage


def test_only_practice_educators_have_a_peps_stage_and_only_practitioners_the_asye():
    membership = MembershipFactory.build(
        organisation=OrganisationFactory(), role=Role.LINE_MANAGER, peps_stage=1, asye=True
    )
    with pytest.raises(ValidationError) as caught:
        membership.clean()
    assert set(caught.value.message_dict) == {"peps_stage", "asye"}
    MembershipFactory(role=Role.PRACTITIONER, asye=True).full_clean()


def test_the_team_must_be_in_the_same_organisation():
    team = TeamFactory()
    membership = MembershipFactory.build(organisation=OrganisationFactory(), team=team)
    with pytest.raises(ValidationError) as caught:
        membership.clean()
    assert set(caught.value.message_dict) == {"team"}
    MembershipFactory(team=team).full_clean()  # the factory takes the team's organisation


def test_an_invitation_keeps_only_a_hash_of_its_token():
    invitation = InvitationFactory()
    assert invitation.token not in invitation.token_hash
    assert Invitation.objects.for_token(invitation.token).get() == invitation
    assert not Invitation.objects.for_token(invitation.token + "x").exists()


def test_open_invitations():
    fresh = InvitationFactory()
    expired = InvitationFactory(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = InvitationFactory(revoked_at=timezone.now())
    used = InvitationFactory(accepted_at=timezone.now())
    assert list(Invitation.objects.open()) == [fresh]
    assert fresh.is_open
    assert not any(i.is_open for i in (expired, revoked, used))
