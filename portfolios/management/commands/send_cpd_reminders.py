from cms.management.scheduled import ScheduledSendCommand
from portfolios.cpd import REMINDER_DAYS, send_reminders


class Command(ScheduledSendCommand):
    what = "CPD reminder"
    help = (
        "Email people who must record CPD for Social Work England and have not yet met this "
        "registration year's requirement, "
        + ", ".join(str(days) for days in REMINDER_DAYS)
        + " days before 30 November. Run it once a day from a scheduler (cron, a systemd timer): "
        "each reminder is recorded, so running it again the same day sends nothing twice, and "
        "after missed days only the most urgent reminder due is sent."
    )

    def send(self, today):
        return send_reminders(today=today)
