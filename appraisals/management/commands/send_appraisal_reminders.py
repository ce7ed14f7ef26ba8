from datetime import date

from django.core.management.base import BaseCommand, CommandError

from appraisals.reminders import DUE_SOON_DAYS, OVERDUE_EVERY_DAYS, send_reminders


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be a date as YYYY-MM-DD, not {value!r}") from error


class Command(BaseCommand):
    help = (
        "Email the people who still have to answer or sign an open appraisal stage: once when it "
        f"is due in {DUE_SOON_DAYS} days or fewer, and every {OVERDUE_EVERY_DAYS} days once it is "
        "overdue (the appraiser too). Run it once a day from a scheduler (cron, a systemd timer): "
        "each reminder is recorded on the stage, so running it again sends nothing twice."
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
        self.stdout.write(f"Sent {sent} appraisal reminder{'' if sent == 1 else 's'}.")
