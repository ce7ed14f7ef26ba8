"""The accessibility statement (issue 12): the sections of the GDS model statement, linked from
the footer of every page."""

import pytest
from django.urls import reverse

SECTIONS = [
    "Using this website",
    "How accessible this website is",
    "Feedback and contact information",
    "Reporting accessibility problems with this website",
    "Enforcement procedure",
    "Technical information about this website",
    "Compliance status",
    "Non-accessible content",
    "Preparation of this accessibility statement",
]


def test_the_statement_has_every_section_of_the_model_statement(client, settings, db):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@example.test"
    response = client.get("/accessibility/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Accessibility statement · Capable</title>" in html
    assert html.count("<h1") == 1
    for section in SECTIONS:
        assert section in html, section
    assert "partially compliant" in html
    assert "WCAG" in html or "Web Content Accessibility Guidelines version 2.2" in html
    assert "Equality Advisory and Support Service" in html
    assert "axe-core" in html
    assert 'href="mailto:access@example.test"' in html


@pytest.mark.parametrize("url", ["/accounts/login/", "/accessibility/", "/search/"])
def test_every_page_links_to_it_from_the_footer(client, url, db):
    html = client.get(url).content.decode()
    footer = html[html.index("<footer") :]
    assert f'href="{reverse("accessibility")}">Accessibility statement</a>' in footer
