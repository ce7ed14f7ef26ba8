from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from capabilities.workflows import ensure_publication_workflow
from cms.site_content import ensure_site_pages


class Command(BaseCommand):
    help = "Load the framework, the site's pages and demo data. Safe to run again; never in production."

    def handle(self, *args, **options):
        if not getattr(settings, "CAPABLE_ALLOW_DEMO_DATA", False):
            raise CommandError(
                "Demo data is switched off in these settings (CAPABLE_ALLOW_DEMO_DATA). The seed "
                "never runs with production settings; use load_framework to load the framework."
            )
        call_command("load_framework", stdout=self.stdout)
        ensure_publication_workflow()
        ensure_site_pages()
        self.stdout.write(self.style.SUCCESS("Seed complete."))
