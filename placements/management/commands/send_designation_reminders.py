from cms.management.scheduled import ScheduledSendCommand
from placements.designations import REMINDER_DAYS, send_renewal_reminders


class Command(ScheduledSendCommand):
    what = "designation reminder"
    help = (
        "Email an employer's placement leads and admins when its Approved Practice Setting or "
        "teaching organisation status expires within "
        f"{' and then '.join(str(d) for d in REMINDER_DAYS)} days, once each. Run it once a day "
        "from a scheduler (cron, a systemd timer): each reminder is recorded on the designation, "
        "so running it again sends nothing twice."
    )

    def send(self, today):
        return send_renewal_reminders(today=today)
