"""The organisation pages and the invitation link, through their URLs."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import UserFactory, give_mfa
from organisations.factories import (
    InvitationFactory,
    MembershipFactory,
    TeamFactory,
)
from organisations.models import Invitation, Membership, Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("organisations.tests.urls")]

TODAY = timezone.localdate()
DAY = timedelta(days=1)


def text(response) -> str:
    return response.content.decode()


def no_inline_code(html: str) -> bool:
    return " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


@pytest.fixture
def member(org):
    return MembershipFactory(
        organisation=org,
        role=Role.PRACTICE_EDUCATOR,
        team=TeamFactory(organisation=org, name="Family Support"),
        peps_stage=2,
        registration_number="SW777777",
        user=UserFactory(first_name="Robin", last_name="Ash", email="robin@example.org"),
    )


def admin_pages(org, membership, invitation):
    return [
        ("get", f"/organisations/{org.slug}/"),
        ("get", f"/organisations/{org.slug}/invite/"),
        ("post", f"/organisations/{org.slug}/invite/"),
        ("get", f"/organisations/{org.slug}/memberships/{membership.uuid}/end/"),
        ("post", f"/organisations/{org.slug}/memberships/{membership.uuid}/end/"),
        ("post", f"/organisations/{org.slug}/invitations/{invitation.uuid}/revoke/"),
    ]


# Who sees an organisation's pages


def test_an_admin_sees_members_and_open_invitations(client, org, admin, member):
    ended = MembershipFactory(
        organisation=org,
        role=Role.STUDENT,
        starts_on=TODAY - 100 * DAY,
        ends_on=TODAY - DAY,
        user=UserFactory(first_name="Sam", last_name="Birch"),
    )
    invitation = InvitationFactory(organisation=org, invited_by=admin, email="new@example.org")
    client.force_login(admin)

    response = client.get(f"/organisations/{org.slug}/")

    assert response.status_code == 200
    html = text(response)
    assert "Robin Ash" in html and "Practice educator" in html and "PEPS stage 2" in html
    assert "Family Support" in html and "SW777777" in html
    assert "Sam Birch" in html and "Ended" in html
    assert f"/memberships/{member.uuid}/end/" in html
    assert f"/memberships/{ended.uuid}/end/" not in html  # nothing to end
    assert "new@example.org" in html
    assert f"/invitations/{invitation.uuid}/revoke/" in html
    assert f"/organisations/{org.slug}/invite/" in html
    assert no_inline_code(html)


@pytest.mark.parametrize(
    "who",
    ["practitioner", "line_manager_same_org", "admin_of_another_org", "ended_admin", "superuser"],
)
def test_everyone_else_gets_404_on_every_admin_page(client, org, other_org, member, who):
    user = {
        "practitioner": lambda: MembershipFactory(organisation=org).user,
        "line_manager_same_org": lambda: (
            MembershipFactory(organisation=org, role=Role.LINE_MANAGER, mfa=True).user
        ),
        "admin_of_another_org": lambda: (
            MembershipFactory(organisation=other_org, role=Role.ORG_ADMIN, mfa=True).user
        ),
        "ended_admin": lambda: (
            MembershipFactory(
                organisation=org,
                role=Role.ORG_ADMIN,
                starts_on=TODAY - 30 * DAY,
                ends_on=TODAY - DAY,
            ).user
        ),
        "superuser": lambda: give_mfa(UserFactory(is_staff=True, is_superuser=True)),
    }[who]()
    invitation = InvitationFactory(organisation=org)
    client.force_login(user)
    for method, url in admin_pages(org, member, invitation):
        response = getattr(client, method)(url)
        assert response.status_code == 404, (method, url)
    member.refresh_from_db()
    invitation.refresh_from_db()
    assert member.ends_on is None and invitation.revoked_at is None
    assert Invitation.objects.count() == 1


def test_an_admin_gets_404_for_another_organisations_member_or_invitation(
    client, org, other_org, admin
):
    elsewhere = MembershipFactory(organisation=other_org)
    invitation = InvitationFactory(organisation=other_org)
    client.force_login(admin)
    assert (
        client.get(f"/organisations/{org.slug}/memberships/{elsewhere.uuid}/end/").status_code
        == 404
    )
    assert (
        client.post(f"/organisations/{org.slug}/invitations/{invitation.uuid}/revoke/").status_code
        == 404
    )


def test_signed_out_visitors_are_sent_to_sign_in(client, org, member):
    invitation = InvitationFactory(organisation=org)
    for method, url in [("get", "/organisations/"), *admin_pages(org, member, invitation)]:
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_the_index_lists_organisations_managed_and_your_own_roles(client, org, admin):
    client.force_login(admin)
    html = text(client.get("/organisations/"))
    assert f'href="/organisations/{org.slug}/"' in html
    assert "Your roles" in html and "Organisation admin" in html

    practitioner = MembershipFactory(organisation=org, asye=True).user
    client.force_login(practitioner)
    html = text(client.get("/organisations/"))
    assert f'href="/organisations/{org.slug}/"' not in html
    assert "Practitioner (ASYE)" in html and org.name in html
    assert no_inline_code(html)


# Inviting


def test_invite_form_round_trip_keeps_what_was_typed(client, org, admin):
    team = TeamFactory(organisation=org, name="Duty and Assessment")
    client.force_login(admin)
    url = f"/organisations/{org.slug}/invite/"

    form_page = client.get(url)
    assert form_page.status_code == 200
    assert "Duty and Assessment" in text(form_page)
    assert no_inline_code(text(form_page))

    typed = {
        "email": "casey@example.org",
        "role": Role.PRACTICE_EDUCATOR,
        "team": str(team.pk),
        "starts_on_day": "1",
        "starts_on_month": "9",
        "starts_on_year": str(TODAY.year + 1),
        "ends_on_day": "31",
        "ends_on_month": "8",
        "ends_on_year": str(TODAY.year + 1),  # before the start
        "registration_number": "SW424242",
        # no PEPS stage
    }
    response = client.post(url, typed)

    assert response.status_code == 200
    html = text(response)
    assert "There is a problem" in html
    assert "A practice educator needs a PEPS stage." in html
    assert "The end date must be on or after the start date." in html
    assert 'href="#id_ends_on_day"' in html and 'href="#id_peps_stage"' in html
    assert 'value="casey@example.org"' in html
    assert f'<option value="{Role.PRACTICE_EDUCATOR}" selected>' in html
    assert f'<option value="{team.pk}" selected>' in html
    assert 'name="ends_on_day" type="text" inputmode="numeric" value="31"' in html
    assert 'name="starts_on_month" type="text" inputmode="numeric" value="9"' in html
    assert 'value="SW424242"' in html
    assert not Invitation.objects.exists() and not mail.outbox

    response = client.post(url, {**typed, "ends_on_year": str(TODAY.year + 2), "peps_stage": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{org.slug}/"
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.team, invitation.peps_stage) == (
        "casey@example.org",
        Role.PRACTICE_EDUCATOR,
        team,
        1,
    )
    [email] = mail.outbox
    assert "http://testserver/invitations/" in email.body
    followed = client.get(response["Location"])
    assert "Invitation sent to casey@example.org" in text(followed)


def test_a_half_typed_date_is_an_error_that_keeps_the_boxes(client, org, admin):
    client.force_login(admin)
    response = client.post(
        f"/organisations/{org.slug}/invite/",
        {
            "email": "x@example.org",
            "role": Role.STUDENT,
            "starts_on_day": "31",
            "starts_on_month": "2",
            "starts_on_year": "2027",
            "ends_on_day": "4",
            "ends_on_year": "2028",
        },
    )
    html = text(response)
    assert "Start date must be a real date" in html
    assert "End date must include a month" in html
    assert 'name="starts_on_day" type="text" inputmode="numeric" value="31"' in html
    assert 'name="ends_on_year" type="text" inputmode="numeric" value="2028"' in html


# Ending roles and withdrawing invitations


def test_ending_a_role(client, org, admin, member):
    client.force_login(admin)
    url = f"/organisations/{org.slug}/memberships/{member.uuid}/end/"
    page = client.get(url)
    assert page.status_code == 200 and "Robin Ash" in text(page)
    assert no_inline_code(text(page))

    last_day = TODAY + 7 * DAY
    response = client.post(
        url,
        {
            "ends_on_day": last_day.day,
            "ends_on_month": last_day.month,
            "ends_on_year": last_day.year,
        },
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.ends_on == last_day and member.ended_by == admin


def test_ending_your_own_last_admin_role_shows_why_not(client, org, admin):
    own = Membership.objects.get(user=admin)
    client.force_login(admin)
    response = client.post(
        f"/organisations/{org.slug}/memberships/{own.uuid}/end/",
        {"ends_on_day": TODAY.day, "ends_on_month": TODAY.month, "ends_on_year": TODAY.year},
    )
    assert response.status_code == 200
    assert "You cannot end your own admin role" in text(response)
    own.refresh_from_db()
    assert own.ends_on is None


def test_withdrawing_an_invitation(client, org, admin):
    invitation = InvitationFactory(organisation=org, invited_by=admin)
    client.force_login(admin)
    url = f"/organisations/{org.slug}/invitations/{invitation.uuid}/revoke/"
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert client.get(f"/invitations/{invitation.token}/").status_code == 404


# The invitation link


def test_a_signed_out_visitor_is_told_to_sign_in_or_sign_up(client, org):
    invitation = InvitationFactory(
        organisation=org,
        role=Role.ONSITE_SUPERVISOR,
        email="pat@example.org",
        starts_on=TODAY + 14 * DAY,
    )
    url = f"/invitations/{invitation.token}/"

    response = client.get(url)

    assert response.status_code == 200
    html = text(response)
    assert org.name in html and "On-site supervisor" in html and "pat@example.org" in html
    assert f"{TODAY + 14 * DAY:%Y}" in html
    assert f'href="/accounts/login/?next=%2Finvitations%2F{invitation.token}%2F"' in html
    assert f'href="/accounts/signup/?next=%2Finvitations%2F{invitation.token}%2F"' in html
    assert "Accept the role" not in html
    assert "no-store" in response["Cache-Control"]
    assert no_inline_code(html)
    # Accepting needs an account.
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Membership.objects.filter(role=Role.ONSITE_SUPERVISOR).exists()


def test_the_invited_person_accepts_with_a_post(client, org):
    invitation = InvitationFactory(organisation=org, role=Role.STUDENT, email="pat@example.org")
    pat = UserFactory(email="pat@example.org")
    client.force_login(pat)
    url = f"/invitations/{invitation.token}/"

    page = client.get(url)
    assert page.status_code == 200 and "Accept the role" in text(page)
    assert not Membership.objects.filter(user=pat).exists()  # a GET changes nothing

    response = client.post(url)

    assert response.status_code == 302 and response["Location"] == "/organisations/"
    membership = Membership.objects.get(user=pat)
    assert membership.role == Role.STUDENT and membership.organisation == org
    followed = client.get("/organisations/")
    assert "You are now student at" in text(followed)
    assert client.get(url).status_code == 404  # used


def test_someone_signed_in_with_another_address_is_told_before_pressing_anything(client, org):
    invitation = InvitationFactory(organisation=org, email="pat@example.org")
    client.force_login(UserFactory(email="someone.else@example.org"))
    url = f"/invitations/{invitation.token}/"

    page = client.get(url)
    assert page.status_code == 200
    assert "You cannot accept this invitation" in text(page)
    assert "Accept the role" not in text(page)

    response = client.post(url)
    assert response.status_code == 400
    assert not Membership.objects.filter(role=Role.PRACTITIONER).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"expires_at": timezone.now() - timedelta(seconds=1)},
        {"revoked_at": timezone.now()},
        {"accepted_at": timezone.now()},
    ],
)
def test_a_closed_or_unknown_link_gets_a_page_saying_so(client, org, change):
    invitation = InvitationFactory(organisation=org, **change)
    for url in (f"/invitations/{invitation.token}/", "/invitations/made-up-token/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "This invitation link no longer works" in text(response)
        assert no_inline_code(text(response))
        assert client.post(url).status_code == 404


# Query counts


def _members_page_queries(client, org, admin, count):
    for _ in range(count):
        MembershipFactory(organisation=org, team=TeamFactory(organisation=org))
        InvitationFactory(organisation=org, invited_by=admin)
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/organisations/{org.slug}/")
    assert response.status_code == 200
    return len(queries)


def test_the_members_page_needs_a_fixed_number_of_queries(
    client, org, other_org, admin, django_assert_max_num_queries
):
    ContentType.objects.get_for_model(admin)  # cached once per process, as in production
    few = _members_page_queries(client, org, admin, 5)
    other_admin = MembershipFactory(organisation=other_org, role=Role.ORG_ADMIN, mfa=True).user
    many = _members_page_queries(client, other_org, other_admin, 50)
    assert few == many
    # Sign-in, session and MFA checks take 12 of these; the page itself, three (the
    # organisation, its roles with their people and teams, its open invitations), and the
    # access log one (every listed person's read, in one insert).
    with django_assert_max_num_queries(16):
        client.get(f"/organisations/{other_org.slug}/")


def test_the_model_checks_come_with_the_form_checks_in_one_round(client, org, admin):
    client.force_login(admin)
    response = client.post(
        f"/organisations/{org.slug}/invite/",
        {
            "email": "not-an-address",
            "role": Role.LINE_MANAGER,
            "starts_on_day": "1",
            "starts_on_month": "1",
            "starts_on_year": "2027",
            "asye": "on",
            "peps_stage": "1",
        },
    )
    html = text(response)
    assert "Enter an email address in the correct format" in html
    assert "Only practitioners can be in the ASYE." in html
    assert "Only practice educators have a PEPS stage." in html
    assert 'id="id_asye" name="asye" type="checkbox" value="on" checked' in html
