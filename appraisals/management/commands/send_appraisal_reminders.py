from appraisals.reminders import DUE_SOON_DAYS, OVERDUE_EVERY_DAYS, send_reminders
from cms.management.scheduled import ScheduledSendCommand


class Command(ScheduledSendCommand):
    what = "appraisal reminder"
    help = (
        "Email the people who still have to answer or sign an open appraisal stage: once when it "
        f"is due in {DUE_SOON_DAYS} days or fewer, and every {OVERDUE_EVERY_DAYS} days once it is "
        "overdue (the appraiser too). Run it once a day from a scheduler (cron, a systemd timer): "
        "each reminder is recorded on the stage, so running it again sends nothing twice."
    )

    def send(self, today):
        return send_reminders(today=today)
