"""Signed appraisals in the appraisee's personal export (JSON and ZIP), never imported."""

import copy
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.factories import UserFactory
from appraisals import services
from appraisals.factories import TemplateQuestionFactory, team_with_people
from appraisals.models import Access, Appraisal
from appraisals.pdf import appraisal_data
from appraisals.tests.test_pdf import (
    CORRECTED,
    DISSENT,
    REASON,
    full_record,
    sign_first_stage,
    start,
)
from portfolios.factories import EntryFactory
from portfolios.interchange import export_portfolio, export_zip, import_portfolio, read_upload
from portfolios.models import Portfolio

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return team_with_people()


def test_the_export_holds_the_appraisees_signed_appraisals_only(people, pcf):
    team, practitioner, manager, psw = people
    signed = full_record(start(people), pcf)
    start(people)  # started, nothing signed yet

    data = export_portfolio(practitioner)

    [exported] = data["appraisals"]
    assert exported["id"] == str(signed.uuid)
    first = exported["stages"][0]
    assert first["signed"] is True
    assert {a["role"]: a["text"] for a in first["questions"][0]["answers"]}["appraisee"] == (
        CORRECTED
    )
    assert first["amendments"][0]["reason"] == REASON
    assert first["dissents"][0]["text"] == DISSENT
    assert exported["has_dissent"] is True
    json.dumps(data)  # plain data all the way down
    # The appraiser's own export has no appraisals: only those one is appraised in.
    assert export_portfolio(manager)["appraisals"] == []


def test_questions_the_appraisee_does_not_see_stay_out_of_their_export(people, pcf):
    team, practitioner, manager, psw = people
    appraisal = start(people)
    first = appraisal.stages.get(order=1)
    TemplateQuestionFactory(
        stage=first.template_stage,
        order=2,
        text="Manager's private note?",
        appraisee=Access.NONE,
        appraiser=Access.ANSWER,
    )
    sign_first_stage(appraisal)

    [exported] = export_portfolio(practitioner)["appraisals"]

    assert [q["text"] for q in exported["stages"][0]["questions"]] == [
        "What do you want to learn this year?"
    ]
    # The appraiser reads it in their copy (and a PSW, who holds no role, reads everything).
    for roles in (["appraiser"], None):
        everything = appraisal_data(appraisal, roles=roles)
        assert [q["text"] for q in everything["stages"][0]["questions"]] == [
            "What do you want to learn this year?",
            "Manager's private note?",
        ]


def add_appraisals(people, pcf, count):
    for _ in range(count):
        appraisal = full_record(start(people), pcf)
        entry = EntryFactory(portfolio=Portfolio.for_user(appraisal.appraisee))
        services.share_evidence(
            appraisal=appraisal, user=appraisal.appraisee, entry=entry, slot="observation"
        )


def test_export_query_count_is_the_same_for_one_and_five_appraisals(people, pcf):
    team, practitioner, manager, psw = people
    add_appraisals(people, pcf, 1)
    with CaptureQueriesContext(connection) as one:
        assert len(export_portfolio(practitioner)["appraisals"]) == 1
    add_appraisals(people, pcf, 4)
    with CaptureQueriesContext(connection) as five:
        data = export_portfolio(practitioner)
    assert len(data["appraisals"]) == 5
    # Each has its own objective, plus those still agreed carried from the cycle before.
    assert [len(a["objectives"]) for a in data["appraisals"]] == [1, 2, 3, 4, 5]
    assert len(five) == len(one)


def test_the_zip_holds_each_exported_appraisal_as_a_pdf(people, pcf):
    team, practitioner, manager, psw = people
    appraisal = full_record(start(people), pcf)

    archive = zipfile.ZipFile(io.BytesIO(export_zip(practitioner)))

    data = json.loads(archive.read("portfolio.json"))
    assert [a["id"] for a in data["appraisals"]] == [str(appraisal.uuid)]
    pdf = archive.read(f"appraisals/{appraisal.uuid}.pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def without_appraisals(data):
    data = copy.deepcopy(data)
    for key in ("exported_at", "owner", "appraisals"):
        data.pop(key)
    for entry in data["entries"]:
        for key in ("id", "created_at", "updated_at"):
            entry.pop(key)
    return data


def test_importing_an_export_with_appraisals_brings_in_the_entries_only(people, pcf):
    team, practitioner, manager, psw = people
    full_record(start(people), pcf)
    original = export_portfolio(practitioner)
    assert len(original["appraisals"]) == 1 and len(original["entries"]) == 1
    data, files = read_upload(SimpleUploadedFile("p.zip", export_zip(practitioner)))
    newcomer = UserFactory()
    appraisals = Appraisal.objects.count()

    result = import_portfolio(newcomer, data=data, files=files)

    assert result.entries_created == 1
    assert Appraisal.objects.count() == appraisals
    imported = export_portfolio(newcomer)
    assert imported["appraisals"] == []
    assert without_appraisals(imported) == without_appraisals(original)


def test_the_import_does_not_read_the_appraisals_at_all(db):
    newcomer = UserFactory()
    data = {
        "format": "capable-portfolio",
        "format_version": 1,
        "entries": [{"id": "1", "type": "reflection", "title": "An entry", "status": "complete"}],
        "appraisals": "not a list of appraisals",
    }
    assert import_portfolio(newcomer, data=data).entries_created == 1
    assert not Appraisal.objects.exists()


def test_export_and_import_pages_say_what_happens_to_appraisals(client, people):
    team, practitioner, manager, psw = people
    client.force_login(practitioner)
    export = client.get(reverse("portfolios:export")).content.decode()
    assert "your appraisals that have at least one signed-off stage" in export
    page = client.get(reverse("portfolios:import")).content.decode()
    assert "Appraisals in the file are not imported" in page
