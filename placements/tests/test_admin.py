import pytest

from accounts.factories import UserFactory, give_mfa

pytestmark = pytest.mark.django_db

URLS = [
    "/admin/placements/programmes/",
    "/admin/placements/cohorts/",
    "/admin/placements/units/",
    "/admin/placements/partnerships/",
    "/admin/placements/criteria/",
    "/admin/placements/audit-templates/",
]


def test_superusers_set_up_placements_in_the_admin(client):
    admin = give_mfa(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(admin)
    for url in URLS:
        assert client.get(url).status_code == 200, url
        assert client.get(url + "new/").status_code == 200, url


def test_other_admin_users_cannot(client):
    from django.contrib.auth.models import Permission

    editor = give_mfa(UserFactory(is_staff=True))
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    for url in URLS:
        assert client.get(url).status_code in (302, 403), url
