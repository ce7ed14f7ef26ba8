"""Time the portfolio pages for a practitioner with 1,000 entries on the full shipped framework,
and the exports, and print the figures.

Run: .venv/bin/python bench/portfolio_pages.py  (uses a throwaway SQLite database in memory).
Query counts are pinned by the tests, not here.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from capabilities.models import FrameworkVersion  # noqa: E402
from portfolios.models import Entry, Mapping, Portfolio  # noqa: E402

ENTRIES = 1000
URLS = [
    "/portfolio/",
    "/portfolio/?level=asye&q=supervision",
    "/portfolio/coverage/?level=asye",
    "/portfolio/cpd/2026/",
    "/portfolio/evidence/new/",
    "/portfolio/export.json",
    "/portfolio/export.pdf",
]


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_framework", stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = User.objects.create_user("bench@example.org", "bench-password")
    portfolio = Portfolio.for_user(user)
    rng = random.Random(1)
    statements = list(FrameworkVersion.objects.current("pcf").items.statements())
    entries = Entry.objects.bulk_create(
        Entry(
            portfolio=portfolio,
            status="complete",
            entry_type=rng.choice(Entry.Type.values),
            title=f"Supervision and learning {n}",
            occurred_on=f"2026-{1 + n % 11:02d}-{1 + n % 28:02d}",
            description="What it was and why it matters to my practice. " * 4,
            learning="What I learnt about holding risk and uncertainty. " * 4,
            impact="How my visits and recording changed. " * 4,
        )
        for n in range(ENTRIES)
    )
    Mapping.objects.bulk_create(
        Mapping(entry=e, item=s) for e in entries for s in rng.sample(statements, 3)
    )
    client = Client()
    client.force_login(user)
    print(f"{ENTRIES} entries, 3 mappings each")
    print(f"{'url':40} {'status':>6} {'median ms':>9} {'max ms':>8} {'KiB':>7}")
    for url in URLS:
        response = client.get(url)
        runs = 2 if "export" in url else 10
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{url:40} {response.status_code:>6} "
            f"{statistics.median(times):>9.1f} {max(times):>8.1f} {len(response.content) / 1024:>7.1f}"
        )


if __name__ == "__main__":
    main()
