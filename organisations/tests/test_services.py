"""Who may give and end roles, and how an invitation becomes a role."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.factories import UserFactory
from organisations import services
from organisations.factories import InvitationFactory, MembershipFactory, TeamFactory
from organisations.models import Invitation, Membership, Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("organisations.tests.urls")]

TODAY = timezone.localdate()
DAY = timedelta(days=1)


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


# Inviting


def test_an_admin_invites_and_the_email_carries_the_link(org, admin):
    team = TeamFactory(organisation=org)
    invitation, token = services.invite(
        organisation=org,
        invited_by=admin,
        email=" New.Person@Example.org ",
        role=Role.PRACTICE_EDUCATOR,
        team=team,
        starts_on=TODAY + 7 * DAY,
        ends_on=TODAY + 100 * DAY,
        peps_stage=2,
        registration_number="SW123456",
    )
    assert invitation.pk and invitation.is_open
    assert invitation.email == "new.person@example.org"
    assert invitation.invited_by == admin
    assert Invitation.objects.for_token(token).get() == invitation
    assert token not in invitation.token_hash
    [email] = mail.outbox
    assert email.to == ["new.person@example.org"]
    assert f"http://testserver/invitations/{token}/" in email.body
    assert "Northshire Council" in email.subject
    assert "Practice educator" in email.body


@pytest.mark.parametrize(
    "inviter",
    [
        "nobody",
        "practitioner",
        "line_manager_same_org",
        "admin_of_another_org",
        "ended_admin",
        "future_admin",
    ],
)
def test_only_an_active_admin_of_the_organisation_may_invite(org, other_org, inviter):
    user = {
        "nobody": lambda: UserFactory(),
        "practitioner": lambda: MembershipFactory(organisation=org).user,
        "line_manager_same_org": lambda: (
            MembershipFactory(organisation=org, role=Role.LINE_MANAGER).user
        ),
        "admin_of_another_org": lambda: (
            MembershipFactory(organisation=other_org, role=Role.ORG_ADMIN).user
        ),
        "ended_admin": lambda: (
            MembershipFactory(
                organisation=org,
                role=Role.ORG_ADMIN,
                starts_on=TODAY - 30 * DAY,
                ends_on=TODAY - DAY,
            ).user
        ),
        "future_admin": lambda: (
            MembershipFactory(organisation=org, role=Role.ORG_ADMIN, starts_on=TODAY + DAY).user
        ),
    }[inviter]()
    with pytest.raises(PermissionDenied):
        services.invite(organisation=org, invited_by=user, email="x@example.org", role=Role.STUDENT)
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_invitations_are_validated_field_by_field(org, admin, other_org):
    with pytest.raises(ValidationError) as caught:
        services.invite(
            organisation=org,
            invited_by=admin,
            email="pe@example.org",
            role=Role.PRACTICE_EDUCATOR,
            team=TeamFactory(organisation=other_org),
            starts_on=TODAY,
            ends_on=TODAY - DAY,
        )
    assert set(caught.value.message_dict) == {
        "team",
        "ends_on",
        "peps_stage",
        "registration_number",
    }
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_an_admin_cannot_invite_themselves(org, admin):
    with pytest.raises(ValidationError) as caught:
        services.invite(
            organisation=org,
            invited_by=admin,
            email=admin.email.upper(),
            role=Role.PRINCIPAL_SOCIAL_WORKER,
        )
    assert "email" in caught.value.message_dict


def test_no_second_open_invitation_for_the_same_role(org, admin):
    services.invite(organisation=org, invited_by=admin, email="a@example.org", role=Role.STUDENT)
    with pytest.raises(ValidationError) as caught:
        services.invite(
            organisation=org, invited_by=admin, email="A@example.org", role=Role.STUDENT
        )
    assert "email" in caught.value.message_dict
    # A different role is fine.
    services.invite(
        organisation=org, invited_by=admin, email="a@example.org", role=Role.LINE_MANAGER
    )


# Accepting


def test_accepting_creates_the_role_with_the_invited_dates(org):
    team = TeamFactory(organisation=org)
    invitation = InvitationFactory(
        organisation=org,
        team=team,
        role=Role.PRACTICE_EDUCATOR,
        peps_stage=1,
        registration_number="SW000042",
        starts_on=TODAY + 3 * DAY,
        ends_on=TODAY + 90 * DAY,
        email="Pat@Example.org",
    )
    pat = UserFactory(email="pat@example.org")

    membership = services.accept_invitation(token=invitation.token, user=pat)

    assert membership.user == pat
    assert membership.organisation == org
    assert membership.team == team
    assert membership.role == Role.PRACTICE_EDUCATOR
    assert (membership.peps_stage, membership.registration_number) == (1, "SW000042")
    assert (membership.starts_on, membership.ends_on) == (TODAY + 3 * DAY, TODAY + 90 * DAY)
    assert membership.created_by == invitation.invited_by
    invitation.refresh_from_db()
    assert invitation.accepted_at and invitation.accepted_by == pat
    assert invitation.membership == membership
    assert not invitation.is_open


def test_a_verified_secondary_address_may_accept(org):
    invitation = InvitationFactory(organisation=org, email="work@example.org")
    person = UserFactory(email="home@example.org")
    EmailAddress.objects.create(user=person, email="Work@example.org", verified=True)
    assert services.accept_invitation(token=invitation.token, user=person).user == person


def test_an_unverified_secondary_address_may_not(org):
    invitation = InvitationFactory(organisation=org, email="work@example.org")
    person = UserFactory(email="home@example.org")
    EmailAddress.objects.create(user=person, email="work@example.org", verified=False)
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(token=invitation.token, user=person)
    assert codes(caught.value) == ["wrong_email"]


def test_the_wrong_person_cannot_accept(org):
    invitation = InvitationFactory(organisation=org, email="pat@example.org")
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(token=invitation.token, user=UserFactory())
    assert codes(caught.value) == ["wrong_email"]
    assert not Membership.objects.filter(role=Role.PRACTITIONER).exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "expired"),
        ({"revoked_at": timezone.now()}, "revoked"),
        ({"accepted_at": timezone.now()}, "used"),
    ],
)
def test_closed_invitations_cannot_be_accepted(org, change, code):
    invitation = InvitationFactory(organisation=org, email="pat@example.org", **change)
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(
            token=invitation.token, user=UserFactory(email="pat@example.org")
        )
    assert codes(caught.value) == [code]


def test_an_unknown_token_is_refused(org):
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(token="not-a-token", user=UserFactory())
    assert codes(caught.value) == ["unknown"]


def test_an_invitation_can_be_used_only_once(org):
    invitation = InvitationFactory(organisation=org, email="pat@example.org")
    pat = UserFactory(email="pat@example.org")
    services.accept_invitation(token=invitation.token, user=pat)
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(token=invitation.token, user=pat)
    assert codes(caught.value) == ["used"]
    assert Membership.objects.filter(user=pat).count() == 1


def test_nobody_can_accept_their_own_invitation(org, admin):
    # Even if the invitation somehow carries the sender's own address.
    invitation = InvitationFactory(organisation=org, invited_by=admin, email=admin.email)
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(token=invitation.token, user=admin)
    assert codes(caught.value) == ["own_invitation"]
    assert not Membership.objects.filter(user=admin).exclude(role=Role.ORG_ADMIN).exists()


def test_an_invitation_from_someone_no_longer_admin_is_refused(org):
    invitation = InvitationFactory(organisation=org, email="pat@example.org")
    Membership.objects.filter(user=invitation.invited_by).update(
        starts_on=TODAY - 10 * DAY, ends_on=TODAY - DAY
    )
    with pytest.raises(ValidationError) as caught:
        services.accept_invitation(
            token=invitation.token, user=UserFactory(email="pat@example.org")
        )
    assert codes(caught.value) == ["inviter_not_admin"]


# Withdrawing invitations


def test_an_admin_withdraws_an_invitation_and_its_link_stops_working(org, admin):
    invitation, token = services.invite(
        organisation=org, invited_by=admin, email="pat@example.org", role=Role.STUDENT
    )
    services.revoke_invitation(invitation=invitation, by=admin)
    invitation.refresh_from_db()
    assert invitation.revoked_at and not invitation.is_open
    with pytest.raises(ValidationError):
        services.accept_invitation(token=token, user=UserFactory(email="pat@example.org"))


def test_only_an_admin_of_the_organisation_withdraws_its_invitations(org, other_org):
    invitation = InvitationFactory(organisation=org)
    outsider = MembershipFactory(organisation=other_org, role=Role.ORG_ADMIN).user
    with pytest.raises(PermissionDenied):
        services.revoke_invitation(invitation=invitation, by=outsider)


# Ending roles


def test_an_admin_ends_a_role_today_by_default(org, admin):
    membership = MembershipFactory(organisation=org, starts_on=TODAY - 30 * DAY)
    services.end_membership(membership=membership, ended_by=admin)
    membership.refresh_from_db()
    assert membership.ends_on == TODAY and membership.ended_by == admin
    assert membership.is_active()  # today is the last day
    assert not membership.is_active(TODAY + DAY)


def test_a_role_can_end_on_a_chosen_day_but_not_before_it_starts(org, admin):
    membership = MembershipFactory(organisation=org, starts_on=TODAY)
    with pytest.raises(ValidationError) as caught:
        services.end_membership(membership=membership, ended_by=admin, on=TODAY - DAY)
    assert "ends_on" in caught.value.message_dict
    services.end_membership(membership=membership, ended_by=admin, on=TODAY + 5 * DAY)
    membership.refresh_from_db()
    assert membership.ends_on == TODAY + 5 * DAY


def test_ending_a_role_cannot_extend_it(org, admin):
    membership = MembershipFactory(organisation=org, starts_on=TODAY - 9 * DAY, ends_on=TODAY)
    with pytest.raises(ValidationError) as caught:
        services.end_membership(membership=membership, ended_by=admin, on=TODAY + DAY)
    assert "ends_on" in caught.value.message_dict


def test_only_an_admin_of_that_organisation_ends_its_roles(org, other_org):
    membership = MembershipFactory(organisation=org)
    for user in (
        MembershipFactory(organisation=other_org, role=Role.ORG_ADMIN).user,
        MembershipFactory(organisation=org, role=Role.LINE_MANAGER).user,
        membership.user,
    ):
        with pytest.raises(PermissionDenied):
            services.end_membership(membership=membership, ended_by=user)
    membership.refresh_from_db()
    assert membership.ends_on is None


def test_an_admin_cannot_end_their_own_last_admin_role(org, admin):
    own = Membership.objects.get(user=admin, role=Role.ORG_ADMIN)
    with pytest.raises(ValidationError) as caught:
        services.end_membership(membership=own, ended_by=admin)
    assert codes(caught.value) == ["own_last_admin_role"]
    own.refresh_from_db()
    assert own.ends_on is None
    # Another admin can.
    other_admin = MembershipFactory(organisation=org, role=Role.ORG_ADMIN).user
    services.end_membership(membership=own, ended_by=other_admin)
    own.refresh_from_db()
    assert own.ends_on == TODAY and own.ended_by == other_admin


def test_is_org_admin_and_organisations_administered_by(org, other_org, admin):
    assert services.is_org_admin(admin, org)
    assert not services.is_org_admin(admin, other_org)
    assert list(services.organisations_administered_by(admin)) == [org]
    services.end_membership(
        membership=Membership.objects.get(user=admin),
        ended_by=MembershipFactory(organisation=org, role=Role.ORG_ADMIN).user,
        on=TODAY + 5 * DAY,
    )
    assert services.is_org_admin(admin, org, on=TODAY + 5 * DAY)
    assert not services.is_org_admin(admin, org, on=TODAY + 6 * DAY)
