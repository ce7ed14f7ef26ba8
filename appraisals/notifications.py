"""Emails about appraisals: a stage opens, someone signs. Reminders before and after a stage's
due date are sent by the `send_appraisal_reminders` command; an ASYE coordinator's chase from the
cohort page (`cohort.chase`) sends one too."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from cms.urls_util import site_url


def _send(template: str, context: dict, recipients) -> int:
    # Only people who may still open the appraisal hear about it: not one whose role has ended.
    from .rules import appraisals_visible_to

    appraisal = context["appraisal"]
    recipients = sorted(
        {
            p.email
            for p in recipients
            if p is not None
            and p.email
            and appraisals_visible_to(p).filter(pk=appraisal.pk).exists()
        }
    )
    if not recipients:
        return 0
    context = {"site_url": site_url(), **context}
    subject = render_to_string(f"appraisals/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"appraisals/email/{template}.txt", context)
    sent = 0
    for address in recipients:  # one email each: nobody sees who else it went to
        sent += send_mail(subject, body, None, [address])
    return sent


def stage_opened(stage) -> int:
    appraisal = stage.appraisal
    people = [p for p in appraisal.participants().values() if p]
    return _send("stage_opened", {"stage": stage, "appraisal": appraisal}, people)


def signed(stage, sign_off) -> int:
    appraisal = stage.appraisal
    people = [p for p in appraisal.participants().values() if p and p.pk != sign_off.user_id]
    return _send("signed", {"stage": stage, "appraisal": appraisal, "sign_off": sign_off}, people)


def _reminder(template: str, stage, people, *, today=None, outstanding=()) -> int:
    appraisal = stage.appraisal
    today = today or timezone.localdate()
    context = {
        "stage": stage,
        "appraisal": appraisal,
        "days": (stage.due_on - today).days,
        "days_late": (today - stage.due_on).days,
        "outstanding": list(outstanding),
    }
    return _send(template, context, people)


def due_soon(stage, people, *, today=None, outstanding=()) -> int:
    """The stage is due within a week and `people` still have to answer or sign."""
    return _reminder("due_soon", stage, people, today=today, outstanding=outstanding)


def overdue(stage, people, *, today=None, outstanding=()) -> int:
    """The stage is past its due date; `people` still have to act (and the appraiser hears)."""
    return _reminder("overdue", stage, people, today=today, outstanding=outstanding)


def chased(stage, people, *, by, today=None, outstanding=()) -> int:
    """`by` (the ASYE coordinator or PSW) chases the review point: `people` still owe something
    in it."""
    today = today or timezone.localdate()
    context = {
        "stage": stage,
        "appraisal": stage.appraisal,
        "chased_by": by,
        "days": (stage.due_on - today).days,
        "days_late": (today - stage.due_on).days,
        "outstanding": list(outstanding),
    }
    return _send("chased", context, people)
