import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Role
from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Attachment


def png_bytes(size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def person(role=Role.PRACTITIONER, organisation=None, **extra):
    membership = MembershipFactory(
        role=role, organisation=organisation or OrganisationFactory(), mfa=True, **extra
    )
    return membership.user


def entry_with_attachment(owner, **kwargs):
    entry = EntryFactory(portfolio=PortfolioFactory(owner=owner), **kwargs)
    content = png_bytes()
    attachment = Attachment.objects.create(
        entry=entry,
        file=ContentFile(content, name="scan.png"),
        original_name="scan.png",
        content_type="image/png",
        size=len(content),
        sha256="0" * 64,
    )
    return entry, attachment


@pytest.fixture
def practitioner(db):
    return person(Role.PRACTITIONER)


@pytest.fixture
def student(db):
    return person(Role.STUDENT)
