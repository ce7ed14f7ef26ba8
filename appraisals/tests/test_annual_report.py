"""The PSW's annual report: one data structure from the workforce read models, as CSV and PDF,
for the PSW of the organisation only, with the page's suppression and what it cannot say.

PDF text assertions force the Helvetica fallback and render uncompressed, as in
appraisals/tests/test_pdf.py: core-font text is written literally into the content stream.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN, ensure_demo_people
from accounts.models import User
from appraisals import annual_report, voice
from appraisals.factories import team_with_people, two_stage_template
from appraisals.models import Appraisal, PracticeVoiceNote
from appraisals.report_pdf import render_report_pdf
from organisations.factories import MembershipFactory, OrganisationFactory
from organisations.models import Role
from tests.pdf_text import literal

pytestmark = pytest.mark.django_db

YEAR = annual_report.last_complete_year()
SINCE, UNTIL = annual_report.year_ending(YEAR)
WE_DID = "We moved team meetings so that Tuesday mornings are kept for visits"


@pytest.fixture
def org(db):
    """One team of two (a practitioner and their manager: fewer than five), three appraisals
    completed in the year, a practice voice note and a published reply."""
    organisation = OrganisationFactory(name="Northshire Council")
    team, practitioner, manager, psw = team_with_people(organisation)
    team.name = "Assessment team"
    team.save()
    template = two_stage_template(organisation)
    middle = timezone.make_aware(datetime.datetime(YEAR, 6, 1, 12))
    for _ in range(3):
        Appraisal.objects.create(
            template=template,
            organisation=organisation,
            team=team,
            appraisee=practitioner,
            appraiser=manager,
            starts_on=SINCE,
            status=Appraisal.Status.COMPLETED,
            completed_at=middle,
        )
    note = PracticeVoiceNote.objects.create(
        organisation=organisation,
        theme=PracticeVoiceNote.Theme.CASELOADS,
        kind=PracticeVoiceNote.Kind.HINDERS,
        text="Too many meetings on visit days",
        month=datetime.date(YEAR, 3, 1),
    )
    reply = voice.save_reply(
        organisation=organisation,
        by=psw,
        title="Time for visits",
        you_said="Meetings take the time we need for visits",
        we_did=WE_DID,
        notes=[note],
        publish=True,
    )
    reply.published_at = middle
    reply.save()
    return {"organisation": organisation, "team": team, "practitioner": practitioner, "psw": psw}


def url(org, fmt=None):
    slug = org["organisation"].slug
    if fmt is None:
        return reverse("appraisals:annual-report", args=[slug])
    return reverse("appraisals:annual-report-download", args=[slug, fmt])


def test_the_default_year_is_the_last_complete_registration_year():
    assert annual_report.year_ending(2026) == (
        datetime.date(2025, 12, 1),
        datetime.date(2026, 11, 30),
    )
    assert annual_report.last_complete_year(datetime.date(2026, 11, 30)) == 2025
    assert annual_report.last_complete_year(datetime.date(2026, 12, 1)) == 2026


def test_the_psw_downloads_the_csv_with_the_figures_and_what_they_cannot_say(client, org):
    client.force_login(org["psw"])

    response = client.get(url(org, "csv"), {"year": YEAR})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"annual-report-{org['organisation'].slug}-{YEAR}.csv" in response["Content-Disposition"]
    body = response.content.decode()
    assert "## Appraisal completion" in body
    assert "Assessment team,0,0,3" in body  # a known figure
    assert WE_DID in body
    assert "## What these figures cannot say" in body
    assert "not a league table" in body


def test_a_team_of_fewer_than_five_is_not_shown_in_the_csv(client, org):
    client.force_login(org["psw"])

    body = client.get(url(org, "csv"), {"year": YEAR}).content.decode()

    supervision = body.split("## Supervision")[1].split("## Practice voice")[0]
    team_rows = [line for line in supervision.splitlines() if line.startswith("Assessment team")]
    assert team_rows
    for line in team_rows:
        assert set(line.split(",")[1:]) == {"not shown"}


def test_the_psw_downloads_the_pdf(client, org):
    client.force_login(org["psw"])

    response = client.get(url(org, "pdf"), {"year": YEAR})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_pdf_shows_figures_hides_small_teams_and_says_what_it_cannot(org, core_font):
    report = annual_report.annual_report(org["organisation"], year=YEAR)

    body = render_report_pdf(report, compress=False)

    assert literal("Annual workforce report") in body
    assert literal("Assessment team") in body
    assert literal("not shown") in body  # the team of two's supervision row
    assert literal("not shown") not in literal(report.cannot_say)
    assert literal("What these figures cannot say.") in body
    assert literal("Time for visits.") in body


def test_a_report_of_an_earlier_year_leaves_out_later_replies_and_completions(org):
    report = annual_report.annual_report(org["organisation"], year=YEAR - 1)

    body = annual_report.render_csv(report)
    assert WE_DID not in body
    assert "Assessment team,0,0,0" in body  # completed after that year ended


@pytest.mark.parametrize("fmt", [None, "pdf", "csv"])
def test_a_psw_of_another_organisation_gets_404(client, org, fmt):
    other_psw = MembershipFactory(role=Role.PRINCIPAL_SOCIAL_WORKER, mfa=True).user
    client.force_login(other_psw)

    assert client.get(url(org, fmt)).status_code == 404


@pytest.mark.parametrize("fmt", [None, "pdf", "csv"])
def test_a_practitioner_gets_404(client, org, fmt):
    client.force_login(org["practitioner"])

    assert client.get(url(org, fmt)).status_code == 404


def test_an_unknown_format_is_404(client, org):
    client.force_login(org["psw"])

    assert client.get(url(org, "xlsx")).status_code == 404


def test_the_page_is_linked_from_the_workforce_page_and_chooses_a_year_without_js(client, org):
    client.force_login(org["psw"])

    workforce = client.get(reverse("appraisals:organisation")).content.decode()
    assert f'href="{url(org)}"' in workforce

    page = client.get(url(org), {"year": YEAR - 1}).content.decode()
    assert '<form method="get"' in page
    assert f'<option value="{YEAR - 1}" selected>' in page
    assert f"{url(org, 'pdf')}?year={YEAR - 1}" in page
    assert f"{url(org, 'csv')}?year={YEAR - 1}" in page
    assert "What these figures cannot say" in page
    # A year not offered falls back to the last complete one.
    page = client.get(url(org), {"year": "1900"}).content.decode()
    assert f'<option value="{YEAR}" selected>' in page


def grow(org, teams):
    """More teams, each with people and a completed appraisal, and more published replies."""
    organisation = org["organisation"]
    for _ in range(teams):
        team, practitioner, manager, _psw = team_with_people(organisation)
        Appraisal.objects.create(
            template=two_stage_template(organisation),
            organisation=organisation,
            team=team,
            appraisee=practitioner,
            appraiser=manager,
            starts_on=SINCE,
            status=Appraisal.Status.COMPLETED,
            completed_at=timezone.make_aware(datetime.datetime(YEAR, 5, 1, 12)),
        )
        voice.save_reply(
            organisation=organisation,
            by=org["psw"],
            title="Another theme",
            you_said="Something",
            we_did="Something else",
            notes=[],
            publish=True,
        )


# The same however many teams, appraisals and replies the organisation has.
QUERIES = 24  # the capability profile: PCF items, crosswalk, scales, counts, team names, headings


@pytest.mark.parametrize("fmt", ["pdf", "csv"])
@pytest.mark.parametrize("teams", [0, 4])
def test_the_download_runs_a_fixed_number_of_queries(
    client, org, fmt, teams, django_assert_max_num_queries
):
    grow(org, teams)
    client.force_login(org["psw"])

    with django_assert_max_num_queries(QUERIES):
        assert client.get(url(org, fmt), {"year": YEAR}).status_code == 200


def test_the_demo_psws_report_works(client, demo_world):
    psw = User.objects.get(email=f"sam.psw@{DEMO_DOMAIN}")
    organisation = psw.memberships.get(role=Role.PRINCIPAL_SOCIAL_WORKER).organisation
    client.force_login(psw)
    slug = organisation.slug

    for fmt in ("pdf", "csv"):
        response = client.get(reverse("appraisals:annual-report-download", args=[slug, fmt]))
        assert response.status_code == 200


@pytest.fixture
def demo_world(db):
    from appraisals.demo import ensure_demo_appraisals
    from appraisals.voice_demo import ensure_demo_voice
    from capabilities.services import DATA_DIR, load_shipped_file
    from portfolios.demo import ensure_demo_portfolios
    from supervision.demo import ensure_demo_supervision

    load_shipped_file(path=DATA_DIR / "pcf-2018.json")
    ensure_demo_people()
    ensure_demo_portfolios()
    ensure_demo_appraisals()
    ensure_demo_supervision()
    ensure_demo_voice()
