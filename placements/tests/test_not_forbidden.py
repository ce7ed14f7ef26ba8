"""Someone who may see a designation or a partnership review but not do what they posted gets
404, as everywhere else in Capable, never 403 (which would confirm what they may do)."""

import ast
import datetime
from pathlib import Path

import pytest
from django.conf import settings

from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Organisation, Role
from placements import designations, partnerships
from placements.models import (
    ActionItem,
    Criterion,
    CriterionEvidence,
    Designation,
    Partnership,
)
from placements.tests.test_designations import apply, submitted

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year
DECISION = {
    "action": "decide",
    "status": Designation.Status.APPROVED,
    "starts_on_day": "1",
    "starts_on_month": "1",
    "starts_on_year": "2026",
    "expires_on_day": "31",
    "expires_on_month": "12",
    "expires_on_year": "2028",
}


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="Northshire Council", kind=Organisation.Kind.LOCAL_AUTHORITY)


@pytest.fixture
def body(db):
    return OrganisationFactory(name="Practice Learning Board", kind=Organisation.Kind.AWARDING_BODY)


@pytest.fixture
def lead(employer):
    designations.ensure_default_criteria()
    return MembershipFactory(organisation=employer, role=Role.PLACEMENT_LEAD, mfa=True).user


def url(designation):
    return f"/placements/designations/{designation.uuid}/"


def test_a_psw_who_sees_the_application_cannot_save_or_submit_evidence(
    client, employer, body, lead
):
    designation = apply(employer, body, lead)
    criterion = Criterion.objects.filter(kind=designation.kind, is_active=True).first()
    psw = MembershipFactory(organisation=employer, role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True).user
    client.force_login(psw)
    assert client.get(url(designation)).status_code == 200  # they may see it

    for action in ("save", "submit"):
        response = client.post(
            url(designation), {"action": action, f"evidence-{criterion.pk}": "Written by the PSW"}
        )
        assert response.status_code == 404, action
    assert not CriterionEvidence.objects.filter(designation=designation).exists()
    designation.refresh_from_db()
    assert designation.status == Designation.Status.DRAFT


def test_the_employers_lead_cannot_post_a_decision(client, employer, body, lead):
    designation = submitted(employer, body, lead)
    client.force_login(lead)

    assert client.post(url(designation), DECISION).status_code == 404
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUBMITTED


def test_an_awarding_body_member_who_belongs_to_the_employer_cannot_decide(
    client, employer, body, lead
):
    designation = submitted(employer, body, lead)
    both = MembershipFactory(organisation=body, role=Role.ORG_ADMIN, mfa=True).user
    MembershipFactory(organisation=employer, user=both, role=Role.PRACTITIONER)
    client.force_login(both)
    assert client.get(url(designation)).status_code == 200

    assert client.post(url(designation), DECISION).status_code == 404
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUBMITTED


def test_a_lead_of_an_employer_that_joined_after_the_review_cannot_add_actions(client):
    hei = OrganisationFactory(kind=Organisation.Kind.HEI)
    employer = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    partnership = Partnership.objects.create(slug="riverside", name="Riverside", hei=hei)
    partnership.employers.add(employer)
    review = partnerships.review_for(partnership=partnership, year=YEAR)
    hei_lead = MembershipFactory(organisation=hei, role=Role.PLACEMENT_LEAD, mfa=True).user
    employer_lead = MembershipFactory(organisation=employer, role=Role.ORG_ADMIN, mfa=True).user
    ratings = {a: {"rating": "green", "comment": ""} for a in Partnership.Area.values}
    for organisation, by in ((hei, hei_lead), (employer, employer_lead)):
        partnerships.submit_side(review=review, organisation=organisation, by=by, ratings=ratings)
    joined = OrganisationFactory(kind=Organisation.Kind.VOLUNTARY)
    partnership.employers.add(joined)
    newcomer = MembershipFactory(organisation=joined, role=Role.PLACEMENT_LEAD, mfa=True).user
    client.force_login(newcomer)
    review_url = f"/placements/partnerships/{partnership.slug}/review/{YEAR}/"
    assert client.get(review_url).status_code == 200  # they may read it

    due = datetime.date.today() + datetime.timedelta(days=30)
    response = client.post(
        review_url,
        {
            "action": "add-action",
            "text": "Written by someone with no side",
            "owner": str(hei_lead.uuid),
            "due_on_day": str(due.day),
            "due_on_month": str(due.month),
            "due_on_year": str(due.year),
        },
    )

    assert response.status_code == 404
    assert not ActionItem.objects.exists()


def test_no_view_answers_403():
    """Views outside the Wagtail admin never raise PermissionDenied or answer 403 themselves:
    what someone may not do is 404, like what they may not see."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in sorted(root.glob("*/*views*.py")):
        if path.name == "admin_views.py" or ".venv" in path.parts:
            continue  # Wagtail admin views follow Wagtail's own permission pages
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and node.exc is not None:
                exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if getattr(exc, "id", getattr(exc, "attr", "")) == "PermissionDenied":
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}")
            if isinstance(node, ast.Name) and node.id == "HttpResponseForbidden":
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
            if (
                isinstance(node, ast.keyword)
                and node.arg == "status"
                and isinstance(node.value, ast.Constant)
                and node.value.value == 403
            ):
                offenders.append(f"{path.relative_to(root)}:{node.lineno}")
    assert offenders == []
