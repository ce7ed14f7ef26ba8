"""A practitioner shares their portfolio with their supervisor, who comments on an entry the
practitioner then reads; and a portfolio downloaded (JSON and PDF) and imported into another
person's portfolio, with the import's review of entries that may identify someone."""

import json
import re
import uuid

from playwright.sync_api import expect

from accounts.demo import DEMO_DOMAIN

from .test_practitioner import open_portfolio


def test_supervisor_comments_on_a_shared_portfolio(ui):
    # Ravi shares his whole portfolio with his line manager, Jo, who may comment.
    open_portfolio(ui, "ravi.practitioner")
    ui.follow("Sharing", exact=True)
    ui.expect_heading("Sharing")
    ui.fill("Their email address", f"jo.manager@{DEMO_DOMAIN}")
    ui.select("They are your", "Supervisor or line manager")
    ui.choose("My whole portfolio")
    ui.check("They may add comments")
    ui.press("Share", exact=True)
    shares = ui.main.get_by_role("table")
    # Shared by email address: the page does not say whether Jo has an account.
    expect(shares).to_contain_text(f"jo.manager@{DEMO_DOMAIN}")
    expect(shares).to_contain_text("Whole portfolio")
    ui.sign_out()

    # Jo finds it on her home page, opens an entry and comments on it.
    ui.sign_in("jo.manager")
    ui.follow("Read the portfolio Ravi Sandhu shared with you")
    ui.expect_heading("Portfolio of Ravi Sandhu")
    entry = ui.main.locator(".app-entry-list__item").filter(has_not_text="Draft").first
    title = entry.get_by_role("link").inner_text().strip()
    ui.follow(title, exact=True, within=entry)
    ui.expect_heading(title)
    comment = "Good reflection. Bring the chronology to our next supervision."
    ui.fill("Your comment", comment)
    ui.press("Add comment", exact=True)
    ui.see("Your comment was added.")
    ui.see(comment)
    ui.sign_out()

    # Ravi sees the comment, signed with Jo's name and role.
    ui.sign_in("ravi.practitioner")
    ui.follow(f"Read the comment from Jo Whitlock on “{title}”")
    ui.expect_heading(title)
    comments = ui.main.locator(".app-reviewers")
    expect(comments).to_contain_text("Jo Whitlock, supervisor or line manager")
    expect(comments).to_contain_text(comment)


def test_portfolio_is_exported_and_imported_into_another_portfolio(ui, tmp_path):
    open_portfolio(ui, "priya.practitioner")
    ui.follow("Export and import")
    ui.expect_heading("Download your portfolio")

    download = ui.download("Download your portfolio as JSON")
    assert download.headers["content-type"].startswith("application/json")
    assert re.search(
        r'filename="?capable-portfolio-[\d-]+\.json', download.headers["content-disposition"]
    )
    data = download.json()
    assert data["format"] == "capable-portfolio"
    assert data["owner"]["name"] == "Priya Okafor"
    pdf = ui.download("Download your portfolio as a PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")

    # The file as Priya's next employer's site would receive it, with one older entry whose
    # text names a parent (written before the guard existed).
    older = dict(data["entries"][0])
    older.update(
        id=str(uuid.uuid4()),
        title="Notes from my previous employer",
        description="A joint visit with the mother, Jane Smith, about school attendance.",
        comments=[],
    )
    data["entries"].append(older)
    upload = tmp_path / "capable-portfolio.json"
    upload.write_text(json.dumps(data), encoding="utf-8")
    ui.sign_out()

    open_portfolio(ui, "alex.asye")
    alex_before = int(re.search(r"(\d+) entr", ui.main.get_by_role("status").inner_text())[1])
    ui.follow("Export and import")
    ui.follow("Import it into your portfolio")
    ui.expect_heading("Import a portfolio")
    ui.upload("Portfolio file", upload)
    ui.press("Import", exact=True)

    ui.expect_heading("Import summary")
    ui.see(f"Imported {len(data['entries'])} entries")
    ui.see("1 entry needs review")
    ui.follow("Notes from my previous employer")
    ui.expect_heading(re.compile("Edit"))
    ui.see("Check for information that could identify someone")
    expect(ui.main.locator(".app-guard")).to_contain_text("a possible name")

    ui.follow("Back", exact=True)
    ui.follow("Back to your portfolio")
    ui.see(f"{len(data['entries']) + alex_before} entries")
    ui.select("Status", "Needs review")
    ui.press("Apply filters")
    ui.see("1 entry found")
    flagged = ui.main.locator(".app-entry-list__item")
    expect(flagged).to_contain_text("Notes from my previous employer")
    expect(flagged).to_contain_text("Needs review")
