"""Email addresses change only through allauth's verified flow: Wagtail's account page keeps the
name and nothing else of the account."""

import pytest
from allauth.account.models import EmailAddress

from accounts.factories import UserFactory, give_mfa

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    user = UserFactory(is_staff=True, is_superuser=True, email="admin@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    give_mfa(user)
    return user


def test_wagtail_account_page_does_not_change_the_email(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/account/")
    assert page.status_code == 200
    assert 'name="name_email-email"' not in page.content.decode()
    client.post(
        "/admin/account/",
        {
            "name_email-first_name": "Ada",
            "name_email-last_name": "Lovelace",
            "name_email-email": "someone.else@example.org",
            "password-old_password": "",
            "password-new_password1": "",
            "password-new_password2": "",
        },
    )
    admin_user.refresh_from_db()
    assert admin_user.email == "admin@example.org"
    assert not EmailAddress.objects.filter(email="someone.else@example.org").exists()


def test_wagtail_account_page_offers_no_password_change_or_reset(client, admin_user):
    client.force_login(admin_user)
    assert 'name="password-new_password1"' not in client.get("/admin/account/").content.decode()
    client.logout()
    assert client.get("/admin/password_reset/").status_code == 404
