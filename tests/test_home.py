"""The person's home (/home/): tasks from every app, the areas they may use, and the header."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command

from accounts.demo import DEMO_DOMAIN
from accounts.models import User
from cms import home

pytestmark = pytest.mark.django_db

HEADER_ITEM = re.compile(r'class="govuk-service-navigation__item')


@pytest.fixture
def seeded(db):
    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    cache.clear()


def demo(local):
    return User.objects.get(email=f"{local}@{DEMO_DOMAIN}")


def test_print(seeded, client):
    for user in User.objects.filter(email__endswith=DEMO_DOMAIN).order_by("email"):
        print("==", user.email)
        for t in home.tasks_for(user):
            print("   T", t)
        print("   H", [a.header for a in home.header_links(home.areas_for(user))])
        for a in home.areas_for(user):
            print("   A", a.group, a.label, a.url)
