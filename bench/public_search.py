"""Public search latency (`/search/?q=`) in-process with Django's test client: median and 95th
percentile per URL and over all of them, and the SQL queries each response ran. It reads only.

Run against a scale dataset (`manage.py seed_scale`, PostgreSQL) or the demo:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capable_scale .venv/bin/python bench/public_search.py
    .venv/bin/python bench/public_search.py --repeat 20 --explain

Issue 19's target: p95 under 50 ms at 5,000 guidance pages and 20 published framework versions.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from wagtail.search.models import IndexEntry  # noqa: E402

URLS = [
    "/search/?q=supervision",
    "/search/?q=reflection&type=pages",
    "/search/?q=assessment&type=pages&page=3",
    "/search/?q=court+report",
    "/search/?q=family+support&type=statements",
    "/search/?q=risk",
    "/search/?q=practice+learning",
    "/search/?q=zzyzzx",
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="Print each query's time.")
    args = parser.parse_args()
    setup_test_environment()
    client = Client()
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'url':44} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    every = []
    for url in URLS:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = captured.captured_queries  # now: the next request empties the log
        assert response.status_code == 200, (url, response.status_code)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        every += timings
        print(
            f"{url:44} {statistics.median(timings):9.1f} {percentile(timings, 0.95):7.1f} "
            f"{len(queries):7d}"
        )
        if args.explain:
            for query in queries:
                print(f"    {query['time']:>6}s  {query['sql'][:150]}")
    print(
        f"{'all':44} {statistics.median(every):9.1f} {percentile(every, 0.95):7.1f} "
        f"({len(every)} requests)"
    )
    print(f"Search index entries: {IndexEntry.objects.count()}")


if __name__ == "__main__":
    main()
