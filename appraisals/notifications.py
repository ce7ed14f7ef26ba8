"""Emails about appraisals: a stage opens, someone signs. Reminders before and after a stage's
due date are sent by the `send_appraisal_reminders` command."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string


def _send(template: str, context: dict, recipients) -> int:
    recipients = sorted({p.email for p in recipients if p is not None and p.email})
    if not recipients:
        return 0
    context = {"site_url": getattr(settings, "SITE_URL", ""), **context}
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
