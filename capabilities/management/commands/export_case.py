from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from capabilities.interchange import case
from capabilities.interchange.errors import InterchangeError
from capabilities.models import FrameworkVersion


class Command(BaseCommand):
    help = "Export a framework version as a 1EdTech CASE 1.1 package (JSON)."

    def add_arguments(self, parser):
        parser.add_argument("version", metavar="VERSION_SLUG")
        parser.add_argument("-o", "--output", metavar="FILE", help="Write here, not to stdout.")

    def handle(self, *args, version, output=None, **options):
        found = FrameworkVersion.objects.select_related("framework").filter(slug=version).first()
        if found is None:
            raise CommandError(f"No framework version with slug {version!r}")
        with tqdm(
            total=found.items.count(), desc="Exporting", unit="item", file=self.stderr._out
        ) as bar:
            try:
                package = case.export_package(found, progress=bar.update)
            except InterchangeError as error:
                raise CommandError(str(error)) from error
        text = case.dumps(package)
        summary = (
            f"Exported {found}: {len(package['CFItems'])} items, "
            f"{len(package['CFAssociations'])} associations"
        )
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"{summary} to {output}.")
        else:
            self.stdout.write(text, ending="")
            self.stderr.write(f"{summary}.")
