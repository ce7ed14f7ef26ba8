"""Adding and editing evidence through the form a person uses: drafts, records, the
identifying-information guard, mappings and attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portfolios.factories import EntryFactory, PortfolioFactory
from portfolios.models import Entry, GuardConfirmation
from portfolios.services import purge_deleted_entries

from .conftest import png_bytes

pytestmark = pytest.mark.django_db

NEW = "/portfolio/evidence/new/"


def record(**overrides):
    data = {
        "action": "complete",
        "entry_type": "supervision",
        "title": "Supervision on a strategy meeting",
        "occurred_on_day": "12",
        "occurred_on_month": "3",
        "occurred_on_year": "2026",
        "hours": "1.5",
        "description": "Reflective supervision after a strategy discussion.",
        "learning": "How to hold uncertainty without rushing to a plan.",
        "impact": "I now check what the child's day is like before I suggest actions.",
    }
    data.update(overrides)
    return data


def test_a_complete_record_is_saved_with_its_mappings(client, practitioner, pcf):
    statements = list(pcf.items.statements()[:2])
    client.force_login(practitioner)
    response = client.post(
        NEW, record(statements=[s.pk for s in statements], swe_standards=["4.2", "4.6"])
    )
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert entry.status == Entry.Status.COMPLETE
    assert entry.portfolio.owner == practitioner
    assert set(entry.statements.all()) == set(statements)
    assert entry.swe_standards == ["4.2", "4.6"]
    assert str(entry.hours) == "1.5"
    page = client.get(entry.get_absolute_url()).content.decode()
    for s in statements:
        assert s.code in page


def test_a_draft_needs_only_a_title(client, practitioner):
    client.force_login(practitioner)
    response = client.post(NEW, {"action": "draft", "title": "Notes from the course"})
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.DRAFT and entry.occurred_on is None


def test_a_record_with_missing_fields_keeps_everything_typed(client, practitioner, pcf):
    statement = pcf.items.statements().first()
    client.force_login(practitioner)
    response = client.post(
        NEW,
        record(learning="", occurred_on_day="", statements=[statement.pk], peer_name="Ana"),
    )
    assert response.status_code == 200
    assert not Entry.objects.exists()
    page = response.content.decode()
    assert "Enter what you learnt" in page
    assert "Date must include a day" in page
    assert "Reflective supervision after a strategy discussion." in page
    assert 'value="Ana"' in page
    assert f'value="{statement.pk}" checked' in page


def test_finding_statements_keeps_the_form_without_errors(client, practitioner, pcf):
    chosen = pcf.items.statements().get(code="1.L1.1")
    client.force_login(practitioner)
    response = client.post(
        NEW,
        record(action="find", statement_query="domain 2 level 3", statements=[chosen.pk]),
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Entry.objects.exists()
    assert "There is a problem" not in page
    assert "2.L3.1" in page and "2.L3.2" in page
    assert "1.L1.2" not in page
    # The chosen statement is filtered out of view but still submitted.
    assert f'type="hidden" name="statements" value="{chosen.pk}"' in page
    assert "Reflective supervision after a strategy discussion." in page


def test_the_picker_shows_every_statement_grouped_without_javascript(client, practitioner, pcf):
    client.force_login(practitioner)
    page = client.get(NEW).content.decode()
    for statement in pcf.items.statements():
        assert f'id="st-{statement.pk}"' in page
    assert page.count('class="govuk-details app-picker__level"') == 3  # one per level


def test_the_guard_stops_identifying_text_and_keeps_it(client, practitioner):
    client.force_login(practitioner)
    text = "I visited the mother, Jane Smith, at 14 Elm Grove."
    response = client.post(NEW, record(description=text))
    assert response.status_code == 200 and not Entry.objects.exists()
    page = response.content.decode()
    assert "may identify a child or family" in page
    assert '<mark class="guard-mark"' in page
    assert "Jane Smith" in page and "14 Elm Grove" in page
    # The person confirms the text (say it is a training case study); the save goes through.
    form = response.context["form"]
    response = client.post(
        NEW,
        record(
            description=text,
            confirm_anonymised="on",
            guard_fingerprints=form.finding_fingerprints,
        ),
    )
    assert response.status_code == 302
    confirmation = GuardConfirmation.objects.get()
    assert confirmation.confirmed_by == practitioner
    assert {"name", "address"} <= set(confirmation.kinds)
    assert confirmation.fields == ["description"]
    assert "Jane" not in str(confirmation.fingerprints)
    # Editing later does not ask again about the same confirmed text...
    entry = Entry.objects.get()
    edit = f"/portfolio/evidence/{entry.uuid}/edit/"
    assert client.post(edit, record(description=text)).status_code == 302
    # ...but new identifying text is caught.
    response = client.post(edit, record(description=text + " Call 07700 900123."))
    assert response.status_code == 200
    assert "07700 900123" in response.content.decode()


def test_confirming_does_not_cover_text_added_after_the_check(client, practitioner):
    client.force_login(practitioner)
    first = client.post(NEW, record(description="Mrs Amelia Hart told me."))
    response = client.post(
        NEW,
        record(
            description="Mrs Amelia Hart told me. Her email is amelia@example.org.",
            confirm_anonymised="on",
            guard_fingerprints=first.context["form"].finding_fingerprints,
        ),
    )
    assert response.status_code == 200 and not Entry.objects.exists()


def test_clean_text_saves_without_a_check(client, practitioner):
    client.force_login(practitioner)
    assert client.post(NEW, record()).status_code == 302
    assert not GuardConfirmation.objects.exists()


def test_a_good_image_is_attached_with_its_metadata_stripped(client, practitioner):
    client.force_login(practitioner)
    upload = SimpleUploadedFile("whiteboard.png", png_bytes(), content_type="image/png")
    assert client.post(NEW, record(attachments=[upload])).status_code == 302
    attachment = Entry.objects.get().attachments.get()
    assert attachment.original_name == "whiteboard.png"
    assert attachment.content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "is not a file type Capable accepts"),
        ("scan.png", png_bytes((64, 64))[:60], "could not be read"),
        ("big.png", png_bytes((400, 400)), "the largest file you can attach"),
    ],
)
def test_bad_uploads_are_refused_and_the_text_kept(
    client, practitioner, settings, name, content, message
):
    settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = 1000
    if name != "big.png":
        settings.CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = 10_000_000
    client.force_login(practitioner)
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = client.post(NEW, record(attachments=[upload]))
    assert response.status_code == 200
    assert not Entry.objects.exists()
    page = response.content.decode()
    assert message in page and name in page
    assert "How to hold uncertainty without rushing to a plan." in page


def test_removing_an_attachment(client, practitioner):
    client.force_login(practitioner)
    upload = SimpleUploadedFile("whiteboard.png", png_bytes(), content_type="image/png")
    client.post(NEW, record(attachments=[upload]))
    entry = Entry.objects.get()
    attachment = entry.attachments.get()
    response = client.post(
        f"/portfolio/evidence/{entry.uuid}/edit/",
        record(remove_attachments=[str(attachment.uuid)]),
    )
    assert response.status_code == 302
    assert not entry.attachments.exists()


def test_delete_asks_first_then_is_soft_and_restorable(client, practitioner):
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    client.force_login(practitioner)
    url = f"/portfolio/evidence/{entry.uuid}/delete/"
    assert "Delete “" in client.get(url).content.decode()
    entry.refresh_from_db()
    assert entry.deleted_at is None
    client.post(url)
    entry.refresh_from_db()
    assert entry.deleted_at is not None
    assert client.get(entry.get_absolute_url()).status_code == 404
    assert entry.title in client.get("/portfolio/deleted/").content.decode()
    client.post(f"/portfolio/deleted/{entry.uuid}/restore/")
    entry.refresh_from_db()
    assert entry.deleted_at is None


def test_deleted_entries_are_purged_after_30_days(practitioner):
    import datetime

    from django.utils import timezone

    old = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    recent = EntryFactory(portfolio=old.portfolio)
    now = timezone.now()
    Entry.objects.filter(pk=old.pk).update(deleted_at=now - datetime.timedelta(days=31))
    Entry.objects.filter(pk=recent.pk).update(deleted_at=now - datetime.timedelta(days=29))
    assert purge_deleted_entries(now=now) == 1
    assert list(Entry.objects.all()) == [recent]


def test_the_list_filters_by_type_year_and_search(client, practitioner):
    import datetime

    portfolio = PortfolioFactory(owner=practitioner)
    EntryFactory(
        portfolio=portfolio,
        title="Course on neglect",
        entry_type="learning",
        occurred_on=datetime.date(2025, 12, 1),
    )
    EntryFactory(
        portfolio=portfolio,
        title="Supervision notes",
        entry_type="supervision",
        occurred_on=datetime.date(2025, 11, 30),
    )
    client.force_login(practitioner)

    def titles(query):
        page = client.get("/portfolio/?" + query).context["page"]
        return {e.title for e in page}

    assert titles("type=learning") == {"Course on neglect"}
    assert titles("year=2026") == {"Course on neglect"}
    assert titles("year=2025") == {"Supervision notes"}
    assert titles("q=neglect") == {"Course on neglect"}
    assert titles("") == {"Course on neglect", "Supervision notes"}


def test_the_purge_command_reports_what_it_removed(practitioner):
    import datetime
    import io

    from django.core.management import call_command
    from django.utils import timezone

    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    Entry.objects.filter(pk=entry.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=40)
    )
    out = io.StringIO()
    call_command("purge_deleted_entries", stdout=out)
    assert out.getvalue().strip() == "Removed 1 deleted entry."
    assert not Entry.objects.exists()
