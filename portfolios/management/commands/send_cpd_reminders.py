from cms.management.scheduled import ScheduledSendCommand
from portfolios.cpd import send_reminders


class Command(ScheduledSendCommand):
    what = "CPD reminder"
    help = (
        "Email people who must record CPD for Social Work England and are not yet ready to record "
        "this registration year's, on the days before the end of the year that "
        "settings.CPD_REMINDER_DAYS lists. Run it once a day from a scheduler (cron, a systemd timer): "
        "each reminder is recorded, so running it again the same day sends nothing twice, and "
        "after missed days only the most urgent reminder due is sent."
    )

    def send(self, today):
        return send_reminders(today=today)
