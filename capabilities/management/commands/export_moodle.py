from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from capabilities.interchange import moodle
from capabilities.interchange.errors import InterchangeError
from capabilities.models import FrameworkVersion


class Command(BaseCommand):
    help = "Export a framework version as a Moodle competency framework CSV file."

    def add_arguments(self, parser):
        parser.add_argument("version", metavar="VERSION_SLUG")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")

    def handle(self, *args, version, output=None, **options):
        found = FrameworkVersion.objects.select_related("framework").filter(slug=version).first()
        if found is None:
            raise CommandError(f"No framework version with slug {version!r}")
        items = found.items.count()
        with tqdm(total=items, desc="Exporting", unit="item", file=self.stderr._out) as bar:
            try:
                text = moodle.export_csv(found, progress=bar.update)
            except InterchangeError as error:
                raise CommandError(str(error)) from error
        summary = f"Exported {found}: {items} competencies"
        if output:
            Path(output).write_text(text, encoding="utf-8", newline="")
            self.stdout.write(f"{summary} to {output}.")
        else:
            self.stdout.write(text, ending="")
            self.stderr.write(f"{summary}.")
