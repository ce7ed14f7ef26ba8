"""The registers of practice educators, placements and audit results, on the page and as CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organisations.factories import MembershipFactory, OrganisationFactory, TeamFactory
from organisations.models import Organisation, Role
from placements import registers
from placements.models import Cohort, Designation, DesignationKind, Placement, Programme
from placements.tests.test_quality import World

pytestmark = pytest.mark.django_db

PAGE = reverse("placements:registers")


def csv_url(register):
    return reverse("placements:register-csv", args=[register])


def download(client, register):
    response = client.get(csv_url(register))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert f"capable-{register}-register-" in response["Content-Disposition"]
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(body)))
    return rows[0], rows[1:]


class Region:
    """Two providers and two HEIs: University One places students at both providers,
    University Two only at Provider Two."""

    def __init__(self):
        self.one = World(provider_name="Provider One", hei_name="University One")
        self.two = World(provider_name="Provider Two", hei_name="University Two")
        # University One also places students at Provider Two.
        self.one_at_two = self.one.placement(
            team=self.two.team_a, student=self.one.student("Uma", "Crossover")
        )
        self.one_at_one = self.one.placement(student=self.one.student("Ola", "Homegrown"))
        self.two_at_two = self.two.placement(student=self.two.student("Tia", "Southside"))


@pytest.fixture
def region():
    return Region()


def students_in(rows):
    return sorted(row[0] for row in rows)


# ---------------------------------------------------------------------------------------------
# Who may read registers


@pytest.mark.parametrize(
    ("role", "kind", "status"),
    [
        (Role.PLACEMENT_LEAD, Organisation.Kind.LOCAL_AUTHORITY, 200),
        (Role.PLACEMENT_LEAD, Organisation.Kind.HEI, 200),
        (Role.ORG_ADMIN, Organisation.Kind.AWARDING_BODY, 200),
        (Role.PRACTITIONER, Organisation.Kind.AWARDING_BODY, 200),
        (Role.ORG_ADMIN, Organisation.Kind.LOCAL_AUTHORITY, 404),
        (Role.HEI_TUTOR, Organisation.Kind.HEI, 404),
        (Role.PRACTICE_EDUCATOR, Organisation.Kind.LOCAL_AUTHORITY, 404),
        (Role.STUDENT, Organisation.Kind.HEI, 404),
    ],
)
def test_who_may_read_registers(client, role, kind, status):
    organisation = OrganisationFactory(kind=kind)
    client.force_login(MembershipFactory(organisation=organisation, role=role, mfa=True).user)
    assert client.get(PAGE).status_code == status
    for register in registers.REGISTERS:
        assert client.get(csv_url(register)).status_code == status


def test_an_unknown_register_is_404(client, region):
    client.force_login(region.one.lead())
    assert client.get(csv_url("people")).status_code == 404
    assert client.get(PAGE, {"register": "people"}).status_code == 404


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(csv_url(registers.PLACEMENTS))
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------------
# Exactly what each reader may see


def test_a_provider_lead_lists_only_placements_at_their_organisation(client, region):
    client.force_login(region.two.lead())
    header, rows = download(client, registers.PLACEMENTS)
    assert header[:6] == ["Student", "HEI", "Programme", "Cohort", "Provider", "Team"]
    assert students_in(rows) == ["Tia Southside", "Uma Crossover"]
    assert {row[4] for row in rows} == {"Provider Two"}


def test_an_hei_lead_lists_only_placements_of_their_programmes(client, region):
    client.force_login(region.one.hei_lead())
    _, rows = download(client, registers.PLACEMENTS)
    assert students_in(rows) == ["Ola Homegrown", "Uma Crossover"]
    assert {row[1] for row in rows} == {"University One"}
    assert {row[4] for row in rows} == {"Provider One", "Provider Two"}


def test_placement_rows_hold_every_column(client, region):
    client.force_login(region.one.lead())
    header, rows = download(client, registers.PLACEMENTS)
    placement = region.one_at_one
    assert dict(zip(header, rows[0], strict=True)) == {
        "Student": "Ola Homegrown",
        "HEI": "University One",
        "Programme": "BA Social Work",
        "Cohort": "2025 intake",
        "Provider": "Provider One",
        "Team": "Alder team",
        "Kind": "First placement",
        "Starts on": placement.starts_on.isoformat(),
        "Ends on": placement.ends_on.isoformat(),
        "Status": "Completed",
        "Practice educator": str(region.one.educator),
        "HEI tutor": str(region.one.tutor),
    }


def test_an_awarding_body_lists_organisations_that_hold_or_applied_for_its_designation(
    client, region
):
    board = OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY)
    other_board = OrganisationFactory(kind=Organisation.Kind.AWARDING_BODY)
    Designation.objects.create(
        organisation=region.two.provider,
        kind=DesignationKind.APS,
        status=Designation.Status.SUBMITTED,
        awarding_body=board,
    )
    Designation.objects.create(  # a draft is not an application yet
        organisation=region.one.provider,
        kind=DesignationKind.APS,
        status=Designation.Status.DRAFT,
        awarding_body=board,
    )
    third = OrganisationFactory(kind=Organisation.Kind.VOLUNTARY)
    Designation.objects.create(
        organisation=third,
        kind=DesignationKind.TEACHING,
        status=Designation.Status.APPROVED,
        awarding_body=other_board,
    )
    region.one.placement(team=TeamFactory(organisation=third))
    client.force_login(MembershipFactory(organisation=board, role=Role.ORG_ADMIN, mfa=True).user)
    _, rows = download(client, registers.PLACEMENTS)
    assert students_in(rows) == ["Tia Southside", "Uma Crossover"]


def test_practice_educators_of_the_organisations_led(client, region):
    today = timezone.localdate()
    region.one.placement(
        starts_on=today - datetime.timedelta(days=5), status=Placement.Status.IN_PROGRESS
    )
    region.one.placement(starts_on=today - datetime.timedelta(days=5), status="agreed")
    region.one.placement(starts_on=today - datetime.timedelta(days=500))  # over
    MembershipFactory(
        organisation=region.one.provider,
        role=Role.PRACTICE_EDUCATOR,
        peps_stage=1,
        registration_number="SW123456",
        user__first_name="Nia",
        user__last_name="Stageone",
    )
    MembershipFactory(  # no longer a member
        organisation=region.one.provider,
        role=Role.PRACTICE_EDUCATOR,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=today - datetime.timedelta(days=1),
        user__first_name="Former",
    )
    client.force_login(region.one.lead())
    header, rows = download(client, registers.PRACTICE_EDUCATORS)
    assert header == [
        "Name",
        "Organisation",
        "PEPS stage",
        "Registration number",
        "Current students",
        "PEPS currency",
        "Current until",
    ]
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {str(region.one.educator), "Nia Stageone"}
    assert by_name["Nia Stageone"] == [
        "Nia Stageone",
        "Provider One",
        "PEPS stage 1",
        "SW123456",
        "0",
        "Award not recorded",
        "",
    ]
    assert by_name[str(region.one.educator)][4] == "2"
    assert str(region.two.educator) not in by_name


def test_the_register_page_lists_the_three_with_counts_and_links(client, region):
    client.force_login(region.two.lead())
    response = client.get(PAGE)
    assert response.status_code == 200
    listed = {r["slug"]: r["count"] for r in response.context["registers"]}
    assert listed == {"practice-educators": 1, "placements": 2, "audits": 0}
    html = response.content.decode()
    for register in registers.REGISTERS:
        assert csv_url(register) in html
    response = client.get(PAGE, {"register": "placements"})
    html = response.content.decode()
    assert "Tia Southside" in html and "Uma Crossover" in html
    assert "Ola Homegrown" not in html


# ---------------------------------------------------------------------------------------------
# Audit results


def test_audit_results_show_student_sections_only_per_provider_with_suppression(client):
    world = World()
    world.audited(4, student=0, educator=3)
    client.force_login(world.lead())
    header, rows = download(client, registers.AUDITS)
    student_column = header.index("Your learning opportunities (Student): mean")
    educator_column = next(n for n, h in enumerate(header) if h.startswith("Support for"))
    placements = [r for r in rows if r[0] == registers.PLACEMENT_ROW]
    providers = [r for r in rows if r[0] == registers.PROVIDER_ROW]
    assert len(placements) == 4
    assert {r[student_column] for r in placements} == {""}  # never per placement
    assert {r[educator_column] for r in placements} == {"4.0"}
    assert len(providers) == 1
    assert providers[0][student_column] == "fewer than 5 responses"
    assert providers[0][header.index("Students responding")] == "fewer than 5 responses"

    world.audited(1, student=2, educator=1)
    _, rows = download(client, registers.AUDITS)
    providers = [r for r in rows if r[0] == registers.PROVIDER_ROW]
    assert providers[0][student_column] == "1.4"  # (1 + 1 + 1 + 1 + 3) / 5
    assert providers[0][header.index("Students responding")] == "5"


def test_audit_results_are_scoped_like_placements(client, region):
    region.one.audit(region.one_at_one, educator=2)
    region.two.audit(region.two_at_two, educator=2)
    region.one.audit(region.one_at_two, educator=2)
    client.force_login(region.one.lead())
    _, rows = download(client, registers.AUDITS)
    assert {row[1] for row in rows} == {"Provider One"}
    assert len([r for r in rows if r[0] == registers.PLACEMENT_ROW]) == 1


# ---------------------------------------------------------------------------------------------
# The CSV is streamed


def test_the_placements_csv_streams_a_chunk_at_a_time_with_the_same_content(
    client, region, monkeypatch
):
    for n in range(4):
        region.one.placement(student=region.one.student("Extra", f"Student{n}"))
    lead = region.one.hei_lead()
    whole = registers.placement_register(lead)  # every row in memory, as the download was
    expected = io.StringIO()
    csv.writer(expected).writerows(
        [whole.columns, *[[registers.safe_cell(cell) for cell in row] for row in whole.rows]]
    )
    assert len(whole.rows) == 6
    monkeypatch.setattr(registers, "STREAM_ROWS", 2)
    monkeypatch.setattr(registers, "STREAM_CHARS", 200)
    client.force_login(lead)

    response = client.get(csv_url(registers.PLACEMENTS))

    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 2
    assert b"".join(chunks).decode("utf-8") == expected.getvalue()


def csv_queries(client, user) -> int:
    client.force_login(user)
    client.get(csv_url(registers.PLACEMENTS))  # the first request of a session records it
    with CaptureQueriesContext(connection) as queries:
        response = client.get(csv_url(registers.PLACEMENTS))
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return len(queries), len(rows) - 1


def test_the_placements_csv_reads_the_same_queries_however_many_rows(client, monkeypatch):
    monkeypatch.setattr(registers, "STREAM_ROWS", 2)
    small, big = World(), World(provider_name="Big provider", hei_name="Big University")
    small.placement()
    for _ in range(7):
        big.placement()
    small_queries, small_rows = csv_queries(client, small.hei_lead())
    big_queries, big_rows = csv_queries(client, big.hei_lead())
    assert (small_rows, big_rows) == (1, 7)
    assert small_queries == big_queries


# ---------------------------------------------------------------------------------------------
# CSV safety


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_cells_that_a_spreadsheet_would_run_are_escaped(client, start):
    world = World()
    programme = Programme.objects.create(hei=world.hei, name=f"{start}cmd|' /C calc'!A0")
    cohort = Cohort.objects.create(programme=programme, name="@SUM(1+1)")
    student = world.student(f'{start}HYPERLINK("http://example.com")', "Person")
    world.placement(student=student, cohort=cohort)
    client.force_login(world.hei_lead())
    header, rows = download(client, registers.PLACEMENTS)
    row = dict(zip(header, rows[0], strict=True))
    assert row["Student"] == f'\'{start}HYPERLINK("http://example.com") Person'
    assert row["Programme"] == f"'{start}cmd|' /C calc'!A0"
    assert row["Cohort"] == "'@SUM(1+1)"


def test_safe_cell():
    assert registers.safe_cell("=1+1") == "'=1+1"
    assert registers.safe_cell("Plain") == "Plain"
    assert registers.safe_cell(datetime.date(2026, 9, 1)) == "2026-09-01"
    assert registers.safe_cell(None) == ""
    assert registers.safe_cell(3) == "3"
