from django.conf import settings
from django.core.management.base import BaseCommand

from portfolios.pdf_exports import remove_expired


class Command(BaseCommand):
    help = (
        "Remove the portfolio PDFs prepared in the background once they expire "
        f"({settings.CAPABLE_PDF_KEEP_HOURS} hours after they were asked for), with their "
        "files. Run it hourly or daily from a scheduler."
    )

    def handle(self, *args, **options):
        count = remove_expired()
        self.stdout.write(f"Removed {count} prepared PDF{'' if count == 1 else 's'}.")
