"""The site's starting pages: a home page and guidance written for this project."""

from django.db import transaction
from wagtail.models import Page, Site

from .models import ContentPage, HomePage

HOME = {
    "title": "Capable",
    "introduction": (
        "The Professional Capabilities Framework for child and family social work, with CPD "
        "portfolios, appraisals and placement quality mapped to it, in one open place."
    ),
}

GUIDANCE = {
    "title": "Guidance",
    "slug": "guidance",
    "summary": "How to read the framework and use it in supervision, CPD and placements.",
    "children": [
        {
            "title": "How to read the framework",
            "slug": "reading-the-framework",
            "summary": "Domains, levels and statements, and why judgements are holistic.",
            "body": [
                ("heading", "Domains and levels"),
                (
                    "paragraph",
                    "<p>The framework describes social work capability in nine "
                    "domains. Each domain is described at nine levels, from entry to qualifying "
                    "training to strategic leadership. At each level a short list of capability "
                    "statements says what a person at that level can do.</p>",
                ),
                (
                    "paragraph",
                    "<p>Moving up a level means handling more complexity, more risk "
                    "and more responsibility, not learning a new list of tasks.</p>",
                ),
                (
                    "inset",
                    {
                        "text": "<p>Judgements are holistic: look for enough evidence across "
                        "all nine domains, not a tick against every statement.</p>"
                    },
                ),
            ],
        },
        {
            "title": "Using the framework for CPD",
            "slug": "cpd",
            "summary": "Map learning to the framework and meet the yearly CPD requirement.",
            "body": [
                (
                    "paragraph",
                    "<p>Record learning as it happens through the year: a course, a "
                    "piece of reading, a supervision discussion, feedback from a family. Map each "
                    "record to the statements it shows, and reflect with a peer on at least one.</p>",
                ),
                (
                    "warning",
                    {"text": "Never record anything that could identify a child or family."},
                ),
            ],
        },
        {
            "title": "The framework as open data",
            "slug": "open-data",
            "summary": "Download any version as CASE JSON or Moodle CSV, and load official text.",
            "body": [
                (
                    "paragraph",
                    "<p>Every published version can be downloaded as 1EdTech CASE 1.1 "
                    "JSON and as a Moodle competency framework CSV from its page. Identifiers stay "
                    "the same from one download to the next, so other systems can link to them.</p>",
                ),
                (
                    "details",
                    {
                        "summary": "About the wording of the statements",
                        "body": "<p>The statements on this site are written by the Capable "
                        "project. The official wording belongs to its publisher; an "
                        "organisation with a licence can load it with the importers.</p>",
                    },
                ),
            ],
        },
    ],
}


@transaction.atomic
def ensure_site_pages() -> HomePage:
    """Create the home page and guidance once; leave them alone if they exist."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's migrations leave a placeholder "Welcome" page as the site root: replace it.
        for placeholder in root.get_children():
            placeholder.delete()
        home = root.add_child(instance=HomePage(slug="home", **HOME))
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": "localhost", "root_page": home, "site_name": "Capable"},
        )
    if not ContentPage.objects.filter(slug=GUIDANCE["slug"]).exists():
        guidance = home.add_child(
            instance=ContentPage(
                title=GUIDANCE["title"],
                slug=GUIDANCE["slug"],
                summary=GUIDANCE["summary"],
                show_in_menus=True,
            )
        )
        for child in GUIDANCE["children"]:
            guidance.add_child(
                instance=ContentPage(
                    title=child["title"],
                    slug=child["slug"],
                    summary=child["summary"],
                    body=child["body"],
                    show_in_menus=True,
                )
            )
    return home
