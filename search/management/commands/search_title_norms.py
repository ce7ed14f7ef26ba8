"""Recompute the database search index's title norms (search.backend).

    manage.py search_title_norms [--full]

Each write norms its own entries with an average title length kept for an hour, so nothing
needs this on a schedule. Run it after loading entries some other way (a restored dump, an
upgrade from Wagtail's own backend, whose entries wait at the default norm until the next
refresh): it recomputes the average and norms the entries still at the default. `--full` norms
every entry with the new average (rewrites every row of the index table: for a quiet hour).
"""

from django.core.management.base import BaseCommand

from search.backend import refresh_title_norms


class Command(BaseCommand):
    help = "Recompute the database search index's title norms."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Every entry, not only new ones.")

    def handle(self, *args, full=False, **options):
        updated = refresh_title_norms(full=full)
        if updated is None:
            self.stdout.write("The search backend is not the database index: nothing to do.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Title norms set on {updated} index entries."))
