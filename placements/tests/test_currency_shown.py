"""A practice educator's PEPS currency where a lead chooses or lists them: in each choice of the
placement proposal form (without a query per option) and as a column of the practice educators
CSV register."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisations.factories import MembershipFactory
from organisations.models import PepsStage, Role
from placements import currency
from placements.factories import EducatorAwardFactory
from placements.proposal_views import PlacementForm

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
THREE_YEARS_AGO = currency.years_from(TODAY, -3)


def labels(form, field):
    return {label for _, label in form.fields[field].choices}


def test_the_proposal_form_shows_each_educators_currency(world):
    EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"])
    EducatorAwardFactory(
        educator=world["pe1"], stage=1, awarded_by=world["hei"], awarded_on=THREE_YEARS_AGO
    )
    form = PlacementForm(user=world["hei_lead"])
    provider = world["provider"]
    shown = labels(form, "practice_educator")
    assert f"{world['pe']} (PEPS stage 2, current, {provider})" in shown
    assert f"{world['pe1']} (PEPS stage 1, lapsed, {provider})" in shown
    assert f"{world['pe']} (PEPS stage 2, current, {provider})" in labels(form, "co_assessor")


def test_an_educator_without_an_award_on_the_register_says_so(world):
    form = PlacementForm(user=world["hei_lead"])
    assert f"{world['pe']} (PEPS stage 2, award not recorded, {world['provider']})" in labels(
        form, "practice_educator"
    )
    # Other roles carry no currency.
    assert f"{world['tutor']} (HEI tutor, {world['hei']})" in labels(form, "hei_tutor")


def test_the_programmes_period_judges_and_differing_periods_are_each_named(world):
    EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"], awarded_on=THREE_YEARS_AGO)
    world["programme"].peps_currency_years = 4
    world["programme"].save()
    provider = world["provider"]
    form = PlacementForm(user=world["hei_lead"])
    assert f"{world['pe']} (PEPS stage 2, current, {provider})" in labels(form, "practice_educator")
    from placements.factories import CohortFactory, ProgrammeFactory

    CohortFactory(programme=ProgrammeFactory(hei=world["hei"], peps_currency_years=2))
    form = PlacementForm(user=world["hei_lead"])
    assert (
        f"{world['pe']} (PEPS stage 2, lapsed (2-year period), current (4-year period), "
        f"{provider})" in labels(form, "practice_educator")
    )


def _render_choices(world):
    with CaptureQueriesContext(connection) as queries:
        form = PlacementForm(user=world["hei_lead"])
        shown = labels(form, "practice_educator") | labels(form, "co_assessor")
    return len(queries.captured_queries), shown


def test_the_labels_take_no_query_per_option(world):
    EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"])
    few, _ = _render_choices(world)
    for _ in range(5):
        educator = MembershipFactory(
            organisation=world["provider"], role=Role.PRACTICE_EDUCATOR, peps_stage=2
        ).user
        EducatorAwardFactory(educator=educator, awarded_by=world["hei"])
    many, shown = _render_choices(world)
    assert sum("current" in label for label in shown) >= 6
    assert many == few


def test_the_csv_register_has_a_currency_column(client, world):
    current = EducatorAwardFactory(educator=world["pe"], awarded_by=world["hei"])
    lapsed = EducatorAwardFactory(
        educator=world["pe1"], stage=PepsStage.STAGE_1, awarded_by=world["hei"],
        awarded_on=THREE_YEARS_AGO,
    )  # fmt: skip
    client.force_login(world["provider_lead"])
    response = client.get("/placements/registers/practice-educators.csv")
    assert response.status_code == 200
    header, *rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert header[-2:] == ["PEPS currency", "Current until"]
    by_name = {row[0]: row for row in rows}
    assert by_name[str(world["pe"])][-2:] == [
        "Current",
        currency.years_from(current.awarded_on, 2).isoformat(),
    ]
    assert by_name[str(world["pe1"])][-2:] == [
        "Lapsed",
        currency.years_from(lapsed.awarded_on, 2).isoformat(),
    ]
