from django.core.management.base import BaseCommand

from capabilities.services import load_shipped_frameworks


class Command(BaseCommand):
    help = (
        "Load the framework content shipped with Capable (the PCF in the project's own words, the "
        "post-qualifying standards' headings and the PCF crosswalk). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--draft", action="store_true", help="Load as drafts instead of publishing."
        )

    def handle(self, *args, draft=False, **options):
        for result in load_shipped_frameworks(publish=not draft):
            if result.created:
                self.stdout.write(
                    f"Loaded {result.version}: {result.items} items, "
                    f"{result.associations} crosswalk links."
                )
            else:
                self.stdout.write(f"{result.version} is already loaded; left as it is.")
