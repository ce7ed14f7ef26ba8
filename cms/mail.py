"""Email through the task worker, in production: a page that sends mail (an invitation, a sign-in
code, a reminder) only queues the message; the worker (`manage.py db_worker`) delivers it with the
real mailer, so a slow or unreachable SMTP server never holds a web worker or fails a request,
and a delivery that fails can be seen and run again.

    MAILERS = {
        "default": {"BACKEND": "cms.mail.QueuedEmailBackend", "OPTIONS": {"deliver_with": "smtp"}},
        "smtp": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {...}},
    }

The message is queued as the exact bytes Django would have sent (attachments, alternatives and
headers included), so nothing about it changes on the way."""

import base64
import email
import email.policy

from django.core.mail import mailers
from django.core.mail.backends.base import BaseEmailBackend
from django_tasks import task


class QueuedEmailBackend(BaseEmailBackend):
    def __init__(self, *args, deliver_with: str = "smtp", **kwargs):
        super().__init__(*args, **kwargs)
        self.deliver_with = deliver_with

    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            recipients = message.recipients()
            if not recipients:
                continue
            raw = message.message(policy=email.policy.SMTP).as_bytes()
            deliver_email.enqueue(
                mailer=self.deliver_with,
                from_email=message.from_email,
                recipients=list(recipients),
                raw=base64.b64encode(raw).decode("ascii"),
            )
            queued += 1
        return queued


class SerialisedEmail:
    """A queued message as the mail backends see an EmailMessage: sender, recipients, and the
    MIME message (parsed back from the bytes queued)."""

    def __init__(self, *, from_email: str, recipients: list[str], raw: bytes):
        self.from_email = from_email
        self.to = list(recipients)
        self._raw = raw

    def recipients(self) -> list[str]:
        return self.to

    def message(self, *, policy=email.policy.default):
        return email.message_from_bytes(self._raw, policy=policy)

    @property
    def subject(self) -> str:
        return str(self.message()["Subject"] or "")


@task()
def deliver_email(*, mailer: str, from_email: str, recipients: list[str], raw: str) -> int:
    """Send one queued message with the named mailer; an SMTP error fails the task (the worker
    logs it and keeps the result) rather than being swallowed."""
    message = SerialisedEmail(
        from_email=from_email, recipients=recipients, raw=base64.b64decode(raw)
    )
    return mailers[mailer].send_messages([message])
