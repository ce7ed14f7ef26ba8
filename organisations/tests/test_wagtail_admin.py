"""Superusers set up organisations and first admins in the Wagtail admin; nobody else can."""

import pytest
from django.urls import reverse

from accounts.factories import UserFactory, give_mfa
from organisations.factories import MembershipFactory
from organisations.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return give_mfa(UserFactory(is_staff=True, is_superuser=True))


def test_a_superuser_lists_and_creates_organisations_and_first_admins(client, superuser, org):
    person = UserFactory()
    client.force_login(superuser)
    for name in ("admin_organisations", "admin_teams", "admin_roles"):
        assert client.get(reverse(f"{name}:index")).status_code == 200

    response = client.post(
        reverse("admin_roles:add"),
        {
            "user": person.pk,
            "organisation": org.pk,
            "role": Role.ORG_ADMIN,
            "starts_on": "2026-01-01",
        },
    )

    assert response.status_code == 302
    membership = Membership.objects.get(user=person)
    assert membership.role == Role.ORG_ADMIN and membership.created_by == superuser


def test_nobody_gives_themselves_a_role_in_the_admin_either(client, superuser, org):
    client.force_login(superuser)
    response = client.post(
        reverse("admin_roles:add"),
        {
            "user": superuser.pk,
            "organisation": org.pk,
            "role": Role.ORG_ADMIN,
            "starts_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(user=superuser).exists()


def test_staff_who_are_not_superusers_cannot_open_them(client, org):
    staff = give_mfa(UserFactory(is_staff=True))
    MembershipFactory(user=staff, organisation=org, role=Role.ORG_ADMIN)
    client.force_login(staff)
    for name in ("admin_organisations", "admin_teams", "admin_roles"):
        assert client.get(reverse(f"{name}:index")).status_code in (302, 403)
