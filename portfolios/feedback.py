"""Feedback without an account: the workflow rules. The learner asks (`create_request`) and may
stop the link (`revoke_request`); the person answers once (`submit_answer`); the learner may add
the answer to their portfolio with a reflection (`add_to_portfolio`). Views call these and tests
call them directly.

Nothing here records who answered: no account, IP address, browser or time of day (the answer
keeps the day). `submit_answer` writes no access event and the public pages are in
CAPABLE_UNTRACKED_PATHS, so a signed-in person answering leaves no trace in their session either.
"""

from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .feedback_models import MAX_OPEN_DAYS, FeedbackAnswer, FeedbackRequest, hash_feedback_token
from .feedback_prompts import FAMILY_AUDIENCES, PROMPTS, Audience, worded
from .guard import Finding, check_fields
from .models import Entry, Portfolio

# Tries to send an answer through one link within the period (a refused answer counts).
DEFAULT_ATTEMPTS = 20
DEFAULT_ATTEMPT_PERIOD = 60 * 60
# A token is 22 characters; anything much longer is not one of ours.
TOKEN_MAX_LENGTH = 64

CLOSED = "closed"
USED = "used"
IDENTIFYING = "identifying"


def learner_name(request: FeedbackRequest) -> str:
    """What the person answering is told about the learner: their given name, nothing else (no
    family name, email address or organisation), so a forwarded link reveals little."""
    owner = request.portfolio.owner
    first = (owner.first_name or "").strip() or (owner.preferred_name or "").strip().split(" ")[0]
    return first or "the social worker"


def questions_for(request: FeedbackRequest) -> list[dict]:
    name = learner_name(request)
    return [
        {
            "key": q.key,
            "text": worded(q.text, name),
            "hint": worded(q.hint, name),
            "required": q.required,
        }
        for q in PROMPTS[request.prompt].questions
    ]


@transaction.atomic
def create_request(
    *, owner: User, audience: str, prompt: str, days: int
) -> tuple[FeedbackRequest, str]:
    """A new request and its token (returned once: only the hash is stored)."""
    if not 1 <= days <= MAX_OPEN_DAYS:
        raise ValidationError(f"A link can stay open for 1 to {MAX_OPEN_DAYS} days.")
    request = FeedbackRequest(
        portfolio=Portfolio.for_user(owner),
        audience=audience,
        prompt=prompt,
        expires_on=FeedbackRequest.expiry_for(days),
    )
    token = request.set_new_token()
    request.full_clean(exclude=["portfolio"])
    request.save()
    return request, token


def revoke_request(*, request: FeedbackRequest, by: User) -> None:
    if request.portfolio.owner_id != by.pk:
        raise ValidationError("Only the person who asked can stop this link.")
    if request.state() == FeedbackRequest.State.OPEN:
        request.revoked_at = timezone.now()
        request.save(update_fields=["revoked_at"])


def find_request(token: str) -> FeedbackRequest | None:
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return FeedbackRequest.objects.for_token(token).select_related("portfolio__owner").first()


# ---------------------------------------------------------------------------------------------
# Rate limit: per link (keyed by the token's hash), never by who is asking.


def _attempts() -> tuple[int, int]:
    return (
        getattr(settings, "FEEDBACK_ANSWER_ATTEMPTS", DEFAULT_ATTEMPTS),
        getattr(settings, "FEEDBACK_ANSWER_PERIOD", DEFAULT_ATTEMPT_PERIOD),
    )


def _attempt_key(token: str) -> str:
    return f"portfolios:feedback-answer:{hash_feedback_token(token)}"


def too_many_attempts(token: str) -> bool:
    limit, _period = _attempts()
    return (cache.get(_attempt_key(token)) or 0) >= limit


def count_attempt(token: str) -> None:
    _limit, period = _attempts()
    key = _attempt_key(token)
    if not cache.add(key, 1, period):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, period)


# ---------------------------------------------------------------------------------------------


def identifying_findings(answers: Sequence[tuple[str, str]]) -> list[Finding]:
    """Everything the guard finds in the answers, strong or weak: here nothing can be confirmed
    away, because the person answering cannot be asked to take responsibility for it later."""
    return check_fields({f"answer {n}": text for n, (_q, text) in enumerate(answers)})


@transaction.atomic
def submit_answer(
    *, token: str, answers: Sequence[tuple[str, str]], typed_from_paper: bool = False
) -> FeedbackAnswer:
    """Store the answer to the open request behind `token`, once. `answers`: (question as
    asked, answer) pairs. Refused (ValidationError, code CLOSED, USED or IDENTIFYING) when the
    link is unknown, expired or stopped, already used, or the guard finds anything."""
    request = find_request(token)
    if request is None:
        raise ValidationError("This link does not work.", code=CLOSED)
    state = request.state()
    if state == FeedbackRequest.State.ANSWERED:
        raise ValidationError("This link has already been used.", code=USED)
    if state != FeedbackRequest.State.OPEN:
        raise ValidationError("This link has closed.", code=CLOSED)
    if identifying_findings(answers):
        raise ValidationError("Remove the identifying information first.", code=IDENTIFYING)
    today = timezone.localdate()
    # One answer per link, even with two sent at once: only one update finds it unanswered.
    claimed = FeedbackRequest.objects.filter(pk=request.pk, answered_on__isnull=True).update(
        answered_on=today
    )
    if not claimed:
        raise ValidationError("This link has already been used.", code=USED)
    return FeedbackAnswer.objects.create(
        request=request,
        answers=[{"question": q, "answer": a.strip()} for q, a in answers if a.strip()],
        typed_from_paper=typed_from_paper,
        received_on=today,
    )


def entry_type_for(audience: str) -> str:
    if audience in FAMILY_AUDIENCES:
        return Entry.Type.FAMILY_FEEDBACK
    return Entry.Type.COLLEAGUE_FEEDBACK


@transaction.atomic
def add_to_portfolio(
    *, owner: User, answer: FeedbackAnswer, values: dict, confirmed: Sequence[Finding] = ()
) -> Entry:
    """Make an entry in `owner`'s portfolio from `answer`, with the owner's own words in
    `values` (title, description, learning, impact). The entry says it holds feedback received
    through Capable, written by a kind of person (not the owner); the answer itself is shown
    beside it and cannot be edited."""
    from .services import save_entry

    request = answer.request
    if request.portfolio.owner_id != owner.pk:
        raise ValidationError("Only the person who asked for this feedback can add it.")
    if Entry.objects.filter(feedback=answer).exists():
        raise ValidationError("This feedback is already in your portfolio.")
    entry = save_entry(
        owner=owner,
        entry=None,
        values={
            **{k: values.get(k, "") for k in ("title", "description", "learning", "impact")},
            "entry_type": entry_type_for(request.audience),
            "activity_type": "feedback",
            "occurred_on": answer.received_on,
            "swe_standards": ["4.1"],
        },
        complete=True,
        confirmed=confirmed,
    )
    entry.source = Entry.Source.FEEDBACK
    entry.author_kind = request.audience
    entry.feedback = answer
    entry.save(update_fields=["source", "author_kind", "feedback"])
    return entry


def author_label(entry: Entry) -> str:
    """ "a parent or carer": who wrote the words of an entry that is not the owner's own."""
    try:
        return Audience(entry.author_kind).label.lower()
    except ValueError:
        return "someone else"
