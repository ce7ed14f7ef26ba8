import pytest

from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Role


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Northshire Council", slug="northshire")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Southvale Council", slug="southvale")


@pytest.fixture
def admin(org):
    """An active admin of `org`, with the second factor staff roles need."""
    return MembershipFactory(organisation=org, role=Role.ORG_ADMIN, mfa=True).user
