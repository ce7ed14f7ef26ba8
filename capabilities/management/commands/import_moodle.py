import csv
import io
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from capabilities.interchange import moodle
from capabilities.interchange.errors import InterchangeError
from capabilities.interchange.moodle_format import DELIMITERS, ENCODINGS


class Command(BaseCommand):
    help = (
        "Import a framework version from a Moodle competency framework CSV file (as written by "
        "Moodle's tool_lpimportcsv or by export_moodle). All or nothing; what Moodle would "
        "silently ignore (unknown references) is imported where it can be and listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--publish", action="store_true", help="Publish the new version.")
        parser.add_argument(
            "--encoding",
            choices=list(ENCODINGS),
            default="utf-8",
            help="The file's encoding (default utf-8).",
        )
        parser.add_argument(
            "--delimiter",
            choices=list(DELIMITERS),
            help="The column delimiter (default: found from the header row).",
        )

    def handle(self, *args, file, publish=False, encoding="utf-8", delimiter=None, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding, errors="replace")
        try:  # competencies: records less the header and the framework row
            total = max(sum(1 for row in csv.reader(io.StringIO(text, newline="")) if row) - 2, 0)
        except csv.Error:
            total = 0
        with tqdm(total=total, desc="Importing", unit="row", file=self.stderr._out) as bar:
            try:
                result = moodle.import_file(
                    data,
                    encoding=encoding,
                    delimiter=delimiter,
                    publish=publish,
                    progress=bar.update,
                )
            except InterchangeError as error:
                raise CommandError(str(error)) from error
        version = result.version
        self.stdout.write(
            f"Imported {version} ({version.slug}, {version.status}): "
            f"{version.items.count()} competencies, "
            f"{version.associations.count()} cross-references."
        )
        if result.notes:
            self.stdout.write(f"Reported ({len(result.notes)}), which Moodle would ignore:")
            for note in result.notes:
                self.stdout.write(f"- {note}")
