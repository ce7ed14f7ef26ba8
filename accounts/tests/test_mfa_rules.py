"""MFA follows the access rules, not a list of roles: anyone a rule lets read another person's
record (or who can reach the Wagtail admin) must set it up before seeing anything private, and
cannot remove their last second factor while such access lasts."""

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.factories import UserFactory, give_mfa
from accounts.mfa import record_reader_rules, requires_mfa
from accounts.tests.test_auth_flows import activate_totp, reauthenticate, sign_in, verified_user
from appraisals import services as appraisal_services
from appraisals.factories import team_with_people, two_stage_template
from organisations.factories import MembershipFactory
from organisations.models import Membership, Role
from placements.factories import PlacementFactory
from portfolios.factories import PortfolioFactory
from portfolios.models import Share

pytestmark = pytest.mark.django_db

MFA_REQUIRED = "/accounts/mfa-required/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _goes_to_mfa_set_up(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(MFA_REQUIRED)


def test_every_app_registers_its_rule():
    modules = {rule.__module__ for rule in record_reader_rules()}
    assert modules >= {
        "portfolios.rules",
        "appraisals.rules",
        "placements.rules",
        "organisations.selectors",
    }


def test_a_practitioner_who_is_an_onsite_supervisor_needs_mfa_for_the_placement(client):
    placement = PlacementFactory()
    supervisor = MembershipFactory(
        organisation=placement.provider_team.organisation,
        team=placement.provider_team,
        role=Role.PRACTITIONER,
    ).user
    placement.onsite_supervisor = supervisor
    placement.save(update_fields=["onsite_supervisor"])
    client.force_login(supervisor)
    detail = f"/placements/{placement.uuid}/"
    audit = f"/placements/{placement.uuid}/audit/"
    assert _goes_to_mfa_set_up(client.get(detail))
    assert _goes_to_mfa_set_up(client.get(audit))
    assert _goes_to_mfa_set_up(client.post(audit, {"comment": "posted without MFA"}))
    give_mfa(supervisor)
    assert client.get(detail).status_code == 200


def test_a_line_manager_needs_mfa_once_a_rule_lets_them_read_an_appraisal(client, pcf):
    team, practitioner, manager, psw = team_with_people()
    Authenticator.objects.filter(user=manager).delete()
    assert not requires_mfa(manager)  # nobody's record is theirs to read yet
    appraisal = appraisal_services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=psw,
    )
    assert requires_mfa(manager)
    client.force_login(manager)
    assert _goes_to_mfa_set_up(client.get(f"/appraisals/{appraisal.uuid}/"))
    # The role ends and they signed nothing: no rule lets them read it any more.
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Membership.objects.filter(user=manager).update(ends_on=yesterday)
    assert not requires_mfa(manager)
    # The appraisee reads only their own record: no MFA needed.
    assert not requires_mfa(practitioner)


def test_a_reader_of_a_shared_portfolio_needs_mfa_while_the_share_lasts(client):
    owner, reader = UserFactory(), UserFactory()
    share = Share.objects.create(
        portfolio=PortfolioFactory(owner=owner),
        reader=reader,
        relationship=Share.Relationship.values[0],
        whole_portfolio=True,
    )
    assert requires_mfa(reader)
    assert not requires_mfa(owner)
    Share.objects.filter(pk=share.pk).update(revoked_at=timezone.now())
    assert not requires_mfa(reader)


@pytest.mark.parametrize("field", ["practice_educator", "hei_tutor"])
def test_placement_people_need_mfa_the_student_does_not(field):
    placement = PlacementFactory()
    person = getattr(placement, field)
    Authenticator.objects.filter(user=person).delete()
    assert requires_mfa(person)
    assert not requires_mfa(placement.student)


def test_framework_editors_need_mfa_for_the_admin(client, pcf):
    from capabilities.workflows import EDITORS_GROUP, ensure_publication_workflow

    ensure_publication_workflow()
    editor = UserFactory()
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))
    client.force_login(editor)
    assert _goes_to_mfa_set_up(client.get("/admin/"))
    assert _goes_to_mfa_set_up(client.get("/admin/snippets/"))
    assert _goes_to_mfa_set_up(client.get("/portfolio/"))
    # The published framework stays open, without MFA.
    assert client.get("/framework/").status_code == 200
    give_mfa(editor)
    assert client.get("/admin/").status_code == 200


def test_staff_without_wagtail_permissions_need_mfa_for_the_django_admin(client):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    assert _goes_to_mfa_set_up(client.get("/django-admin/"))


def test_someone_who_must_use_mfa_cannot_deactivate_their_only_totp(client):
    user = verified_user()
    MembershipFactory(user=user, role=Role.PRINCIPAL_SOCIAL_WORKER)
    sign_in(client, user.email)
    activate_totp(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "your roles let you see other people" in response.content.decode()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_someone_without_such_access_may_deactivate_totp(client):
    user = verified_user()
    sign_in(client, user.email)
    activate_totp(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _security_key(user, name="Key"):
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {}}
    )


def test_someone_who_must_use_mfa_cannot_remove_their_only_security_key(client):
    user = verified_user()
    MembershipFactory(user=user, role=Role.ORG_ADMIN)
    key = _security_key(user)
    client.force_login(user)
    reauthenticate(client)
    url = reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})
    response = client.post(url, follow=True)
    assert Authenticator.objects.filter(pk=key.pk).exists()
    assert "your roles let you see other people" in response.content.decode()
    # With a second factor left, the key can go.
    give_mfa(user)
    client.post(url)
    assert not Authenticator.objects.filter(pk=key.pk).exists()


def test_wagtail_permission_alone_is_enough_to_need_mfa():
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert requires_mfa(user)


def test_the_question_costs_one_query(django_assert_num_queries):
    placement = PlacementFactory()
    for person, expected in ((UserFactory(), False), (placement.hei_tutor, True)):
        person = type(person).objects.get(pk=person.pk)
        with django_assert_num_queries(1):
            assert requires_mfa(person) is expected
