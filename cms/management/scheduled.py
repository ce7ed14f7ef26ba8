"""The shape every daily reminder command shares: an optional `--date` to run as of a day, one
service call that returns how many emails it sent, and a line saying so."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError


class ScheduledSendCommand(BaseCommand):
    """Subclasses set `help`, `what` (e.g. "CPD reminder") and `send(today) -> int`."""

    what = "reminder"

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="day",
            metavar="YYYY-MM-DD",
            help="Run as of this day instead of today.",
        )

    def send(self, today: date | None) -> int:
        raise NotImplementedError

    def handle(self, *args, day=None, **options):
        today = None
        if day:
            try:
                today = date.fromisoformat(day)
            except ValueError as error:
                raise CommandError(f"--date must be a date as YYYY-MM-DD, not {day!r}") from error
        sent = self.send(today)
        self.stdout.write(f"Sent {sent} {self.what}{'' if sent == 1 else 's'}.")
