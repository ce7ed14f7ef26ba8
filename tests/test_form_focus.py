"""Where the identifying-information guard, Enter and the statement picker's Find leave a person:
the guard's summary entry goes to the finding or the confirmation (which has its own message),
Enter in a text box does the form's primary action (not Redact, not Find), and after Find focus
goes to the result count. And the one place that puts "Error: " in the title."""

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.template import Context
from django.urls import reverse

from cms.templatetags.form_errors import error_anchor, page_has_errors
from organisations.factories import MembershipFactory
from organisations.models import Role
from portfolios.factories import EntryFactory, PortfolioFactory, ShareFactory
from tests.test_form_errors import check_error_page

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"
WEAK = "Like the Mr Men books, this is a clear example."


@pytest.fixture
def commenting(client):
    practitioner = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    reviewer = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    ShareFactory(portfolio=entry.portfolio, reader=reviewer, can_comment=True)
    client.force_login(reviewer)
    return reverse("portfolios:comment-create", args=[entry.uuid])


def summary_hrefs(soup):
    return [a["href"] for a in soup.select(".govuk-error-summary a")]


def first_submit(form):
    return form.find(lambda tag: tag.name in ("button", "input") and tag.get("type") == "submit")


def test_a_weak_finding_links_to_the_confirmation_which_has_its_own_message(client, commenting):
    response = client.post(commenting, {"body": WEAK})
    assert response.status_code == 400
    soup = check_error_page(response.content.decode(), [WEAK])
    box = soup.find("input", attrs={"name": "confirm_anonymised"})
    assert f"#{box['id']}" in summary_hrefs(soup)
    message = soup.find(id=f"{box['id']}-error")
    assert message is not None and "confirm" in message.get_text()
    assert f"{box['id']}-error" in box["aria-describedby"].split()


def test_a_strong_finding_links_to_the_field_it_is_in(client, commenting):
    body = f"Good work; NHS {NHS}"
    response = client.post(commenting, {"body": body})
    soup = check_error_page(response.content.decode(), [body])
    textarea = soup.find("textarea", attrs={"name": "body"})
    assert summary_hrefs(soup) == [f"#{textarea['id']}"]


def test_after_redact_the_message_links_to_the_changed_field(client, commenting):
    response = client.post(commenting, {"body": f"Good work; NHS {NHS}", "guard_redact": "1"})
    soup = check_error_page(response.content.decode())
    textarea = soup.find("textarea", attrs={"name": "body"})
    assert "[NHS number removed]" in textarea.get_text()
    assert set(summary_hrefs(soup)) == {f"#{textarea['id']}"}


def test_enter_with_a_strong_finding_saves_rather_than_redacts(client, commenting):
    response = client.post(commenting, {"body": f"Good work; NHS {NHS}"})
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    redact = soup.find("button", attrs={"name": "guard_redact"})
    assert redact is not None
    form = redact.find_parent("form")
    default = first_submit(form)
    # Enter presses the first submit button: a hidden copy of "Add comment", not Redact.
    assert default is not redact and not default.get("name")
    assert default["tabindex"] == "-1" and default["aria-hidden"] == "true"
    assert "govuk-visually-hidden" in default["class"]


@pytest.fixture
def practitioner(client):
    user = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    client.force_login(user)
    return user


def test_enter_in_the_entry_form_saves_the_record_rather_than_find(client, practitioner, pcf):
    for response in (
        client.get(reverse("portfolios:entry-create")),
        client.post(reverse("portfolios:entry-create"), {"action": "complete", "title": ""}),
        client.post(
            reverse("portfolios:entry-create"),
            {"action": "complete", "title": "A visit", "description": f"NHS {NHS}"},
        ),
    ):
        soup = BeautifulSoup(response.content.decode(), "html.parser")
        form = soup.find("button", attrs={"value": "find"}).find_parent("form")
        default = first_submit(form)
        assert (default["name"], default["value"]) == ("action", "complete")
        assert default["tabindex"] == "-1" and default["aria-hidden"] == "true"


def test_find_puts_focus_on_the_result_count(client, practitioner, pcf):
    url = reverse("portfolios:entry-create")
    page = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    assert page.find(id="picker-results") is None
    assert not page.select("[autofocus]")
    typed = {"action": "find", "title": "Kept title", "statement_query": "values"}
    html = client.post(url, typed).content.decode()
    soup = BeautifulSoup(html, "html.parser")
    count = soup.find(id="picker-results")
    assert count is not None and "match" in count.get_text()
    assert count["tabindex"] == "-1" and count.has_attr("autofocus")
    assert soup.select("[autofocus]") == [count]
    assert not soup.select(".govuk-error-summary")
    assert not soup.title.get_text().startswith("Error")
    assert 'value="Kept title"' in html


def test_a_statement_error_links_to_the_picker_search_box(client, practitioner, pcf):
    response = client.post(
        reverse("portfolios:entry-create"),
        {"action": "complete", "title": "A visit", "statements": ["999999"]},
    )
    soup = check_error_page(response.content.decode(), ["A visit"])
    assert "#id_statement_query" in summary_hrefs(soup)


# ---------------------------------------------------------------------------------------------
# The pieces


class Sample(forms.Form):
    name = forms.CharField()
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
    tags = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )


def test_error_anchor_is_a_control_that_takes_focus():
    form = Sample(data={})
    assert error_anchor(form["name"]) == "id_name"
    assert error_anchor(form["colour"]) == "id_colour_0"
    assert error_anchor(form["tags"]) == "id_tags_0"


def test_the_title_says_error_only_when_the_page_shows_a_form_with_errors():
    bad, good, unbound = (
        Sample(data={}),
        Sample(data={"name": "x", "colour": "r", "tags": ["a"]}),
        Sample(),
    )
    assert page_has_errors(Context({"form": bad}))
    assert page_has_errors(Context({"forms": {"step": bad}}))
    assert page_has_errors(Context({"rows": [good, bad]}))
    assert not page_has_errors(Context({"form": good, "other": unbound}))
    assert not page_has_errors(Context({"form": bad, "show_errors": False}))
    assert not page_has_errors(Context({"form": bad, "page_has_errors": False}))
    assert page_has_errors(Context({"page_has_errors": True}))

    class Filter(Sample):
        errors_shown = False

    assert not page_has_errors(Context({"filter": Filter(data={})}))
