"""The signed-in person's roles are read once per request (`organisations.middleware`,
`selectors._roles_held`): the answers are those of the subquery, the memo never outlives the
request, covers only the signed-in person, and forgets a membership changed during the request."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import UserFactory, give_mfa
from organisations import selectors
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.middleware import RolesPerRequestMiddleware
from organisations.models import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
ASKED = [(), (Role.ORG_ADMIN,), (Role.PRACTITIONER, Role.LINE_MANAGER), (Role.STUDENT,)]


def in_request(user, view):
    """Run `view(request)` inside the middleware, as a page signed in as `user` would."""
    request = RequestFactory().get("/")
    request.user = user
    return RolesPerRequestMiddleware(view)(request)


def membership_reads(queries) -> int:
    return sum(
        'FROM "organisations_membership"' in q["sql"].replace("`", '"')
        for q in queries.captured_queries
    )


@pytest.fixture
def person(db):
    user = UserFactory()
    orgs = OrganisationFactory.create_batch(4)
    MembershipFactory(user=user, organisation=orgs[0], role=Role.ORG_ADMIN)
    MembershipFactory(user=user, organisation=orgs[1], role=Role.PRACTITIONER)
    # Ended yesterday, and starting tomorrow: neither counts today.
    MembershipFactory(
        user=user, organisation=orgs[2], role=Role.LINE_MANAGER, starts_on=TODAY - 9 * DAY,
        ends_on=TODAY - DAY,
    )  # fmt: skip
    MembershipFactory(user=user, organisation=orgs[3], role=Role.STUDENT, starts_on=TODAY + DAY)
    return user


def answers(user):
    return [set(selectors.organisations_where(user, *roles)) for roles in ASKED]


def test_the_memo_gives_the_subquerys_answers_in_one_query(person):
    expected = answers(person)  # outside a request: the subquery
    assert [len(a) for a in expected] == [2, 1, 1, 0]
    assert selectors.is_org_admin(person, next(iter(expected[1])))
    seen = {}

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            selectors.remember_roles(request.user)
            seen["first"] = answers(request.user)
            seen["again"] = answers(request.user)
            seen["ids"] = [selectors.organisation_ids_where(request.user, *r) for r in ASKED]
            seen["admin"] = [selectors.is_org_admin(request.user, org) for org in expected[0]]
        seen["reads"] = membership_reads(queries)

    in_request(person, view)
    assert seen["first"] == seen["again"] == expected
    assert seen["ids"] == [{org.pk for org in a} for a in expected]
    assert sorted(seen["admin"]) == [False, True]
    assert seen["reads"] == 1
    assert selectors._request_roles.get() is None  # reset after the request


def test_only_the_signed_in_person_is_memoised(person):
    other = MembershipFactory(role=Role.ORG_ADMIN).user
    seen = {}

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            seen["other"] = [set(selectors.organisations_where(other)) for _ in range(2)]
        seen["reads"] = membership_reads(queries)

    in_request(person, view)
    assert seen["other"][0] == seen["other"][1] == set(selectors.organisations_where(other))
    assert len(seen["other"][0]) == 1
    assert seen["reads"] == 2  # each a subquery on the memberships: no memo for them


def test_a_membership_ended_during_the_request_counts_at_once(person):
    admin_role = person.memberships.get(role=Role.ORG_ADMIN)
    seen = {}

    def view(request):
        selectors.remember_roles(request.user)
        seen["before"] = set(selectors.administered_organisations(request.user))
        admin_role.ends_on = TODAY - DAY
        admin_role.save()
        seen["after"] = set(selectors.administered_organisations(request.user))
        seen["is_admin"] = selectors.is_org_admin(request.user, admin_role.organisation)
        MembershipFactory(user=request.user, role=Role.ORG_ADMIN)
        seen["new"] = set(selectors.administered_organisations(request.user))

    in_request(person, view)
    assert seen["before"] == {admin_role.organisation}
    assert seen["after"] == set()
    assert not seen["is_admin"]
    assert len(seen["new"]) == 1 and seen["new"] != seen["before"]


def test_the_memo_ends_with_the_request(client, person):
    """A role ended between two pages: the second page no longer lets them in."""
    admin_role = person.memberships.get(role=Role.ORG_ADMIN)
    give_mfa(person)  # the admin pages need a second factor
    client.force_login(person)
    url = f"/organisations/{admin_role.organisation.slug}/"
    assert client.get(url).status_code == 200
    assert selectors._request_roles.get() is None
    # Ended with a bulk update, which sends no signal: only the end of the request forgets.
    person.memberships.filter(role=Role.ORG_ADMIN).update(ends_on=TODAY - DAY)
    assert client.get(url).status_code == 404


def test_the_mfa_check_compiled_with_stand_ins_is_not_memoised(person):
    """`accounts.mfa` compiles its SQL with stand-in users: inside a request, the signed-in
    person's memo must not leak into it (an admin must still need MFA, a practitioner not)."""
    from accounts import mfa

    plain = MembershipFactory(role=Role.PRACTITIONER).user
    seen = {}

    def view(request):
        mfa._compiled.clear()
        seen["admin"] = mfa.requires_mfa(request.user)
        seen["plain"] = mfa.requires_mfa(plain)

    in_request(person, view)
    assert seen == {"admin": True, "plain": False}

    def plain_first(request):
        mfa._compiled.clear()
        seen["plain"] = mfa.requires_mfa(request.user)
        seen["admin"] = mfa.requires_mfa(person)

    in_request(plain, plain_first)
    assert seen == {"admin": True, "plain": False}


def test_signing_in_as_someone_else_mid_request_reads_their_roles(person):
    other = MembershipFactory(role=Role.STUDENT).user
    seen = {}

    def view(request):
        selectors.remember_roles(request.user)
        seen["person"] = set(selectors.organisations_where(request.user))
        request.user = other  # what `login()` does
        seen["other"] = set(selectors.organisations_where(other))
        seen["other ids"] = selectors.organisation_ids_where(other)  # read for them now
        seen["other again"] = set(selectors.organisations_where(other))
        seen["person again"] = set(selectors.organisations_where(person))  # not memoised now

    in_request(person, view)
    assert seen["other"] == seen["other again"] == {other.memberships.get().organisation}
    assert seen["other ids"] == {other.memberships.get().organisation_id}
    assert seen["person"] == seen["person again"] == answers(person)[0]


def test_a_page_asking_only_subqueries_reads_no_roles_of_its_own(person):
    """Until a rule needs an answer in Python (or the page asks for many, as the home does), the
    rules stay subqueries of the page's own queries: no query is added."""
    seen = {}

    def view(request):
        with CaptureQueriesContext(connection) as queries:
            organisations = selectors.organisations_where(request.user, Role.ORG_ADMIN)
            seen["admins"] = list(organisations)
        seen["queries"] = len(queries.captured_queries)
        seen["read"] = selectors._request_roles.get().held is not None

    in_request(person, view)
    assert seen["queries"] == 1 and not seen["read"]
    assert len(seen["admins"]) == 1
