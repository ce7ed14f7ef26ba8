"""Feedback without an account: the link works once, expires, can be stopped and cannot be
guessed (only its hash is stored); identifying text is refused with nothing stored; the answer
keeps no IP address or time finer than the day; only the learner sees requests and answers, and
an answer added to the portfolio shows its readers that the learner did not write it."""

import datetime
import hashlib
import io
import re

import pytest
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessEvent
from organisations.models import Role
from portfolios import feedback
from portfolios.coverage import build_coverage
from portfolios.factories import PortfolioFactory, ShareFactory
from portfolios.feedback_models import FeedbackAnswer, FeedbackRequest
from portfolios.models import Entry, Mapping
from portfolios.tests.conftest import person

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/feedback/([A-Za-z0-9_-]{20,})/")
GOOD = {
    "q_helped": "You listened and explained what would happen next.",
    "q_differently": "Use fewer long words at meetings.",
    "q_anything_else": "",
}


@pytest.fixture
def learner(db):
    return person(Role.STUDENT, user__first_name="Robin", user__last_name="Quillfeather")


def make_link(client, learner, *, audience="parent-carer", prompt="standard", days=14):
    client.force_login(learner)
    response = client.post(
        reverse("portfolios:feedback-new"), {"audience": audience, "prompt": prompt, "days": days}
    )
    assert response.status_code == 200
    token = LINK.search(response.text).group(1)
    client.logout()
    return FeedbackRequest.objects.get(portfolio__owner=learner, token_hash=sha(token)), token


def sha(token):
    return hashlib.sha256(token.encode()).hexdigest()


def answer_url(token):
    return reverse("feedback:answer", args=[token])


def dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", exclude=["contenttypes", "auth.permission"], stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The link


def test_the_link_works_once_and_a_second_use_says_so_clearly(client, learner):
    made, token = make_link(client, learner)
    page = client.get(answer_url(token))
    assert page.status_code == 200
    assert "Feedback for Robin" in page.text and "What did Robin do that helped?" in page.text
    # Nothing else about the learner: no family name, email address or organisation.
    assert "Quillfeather" not in page.text and learner.email not in page.text
    org = learner.memberships.first().organisation.name
    assert org not in page.text

    response = client.post(answer_url(token), GOOD)
    assert response.status_code == 302 and response["Location"] == reverse("feedback:thanks")
    made.refresh_from_db()
    assert made.answered_on == timezone.localdate()
    assert made.answer.answers[0] == {
        "question": "What did Robin do that helped?",
        "answer": GOOD["q_helped"],
    }

    again = client.get(answer_url(token))
    assert again.status_code == 200
    assert "This link has already been used" in again.text
    resent = client.post(answer_url(token), {**GOOD, "q_helped": "A second go."})
    assert "This link has already been used" in resent.text
    assert FeedbackAnswer.objects.count() == 1
    with pytest.raises(Exception, match="already been used"):
        feedback.submit_answer(token=token, answers=[("Q", "Another")])


def test_the_link_expires(client, learner):
    made, token = make_link(client, learner, days=1)
    assert made.expires_on == timezone.localdate() + datetime.timedelta(days=1)
    FeedbackRequest.objects.filter(pk=made.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    page = client.get(answer_url(token))
    assert page.status_code == 410 and "This link has closed" in page.text
    assert client.post(answer_url(token), GOOD).status_code == 410
    assert client.get(reverse("feedback:print", args=[token])).status_code == 410
    assert not FeedbackAnswer.objects.exists()


def test_how_long_it_stays_open_has_a_maximum(client, learner):
    client.force_login(learner)
    response = client.post(
        reverse("portfolios:feedback-new"),
        {"audience": "parent-carer", "prompt": "standard", "days": "61"},
    )
    assert response.status_code == 200 and "60 days at most" in response.text
    assert not FeedbackRequest.objects.exists()


def test_the_learner_can_stop_the_link_and_nobody_else_can(client, learner):
    made, token = make_link(client, learner)
    other = person(Role.STUDENT)
    client.force_login(other)
    assert client.post(reverse("portfolios:feedback-revoke", args=[made.uuid])).status_code == 404
    client.force_login(learner)
    client.post(reverse("portfolios:feedback-revoke", args=[made.uuid]))
    made.refresh_from_db()
    assert made.revoked_at is not None and made.state() == FeedbackRequest.State.REVOKED
    client.logout()
    page = client.get(answer_url(token))
    assert page.status_code == 410 and "This link has closed" in page.text


def test_the_token_is_random_long_and_stored_only_as_a_hash(client, learner):
    made, token = make_link(client, learner)
    _second, other_token = make_link(client, learner)
    assert len(token) >= 22 and token != other_token  # 128 random bits
    assert made.token_hash == sha(token) and token not in made.token_hash
    assert token not in dump()  # not in any table, the sessions included
    # A guess, or the hash itself used as a link, opens nothing.
    assert client.get(answer_url("A" * 22)).status_code == 404
    assert client.get(answer_url(made.token_hash)).status_code == 404
    # The learner's pages never show the link again.
    client.force_login(learner)
    assert token not in client.get(made.get_absolute_url()).text
    assert token not in client.get(reverse("portfolios:feedback")).text


def test_the_paper_form_has_the_link_written_out_and_a_qr_code(client, learner):
    _made, token = make_link(client, learner, prompt="easy-read")
    page = client.get(reverse("feedback:print", args=[token]))
    assert page.status_code == 200
    assert f"http://testserver/feedback/{token}/" in page.text
    assert '<svg class="app-qr" role="img"' in page.text
    assert "What was good?" in page.text


# ---------------------------------------------------------------------------------------------
# The guard, and what is kept


@pytest.mark.parametrize(
    "text",
    [
        "Mrs Amelia Hart said you were kind",  # a name: no ticking it away here
        "Ring me on 07700 900123",
        "We live at 14 Elm Grove",
    ],
)
def test_identifying_text_is_refused_kept_in_the_form_and_nothing_stored(client, learner, text):
    made, token = make_link(client, learner)
    posted = {**GOOD, "q_helped": text, "confirm_anonymised": "on"}
    response = client.post(answer_url(token), posted)
    assert response.status_code == 400
    assert "Take out anything that could show who someone is" in response.text
    assert "govuk-error-summary" in response.text
    assert text.split()[-1] in response.text  # what they wrote is still in the box
    made.refresh_from_db()
    assert made.answered_on is None and not FeedbackAnswer.objects.exists()
    # The link still works: once the text is changed, it is sent.
    assert client.post(answer_url(token), GOOD).status_code == 302


def test_the_service_refuses_identifying_text_too(client, learner):
    _made, token = make_link(client, learner)
    with pytest.raises(Exception, match="identifying"):
        feedback.submit_answer(token=token, answers=[("Q", "Mr John Smith helped")])
    assert not FeedbackAnswer.objects.exists()


def test_the_answer_keeps_no_ip_address_browser_or_time_of_day(client, learner):
    made, token = make_link(client, learner)
    created_at = made.created_at
    events = AccessEvent.objects.count()
    respondent = person(Role.PRACTITIONER)  # someone who happens to be signed in
    client.force_login(respondent)
    client.post(
        answer_url(token), GOOD, REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="RespondentBrowser/1"
    )
    answer = FeedbackAnswer.objects.get()
    assert answer.received_on == timezone.localdate()
    for model in (FeedbackAnswer, FeedbackRequest):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.GenericIPAddressField)
            assert not (
                isinstance(field, models.ForeignKey) and field.related_model is type(learner)
            )
    assert not any(isinstance(f, models.DateTimeField) for f in FeedbackAnswer._meta.get_fields())
    made.refresh_from_db()
    assert made.created_at == created_at and isinstance(made.answered_on, datetime.date)
    assert AccessEvent.objects.count() == events
    text = dump()
    assert "203.0.113.77" not in text and "RespondentBrowser" not in text


# ---------------------------------------------------------------------------------------------
# Who sees what


def test_only_the_learner_sees_their_requests_and_answers(client, learner):
    made, token = make_link(client, learner)
    client.post(answer_url(token), GOOD)
    supervisor = person(Role.PRACTICE_EDUCATOR)
    ShareFactory(portfolio=PortfolioFactory(owner=learner), reader=supervisor, whole_portfolio=True)
    for someone in (person(Role.STUDENT), supervisor):
        client.force_login(someone)
        assert client.get(made.get_absolute_url()).status_code == 404
        add = reverse("portfolios:feedback-add", args=[made.uuid])
        assert client.post(add, {"title": "Mine now"}).status_code == 404
        assert GOOD["q_helped"] not in client.get(reverse("portfolios:feedback")).text
    client.force_login(learner)
    page = client.get(made.get_absolute_url())
    assert page.status_code == 200 and GOOD["q_helped"] in page.text
    assert "Feedback" in client.get(reverse("portfolios:index")).text  # reachable from there


def reflection(**extra):
    return {
        "title": "Feedback from a parent",
        "description": "After three meetings about the plan.",
        "learning": "I learnt that plain words matter more than I thought.",
        "impact": "I now say the plan back in everyday words.",
        **extra,
    }


def test_the_learner_adds_an_answer_with_a_reflection_and_readers_see_who_wrote_it(
    client, learner, pcf
):
    made, token = make_link(client, learner)
    client.post(answer_url(token), GOOD)
    client.force_login(learner)
    response = client.post(reverse("portfolios:feedback-add", args=[made.uuid]), reflection())
    entry = Entry.objects.get(portfolio__owner=learner)
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert entry.source == Entry.Source.FEEDBACK and entry.written_by_others
    assert entry.author_kind == "parent-carer" and entry.feedback == made.answer
    assert entry.status == Entry.Status.COMPLETE
    assert entry.entry_type == Entry.Type.FAMILY_FEEDBACK
    assert entry.learning.startswith("I learnt that plain words")
    # Added once only.
    again = client.post(reverse("portfolios:feedback-add", args=[made.uuid]), reflection())
    assert again.status_code == 404 and Entry.objects.count() == 1

    # Mapped like any other entry, it counts in coverage.
    statement = pcf.items.statements().first()
    Mapping.objects.create(entry=entry, item=statement)
    assert build_coverage(learner).entries_counted == 1

    supervisor = person(Role.PRACTICE_EDUCATOR)
    ShareFactory(portfolio=entry.portfolio, reader=supervisor, whole_portfolio=True)
    client.force_login(supervisor)
    page = client.get(entry.get_absolute_url()).text
    assert "Feedback received through Capable" in page
    assert "Written by a parent or carer, not by Robin" in page
    assert GOOD["q_helped"] in page
    listing = client.get(
        reverse("portfolios:shared-portfolio", args=[entry.portfolio.shares.get().uuid])
    )
    assert "Feedback through Capable" in listing.text


def test_adding_needs_a_reflection_and_keeps_what_was_typed(client, learner):
    made, token = make_link(client, learner)
    client.post(answer_url(token), GOOD)
    client.force_login(learner)
    response = client.post(
        reverse("portfolios:feedback-add", args=[made.uuid]),
        reflection(learning="", title="Kept title"),
    )
    assert response.status_code == 400
    assert "Write your reflection on the feedback" in response.text
    assert "Kept title" in response.text
    assert not Entry.objects.exists()


def test_a_learner_with_feedback_in_their_portfolio_can_still_be_deleted(client, learner):
    made, token = make_link(client, learner)
    client.post(answer_url(token), GOOD)
    feedback.add_to_portfolio(
        owner=learner, answer=FeedbackAnswer.objects.get(), values=reflection()
    )
    learner.delete()
    assert not FeedbackAnswer.objects.exists() and not Entry.objects.exists()


# ---------------------------------------------------------------------------------------------
# Demo


def test_the_demo_student_has_feedback_added_with_a_reflection_one_open_and_one_expired(client):
    from accounts.demo import DEMO_DOMAIN
    from accounts.models import User

    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    sol = User.objects.get(email=f"sol.student@{DEMO_DOMAIN}")
    states = sorted(r.state() for r in FeedbackRequest.objects.filter(portfolio__owner=sol))
    assert states == ["answered", "expired", "open"]
    entry = Entry.objects.get(portfolio__owner=sol, source=Entry.Source.FEEDBACK)
    assert entry.learning and entry.feedback.answers and entry.mappings.exists()
    assert entry.entry_type == Entry.Type.FAMILY_FEEDBACK
    for item in entry.feedback.answers:
        assert not feedback.identifying_findings([("", item["answer"])])

    pat = User.objects.get(email=f"pat.educator@{DEMO_DOMAIN}")
    client.force_login(pat)
    page = client.get(entry.get_absolute_url())
    assert page.status_code == 200 and "Feedback received through Capable" in page.text
    client.force_login(sol)
    assert client.get(reverse("portfolios:feedback")).status_code == 200

    call_command("seed", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert FeedbackRequest.objects.filter(portfolio__owner=sol).count() == 3


def test_the_export_and_the_printed_portfolio_carry_the_feedback_and_who_wrote_it(
    client, learner, core_font
):
    from portfolios.interchange import export_portfolio
    from portfolios.pdf import render_portfolio_pdf
    from tests.pdf_text import literal

    made, token = make_link(client, learner)
    client.post(answer_url(token), GOOD)
    feedback.add_to_portfolio(owner=learner, answer=made.answer, values=reflection())
    data = export_portfolio(learner)
    [entry] = data["entries"]
    others = entry["written_by_others"]
    assert others["source"] == "feedback" and others["author"] == "a parent or carer"
    assert others["answers"][0]["answer"] == GOOD["q_helped"]
    output = render_portfolio_pdf(data, compress=False)
    assert literal("Feedback received through Capable") in output
    assert literal(GOOD["q_helped"]) in output


def test_imported_feedback_keeps_who_wrote_it_and_their_words_unchanged(client, learner):
    """Importing an export into another portfolio keeps the words others wrote as theirs: the
    entry says who wrote them (never the owner), shows them read-only, and exports them again
    unchanged; the guard reads them like the owner's own text."""
    from portfolios.interchange import export_portfolio, import_portfolio

    made, token = make_link(client, learner)
    client.post(answer_url(token), GOOD)
    feedback.add_to_portfolio(owner=learner, answer=made.answer, values=reflection())
    data = export_portfolio(learner)
    exported = data["entries"][0]["written_by_others"]
    assert exported["author_kind"] == "parent-carer"

    elsewhere = person()
    import_portfolio(elsewhere, data=data)
    entry = Entry.objects.get(portfolio__owner=elsewhere)
    assert entry.source == Entry.Source.FEEDBACK and entry.author_kind == "parent-carer"
    assert entry.feedback is None and entry.imported_from_others["author"] == "a parent or carer"
    assert export_portfolio(elsewhere)["entries"][0]["written_by_others"] == exported
    client.force_login(elsewhere)
    page = client.get(entry.get_absolute_url()).text
    assert "Written by a parent or carer, not by you" in page
    assert GOOD["q_helped"] in page

    # Words of others that name a child make the imported entry wait for review.
    data["entries"][0]["title"] = "Another entry"
    data["entries"][0]["written_by_others"]["answers"][0]["answer"] = (
        "Jayden Smith, born 03/04/2019, was happier after the visit."
    )
    import_portfolio(elsewhere, data=data)
    assert Entry.objects.get(portfolio__owner=elsewhere, title="Another entry").needs_review


def test_a_written_by_others_block_that_is_not_feedback_or_an_observation_is_refused(learner):
    from portfolios.interchange import PortfolioImportError, export_portfolio, import_portfolio

    data = export_portfolio(learner)
    data["entries"] = [
        {
            "id": "1",
            "title": "Words",
            "type": "",
            "status": "draft",
            "written_by_others": {"source": "own", "author": "me", "answers": []},
        }
    ]
    with pytest.raises(PortfolioImportError, match=r"written_by_others\.source"):
        import_portfolio(learner, data=data)
    assert not Entry.objects.exists()


def test_the_public_pages_leave_no_trace_in_a_signed_in_session_or_mfa_detour(rf):
    from django.conf import settings

    from accounts.middleware import untracked

    for url in (answer_url("x" * 22), reverse("feedback:print", args=["x" * 22])):
        assert untracked(rf.get(url))
        assert url.startswith(tuple(settings.CAPABLE_MFA_EXEMPT_PATHS))


def test_too_many_tries_through_one_link_are_refused_with_the_answers_kept(
    client, learner, settings
):
    settings.FEEDBACK_ANSWER_ATTEMPTS = 2
    _made, token = make_link(client, learner)
    refused = {**GOOD, "q_helped": "Ring 07700 900123"}
    for _ in range(2):
        assert client.post(answer_url(token), refused).status_code == 400
    response = client.post(answer_url(token), GOOD)
    assert response.status_code == 429 and "tried too many times" in response.text
    assert GOOD["q_differently"] in response.text
    assert not FeedbackAnswer.objects.exists()


def test_answers_typed_in_from_paper_say_so(client, learner):
    made, token = make_link(client, learner)
    client.post(answer_url(token), {**GOOD, "typed_from_paper": "on"})
    entry = feedback.add_to_portfolio(
        owner=learner, answer=FeedbackAnswer.objects.get(), values=reflection()
    )
    client.force_login(learner)
    assert "typed in from a paper form" in client.get(made.get_absolute_url()).text
    assert "typed in from a paper form" in client.get(entry.get_absolute_url()).text
