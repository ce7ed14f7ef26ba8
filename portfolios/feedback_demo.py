"""Demo feedback without an account: Sol, a student, asked a parent for feedback and added the
answer to their portfolio with a reflection (their practice educator, who reads the whole
portfolio, sees that it came through Capable); one request is still open and one has expired.
Generated words, never real, naming nobody. Safe to run again: a portfolio with feedback
requests is left alone. The links' tokens are made and thrown away, so no demo link works."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.demo import DEMO_DOMAIN
from accounts.models import User
from capabilities.models import FrameworkVersion, Item

from . import feedback
from .feedback_prompts import PROMPTS, Audience, worded
from .models import FeedbackAnswer, FeedbackRequest, Mapping, Portfolio

DEMO_LEARNER = "sol.student"

ANSWERS = (
    "You listened to both of us and wrote down what we said properly. You came when you said "
    "you would, and when you could not you rang to say so.",
    "At the first meeting there were a lot of words we did not understand. It would help to "
    "explain what the plan means for us in plain words, and to leave it written down.",
    "Thank you for asking what we think.",
)

REFLECTION = {
    "title": "Feedback from a parent after our planning meetings",
    "description": "A parent answered the standard questions after three planning meetings. "
    "It is direct feedback on how I communicate and keep my word, which is part of my "
    "learning agreement for this placement.",
    "learning": "Being reliable mattered more to the family than I had realised: a phone call "
    "when I was late was remembered. I also learnt that I used professional words at the first "
    "meeting without noticing, and that the parent did not feel able to ask what they meant.",
    "impact": "I now end each meeting by saying the plan back in everyday words and leave a "
    "short written note of it. I have asked my practice educator to observe how I explain "
    "plans at my next direct observation.",
}


def _request(portfolio, *, audience, prompt, created, expires_on, answered_on=None):
    made = FeedbackRequest(
        portfolio=portfolio,
        audience=audience,
        prompt=prompt,
        expires_on=expires_on,
        answered_on=answered_on,
    )
    made.set_new_token()  # thrown away: no demo link works
    made.save()
    FeedbackRequest.objects.filter(pk=made.pk).update(
        created_at=timezone.make_aware(datetime.datetime.combine(created, datetime.time(10)))
    )
    return made


@transaction.atomic
def ensure_demo_feedback(*, today: datetime.date | None = None) -> int:
    """Make Sol's feedback requests if they have none. Returns how many were made."""
    today = today or timezone.localdate()
    owner = User.objects.filter(email=f"{DEMO_LEARNER}@{DEMO_DOMAIN}").first()
    if owner is None:
        return 0
    portfolio = Portfolio.for_user(owner)
    if portfolio.feedback_requests.exists():
        return 0
    received = today - datetime.timedelta(days=12)
    answered = _request(
        portfolio,
        audience=Audience.PARENT_OR_CARER,
        prompt="standard",
        created=today - datetime.timedelta(days=20),
        expires_on=today + datetime.timedelta(days=1),
        answered_on=received,
    )
    name = feedback.learner_name(answered)
    questions = [worded(q.text, name) for q in PROMPTS["standard"].questions]
    answer = FeedbackAnswer.objects.create(
        request=answered,
        answers=[{"question": q, "answer": a} for q, a in zip(questions, ANSWERS, strict=True)],
        received_on=received,
    )
    entry = feedback.add_to_portfolio(owner=owner, answer=answer, values=REFLECTION)
    version = FrameworkVersion.objects.current("pcf")
    if version is not None:
        statements = (
            Item.objects.statements()
            .filter(version=version, level__slug="first-placement")
            .order_by("sort_order")[:2]
        )
        Mapping.objects.bulk_create(Mapping(entry=entry, item=s) for s in statements)
    _request(
        portfolio,
        audience=Audience.CHILD_OR_YOUNG_PERSON,
        prompt="young-people",
        created=today - datetime.timedelta(days=3),
        expires_on=today + datetime.timedelta(days=18),
    )
    _request(
        portfolio,
        audience=Audience.OTHER_AGENCY,
        prompt="standard",
        created=today - datetime.timedelta(days=40),
        expires_on=today - datetime.timedelta(days=5),
    )
    return 3
