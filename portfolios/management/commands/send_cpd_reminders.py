from datetime import date

from django.core.management.base import BaseCommand, CommandError

from portfolios.cpd import REMINDER_DAYS, send_reminders


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Email people who must record CPD for Social Work England and have not yet met this "
        "registration year's requirement, "
        + ", ".join(str(days) for days in REMINDER_DAYS)
        + " days before 30 November. Run it once a day from a scheduler (cron, a systemd timer): "
        "each reminder is recorded, so running it again the same day sends nothing twice, and "
        "after missed days only the most urgent reminder due is sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="day",
            metavar="YYYY-MM-DD",
            help="Run as of this day instead of today.",
        )

    def handle(self, *args, day=None, **options):
        today = _day(day) if day else None
        sent = send_reminders(today=today)
        self.stdout.write(f"Sent {sent} CPD reminder{'' if sent == 1 else 's'}.")
