import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from capabilities.interchange import case
from capabilities.interchange.errors import InterchangeError
from capabilities.models import Framework


class Command(BaseCommand):
    help = (
        "Import a framework version from a 1EdTech CASE 1.1 package (JSON). It is published when "
        "the CFDocument's adoptionStatus is Adopted, or with --publish. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--publish", action="store_true", help="Publish the new version.")
        parser.add_argument(
            "--kind",
            choices=Framework.Kind.values,
            help="The framework type, for a package from another system (which does not say).",
        )

    def handle(self, *args, file, publish=False, kind=None, **options):
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"{file} is not JSON: {error}") from error
        total = 0
        if isinstance(data, dict):
            total = sum(len(data.get(k) or []) for k in ("CFItems", "CFAssociations"))
        with tqdm(total=total, desc="Importing", unit="object", file=self.stderr._out) as bar:
            try:
                version = case.import_package(data, kind=kind, publish=publish, progress=bar.update)
            except InterchangeError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(
            f"Imported {version} ({version.slug}, {version.status}): "
            f"{version.items.count()} items, {version.associations.count()} stored associations."
        )
