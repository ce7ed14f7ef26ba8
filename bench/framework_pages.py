"""Time the public framework pages against the full shipped framework and print the figures.

Run: .venv/bin/python bench/framework_pages.py  (uses a throwaway SQLite database in memory)
"""

import os
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

URLS = [
    "/framework/",
    "/framework/2018/domains/skills-and-interventions/",
    "/framework/2018/levels/asye/",
    "/framework/2018/compare/?from=asye&to=social-worker",
    "/framework/2018/statements/7.ASYE.2/",
    "/framework/pqs-practitioners-2018/",
    "/framework/2018/case.json",
    "/framework/2018/moodle.csv",
    "/search/?q=supervision",
]
RUNS = 20


def main():
    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("load_framework", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    print(f"{'url':58} {'status':>6} {'median ms':>9} {'max ms':>7} {'KiB':>6}")
    for url in URLS:
        response = client.get(url)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{url:58} {response.status_code:>6} "
            f"{statistics.median(times):>9.1f} {max(times):>7.1f} {len(response.content) / 1024:>6.1f}"
        )


if __name__ == "__main__":
    main()
