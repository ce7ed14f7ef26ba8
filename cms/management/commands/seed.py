import io

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, ensure_demo_people
from appraisals.demo import ensure_demo_appraisals
from appraisals.voice_demo import ensure_demo_voice
from capabilities.demo import ensure_example_framework
from capabilities.workflows import ensure_publication_workflow
from cms.site_content import ensure_site_pages
from credentials.demo import ensure_demo_credentials
from placements.demo import ensure_demo_placements
from portfolios.demo import ensure_demo_portfolios
from portfolios.demo_standards import ensure_demo_standards_evidence
from portfolios.observation_demo import ensure_demo_observations
from supervision.demo import ensure_demo_supervision


class Command(BaseCommand):
    help = "Load the framework, the site's pages and demo data. Safe to run again; never in production."

    def handle(self, *args, **options):
        if not getattr(settings, "CAPABLE_ALLOW_DEMO_DATA", False):
            raise CommandError(
                "Demo data is switched off in these settings (CAPABLE_ALLOW_DEMO_DATA). The seed "
                "never runs with production settings; use load_framework to load the framework."
            )
        call_command("load_framework", stdout=self.stdout)
        # Demo only: invented example standards, loaded through the CASE importer with their
        # crosswalk from the post-qualifying standards (never loaded by load_framework).
        example = ensure_example_framework()
        if example is not None:
            self.stdout.write(f"Example framework (not official text): {example}.")
        ensure_publication_workflow()
        ensure_site_pages()
        accounts = ensure_demo_people()
        entries = ensure_demo_portfolios()
        if entries:
            self.stdout.write(f"Demo portfolios: {entries} entries.")
        ensure_demo_standards_evidence()
        appraisals = ensure_demo_appraisals()
        self.stdout.write(f"Demo appraisals: {appraisals} made.")
        notes = ensure_demo_voice()
        self.stdout.write(f"Demo practice voice: {notes} notes.")
        supervision = ensure_demo_supervision()
        self.stdout.write(f"Demo supervision: {supervision} sessions recorded.")
        placements = ensure_demo_placements()
        self.stdout.write(f"Demo placements: {placements} made.")
        # Observations need the placements and the ASYE above (their access rule).
        observed = ensure_demo_observations()
        self.stdout.write(f"Demo observations: {observed} made.")
        credentials = ensure_demo_credentials()
        self.stdout.write(f"Demo Open Badges: {credentials} issued (one revoked).")
        # Some demo records are bulk-created (no save signals): index them all for /search/mine/.
        indexed = io.StringIO()
        call_command("search_reindex", no_progress=True, stdout=indexed)
        self.stdout.write(f"Demo search: {indexed.getvalue().splitlines()[-1]}")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            totp = f"  TOTP secret {account.totp_secret}" if account.totp_secret else ""
            self.stdout.write(f"  {account.email:45} {'; '.join(account.roles)}{totp}")
        self.stdout.write(self.style.SUCCESS("Seed complete."))
