"""Every form's errors follow one pattern (GOV.UK Design System's), checked form by form through
the URL a person uses, with input the form refuses:

* an error summary at the top of the main content that takes focus when the page loads, without
  JavaScript (``tabindex="-1"`` and ``autofocus``, the only ``autofocus`` on the page);
* each of its links goes to a control that can take focus (an input, select, text area or
  button: never a ``div`` or ``fieldset``);
* each inline error message is tied by ``aria-describedby`` to its control (or to the fieldset
  of its group of radios, checkboxes or date boxes);
* the ``<title>`` starts with "Error: ";
* everything typed is there again (files excepted: a message beside the file field says so).

``CASES`` (tests/form_error_cases.py) walks the forms; ``test_every_form_is_walked`` fails when a form class of ours is
neither walked nor left out with a reason, so a new form joins the walk.
"""

import html as html_lib

import pytest
from bs4 import BeautifulSoup

from tests.form_error_cases import ALLAUTH_PREFIX, CASES, NOT_WALKED
from tests.project_forms import project_forms

pytestmark = pytest.mark.django_db

FOCUSABLE = {"input", "select", "textarea", "button"}


def check_error_page(html: str, typed=()) -> BeautifulSoup:
    """Assert the GOV.UK error pattern on a page that shows a form with errors."""
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text().strip()
    assert title.startswith("Error: "), title
    assert not title.startswith("Error: Error:"), title
    summaries = soup.select(".govuk-error-summary")
    assert len(summaries) == 1, f"{len(summaries)} error summaries"
    summary = summaries[0]
    assert summary.get("tabindex") == "-1" and summary.has_attr("autofocus"), summary
    assert len(soup.select("[autofocus]")) == 1, "one autofocus only: the error summary"
    main = soup.find("main")
    assert main is not None and summary in main.find_all(class_="govuk-error-summary")
    heading = main.find("h1")
    if heading is not None:
        # At the top: before the page's heading.
        assert heading in summary.find_all_next("h1"), "the summary comes before the h1"
    links = summary.select("a[href]")
    assert links, "each error links to its control"
    for link in links:
        href = link["href"]
        assert href.startswith("#"), href
        target = soup.find(id=href[1:])
        assert target is not None, f"{href} is not on the page"
        assert target.name in FOCUSABLE, f"{href} is a {target.name}, which cannot take focus"
        assert target.get("type") != "hidden", f"{href} is hidden"
    for message in soup.select(".govuk-error-message"):
        ident = message.get("id")
        assert ident, f"an error message without an id: {message}"
        described = [
            el
            for el in soup.find_all(attrs={"aria-describedby": True})
            if ident in el["aria-describedby"].split()
        ]
        assert described, f"nothing is described by #{ident}"
        for el in described:
            assert el.name in FOCUSABLE or (
                el.name == "fieldset" and el.find(["input", "select", "textarea"])
            ), f"#{ident} describes a {el.name}"
    for text in typed:
        assert html_lib.escape(text) in html or text in html, f"{text!r} is not kept"
    return soup


# ---------------------------------------------------------------------------------------------
# The checker itself fails on what it should catch.


GOOD = """<html><head><title>Error: Add evidence</title></head><body><main>
<div class="govuk-error-summary" tabindex="-1" autofocus><a href="#id_title">Enter a title</a></div>
<h1>Add evidence</h1>
<p class="govuk-error-message" id="id_title-error">Enter a title</p>
<input id="id_title" aria-describedby="id_title-error" value="typed">
</main></body></html>"""


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Error: Add", "Add"),
        (" autofocus>", ">"),
        ('tabindex="-1" ', ""),
        ('aria-describedby="id_title-error" ', ""),
        ('<input id="id_title"', '<div id="id_title"></div><input'),
        ('value="typed"', 'value=""'),
    ],
)
def test_the_checker_catches(old, new):
    check_error_page(GOOD, ["typed"])
    with pytest.raises(AssertionError):
        check_error_page(GOOD.replace(old, new), ["typed"])


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_form_with_errors_follows_the_pattern(client, name):
    page = CASES[name](client)
    check_error_page(page.html, page.typed)


# Forms not walked above, each with the reason.
def test_every_form_is_walked():
    missing = [
        name
        for cls in project_forms()
        if (name := f"{cls.__module__}.{cls.__qualname__}") not in CASES
        and not NOT_WALKED.get(name)
        and not name.startswith(ALLAUTH_PREFIX)
    ]
    assert missing == [], "Walk these forms in CASES, or say in NOT_WALKED why not"


@pytest.mark.parametrize(
    "cls",
    [c for c in project_forms() if c.__module__ == "accounts.allauth_forms"],
    ids=lambda c: c.__name__,
)
def test_allauth_messages_name_the_field(cls, monkeypatch):
    from allauth.mfa.totp import forms as totp_forms

    from accounts.allauth_forms import REQUIRED

    # The TOTP form makes its secret in the session: none is needed to read its messages.
    monkeypatch.setattr(totp_forms.auth, "get_totp_secret", lambda regenerate: "A" * 32)
    from accounts.factories import UserFactory

    user = UserFactory()
    form = None
    for kwargs in ({}, {"user": user}):
        try:
            form = cls(data={}, **kwargs)
            break
        except (TypeError, KeyError):
            continue
    assert form is not None, "could not build the form"
    for name, control in form.fields.items():
        if control.required and name in REQUIRED:
            assert control.error_messages["required"] == REQUIRED[name]
        if control.required:
            assert control.error_messages["required"] != "This field is required.", name
