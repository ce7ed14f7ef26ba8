from django.core.management.base import BaseCommand

from portfolios.models import RESTORE_DAYS
from portfolios.services import purge_deleted_entries


class Command(BaseCommand):
    help = (
        f"Remove for good the portfolio entries deleted more than {RESTORE_DAYS} days ago, with "
        "their attachments and comments. Run it daily from a scheduler."
    )

    def handle(self, *args, **options):
        count = purge_deleted_entries()
        self.stdout.write(f"Removed {count} deleted entr{'y' if count == 1 else 'ies'}.")
