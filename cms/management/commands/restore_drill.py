from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cms.restore_drill import DrillError, run_drill


class Command(BaseCommand):
    help = (
        "Restore a PostgreSQL dump (or a fresh one) into a scratch database and check its row "
        "counts against the source, table by table, and that every private file it refers to "
        "exists. Exits non-zero when anything differs (cms.restore_drill; docs/deploy.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dump",
            type=Path,
            help="A pg_dump custom-format file (pg_dump -Fc) to restore; without it the drill "
            "dumps the source itself, in one snapshot with its counts.",
        )
        parser.add_argument(
            "--scratch-database",
            help="The database to restore into; dropped and created again (default: the "
            "source's name with _restore_drill).",
        )
        parser.add_argument(
            "--private-root",
            type=Path,
            help="A directory holding a restored copy of the private files to check, instead "
            "of the configured private storage.",
        )
        parser.add_argument(
            "--keep", action="store_true", help="Leave the scratch database for inspection."
        )

    def handle(self, *args, dump, scratch_database, private_root, keep, **options):
        if dump is not None and not dump.is_file():
            raise CommandError(f"No dump file at {dump}.")
        if private_root is not None and not private_root.is_dir():
            raise CommandError(f"No directory at {private_root}.")
        scratch = scratch_database or f"{settings.DATABASES['default']['NAME']}_restore_drill"
        try:
            report = run_drill(
                scratch_database=scratch, dump=dump, private_root=private_root, keep=keep
            )
        except DrillError as error:
            raise CommandError(str(error)) from error
        for table, (source, restored) in report.mismatched_tables.items():
            self.stderr.write(f"Table {table}: {source} rows in the source, {restored} restored.")
        for missing in report.missing_files:
            self.stderr.write(f"Missing private file: {missing}.")
        self.stdout.write(
            f"Restored into {report.scratch_database}: {len(report.tables)} tables, "
            f"{len(report.mismatched_tables)} with different row counts; "
            f"{report.files_checked} private files referenced, {len(report.missing_files)} missing."
        )
        if not report.passed:
            raise CommandError("The restore drill failed: see the differences above.")
        self.stdout.write(self.style.SUCCESS("Restore drill passed."))
