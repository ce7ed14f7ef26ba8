import copy
import hashlib
import io
import json
import uuid
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.factories import UserFactory
from capabilities.models import Item
from portfolios.factories import CommentFactory, EntryFactory, PortfolioFactory
from portfolios.interchange import (
    PortfolioImportError,
    export_portfolio,
    export_zip,
    import_portfolio,
    read_upload,
)
from portfolios.models import Attachment, Comment, Entry, Mapping

pytestmark = pytest.mark.django_db


def png_bytes(colour=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def attach_png(entry, name="x.png"):
    content = png_bytes()
    return Attachment.objects.create(
        entry=entry,
        file=ContentFile(content, name=name),
        original_name=name,
        content_type="image/png",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def statement(version, code):
    return Item.objects.get(version=version, code=code)


@pytest.fixture
def owner(pcf):
    user = UserFactory(first_name="Ada", last_name="Okafor")
    portfolio = PortfolioFactory(owner=user)
    EntryFactory(
        portfolio=portfolio,
        entry_type=Entry.Type.REFLECTION,
        title="Reflecting on “home visits” — café notes",
        occurred_on=date(2026, 1, 10),
        hours=Decimal("1.5"),
        swe_standards=["4.1", "4.6"],
        peer_name="Sam Peer",
        peer_role="Senior social worker",
        peer_on=date(2026, 1, 12),
        peer_learning="We talked about curiosity.",
        statements=[statement(pcf, "1.L1.1"), statement(pcf, "2.L2.2")],
    )
    supervision = EntryFactory(
        portfolio=portfolio,
        entry_type=Entry.Type.SUPERVISION,
        title="Supervision on case planning",
        occurred_on=date(2026, 2, 1),
        statements=[statement(pcf, "3.L3.1")],
    )
    CommentFactory(entry=supervision, author_role="Supervisor", body="Good reflection.")
    CommentFactory(entry=supervision, author_role="Practice educator", body="Agreed.")
    EntryFactory(
        portfolio=portfolio,
        entry_type=Entry.Type.LEARNING,
        status=Entry.Status.DRAFT,
        title="Course on neglect (draft)",
        occurred_on=None,
        hours=None,
    )
    feedback = EntryFactory(
        portfolio=portfolio,
        entry_type=Entry.Type.FAMILY_FEEDBACK,
        title="Feedback from a family",
        occurred_on=date(2026, 1, 20),
        swe_standards=["4.1"],
        statements=[statement(pcf, "1.L1.2")],
    )
    attach_png(feedback)
    EntryFactory(
        portfolio=portfolio,
        title="Deleted entry",
        deleted_at=timezone.now() - timedelta(days=1),
    )
    return user


def normalised(data):
    data = copy.deepcopy(data)
    data.pop("exported_at")
    data.pop("owner")
    for entry in data["entries"]:
        entry.pop("id")
        entry.pop("created_at")
        entry.pop("updated_at")
        for comment in entry["comments"]:
            comment.pop("at")
        for attachment in entry["attachments"]:
            attachment.pop("path")
    return data


def zip_upload(members: dict[str, bytes], name="portfolio.zip"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue())


def json_upload(data, name="portfolio.json"):
    return SimpleUploadedFile(name, json.dumps(data).encode(), content_type="application/json")


# --- export -------------------------------------------------------------------------------------


def test_export_has_the_documented_shape(owner, pcf):
    data = export_portfolio(owner)

    assert data["format"] == "capable-portfolio"
    assert data["format_version"] == 1
    assert data["owner"] == {"name": "Ada Okafor", "email": owner.email}
    titles = [entry["title"] for entry in data["entries"]]
    # By date, undated last; deleted entries left out; drafts kept.
    assert titles == [
        "Reflecting on “home visits” — café notes",
        "Feedback from a family",
        "Supervision on case planning",
        "Course on neglect (draft)",
    ]
    reflection, feedback, supervision, draft = data["entries"]
    assert reflection["type"] == "reflection"
    assert reflection["type_label"] == "Reflection on practice"
    assert reflection["date"] == "2026-01-10"
    assert reflection["hours"] == "1.5"
    assert reflection["status"] == "complete"
    assert reflection["peer_reflection"] == {
        "name": "Sam Peer",
        "role": "Senior social worker",
        "date": "2026-01-12",
        "learning": "We talked about curiosity.",
    }
    assert reflection["swe_standards"] == ["4.1", "4.6"]
    one = statement(pcf, "1.L1.1")
    assert reflection["mappings"][0] == {
        "framework": "pcf",
        "framework_title": "Professional Capabilities Framework",
        "version": "test-pcf",
        "code": "1.L1.1",
        "identifier": str(one.identifier),
        "statement": one.full_statement,
        "domain": "Domain 1",
        "level": "Level 1",
    }
    assert [m["code"] for m in reflection["mappings"]] == ["1.L1.1", "2.L2.2"]
    assert supervision["peer_reflection"] is None
    assert [c["body"] for c in supervision["comments"]] == ["Good reflection.", "Agreed."]
    assert supervision["comments"][0]["role"] == "Supervisor"
    assert draft["status"] == "draft"
    assert draft["date"] is None
    assert draft["hours"] is None
    stored = Attachment.objects.get()
    assert feedback["attachments"] == [
        {
            "name": "x.png",
            "content_type": "image/png",
            "size": stored.size,
            "sha256": stored.sha256,
            "path": f"attachments/{stored.uuid}/x.png",
        }
    ]


def test_zip_holds_the_json_and_each_attachment_at_its_path(owner):
    archive = zipfile.ZipFile(io.BytesIO(export_zip(owner)))

    data = json.loads(archive.read("portfolio.json").decode("utf-8"))
    assert "“home visits”" in archive.read("portfolio.json").decode("utf-8")  # not \u escapes
    [attachment] = [a for entry in data["entries"] for a in entry["attachments"]]
    assert archive.read(attachment["path"]) == png_bytes()
    assert sorted(archive.namelist()) == sorted(["portfolio.json", attachment["path"]])


def test_export_query_count_does_not_grow_with_entries(pcf):
    user = UserFactory()
    portfolio = PortfolioFactory(owner=user)
    item = statement(pcf, "1.L1.1")

    def add(count):
        for _ in range(count):
            entry = EntryFactory(portfolio=portfolio, statements=[item])
            CommentFactory(entry=entry)
            attach_png(entry)

    add(5)
    with CaptureQueriesContext(connection) as five:
        assert len(export_portfolio(user)["entries"]) == 5
    add(45)
    with CaptureQueriesContext(connection) as fifty:
        assert len(export_portfolio(user)["entries"]) == 50
    assert len(fifty) == len(five)


# --- round trip ---------------------------------------------------------------------------------


def test_zip_export_imports_into_a_new_account_as_the_same_portfolio(owner):
    original = export_portfolio(owner)
    data, files = read_upload(SimpleUploadedFile("p.zip", export_zip(owner)))
    newcomer = UserFactory()

    result = import_portfolio(newcomer, data=data, files=files)

    assert result.entries_created == 4
    assert result.mappings_matched == 4
    assert result.mappings_unmatched == []
    assert result.comments_imported == 2
    assert result.attachments_restored == 1
    assert result.attachments_rejected == []
    imported = export_portfolio(newcomer)
    # Comments become the newcomer's imported notes, and say so in the export.
    assert [c["imported"] for e in original["entries"] for c in e["comments"]] == [False, False]
    assert [c["imported"] for e in imported["entries"] for c in e["comments"]] == [True, True]
    for data in (original, imported):
        for entry in data["entries"]:
            for comment in entry["comments"]:
                comment.pop("imported")
    assert normalised(imported) == normalised(original)
    # The dates the entries and comments were written travel with them.
    assert [e["created_at"] for e in imported["entries"]] == [
        e["created_at"] for e in original["entries"]
    ]
    assert [c["at"] for e in imported["entries"] for c in e["comments"]] == [
        c["at"] for e in original["entries"] for c in e["comments"]
    ]
    restored = Attachment.objects.get(entry__portfolio__owner=newcomer)
    assert restored.sha256 == Attachment.objects.get(entry__portfolio__owner=owner).sha256
    with restored.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == restored.sha256
    # The original owner's portfolio is untouched.
    assert Entry.objects.live().filter(portfolio__owner=owner).count() == 4


def test_imported_comments_are_marked_and_keep_their_authors_names(owner):
    names = list(
        Comment.objects.filter(entry__portfolio__owner=owner).values_list("author_name", flat=True)
    )
    newcomer = UserFactory()

    import_portfolio(newcomer, data=export_portfolio(owner))

    comments = Comment.objects.filter(entry__portfolio__owner=newcomer)
    assert list(comments.values_list("author_name", flat=True)) == names
    assert all(c.imported and c.author is None for c in comments)


def test_plain_json_import_reports_attachments_it_cannot_carry(owner):
    newcomer = UserFactory()
    data, files = read_upload(json_upload(export_portfolio(owner)))
    assert files == {}

    result = import_portfolio(newcomer, data=data, files=None)

    assert result.entries_created == 4
    assert result.attachments_restored == 0
    assert result.attachments_not_included == 1
    assert not Attachment.objects.filter(entry__portfolio__owner=newcomer).exists()


def test_importing_the_same_file_twice_adds_nothing_the_second_time(owner):
    data = export_portfolio(owner)
    newcomer = UserFactory()
    import_portfolio(newcomer, data=data)

    again = import_portfolio(newcomer, data=data)

    assert again.entries_created == 0
    assert again.duplicates_skipped == 4
    assert Entry.objects.filter(portfolio__owner=newcomer).count() == 4
    assert Comment.objects.filter(entry__portfolio__owner=newcomer).count() == 2


def test_importing_into_the_same_portfolio_skips_what_is_there(owner):
    result = import_portfolio(owner, data=export_portfolio(owner))

    assert result.entries_created == 0
    assert result.duplicates_skipped == 4
    assert Entry.objects.live().filter(portfolio__owner=owner).count() == 4


# --- mappings -----------------------------------------------------------------------------------


def minimal_entry(**changes):
    entry = {
        "id": str(uuid.uuid4()),
        "type": "reflection",
        "title": "An entry",
        "date": "2026-03-02",
        "status": "complete",
        "description": "Why it matters.",
    }
    entry.update(changes)
    return entry


def portfolio_data(*entries):
    return {"format": "capable-portfolio", "format_version": 1, "entries": list(entries)}


def test_mappings_match_by_identifier_then_code_and_report_the_rest(pcf):
    one, two = statement(pcf, "1.L1.1"), statement(pcf, "2.L1.1")
    mappings = [
        # The identifier wins even though the code is out of date.
        {
            "framework": "pcf",
            "version": "test-pcf",
            "code": "OLD",
            "identifier": str(one.identifier),
        },
        # No identifier (another site's item): matched on framework, version and code.
        {"framework": "pcf", "version": "test-pcf", "code": "2.L1.1", "identifier": None},
        {
            "framework": "pcf",
            "version": "pcf-2018",
            "code": "9.L9.9",
            "identifier": str(uuid.uuid4()),
        },
    ]
    user = UserFactory()

    result = import_portfolio(user, data=portfolio_data(minimal_entry(mappings=mappings)))

    assert result.mappings_matched == 2
    assert result.mappings_unmatched == ["pcf pcf-2018 9.L9.9"]
    entry = Entry.objects.get(portfolio__owner=user)
    assert set(entry.statements.all()) == {one, two}
    assert "pcf pcf-2018 9.L9.9" in " ".join(result.warnings())


def test_mappings_to_unpublished_versions_are_not_matched(pcf):
    from capabilities.factories import build_pcf

    draft = build_pcf(slug="draft-pcf", publish=False)
    item = statement(draft, "1.L1.1")
    mapping = {
        "framework": "pcf",
        "version": "draft-pcf",
        "code": "1.L1.1",
        "identifier": str(item.identifier),
    }
    user = UserFactory()

    result = import_portfolio(user, data=portfolio_data(minimal_entry(mappings=[mapping])))

    assert result.mappings_matched == 0
    assert result.mappings_unmatched == ["pcf draft-pcf 1.L1.1"]
    assert not Mapping.objects.filter(entry__portfolio__owner=user).exists()


# --- refusing bad files -------------------------------------------------------------------------


def test_a_bad_date_in_the_third_entry_imports_nothing(pcf):
    mapping = {"framework": "pcf", "version": "test-pcf", "code": "1.L1.1"}
    data = portfolio_data(
        minimal_entry(title="First", mappings=[mapping]),
        minimal_entry(title="Second"),
        minimal_entry(title="Third", date="2026-02-30"),
    )
    user = UserFactory()

    with pytest.raises(PortfolioImportError) as caught:
        import_portfolio(user, data=data)

    message = str(caught.value)
    assert "Entry 3 (“Third”)" in message
    assert "“date”" in message
    assert "2026-02-30" in message
    assert not Entry.objects.filter(portfolio__owner=user).exists()
    assert not Mapping.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type": "gossip"}, "type"),
        ({"status": "finished"}, "status"),
        ({"swe_standards": ["4.9"]}, "swe_standards"),
        ({"title": ""}, "title"),
        ({"hours": "1.25"}, "hours"),
        ({"comments": [{"author": "A", "body": "B", "at": "yesterday"}]}, "comments 1, at"),
        ({"peer_reflection": {"name": "P", "date": "12/01/2026"}}, "peer_reflection.date"),
        ({"mappings": [{"framework": "pcf", "version": "v"}]}, "mappings 1, code"),
    ],
)
def test_each_kind_of_bad_value_is_refused_naming_the_field(change, field):
    user = UserFactory()
    data = portfolio_data(minimal_entry(), minimal_entry(**change))

    with pytest.raises(PortfolioImportError, match=f"Entry 2.*“{field}”"):
        import_portfolio(user, data=data)
    assert not Entry.objects.filter(portfolio__owner=user).exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"format": "something-else", "format_version": 1, "entries": []}, "not a Capable"),
        ({"format": "capable-portfolio", "format_version": 2, "entries": []}, "version 2"),
        ({"format": "capable-portfolio", "format_version": 1}, "entries"),
    ],
)
def test_files_that_are_not_this_format_are_refused(data, expected):
    with pytest.raises(PortfolioImportError, match=expected):
        import_portfolio(UserFactory(), data=data)


def test_bad_json_names_the_line_and_column():
    upload = SimpleUploadedFile(
        "portfolio.json",
        b'{\n  "format": "capable-portfolio",\n  "entries": [\n    {"title" "x"}\n',
    )

    with pytest.raises(PortfolioImportError) as caught:
        read_upload(upload)

    assert "line 4, column 14: Expecting ':' delimiter" in str(caught.value)


def test_json_that_is_not_an_object_is_refused():
    with pytest.raises(PortfolioImportError, match="one JSON object"):
        read_upload(SimpleUploadedFile("portfolio.json", b"[1, 2]"))


@pytest.mark.parametrize("member", ["../evil", "attachments/../../evil", "/etc/evil"])
def test_zip_members_pointing_outside_are_refused(member):
    upload = zip_upload({"portfolio.json": json.dumps(portfolio_data()).encode(), member: b"owned"})

    with pytest.raises(PortfolioImportError) as caught:
        read_upload(upload)

    assert member in str(caught.value)


def test_zip_without_portfolio_json_is_refused():
    with pytest.raises(PortfolioImportError, match=r"no portfolio\.json"):
        read_upload(zip_upload({"notes.txt": b"hello"}))


def test_zip_that_expands_too_far_is_refused(monkeypatch):
    from portfolios import interchange_read as interchange

    monkeypatch.setattr(interchange, "MAX_ZIP_BYTES", 1000)
    upload = zip_upload(
        {"portfolio.json": json.dumps(portfolio_data()).encode(), "big": b"0" * 5000}
    )

    with pytest.raises(PortfolioImportError, match="expands to more than"):
        read_upload(upload)


def test_json_larger_than_the_limit_is_refused(monkeypatch):
    from portfolios import interchange_read as interchange

    monkeypatch.setattr(interchange, "MAX_JSON_BYTES", 100)
    with pytest.raises(PortfolioImportError, match="larger than"):
        read_upload(json_upload(portfolio_data(minimal_entry(description="x" * 200))))


def test_a_rejected_attachment_is_reported_and_the_rest_imported():
    entry = minimal_entry(
        attachments=[
            {"name": "fine.png", "path": "attachments/a/fine.png"},
            {"name": "tool.exe", "path": "attachments/b/tool.exe"},
            {"name": "gone.pdf", "path": "attachments/c/gone.pdf"},
        ]
    )
    files = {"attachments/a/fine.png": png_bytes(), "attachments/b/tool.exe": b"MZ\x90\x00binary"}
    user = UserFactory()

    result = import_portfolio(user, data=portfolio_data(entry), files=files)

    assert result.entries_created == 1
    assert result.attachments_restored == 1
    assert len(result.attachments_rejected) == 2
    assert "tool.exe" in result.attachments_rejected[0]
    assert "gone.pdf" in result.attachments_rejected[1]
    assert list(
        Attachment.objects.filter(entry__portfolio__owner=user).values_list(
            "original_name", flat=True
        )
    ) == ["fine.png"]


# --- views --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["portfolios:export", "portfolios:export-json", "portfolios:export-pdf", "portfolios:import"],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_json_view_exports_only_the_signed_in_persons_entries(client, owner):
    EntryFactory(portfolio=PortfolioFactory(owner=UserFactory()), title="Someone else's secret")
    client.force_login(owner)

    response = client.get(reverse("portfolios:export-json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="capable-portfolio-{today}.json"'
    )
    data = json.loads(response.content)
    assert data["owner"]["email"] == owner.email
    assert len(data["entries"]) == 4
    assert b"Someone else" not in response.content


def test_json_view_with_attachments_sends_the_zip(client, owner):
    EntryFactory(portfolio=PortfolioFactory(owner=UserFactory()), title="Someone else's secret")
    client.force_login(owner)

    response = client.get(reverse("portfolios:export-json"), {"attachments": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert f'filename="capable-portfolio-{today}.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("portfolio.json"))
    assert len(data["entries"]) == 4
    assert all("Someone else" not in e["title"] for e in data["entries"])
    assert len(archive.namelist()) == 2


def test_export_page_links_to_the_downloads_and_import(client, owner):
    client.force_login(owner)

    response = client.get(reverse("portfolios:export"))

    assert response.status_code == 200
    content = response.content.decode()
    assert f'href="{reverse("portfolios:export-json")}"' in content
    assert f'href="{reverse("portfolios:export-json")}?attachments=1"' in content
    assert f'href="{reverse("portfolios:export-pdf")}"' in content
    assert f'href="{reverse("portfolios:import")}"' in content
    assert "style=" not in content


def test_import_view_creates_entries_and_says_what_it_did(client, owner):
    data = export_portfolio(owner)
    newcomer = UserFactory()
    client.force_login(newcomer)

    page = client.get(reverse("portfolios:import"))
    assert page.status_code == 200
    assert "Portfolio file" in page.content.decode()
    assert 'enctype="multipart/form-data"' in page.content.decode()

    response = client.post(reverse("portfolios:import"), {"file": json_upload(data)})

    assert response.status_code == 302
    assert response["Location"] == reverse("portfolios:import-done")
    assert Entry.objects.filter(portfolio__owner=newcomer).count() == 4
    shown = client.get(response["Location"]).content.decode()
    assert "Imported 4 entries with 4 mapped statements, 2 comments" in shown
    assert "1 attachment listed in the file was not imported" in shown


def test_import_view_shows_the_problem_at_the_field(client):
    user = UserFactory()
    client.force_login(user)
    data = portfolio_data(minimal_entry(), minimal_entry(title="Broken", date="31/12/2025"))

    response = client.post(reverse("portfolios:import"), {"file": json_upload(data)})

    assert response.status_code == 200
    content = response.content.decode()
    assert "govuk-error-summary" in content
    assert 'id="id_file-error"' in content
    assert "Entry 2 (“Broken”), field “date”" in content
    assert not Entry.objects.filter(portfolio__owner=user).exists()


def test_import_view_without_a_file_asks_for_one(client):
    client.force_login(UserFactory())

    response = client.post(reverse("portfolios:import"), {})

    assert response.status_code == 200
    assert "Select the .json or .zip file to import" in response.content.decode()


def test_import_view_reads_a_zip_with_attachments(client, owner):
    upload = SimpleUploadedFile("capable.zip", export_zip(owner), content_type="application/zip")
    newcomer = UserFactory()
    client.force_login(newcomer)

    response = client.post(reverse("portfolios:import"), {"file": upload})

    assert response.status_code == 302
    assert Attachment.objects.filter(entry__portfolio__owner=newcomer).count() == 1


def test_pdf_view_sends_a_pdf_of_ones_own_portfolio(client, owner):
    client.force_login(owner)

    response = client.get(reverse("portfolios:export-pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF")


def test_imported_entries_with_identifying_text_are_flagged_for_review(db):
    from accounts.factories import UserFactory
    from portfolios.interchange import import_portfolio

    data = {
        "format": "capable-portfolio",
        "format_version": 1,
        "exported_at": "2026-11-25T09:30:00+00:00",
        "owner": {"name": "Someone", "email": "someone@example.org"},
        "entries": [
            {
                "id": "1",
                "type": "reflection",
                "title": "Home visit",
                "date": "2026-03-01",
                "hours": None,
                "status": "complete",
                "description": "Visited the mother, Jane Smith, at home.",
                "learning": "Listening first.",
                "impact": "Slower visits.",
                "peer_reflection": None,
                "swe_standards": [],
                "mappings": [],
                "comments": [],
                "attachments": [],
            },
            {
                "id": "2",
                "type": "learning",
                "title": "Course",
                "date": "2026-03-02",
                "hours": None,
                "status": "complete",
                "description": "A course on neglect.",
                "learning": "Cumulative harm.",
                "impact": "Better chronologies.",
                "peer_reflection": None,
                "swe_standards": [],
                "mappings": [],
                "comments": [],
                "attachments": [],
            },
        ],
        "coverage": None,
    }
    result = import_portfolio(UserFactory(), data=data)
    assert result.entries_created == 2
    assert result.flagged_for_review == ["Home visit"]
    assert any("marked “Needs review”" in note for note in result.warnings())
