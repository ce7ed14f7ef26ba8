"""`requires_mfa` runs SQL compiled once a day from the rules, with the user's key put in. These
tests pin that the fast path is the one used, that it answers exactly as building the query
through the ORM does, that nothing about the answer is cached (a grant counts on the next
request), and that a rule depending on more than the user and the day is never compiled."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from accounts import mfa
from accounts.factories import UserFactory
from organisations.factories import MembershipFactory
from organisations.models import Role
from placements.factories import PlacementFactory
from portfolios.factories import PortfolioFactory
from portfolios.models import Share

pytestmark = pytest.mark.django_db

MFA_REQUIRED = "/accounts/mfa-required/"


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    mfa._compiled.clear()
    yield
    mfa._compiled.clear()
    cache.clear()


def _slow(user) -> bool:
    """The answer built through the ORM, as before the compiled form."""
    return mfa._reasons_query(user).exists()


def test_the_rules_are_built_once_a_day_not_on_every_call(monkeypatch):
    built = []
    original = mfa._reasons_query

    def counting(user):
        built.append(user.pk)
        return original(user)

    monkeypatch.setattr(mfa, "_reasons_query", counting)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        assert not mfa.requires_mfa(person)
    assert built == list(mfa._STAND_INS)  # compiled once, with the two stand-ins
    assert mfa._compiled_check(DEFAULT_DB_ALIAS) is not None


def test_the_compiled_check_answers_as_the_orm_does_for_every_role():
    today = timezone.localdate()
    people = [UserFactory()]  # nobody's record to read
    for role in Role:
        people.append(MembershipFactory(role=role).user)
        # Roles that ended or have not started yet grant nothing.
        people.append(MembershipFactory(role=role, ends_on=today - datetime.timedelta(days=1)).user)
        people.append(
            MembershipFactory(role=role, starts_on=today + datetime.timedelta(days=1)).user
        )
    placement = PlacementFactory()
    people += [placement.student, placement.practice_educator, placement.hei_tutor]
    owner, reader = UserFactory(), UserFactory()
    Share.objects.create(
        portfolio=PortfolioFactory(owner=owner),
        reader=reader,
        relationship=Share.Relationship.values[0],
        whole_portfolio=True,
    )
    people += [owner, reader]
    answers = {}
    for person in people:
        person = get_user_model().objects.get(pk=person.pk)
        answers[person.pk] = mfa.requires_mfa(person)
        assert answers[person.pk] is _slow(person), person
    assert mfa._compiled_check(DEFAULT_DB_ALIAS) is not None
    # Both answers occur, so the comparison above could fail either way.
    assert set(answers.values()) == {True, False}


def test_a_role_granted_after_a_no_counts_on_the_next_request(client):
    person = UserFactory()
    client.force_login(person)
    assert client.get("/home/").status_code == 200
    MembershipFactory(user=person, role=Role.PRINCIPAL_SOCIAL_WORKER)
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith(MFA_REQUIRED)


def test_a_share_granted_after_a_no_counts_on_the_next_request(client):
    reader = UserFactory()
    client.force_login(reader)
    assert client.get("/home/").status_code == 200
    Share.objects.create(
        portfolio=PortfolioFactory(owner=UserFactory()),
        reader=reader,
        relationship=Share.Relationship.values[0],
        whole_portfolio=True,
    )
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith(MFA_REQUIRED)


def test_a_role_starting_tomorrow_counts_from_tomorrow(monkeypatch):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    person = MembershipFactory(role=Role.ORG_ADMIN, starts_on=tomorrow).user
    assert not mfa.requires_mfa(person)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert mfa.requires_mfa(person)  # compiled again for the new day, with its date


def test_a_rule_that_depends_on_the_time_is_never_compiled(monkeypatch):
    owner, reader = UserFactory(), UserFactory()
    Share.objects.create(
        portfolio=PortfolioFactory(owner=owner),
        reader=reader,
        relationship=Share.Relationship.values[0],
        whole_portfolio=True,
    )

    def shares_made_before_now(user):
        return [Share.objects.filter(reader=user, created_at__lte=timezone.now())]

    monkeypatch.setattr(mfa, "_record_reader_rules", [shares_made_before_now])
    assert mfa._compile(DEFAULT_DB_ALIAS) is None
    assert mfa.requires_mfa(reader)
    assert not mfa.requires_mfa(owner)
