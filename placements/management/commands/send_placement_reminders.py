from cms.management.scheduled import ScheduledSendCommand
from placements.services import REMIND_BEFORE_DAYS, REMIND_EVERY_DAYS, send_action_reminders


class Command(ScheduledSendCommand):
    what = "placement action reminder"
    help = (
        "Email the owner of each open placement quality action that is due within "
        f"{REMIND_BEFORE_DAYS} days or overdue, at most once every {REMIND_EVERY_DAYS} days. "
        "Run it once a day from a scheduler (cron, a systemd timer): each reminder is recorded on "
        "the action, so running it again sends nothing twice."
    )

    def send(self, today):
        return send_action_reminders(today)
