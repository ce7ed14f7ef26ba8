import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from capabilities.interchange import moodle
from capabilities.interchange.errors import InterchangeError


class Command(BaseCommand):
    help = (
        "Import a framework version from a Moodle competency framework CSV file (as written by "
        "Moodle's tool_lpimportcsv or by export_moodle). All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--publish", action="store_true", help="Publish the new version.")

    def handle(self, *args, file, publish=False, **options):
        try:
            text = Path(file).read_text(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text: {error}") from error
        try:
            total = max(sum(1 for row in csv.reader(io.StringIO(text, newline="")) if row) - 2, 0)
        except csv.Error:
            total = 0
        with tqdm(total=total, desc="Importing", unit="row", file=self.stderr._out) as bar:
            try:
                version = moodle.import_csv(text, publish=publish, progress=bar.update)
            except InterchangeError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            f"Imported {version} ({version.slug}, {version.status}): "
            f"{version.items.count()} competencies, "
            f"{version.associations.count()} cross-references."
        )
