"""The identifying-information guard on what people write about placements, through the pages:
audit parts, moderation notes and actions, partnership reviews, designation evidence and
decisions, and the placement's own steps."""

import datetime

import pytest
from django.utils import timezone

from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Organisation, Role
from placements import designations
from placements import partnerships as partnership_services
from placements.models import (
    ActionItem,
    Audit,
    AuditParty,
    Designation,
    DesignationKind,
    Partnership,
    Placement,
)

from .test_audits import part_post, submit_all
from .test_placements import in_progress

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"
TODAY = timezone.localdate()


def audit_url(audit):
    return f"/placements/{audit.placement.uuid}/audit/"


def test_an_audit_comment_with_an_nhs_number_is_refused_even_when_confirmed(client, audit, world):
    client.force_login(world["student"])
    data = part_post(audit, AuditParty.STUDENT, comment=f"A child there, NHS {NHS}")
    for extra in ({}, {"student-confirm_anonymised": "on"}):
        response = client.post(audit_url(audit), {**data, **extra})
        assert response.status_code == 400
        assert f"A child there, NHS {NHS}" in response.content.decode()
    assert audit.parts.get(party=AuditParty.STUDENT).submitted_at is None
    redacted = client.post(audit_url(audit), {**data, "student-guard_redact": "1"})
    assert redacted.status_code == 400
    assert "A child there, NHS [NHS number removed]" in redacted.content.decode()
    assert audit.parts.get(party=AuditParty.STUDENT).submitted_at is None


def test_moderation_notes_and_actions_with_an_nhs_number_are_refused(client, audit, world):
    submit_all(audit, world)
    client.force_login(world["hei_lead"])
    due = TODAY + datetime.timedelta(days=14)
    data = {
        "what": "moderate",
        "moderate-notes": "Solid setting",
        "moderate-action_1_text": "Name a lone-working buddy",
        "moderate-action_1_owner": world["onsite"].pk,
        "moderate-action_1_due_on_day": due.day,
        "moderate-action_1_due_on_month": due.month,
        "moderate-action_1_due_on_year": due.year,
    }
    for field in ("moderate-notes", "moderate-action_1_text"):
        bad = {**data, field: f"{data[field]} (NHS {NHS})"}
        response = client.post(audit_url(audit), bad)
        assert response.status_code == 400, field
        audit.refresh_from_db()
        assert audit.status == Audit.Status.OPEN and not ActionItem.objects.exists()
    assert client.post(audit_url(audit), data).status_code == 302


# ---------------------------------------------------------------------------------------------
# Partnership reviews

YEAR = datetime.date.today().year


@pytest.fixture
def partnership(db):
    hei = OrganisationFactory(kind=Organisation.Kind.HEI)
    employer = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    partnership = Partnership.objects.create(slug="riverside", name="Riverside", hei=hei)
    partnership.employers.add(employer)
    return partnership


def review_url(partnership):
    return f"/placements/partnerships/{partnership.slug}/review/{YEAR}/"


def test_a_partnership_comment_with_an_nhs_number_is_refused(client, partnership):
    hei = partnership.hei
    lead = MembershipFactory(organisation=hei, role=Role.PLACEMENT_LEAD, mfa=True).user
    review = partnership_services.review_for(partnership=partnership, year=YEAR)
    area = Partnership.Area.values[0]
    data = {"organisation": hei.slug, "action": "save"}
    data.update({f"{a}-rating": "green" for a in Partnership.Area.values})
    data[f"{area}-comment"] = f"One student mentioned NHS {NHS}"
    client.force_login(lead)
    response = client.post(review_url(partnership), data)
    assert response.status_code == 400
    assert f"One student mentioned NHS {NHS}" in response.content.decode()
    side = review.sides.get(organisation=hei)
    assert not side.ratings
    redacted = client.post(review_url(partnership), {**data, "action": "", "guard_redact": "1"})
    assert redacted.status_code == 400
    assert "mentioned NHS [NHS number removed]" in redacted.content.decode()
    data[f"{area}-comment"] = "Students are well supported"
    assert client.post(review_url(partnership), data).status_code == 302
    side.refresh_from_db()
    assert side.ratings[area]["comment"] == "Students are well supported"


def test_a_partnership_action_with_an_nhs_number_is_refused(client, partnership):
    hei, employer = partnership.hei, partnership.employers.get()
    hei_lead = MembershipFactory(organisation=hei, role=Role.PLACEMENT_LEAD, mfa=True).user
    employer_lead = MembershipFactory(organisation=employer, role=Role.ORG_ADMIN, mfa=True).user
    review = partnership_services.review_for(partnership=partnership, year=YEAR)
    rated = {a: {"rating": "green", "comment": ""} for a in Partnership.Area.values}
    partnership_services.submit_side(review=review, organisation=hei, by=hei_lead, ratings=rated)
    partnership_services.submit_side(
        review=review, organisation=employer, by=employer_lead, ratings=rated
    )
    due = TODAY + datetime.timedelta(days=60)
    client.force_login(hei_lead)
    response = client.post(
        review_url(partnership),
        {
            "action": "add-action",
            "text": f"Call about NHS {NHS}",
            "owner": str(employer_lead.uuid),
            "due_on_day": str(due.day),
            "due_on_month": str(due.month),
            "due_on_year": str(due.year),
        },
    )
    assert response.status_code == 400 and not ActionItem.objects.exists()


# ---------------------------------------------------------------------------------------------
# Designations


@pytest.fixture
def designation(db):
    designations.ensure_default_criteria()
    employer = OrganisationFactory(kind=Organisation.Kind.LOCAL_AUTHORITY)
    body = OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY)
    lead = MembershipFactory(organisation=employer, role=Role.PLACEMENT_LEAD, mfa=True).user
    assessor = MembershipFactory(organisation=body, role=Role.ORG_ADMIN, mfa=True).user
    designation = designations.start_application(
        organisation=employer, kind=DesignationKind.APS, awarding_body=body, by=lead
    )
    return designation, lead, assessor


def test_designation_evidence_with_an_nhs_number_is_refused(client, designation):
    designation, lead, _assessor = designation
    url = f"/placements/designations/{designation.uuid}/"
    criteria = list(designations.active_criteria(DesignationKind.APS))
    client.force_login(lead)
    key = f"evidence-{criteria[0].pk}"
    response = client.post(url, {"action": "save", key: f"Case study, NHS {NHS}"})
    assert response.status_code == 400 and not designation.evidence.exists()
    assert f"Case study, NHS {NHS}" in response.content.decode()
    assert client.post(url, {"action": "save", key: "Weekly supervision"}).status_code == 302
    assert designation.evidence.get().text == "Weekly supervision"


def test_a_designation_decision_with_an_nhs_number_is_refused(client, designation):
    designation, lead, assessor = designation
    for criterion in designations.active_criteria(DesignationKind.APS):
        designations.save_evidence(
            designation=designation, criterion=criterion, text="How we meet it", by=lead
        )
    designations.submit(designation=designation, by=lead)
    client.force_login(assessor)
    response = client.post(
        f"/placements/designations/{designation.uuid}/",
        {
            "action": "decide",
            "status": Designation.Status.NOT_APPROVED,
            "notes": f"The evidence names a child (NHS {NHS}).",
        },
    )
    assert response.status_code == 400
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUBMITTED


# ---------------------------------------------------------------------------------------------
# The placement's own steps


@pytest.mark.parametrize(
    ("step", "who", "data"),
    [
        ("log_days", "student", {"days-days": "1", "days-note": f"NHS {NHS}"}),
        ("extend", "hei_lead", {"extend-days": "2", "extend-reason": f"NHS {NHS}"}),
        ("end_early", "provider_lead", {"end-reason": f"Illness, NHS {NHS}"}),
        ("final_report", "pe", {"text": f"Worked with NHS {NHS}", "recommendation": "pass"}),
    ],
)
def test_a_placement_step_with_an_nhs_number_is_refused(client, world, step, who, data):
    placement = in_progress(world, onsite_supervisor=world["onsite"])
    before = Placement.objects.values().get(pk=placement.pk)
    if step == "log_days":
        on = placement.starts_on + datetime.timedelta(days=1)
        data = {**data, "days-on_day": on.day, "days-on_month": on.month, "days-on_year": on.year}
    client.force_login(world[who])
    if step == "final_report":  # its own page
        response = client.post(f"/placements/{placement.uuid}/final-report/", data)
    else:
        response = client.post(placement.get_absolute_url(), {"step": step, **data})
    assert response.status_code == 400, response.content.decode()[:2000]
    assert "Remove the NHS number" in response.content.decode()
    assert Placement.objects.values().get(pk=placement.pk) == before
    assert not placement.days_log.exists()
