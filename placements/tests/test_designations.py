"""Approved Practice Setting and teaching organisation status: criteria, applications,
decisions by the awarding body only, expiry and renewal reminders."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Organisation, Role
from placements import designations as services
from placements.models import Criterion, CriterionEvidence, Designation, DesignationKind

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
START = datetime.date(2026, 1, 1)
EXPIRY = datetime.date(2028, 12, 31)


@pytest.fixture
def criteria(db):
    services.ensure_default_criteria()


@pytest.fixture
def employer(db):
    return OrganisationFactory(name="Northshire Council", kind=Organisation.Kind.LOCAL_AUTHORITY)


@pytest.fixture
def body(db):
    return OrganisationFactory(name="Practice Learning Board", kind=Organisation.Kind.AWARDING_BODY)


@pytest.fixture
def lead(employer):
    return MembershipFactory(organisation=employer, role=Role.PLACEMENT_LEAD, mfa=True).user


@pytest.fixture
def assessor(body):
    return MembershipFactory(organisation=body, role=Role.ORG_ADMIN, mfa=True).user


def apply(employer, body, lead, kind=DesignationKind.APS):
    return services.start_application(organisation=employer, kind=kind, awarding_body=body, by=lead)


def fill(designation, lead, *, leave_out=0):
    criteria = list(services.active_criteria(designation.kind))
    for criterion in criteria[: len(criteria) - leave_out]:
        services.save_evidence(
            designation=designation,
            criterion=criterion,
            text=f"How we meet {criterion.code}",
            by=lead,
        )
    return criteria


def submitted(employer, body, lead, kind=DesignationKind.APS):
    designation = apply(employer, body, lead, kind)
    fill(designation, lead)
    return services.submit(designation=designation, by=lead)


def approved(employer, body, lead, assessor, *, starts_on=START, expires_on=EXPIRY):
    designation = submitted(employer, body, lead)
    return services.decide(
        designation=designation,
        by=assessor,
        status=Designation.Status.APPROVED,
        notes="Strong supervision arrangements.",
        conditions="",
        starts_on=starts_on,
        expires_on=expires_on,
    )


# ---------------------------------------------------------------------------------------------
# Criteria


def test_default_criteria_cover_both_kinds_and_are_idempotent(db):
    added = services.ensure_default_criteria()
    assert added == Criterion.objects.count()
    assert Criterion.objects.filter(kind=DesignationKind.APS).count() >= 6
    assert Criterion.objects.filter(kind=DesignationKind.TEACHING).count() >= 6
    titles = " ".join(Criterion.objects.values_list("title", flat=True)).lower()
    for theme in ("supervision", "practice educator", "induction", "student units", "workforce"):
        assert theme in titles, theme

    edited = Criterion.objects.get(kind=DesignationKind.APS, code="APS1")
    edited.title = "Our own wording"
    edited.save()
    Criterion.objects.filter(code="TO7").delete()

    assert services.ensure_default_criteria() == 1  # only the deleted one comes back
    assert services.ensure_default_criteria() == 0
    assert Criterion.objects.count() == added
    assert Criterion.objects.get(code="APS1").title == "Our own wording"


# ---------------------------------------------------------------------------------------------
# Applying and submitting


def test_only_the_employers_placement_leads_and_admins_apply(employer, body, lead, criteria):
    practitioner = MembershipFactory(organisation=employer, role=Role.PRACTITIONER).user
    with pytest.raises(PermissionDenied):
        apply(employer, body, practitioner)
    other_lead = MembershipFactory(role=Role.PLACEMENT_LEAD).user
    with pytest.raises(PermissionDenied):
        apply(employer, body, other_lead)
    not_a_body = OrganisationFactory(kind=Organisation.Kind.HEI)
    with pytest.raises(ValidationError):
        apply(employer, not_a_body, lead)

    designation = apply(employer, body, lead)
    assert designation.status == Designation.Status.DRAFT
    assert designation.renewal_of is None
    with pytest.raises(ValidationError, match="already has an application"):
        apply(employer, body, lead)


def test_submit_is_refused_until_every_criterion_has_evidence(employer, body, lead, criteria):
    designation = apply(employer, body, lead)
    criteria_list = fill(designation, lead, leave_out=2)

    with pytest.raises(ValidationError) as error:
        services.submit(designation=designation, by=lead)
    missing = criteria_list[-2:]
    assert len(error.value.messages) == 2
    for criterion in missing:
        assert any(criterion.code in m for m in error.value.messages)
    designation.refresh_from_db()
    assert designation.status == Designation.Status.DRAFT

    # Blank text does not count as evidence.
    services.save_evidence(designation=designation, criterion=missing[0], text="  ", by=lead)
    services.save_evidence(designation=designation, criterion=missing[1], text="Done", by=lead)
    with pytest.raises(ValidationError):
        services.submit(designation=designation, by=lead)

    services.save_evidence(designation=designation, criterion=missing[0], text="Done", by=lead)
    services.submit(designation=designation, by=lead)
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUBMITTED
    assert designation.submitted_at is not None

    # Evidence is fixed once submitted.
    with pytest.raises(ValidationError):
        services.save_evidence(designation=designation, criterion=missing[0], text="New", by=lead)
    assert CriterionEvidence.objects.get(designation=designation, criterion=missing[0]).text == (
        "Done"
    )


def test_retired_criteria_are_not_required_and_other_kinds_criteria_are_refused(
    employer, body, lead, criteria
):
    designation = apply(employer, body, lead)
    teaching = Criterion.objects.filter(kind=DesignationKind.TEACHING).first()
    with pytest.raises(ValidationError):
        services.save_evidence(designation=designation, criterion=teaching, text="x", by=lead)
    Criterion.objects.filter(kind=DesignationKind.APS, code="APS8").update(is_active=False)
    fill(designation, lead)
    services.submit(designation=designation, by=lead)


# ---------------------------------------------------------------------------------------------
# Deciding


def test_only_the_awarding_body_decides(employer, body, lead, assessor, criteria):
    designation = submitted(employer, body, lead)
    decision = {
        "status": Designation.Status.APPROVED,
        "notes": "",
        "conditions": "",
        "starts_on": START,
        "expires_on": EXPIRY,
    }
    # The employer cannot approve itself, even its admin.
    admin = MembershipFactory(organisation=employer, role=Role.ORG_ADMIN).user
    for person in (lead, admin):
        with pytest.raises(PermissionDenied):
            services.decide(designation=designation, by=person, **decision)
    # Nor can another awarding body, or a member of the body who also works for the employer.
    other_body = MembershipFactory(
        organisation=OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY)
    ).user
    both = MembershipFactory(organisation=body, role=Role.ORG_ADMIN).user
    MembershipFactory(organisation=employer, role=Role.PRACTITIONER, user=both)
    for person in (other_body, both):
        with pytest.raises(PermissionDenied):
            services.decide(designation=designation, by=person, **decision)
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUBMITTED

    services.decide(designation=designation, by=assessor, **decision)
    designation.refresh_from_db()
    assert designation.status == Designation.Status.APPROVED
    assert designation.reviewer == assessor
    assert designation.decided_at is not None
    assert (designation.starts_on, designation.expires_on) == (START, EXPIRY)

    with pytest.raises(ValidationError):  # decided once
        services.decide(designation=designation, by=assessor, **decision)


def test_a_draft_is_not_decided(employer, body, lead, assessor, criteria):
    designation = apply(employer, body, lead)
    with pytest.raises(ValidationError):
        services.decide(
            designation=designation,
            by=assessor,
            status=Designation.Status.APPROVED,
            starts_on=START,
            expires_on=EXPIRY,
        )


def test_conditions_are_required_for_approval_with_conditions(
    employer, body, lead, assessor, criteria
):
    designation = submitted(employer, body, lead)
    with pytest.raises(ValidationError) as error:
        services.decide(
            designation=designation,
            by=assessor,
            status=Designation.Status.CONDITIONS,
            conditions="   ",
            starts_on=START,
            expires_on=EXPIRY,
        )
    assert "conditions" in error.value.message_dict
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUBMITTED

    services.decide(
        designation=designation,
        by=assessor,
        status=Designation.Status.CONDITIONS,
        conditions="Stage 2 co-assessor for every final placement by March.",
        starts_on=START,
        expires_on=EXPIRY,
    )
    designation.refresh_from_db()
    assert designation.status == Designation.Status.CONDITIONS
    assert designation.conditions.startswith("Stage 2")
    assert designation.is_current(START)


@pytest.mark.parametrize(
    ("status", "starts_on", "expires_on", "field"),
    [
        (Designation.Status.APPROVED, START, START, "expires_on"),
        (Designation.Status.APPROVED, START, START - DAY, "expires_on"),
        (Designation.Status.APPROVED, None, EXPIRY, "starts_on"),
        (Designation.Status.APPROVED, START, None, "expires_on"),
        ("draft", START, EXPIRY, "status"),
    ],
)
def test_decision_dates_and_status_are_checked(
    employer, body, lead, assessor, criteria, status, starts_on, expires_on, field
):
    designation = submitted(employer, body, lead)
    with pytest.raises(ValidationError) as error:
        services.decide(
            designation=designation,
            by=assessor,
            status=status,
            starts_on=starts_on,
            expires_on=expires_on,
        )
    assert field in error.value.message_dict


def test_not_approved_needs_no_dates_and_is_never_current(employer, body, lead, assessor, criteria):
    designation = submitted(employer, body, lead)
    services.decide(
        designation=designation,
        by=assessor,
        status=Designation.Status.NOT_APPROVED,
        notes="Students had no induction.",
        starts_on=START,
        expires_on=EXPIRY,
    )
    designation.refresh_from_db()
    assert designation.status == Designation.Status.NOT_APPROVED
    assert designation.starts_on is None and designation.expires_on is None
    assert not designation.is_current(START)


def test_is_current_from_start_to_expiry(employer, body, lead, assessor, criteria):
    designation = approved(employer, body, lead, assessor)
    assert not designation.is_current(START - DAY)
    assert designation.is_current(START)
    assert designation.is_current(EXPIRY)
    assert not designation.is_current(EXPIRY + DAY)
    assert services.current_designation(employer, DesignationKind.APS, on=EXPIRY) == designation
    assert services.current_designation(employer, DesignationKind.APS, on=EXPIRY + DAY) is None


def test_a_new_application_while_current_is_a_renewal(employer, body, lead, assessor, criteria):
    today = datetime.date.today()
    current = approved(
        employer, body, lead, assessor, starts_on=today - 300 * DAY, expires_on=today + 60 * DAY
    )
    renewal = apply(employer, body, lead)
    assert renewal.renewal_of == current
    teaching = apply(employer, body, lead, DesignationKind.TEACHING)
    assert teaching.renewal_of is None


# ---------------------------------------------------------------------------------------------
# Renewal reminders


@pytest.fixture
def current(employer, body, lead, assessor, criteria):
    designation = approved(employer, body, lead, assessor)
    mail.outbox.clear()
    return designation


def recipients():
    return sorted(m.to[0] for m in mail.outbox)


def test_reminders_at_90_and_30_days_once_each(current, employer, lead):
    admin = MembershipFactory(organisation=employer, role=Role.ORG_ADMIN).user
    MembershipFactory(organisation=employer, role=Role.PRACTITIONER)  # does not hear
    MembershipFactory(role=Role.PLACEMENT_LEAD)  # another organisation's lead does not hear

    assert services.send_renewal_reminders(today=EXPIRY - 91 * DAY) == 0
    assert mail.outbox == []

    assert services.send_renewal_reminders(today=EXPIRY - 90 * DAY) == 2
    assert recipients() == sorted([lead.email, admin.email])
    message = mail.outbox[0]
    assert "31 December 2028" in message.subject
    assert "in 90 days" in message.body
    assert f"/placements/designations/{current.uuid}/" in message.body
    current.refresh_from_db()
    assert current.reminded_90_at is not None and current.reminded_30_at is None

    mail.outbox.clear()
    for day in (EXPIRY - 90 * DAY, EXPIRY - 60 * DAY, EXPIRY - 31 * DAY):
        assert services.send_renewal_reminders(today=day) == 0
    assert mail.outbox == []

    assert services.send_renewal_reminders(today=EXPIRY - 30 * DAY) == 2
    assert "in 30 days" in mail.outbox[0].body
    current.refresh_from_db()
    assert current.reminded_30_at is not None

    mail.outbox.clear()
    for day in (EXPIRY - 30 * DAY, EXPIRY - DAY, EXPIRY):
        assert services.send_renewal_reminders(today=day) == 0
    assert mail.outbox == []


def test_no_reminders_after_expiry(current):
    assert services.send_renewal_reminders(today=EXPIRY + DAY) == 0
    current.refresh_from_db()
    assert current.reminded_90_at is None and current.reminded_30_at is None


def test_a_designation_first_seen_within_30_days_gets_one_reminder(current):
    assert services.send_renewal_reminders(today=EXPIRY - 10 * DAY) == 1
    assert "in 10 days" in mail.outbox[0].body
    assert services.send_renewal_reminders(today=EXPIRY - 9 * DAY) == 0
    current.refresh_from_db()
    assert current.reminded_90_at is not None and current.reminded_30_at is not None


def test_no_reminder_once_a_renewal_is_submitted(current, employer, body, lead):
    # The renewal is started during the designation's life.
    renewal = Designation.objects.create(
        organisation=employer, kind=current.kind, awarding_body=body, renewal_of=current
    )
    assert services.send_renewal_reminders(today=EXPIRY - 90 * DAY) == 1  # a draft: still remind
    assert "renewal application has been started" in mail.outbox[0].body
    fill(renewal, lead)
    services.submit(designation=renewal, by=lead)
    assert services.send_renewal_reminders(today=EXPIRY - 30 * DAY) == 0


def test_the_command_runs_as_of_a_date(current, lead):
    out = StringIO()
    call_command("send_designation_reminders", "--date", str(EXPIRY - 90 * DAY), stdout=out)
    assert "Sent 1 designation reminder." in out.getvalue()
    assert recipients() == [lead.email]

    out = StringIO()
    call_command("send_designation_reminders", "--date", str(EXPIRY - 89 * DAY), stdout=out)
    assert "Sent 0 designation reminders." in out.getvalue()

    with pytest.raises(CommandError):
        call_command("send_designation_reminders", "--date", "31/12/2028")


# ---------------------------------------------------------------------------------------------
# Pages


def test_another_employer_cannot_see_a_designation(client, employer, body, lead, criteria):
    designation = apply(employer, body, lead)
    url = f"/placements/designations/{designation.uuid}/"
    outsider = MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=True).user
    other_body = MembershipFactory(
        organisation=OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY),
        role=Role.ORG_ADMIN,
        mfa=True,
    ).user
    for person in (outsider, other_body):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "submit"}).status_code == 404
        assert (
            designation.organisation.name
            not in client.get("/placements/designations/").content.decode()
        )
    client.force_login(lead)
    assert client.get(url).status_code == 200


def test_applying_and_deciding_through_the_pages(client, employer, body, lead, assessor, criteria):
    client.force_login(lead)
    response = client.post(
        "/placements/designations/new/",
        {"organisation": employer.slug, "kind": DesignationKind.APS, "awarding_body": body.slug},
    )
    designation = Designation.objects.get(organisation=employer)
    url = f"/placements/designations/{designation.uuid}/"
    assert response.status_code == 302 and response["Location"] == url

    criteria_list = list(services.active_criteria(DesignationKind.APS))
    first, rest = criteria_list[0], criteria_list[1:]
    response = client.post(url, {"action": "submit", f"evidence-{first.pk}": "Weekly supervision"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Add evidence for {rest[0].code}" in page
    assert "Weekly supervision" in page  # kept as typed
    designation.refresh_from_db()
    assert designation.status == Designation.Status.DRAFT

    data = {f"evidence-{c.pk}": f"Evidence for {c.code}" for c in criteria_list}
    response = client.post(url, {"action": "submit", **data})
    assert response.status_code == 302
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUBMITTED

    decision = {
        "action": "decide",
        "status": Designation.Status.APPROVED,
        "starts_on_day": "1",
        "starts_on_month": "1",
        "starts_on_year": "2026",
        "expires_on_day": "31",
        "expires_on_month": "12",
        "expires_on_year": "2028",
    }
    # The employer's lead sees no decision form and cannot post one.
    assert "Record the decision" not in client.get(url).content.decode()
    assert client.post(url, decision).status_code == 404
    designation.refresh_from_db()
    assert designation.status == Designation.Status.SUBMITTED

    client.force_login(assessor)
    listing = client.get("/placements/designations/").content.decode()
    assert url in listing
    page = client.get(url).content.decode()
    assert "Record the decision" in page and "Evidence for APS1" in page
    bad = client.post(url, {**decision, "status": Designation.Status.CONDITIONS})
    assert bad.status_code == 400
    assert "Write the conditions" in bad.content.decode()
    assert client.post(url, decision).status_code == 302
    designation.refresh_from_db()
    assert designation.status == Designation.Status.APPROVED
    assert designation.reviewer == assessor
    assert designation.expires_on == EXPIRY


def test_the_renewal_link_shows_within_90_days_of_expiry(
    client, employer, body, lead, assessor, criteria
):
    today = datetime.date.today()
    designation = approved(
        employer, body, lead, assessor, starts_on=today - 400 * DAY, expires_on=today + 120 * DAY
    )
    url = f"/placements/designations/{designation.uuid}/"
    client.force_login(lead)
    assert "Apply to renew it" not in client.get(url).content.decode()
    Designation.objects.filter(pk=designation.pk).update(expires_on=today + 90 * DAY)
    page = client.get(url).content.decode()
    assert "Apply to renew it" in page
    assert f"organisation={employer.slug}" in page
    assert "Expires in 90 days" in client.get("/placements/designations/").content.decode()


def test_the_list_and_the_form_are_not_for_everyone(client, employer):
    practitioner = MembershipFactory(organisation=employer, role=Role.PRACTITIONER).user
    client.force_login(practitioner)
    assert client.get("/placements/designations/").status_code == 404
    assert client.get("/placements/designations/new/").status_code == 404
