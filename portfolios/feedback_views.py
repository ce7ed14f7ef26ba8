"""Feedback without an account. The learner's pages (under /portfolio/feedback/: only the learner
sees their requests and answers, 404 for anyone else) and the public pages of the link (under
/feedback/: no sign-in, no access event, no session tracking). Thin: the rules are in
`feedback` and `rules`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from . import feedback, rules
from .feedback_forms import AddFeedbackForm, FeedbackAnswerForm, FeedbackRequestForm
from .feedback_models import FeedbackRequest
from .feedback_prompts import PROMPTS, worded

# ---------------------------------------------------------------------------------------------
# The learner's pages


def _own_request(request, uuid) -> FeedbackRequest:
    return get_object_or_404(
        rules.feedback_requests_of(request.user).select_related("portfolio__owner", "answer"),
        uuid=uuid,
    )


@login_required
def feedback_list(request):
    requests = list(
        rules.feedback_requests_of(request.user)
        .select_related("answer__entry")
        .order_by("-created_at", "-pk")
    )
    answered = [r for r in requests if r.answered_on]
    waiting = [r for r in requests if not r.answered_on]
    return render(
        request,
        "portfolios/feedback/list.html",
        {"answered": answered, "waiting": waiting},
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_new(request):
    form = FeedbackRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made, token = feedback.create_request(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("days", error)
        else:
            # Shown once, in this response: only the token's hash is stored, so the link cannot
            # be shown again. Not redirected, so the token is never in a URL of the learner's.
            link = request.build_absolute_uri(reverse("feedback:answer", args=[token]))
            return render(
                request,
                "portfolios/feedback/created.html",
                {
                    "feedback_request": made,
                    "link": link,
                    "print_url": reverse("feedback:print", args=[token]),
                },
            )
    return render(request, "portfolios/feedback/new.html", {"form": form})


@login_required
def feedback_request(request, request_uuid):
    made = _own_request(request, request_uuid)
    return _render_request(request, made)


def _render_request(request, made, *, form=None, status=200):
    answer = getattr(made, "answer", None)
    entry = getattr(answer, "entry", None) if answer else None
    if answer and entry is None and form is None:
        form = AddFeedbackForm(
            initial={"title": f"Feedback from {answer.author_label}"},
        )
    return render(
        request,
        "portfolios/feedback/detail.html",
        {
            "feedback_request": made,
            "answer": answer,
            "entry": entry,
            "form": form,
            "questions": feedback.questions_for(made),
            "show_errors": request.method == "POST",
        },
        status=status,
    )


@login_required
@require_POST
def feedback_revoke(request, request_uuid):
    made = _own_request(request, request_uuid)
    feedback.revoke_request(request=made, by=request.user)
    messages.success(request, "You stopped the link. Nobody can answer through it now.")
    return redirect(made)


@login_required
@require_POST
def feedback_add(request, request_uuid):
    made = _own_request(request, request_uuid)
    answer = getattr(made, "answer", None)
    if answer is None or getattr(answer, "entry", None) is not None:
        raise Http404
    form = AddFeedbackForm(request.POST)
    if form.is_valid():
        try:
            entry = feedback.add_to_portfolio(
                owner=request.user,
                answer=answer,
                values=form.cleaned_data,
                confirmed=form.guard_confirmed,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "The feedback is in your portfolio with your reflection. Map it to the "
                "framework so it counts in your coverage.",
            )
            return redirect(entry)
    return _render_request(request, made, form=form, status=400)


# ---------------------------------------------------------------------------------------------
# The public pages of the link


def _public(response):
    response.holds_personal_data = True  # never cached
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _closed(request, made):
    """The page for a link that cannot be answered: used (a thank-you, not an error), closed
    (expired or stopped) or unknown."""
    if made is None:
        return _public(
            render(request, "portfolios/feedback/closed.html", {"why": "unknown"}, status=404)
        )
    state = made.state()
    if state == FeedbackRequest.State.ANSWERED:
        return _public(render(request, "portfolios/feedback/closed.html", {"why": "used"}))
    return _public(
        render(request, "portfolios/feedback/closed.html", {"why": "closed"}, status=410)
    )


def _intro(made) -> list[str]:
    name = feedback.learner_name(made)
    return [worded(p, name) for p in PROMPTS[made.prompt].intro]


@require_http_methods(["GET", "POST"])
def answer(request, token):
    made = feedback.find_request(token)
    if made is None or not made.is_open:
        return _closed(request, made)
    questions = feedback.questions_for(made)
    form = FeedbackAnswerForm(request.POST or None, questions=questions)
    status = 200
    if request.method == "POST":
        if feedback.too_many_attempts(token):
            form.is_valid()
            form.add_error(
                None,
                "This link has been tried too many times in the last hour. Wait an hour and "
                "send it again: your answers are kept below.",
            )
            status = 429
        else:
            feedback.count_attempt(token)
            if form.is_valid():
                try:
                    feedback.submit_answer(
                        token=token,
                        answers=form.answers(),
                        typed_from_paper=form.cleaned_data["typed_from_paper"],
                    )
                except ValidationError as error:
                    if error.code != feedback.IDENTIFYING:
                        return _closed(request, feedback.find_request(token))
                    form.add_error(None, error)
                else:
                    return redirect("feedback:thanks")
            status = 400
    return _public(
        render(
            request,
            "portfolios/feedback/answer.html",
            {
                "form": form,
                "intro": _intro(made),
                "name": feedback.learner_name(made),
                "easy_read": PROMPTS[made.prompt].easy_read,
                "show_errors": request.method == "POST",
                "print_url": reverse("feedback:print", args=[token]),
            },
            status=status,
        )
    )


def thanks(request):
    return _public(render(request, "portfolios/feedback/thanks.html"))


def _qr_svg(link: str) -> str:
    """The link as a QR code, an inline SVG drawn by `qrcode` (pure Python: it comes with
    django-allauth's MFA), so no image file or system library is needed."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg class="app-qr" role="img" aria-labelledby="qr-label" ', 1)
    # Generated from our own link: no text anyone typed.
    return mark_safe(svg)


def paper(request, token):
    """A printable page for someone without email: the link written out large, its QR code and
    the questions with room to write. Anyone holding the link may open it; it shows no more than
    the answer page."""
    made = feedback.find_request(token)
    if made is None or not made.is_open:
        return _closed(request, made)
    link = request.build_absolute_uri(reverse("feedback:answer", args=[token]))
    return _public(
        render(
            request,
            "portfolios/feedback/paper.html",
            {
                "link": link,
                "qr": _qr_svg(link),
                "intro": _intro(made),
                "name": feedback.learner_name(made),
                "questions": feedback.questions_for(made),
                "expires_on": made.expires_on,
                "answer_url": reverse("feedback:answer", args=[token]),
            },
        )
    )
