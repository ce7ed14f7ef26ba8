"""The access rule for people's records, the access log, MFA for staff roles, private caching."""

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts.factories import UserFactory, give_mfa
from accounts.models import AccessEvent
from organisations.models import STAFF_ROLES, Membership, Organisation, Role

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)


def member(org, role, **extra):
    user = UserFactory()
    if role == Role.PRACTICE_EDUCATOR:
        extra.setdefault("peps_stage", 2)
        extra.setdefault("registration_number", "SW123456")
    Membership.objects.create(user=user, organisation=org, role=role, **extra)
    if role in STAFF_ROLES:
        give_mfa(user)
    return user


@pytest.fixture
def orgs(db):
    return (
        Organisation.objects.create(
            name="Northshire Council", slug="northshire", kind="local-authority"
        ),
        Organisation.objects.create(
            name="Southvale Council", slug="southvale", kind="local-authority"
        ),
    )


@pytest.mark.parametrize("viewer_role", ALL_ROLES)
@pytest.mark.parametrize("target_role", ALL_ROLES)
def test_role_by_role_only_the_rule_grants_access(client, orgs, viewer_role, target_role):
    """Same organisation alone grants nothing: only an org admin of the person's organisation."""
    north, south = orgs
    target = member(north, target_role)
    same_org_viewer = member(north, viewer_role)
    other_org_viewer = member(south, viewer_role)
    url = f"/people/{target.uuid}/"

    client.force_login(same_org_viewer)
    expected = 200 if viewer_role == Role.ORG_ADMIN else 404
    assert client.get(url).status_code == expected

    client.force_login(other_org_viewer)
    assert client.get(url).status_code == 404


def test_everyone_can_see_their_own_record_without_a_log_entry(client, orgs):
    person = member(orgs[0], Role.PRACTITIONER)
    client.force_login(person)
    response = client.get(f"/people/{person.uuid}/")
    assert response.status_code == 200
    assert "Your record" in response.content.decode()
    assert not AccessEvent.objects.exists()


def test_unknown_person_and_anonymous_visitors(client, orgs):
    person = member(orgs[0], Role.STUDENT)
    assert client.get(f"/people/{person.uuid}/").status_code == 302  # to sign in
    client.force_login(member(orgs[0], Role.ORG_ADMIN))
    assert client.get("/people/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_an_ended_admin_role_grants_nothing(client, orgs):
    import datetime

    target = member(orgs[0], Role.STUDENT)
    admin = member(
        orgs[0],
        Role.ORG_ADMIN,
        ends_on=datetime.date(2020, 1, 1),
        starts_on=datetime.date(2019, 1, 1),
    )
    client.force_login(admin)
    assert client.get(f"/people/{target.uuid}/").status_code == 404


def test_reading_another_persons_record_is_logged_and_shown_to_them(client, orgs):
    target = member(orgs[0], Role.PRACTITIONER)
    admin = member(orgs[0], Role.ORG_ADMIN)
    client.force_login(admin)
    client.get(f"/people/{target.uuid}/", HTTP_USER_AGENT="TestBrowser/1.0")
    event = AccessEvent.objects.get()
    assert event.actor == admin and event.owner == target
    assert event.action == "read"
    assert event.organisation == orgs[0]
    assert event.ip_address == "127.0.0.1"
    assert event.user_agent == "TestBrowser/1.0"
    assert event.path == f"/people/{target.uuid}/"
    assert event.content_type == ContentType.objects.get_for_model(target)

    client.force_login(target)
    html = client.get("/people/me/access-log/").content.decode()
    assert admin.email in html

    client.force_login(admin)
    html = client.get("/people/organisations/northshire/access-log/").content.decode()
    assert target.email in html


def test_organisation_log_is_for_that_organisations_admins_only(client, orgs):
    for role in ALL_ROLES:
        if role == Role.ORG_ADMIN:
            continue
        client.force_login(member(orgs[0], role))
        assert client.get("/people/organisations/northshire/access-log/").status_code == 404
    client.force_login(member(orgs[1], Role.ORG_ADMIN))
    assert client.get("/people/organisations/northshire/access-log/").status_code == 404


def test_access_log_is_append_only(orgs):
    target = member(orgs[0], Role.PRACTITIONER)
    admin = member(orgs[0], Role.ORG_ADMIN)
    event = AccessEvent.objects.create(
        actor=admin,
        actor_email=admin.email,
        owner=target,
        action="read",
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        object_repr=str(target),
    )
    event.action = "change"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AccessEvent.objects.update(action="change")
    assert AccessEvent.objects.get().action == "read"


# Roles whose rules let them read others' records from the day they start (PSWs: every appraisal
# of the organisation; placement leads; admins: the organisation's people). Line managers, practice
# educators, tutors and on-site supervisors need MFA once a record is theirs to read: see
# accounts/tests/test_mfa_rules.py.
ROLES_THAT_READ_OTHERS = [Role.PRINCIPAL_SOCIAL_WORKER, Role.PLACEMENT_LEAD, Role.ORG_ADMIN]


@pytest.mark.parametrize("role", ROLES_THAT_READ_OTHERS)
def test_staff_roles_must_set_up_mfa_before_seeing_others_data(client, orgs, role):
    target = member(orgs[0], Role.STUDENT)
    user = UserFactory()
    Membership.objects.create(
        user=user,
        organisation=orgs[0],
        role=role,
        **(
            {"peps_stage": 1, "registration_number": "SW1"}
            if role == Role.PRACTICE_EDUCATOR
            else {}
        ),
    )
    client.force_login(user)
    response = client.get(f"/people/{target.uuid}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa-required/?next=")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "/accounts/2fa/totp/activate/" in page.content.decode()
    # Public pages stay open.
    assert client.get("/search/").status_code == 200
    give_mfa(user)
    assert client.get(f"/people/{target.uuid}/").status_code in (200, 404)


@pytest.mark.parametrize("role", [Role.STUDENT, Role.PRACTITIONER])
def test_students_and_practitioners_are_not_forced_into_mfa(client, orgs, role):
    person = member(orgs[0], role)
    client.force_login(person)
    assert client.get(f"/people/{person.uuid}/").status_code == 200


def test_wagtail_admin_users_need_mfa_too(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/mfa-required/")
    give_mfa(admin)
    assert client.get("/admin/").status_code == 200


def test_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"


def test_pages_for_signed_in_people_are_never_cached(client, orgs):
    person = member(orgs[0], Role.PRACTITIONER)
    client.force_login(person)
    response = client.get(f"/people/{person.uuid}/")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    client.logout()
    assert "no-store" not in client.get("/search/").get("Cache-Control", "")
