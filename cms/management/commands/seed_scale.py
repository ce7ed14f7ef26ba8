import io
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from cms.scale import BENCH_ACCOUNTS, PASSWORD, SCALE_DOMAIN, Sizes, make_people
from cms.scale_records import make_appraisals, make_placements, make_portfolios
from cms.scale_search import deferred_title_norms, make_framework_versions, make_search_pages
from cms.site_content import ensure_site_pages


class Command(BaseCommand):
    help = (
        "Generate the regional-scale dataset the benchmarks read (bench/run): 2,000 "
        "practitioners, 201,000 portfolio entries, 2,400 appraisals, 5,000 placements at "
        "--scale 1. Generated people only; refuses to run twice or in production."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="Size relative to the measured dataset (0.001 to 10; default 1).",
        )
        parser.add_argument(
            "--search-pages",
            type=int,
            default=5000,
            help="Content pages for public search to read (default 5,000, the issue's target).",
        )
        parser.add_argument(
            "--framework-versions",
            type=int,
            default=20,
            help="Published framework versions in all (default 20, the issue's target).",
        )
        parser.add_argument(
            "--search-only",
            action="store_true",
            help="Only top up the search pages and framework versions of a database that "
            "already holds the dataset (adds what is missing, nothing else).",
        )
        parser.add_argument(
            "--index-personal",
            action="store_true",
            help="With --search-only: also (re)index the personal records /search/mine/ reads "
            "(search_reindex --resume, with the index's title norms refreshed once at the end).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args, scale: float, quiet: bool, search_only: bool, **options):
        if not getattr(settings, "CAPABLE_ALLOW_DEMO_DATA", False):
            raise CommandError(
                "Generated data is switched off in these settings (CAPABLE_ALLOW_DEMO_DATA): "
                "seed_scale never runs with production settings."
            )
        if not 0.0005 <= scale <= 10:
            raise CommandError("Enter a scale from 0.001 to 10 (--scale).")
        if search_only:
            self._search(options, quiet=quiet, personal=options["index_personal"])
            return self._analyse()
        if User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").exists():
            raise CommandError(
                "This database already holds the generated dataset: make a new database "
                "(createdb, or a new SQLite file) for another size."
            )
        started = time.monotonic()
        sizes = Sizes.at(scale)
        today = timezone.localdate()
        call_command("load_framework", stdout=io.StringIO() if quiet else self.stdout)
        ensure_site_pages()
        with transaction.atomic():
            employers, heis, people = make_people(sizes, quiet=quiet)
        entries = make_portfolios(employers, sizes, today=today, quiet=quiet)
        appraisals = make_appraisals(employers, sizes, today=today, quiet=quiet)
        with transaction.atomic():
            placements, audits = make_placements(employers, heis, sizes, today=today, quiet=quiet)
        self.stdout.write(
            f"Generated at scale {scale:g} in {time.monotonic() - started:.0f} s: "
            f"{people.count} people, {entries} portfolio entries, {appraisals} appraisals, "
            f"{placements} placements, {audits} audits."
        )
        # Bulk inserts skip the search index's signals: index the personal records too.
        self._search(options, quiet=quiet, personal=True)
        self._analyse()
        self.stdout.write(f"Bench accounts (password for all: {PASSWORD}):")
        for role, email in BENCH_ACCOUNTS.items():
            self.stdout.write(f"  {role:16} {email}")
        self.stdout.write(self.style.SUCCESS("Scale seed complete."))

    def _analyse(self) -> None:
        """Fresh planner statistics for what was just written. Bulk inserts leave none, and a
        server with autovacuum off (as on these machines) never gathers them, so queries that
        are fast in production are planned blind and the bench measures the wrong thing."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write("Statistics gathered (ANALYZE).")

    def _search(self, options, *, quiet: bool, personal: bool) -> None:
        """Pages and framework versions for public search, topped up to the numbers asked."""
        if options["search_pages"] < 0 or options["framework_versions"] < 0:
            raise CommandError("Enter numbers of pages and versions of 0 or more.")
        started = time.monotonic()
        call_command("load_framework", stdout=io.StringIO())
        ensure_site_pages()
        with deferred_title_norms():
            versions = make_framework_versions(options["framework_versions"], quiet=quiet)
            pages = make_search_pages(options["search_pages"], quiet=quiet)
            if personal:
                # Progress kept per database, so two sizes can be indexed side by side.
                name = Path(str(connection.settings_dict["NAME"])).stem
                state = Path(tempfile.gettempdir()) / f"capable-reindex-{name}.json"
                call_command("search_reindex", resume=True, state=str(state), no_progress=quiet)
        self.stdout.write(
            f"Search content topped up in {time.monotonic() - started:.0f} s: {pages} pages "
            f"and {versions} framework versions added."
        )
