"""The public reader: the framework's fan, a domain, a level, a comparison, search and the
downloads, without signing in."""

import re

from playwright.sync_api import expect


def test_reader_explores_the_framework(ui):
    ui.goto("/")
    ui.follow("Framework", within=ui.page.locator("header"))
    ui.expect_heading("Professional Capabilities Framework")
    ui.screenshot("fan")

    # The fan: each domain is a link in the diagram and in the list beside it.
    ui.follow("5. Knowledge", exact=True, within=ui.main.locator("svg"))
    ui.expect_heading("Knowledge")
    ui.screenshot("domain")
    ui.page.go_back()

    ui.follow("Assessed and Supported Year in Employment (ASYE)")
    ui.expect_heading(re.compile("ASYE|Assessed and Supported Year"))

    ui.page.go_back()
    ui.select("from", "End of last placement", exact=False)
    ui.select("to", "Assessed and Supported Year in Employment (ASYE)")
    ui.press("Compare")
    ui.see("End of last placement")

    ui.follow("Search", within=ui.page.locator("header"))
    ui.fill("Search", "reflection")
    ui.press("Search", within=ui.main)
    expect(ui.main.get_by_role("link").first).to_be_visible()


def test_reader_downloads_the_framework(ui):
    ui.goto("/framework/")
    csv = ui.download("Moodle competency framework CSV")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "Knowledge" in csv.text()
    case = ui.download("1EdTech CASE 1.1 JSON")
    assert case.json()["CFDocument"]["title"]
