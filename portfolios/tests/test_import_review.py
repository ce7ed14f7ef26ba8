"""Import is no way round the guard or the reviewers: imported text the guard flags lands as a
draft that needs review, and imported comments are the owner's unverified notes."""

import json
import re
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.factories import UserFactory, give_mfa
from portfolios import pdf as pdf_module
from portfolios import services
from portfolios.factories import CommentFactory, EntryFactory, PortfolioFactory
from portfolios.interchange import export_portfolio, import_portfolio
from portfolios.models import Comment, Entry

from .test_entries import record

pytestmark = pytest.mark.django_db

IMPORT = "/portfolio/import/"
IDENTIFYING = "Visited the mother, Jane Smith, at home."


def entry_data(**changes):
    entry = {
        "id": "1",
        "type": "reflection",
        "title": "Home visit",
        "date": "2026-03-01",
        "status": "complete",
        "description": IDENTIFYING,
        "learning": "Listening first.",
        "impact": "Slower visits.",
        "comments": [],
    }
    entry.update(changes)
    return entry


def portfolio_file(*entries):
    data = {"format": "capable-portfolio", "format_version": 1, "entries": list(entries)}
    return SimpleUploadedFile(
        "portfolio.json", json.dumps(data).encode(), content_type="application/json"
    )


def import_through_the_page(client, *entries):
    response = client.post(IMPORT, {"file": portfolio_file(*entries)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


# --- imported text with guard findings ------------------------------------------------------


def test_flagged_imported_text_lands_as_a_draft_that_needs_review(client):
    owner = UserFactory()
    client.force_login(owner)

    response = import_through_the_page(
        client,
        entry_data(),
        entry_data(id="2", title="Course", description="A course on neglect."),
    )

    flagged = Entry.objects.get(title="Home visit")
    clean = Entry.objects.get(title="Course")
    assert flagged.status == Entry.Status.DRAFT and flagged.needs_review
    assert clean.status == Entry.Status.COMPLETE and not clean.needs_review
    # The summary lists it, with a link to each entry to review.
    summary = client.get(response["Location"]).content.decode()
    assert "1 entry needs review" in summary
    assert reverse("portfolios:entry-edit", kwargs={"entry": flagged.uuid}) in summary
    assert reverse("portfolios:entry-edit", kwargs={"entry": clean.uuid}) not in summary


def test_the_portfolio_list_tags_and_filters_entries_that_need_review(client):
    owner = UserFactory()
    client.force_login(owner)
    import_through_the_page(
        client, entry_data(), entry_data(id="2", title="Course", description="A course.")
    )

    page = client.get("/portfolio/").content.decode()
    assert page.count("Needs review</strong>") == 1
    filtered = client.get("/portfolio/?status=needs-review").content.decode()
    assert "Home visit" in filtered and ">Course<" not in filtered
    assert "1 entry found" in filtered


def test_a_flagged_import_cannot_be_completed_until_its_text_passes_the_guard(client):
    owner = UserFactory()
    client.force_login(owner)
    import_through_the_page(client, entry_data())
    entry = Entry.objects.get()
    edit = reverse("portfolios:entry-edit", kwargs={"entry": entry.uuid})

    unchanged = client.post(
        edit, record(title="Home visit", description=IDENTIFYING, entry_type="reflection")
    )

    assert unchanged.status_code == 200
    entry.refresh_from_db()
    assert entry.needs_review and entry.status == Entry.Status.DRAFT

    fixed = client.post(
        edit,
        record(
            title="Home visit",
            description="Visited a parent at home.",
            entry_type="reflection",
        ),
    )

    assert fixed.status_code == 302
    entry.refresh_from_db()
    assert not entry.needs_review and entry.status == Entry.Status.COMPLETE


def test_the_service_refuses_to_complete_an_entry_that_still_needs_review():
    owner = UserFactory()
    entry = EntryFactory(
        portfolio=PortfolioFactory(owner=owner),
        status=Entry.Status.DRAFT,
        needs_review=True,
        description=IDENTIFYING,
    )

    with pytest.raises(ValidationError):
        services.save_entry(owner=owner, entry=entry, values={}, complete=True)

    entry.refresh_from_db()
    assert entry.needs_review and entry.status == Entry.Status.DRAFT


def test_a_status_in_the_file_does_not_complete_a_flagged_entry():
    result = import_portfolio(UserFactory(), data=json.loads(portfolio_file(entry_data()).read()))

    entry = Entry.objects.get()
    assert result.review_entries == [entry]
    assert entry.status == Entry.Status.DRAFT


def test_an_imported_note_with_identifying_text_puts_its_entry_up_for_review():
    note = {"author": "A reviewer", "at": "2026-03-03T10:00:00+00:00", "body": IDENTIFYING}
    data = json.loads(portfolio_file(entry_data(description="A course.", comments=[note])).read())

    result = import_portfolio(UserFactory(), data=data)

    entry = Entry.objects.get()
    assert result.review_entries == [entry]
    assert entry.needs_review and entry.status == Entry.Status.DRAFT


def test_needs_review_survives_export_and_re_import():
    owner = UserFactory()
    EntryFactory(
        portfolio=PortfolioFactory(owner=owner),
        title="Waiting",
        description="Nothing identifying.",
        status=Entry.Status.DRAFT,
        needs_review=True,
    )
    data = export_portfolio(owner)
    assert data["entries"][0]["needs_review"] is True

    newcomer = UserFactory()
    import_portfolio(newcomer, data=data)

    assert Entry.objects.get(portfolio__owner=newcomer).needs_review


# --- forged reviewer comments -----------------------------------------------------------------


def forged_comment():
    return {
        "author": "Priya Shah",
        "role": "Practice educator",
        "at": "2020-01-02T09:00:00+00:00",
        "body": "Excellent practice, meets every capability.",
    }


def pdf_text(content: bytes) -> bytes:
    """Every stream of the PDF, inflated where it is compressed (fpdf2 writes text literally)."""
    text = [content]
    # The end of line before "endstream" is left on the data (compressed data may itself end in
    # a carriage return); a decompressor object ignores what follows the compressed data.
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            text.append(zlib.decompressobj().decompress(stream))
        except zlib.error:
            text.append(stream)
    return b"\n".join(text)


def test_an_imported_comment_in_a_reviewers_name_is_not_printed_as_theirs(client, core_font):
    UserFactory(first_name="Priya", last_name="Shah")  # a real reviewer on this site
    owner = UserFactory()
    client.force_login(owner)
    import_through_the_page(
        client,
        entry_data(description="Supervision on planning.", comments=[forged_comment()]),
    )

    response = client.get(reverse("portfolios:export-pdf"))

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert b"Imported, not verified by Capable" in text
    assert b"Excellent practice, meets every capability." in text
    assert b"Priya Shah" not in text
    assert b"Comment by" not in text


def test_an_imported_comment_in_a_reviewers_name_is_not_shown_as_theirs(client):
    owner = UserFactory()
    client.force_login(owner)
    import_through_the_page(
        client,
        entry_data(description="Supervision on planning.", comments=[forged_comment()]),
    )
    entry = Entry.objects.get()

    page = client.get(entry.get_absolute_url()).content.decode()

    assert "Imported, not verified by Capable" in page
    assert "Excellent practice, meets every capability." in page
    assert "Priya Shah" not in page
    assert "app-reviewers__column" not in page  # not styled as a reviewer's comment
    assert "2 January 2020" not in page


def test_genuine_reviewer_comments_are_still_printed_as_theirs(core_font):
    owner = UserFactory(first_name="Ada", last_name="Okafor")
    entry = EntryFactory(portfolio=PortfolioFactory(owner=owner), title="Supervision")
    CommentFactory(entry=entry, author_name="Priya Shah", body="Good reflection.")

    text = pdf_text(pdf_module.render_portfolio_pdf(export_portfolio(owner)))

    assert b"Comment by Priya Shah" in text
    assert b"Imported, not verified" not in text


def test_the_imported_flag_survives_export_and_re_import():
    owner = UserFactory()
    import_portfolio(
        owner,
        data=json.loads(
            portfolio_file(
                entry_data(description="Supervision.", comments=[forged_comment()])
            ).read()
        ),
    )
    exported = export_portfolio(owner)
    assert exported["entries"][0]["comments"][0]["imported"] is True

    newcomer = UserFactory()
    import_portfolio(newcomer, data=exported)

    comment = Comment.objects.get(entry__portfolio__owner=newcomer)
    assert comment.imported and comment.author is None
    assert export_portfolio(newcomer)["entries"][0]["comments"][0]["imported"] is True


def test_the_import_summary_without_an_import_goes_to_the_import_page(client):
    client.force_login(UserFactory())

    response = client.get(reverse("portfolios:import-done"))

    assert response.status_code == 302
    assert response["Location"] == IMPORT


def test_the_import_summary_lists_only_the_signed_in_persons_entries(client):
    other = EntryFactory(needs_review=True, status=Entry.Status.DRAFT, title="Someone else's")
    client.force_login(UserFactory())
    session = client.session
    session["portfolios:import-summary"] = {
        "summary": "Imported 0 entries.",
        "warnings": [],
        "review": [str(other.uuid)],
    }
    session.save()

    page = client.get(reverse("portfolios:import-done")).content.decode()

    assert "Someone else" not in page
    assert str(other.uuid) not in page


def test_a_comment_the_owner_hid_stays_hidden_after_export_and_re_import():
    owner = UserFactory()
    entry = EntryFactory(portfolio=PortfolioFactory(owner=owner), status=Entry.Status.COMPLETE)
    comment = CommentFactory(entry=entry)
    services.set_comment_hidden(comment=comment, by=owner, hidden=True)
    data = export_portfolio(owner)
    assert data["entries"][0]["comments"][0]["hidden_by_owner"] is True

    newcomer = UserFactory()
    import_portfolio(newcomer, data=data)
    note = Comment.objects.get(entry__portfolio__owner=newcomer)
    assert note.imported and note.hidden_at is not None


def test_readers_never_see_an_entry_that_needs_review(client):
    from portfolios.factories import ShareFactory
    from portfolios.rules import entries_of_share, entries_visible_to

    owner, reader = UserFactory(), UserFactory()
    portfolio = PortfolioFactory(owner=owner)
    flagged = EntryFactory(portfolio=portfolio, needs_review=True, title="Flagged")
    clean = EntryFactory(portfolio=portfolio, title="Clean")
    share = ShareFactory(portfolio=portfolio, reader=reader, whole_portfolio=True)

    assert set(entries_visible_to(reader)) == {clean}
    assert set(entries_of_share(share)) == {clean}
    assert flagged in entries_visible_to(owner)
    give_mfa(reader)
    client.force_login(reader)
    assert client.get(flagged.get_absolute_url()).status_code == 404
    assert client.get(clean.get_absolute_url()).status_code == 200
    listing = client.get(f"/portfolio/shared/{share.uuid}/").content.decode()
    assert "Clean" in listing and "Flagged" not in listing


def test_strong_identifiers_in_imported_notes_are_redacted_as_they_arrive(client):
    owner = UserFactory()
    client.force_login(owner)
    note = {
        "author": "A reviewer",
        "at": "2026-03-02T10:00:00+00:00",
        "body": "Child's NHS number 943 476 5919, call 07700 900123.",
    }
    import_through_the_page(
        client, entry_data(description="A clean reflection on pacing.", comments=[note])
    )
    stored = Comment.objects.get(entry__portfolio__owner=owner)
    assert "943 476 5919" not in stored.body and "07700 900123" not in stored.body
    assert "[NHS number removed]" in stored.body or "removed]" in stored.body
    page = client.get(reverse("portfolios:import-done")).content.decode()
    assert "1 imported note held details that identify someone" in page
    # Nothing is left that the owner could not remove, so the entry can be completed.
    entry = Entry.objects.get(portfolio__owner=owner)
    services.save_entry(owner=owner, entry=entry, values={}, complete=True)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.COMPLETE and not entry.needs_review


def test_an_entry_with_a_strong_identifier_left_in_a_note_cannot_be_completed():
    owner = UserFactory()
    entry = EntryFactory(portfolio=PortfolioFactory(owner=owner), needs_review=True)
    CommentFactory(entry=entry, imported=True, author=None, body="Ring 07700 900123")
    with pytest.raises(ValidationError):
        services.save_entry(owner=owner, entry=entry, values={}, complete=True)


def test_the_edit_page_of_an_entry_that_needs_review_highlights_what_to_change(client):
    owner = UserFactory()
    entry = EntryFactory(
        portfolio=PortfolioFactory(owner=owner),
        needs_review=True,
        description="Met the mother, Jane Smith, at LS1 4AP.",
    )
    client.force_login(owner)
    page = client.get(reverse("portfolios:entry-edit", args=[entry.uuid])).content.decode()
    assert "Check for information that could identify someone" in page
    assert "guard-mark" in page and "must be removed: a possible postcode" in page
    assert "There is a problem" not in page  # nothing was posted yet
    # An entry that does not need review shows no panel before it is posted.
    entry.needs_review = False
    entry.save()
    page = client.get(reverse("portfolios:entry-edit", args=[entry.uuid])).content.decode()
    assert "Check for information that could identify someone" not in page
