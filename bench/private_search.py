"""Signed-in search latency (`/search/mine/`) in-process with Django's test client, signed in as
each bench account (`cms.scale.BENCH_ACCOUNTS`): median and 95th percentile per URL and over all
of them, and the SQL queries each response ran. It reads only.

Run against a scale dataset (`manage.py seed_scale`, PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capable_scale .venv/bin/python bench/private_search.py
    .venv/bin/python bench/private_search.py --repeat 20 --explain

Issue 19's target: p95 well under 300 ms on the full dataset, and for a person whose own records
do not grow with the region (the practitioner), about the same time at 10% and at full size.
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

from accounts.models import User  # noqa: E402
from cms.scale import BENCH_ACCOUNTS  # noqa: E402

# (who, url): the bench's two pages first (bench/run.py), then a type chosen, a later page, a
# word everything of a type holds, and a word nothing holds.
URLS = [
    ("practitioner", "/search/mine/?q=supervision"),
    ("psw", "/search/mine/?q=reflection"),
    ("practitioner", "/search/mine/?q=supervision&type=entries"),
    ("practitioner", "/search/mine/?q=supervision&page=3"),
    ("practitioner", "/search/mine/?q=children+visit"),
    ("psw", "/search/mine/?q=supervision"),
    ("psw", "/search/mine/?q=supervision&type=answers"),
    ("placement-lead", "/search/mine/?q=team"),
    ("employer-lead", "/search/mine/?q=capable+level"),
    ("practitioner", "/search/mine/?q=zzyzzx"),
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="Print each query's time.")
    parser.add_argument("--first", type=int, help="Time only the first N URLs (the bench's two).")
    args = parser.parse_args()
    setup_test_environment()
    clients = {}
    for who, email in BENCH_ACCOUNTS.items():
        clients[who] = Client()
        clients[who].force_login(User.objects.get(email=email))
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'who':15} {'url':44} {'median ms':>9} {'p95 ms':>7} {'queries':>7}")
    every = []
    for who, url in URLS[: args.first]:
        client = clients[who]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        queries = captured.captured_queries  # now: the next request empties the log
        assert response.status_code == 200, (who, url, response.status_code)
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        every += timings
        print(
            f"{who:15} {url:44} {statistics.median(timings):9.1f} "
            f"{percentile(timings, 0.95):7.1f} {len(queries):7d}"
        )
        if args.explain:
            for query in queries:
                print(f"    {query['time']:>6}s  {query['sql'][:150]}")
    print(
        f"{'all':60} {statistics.median(every):9.1f} {percentile(every, 0.95):7.1f} "
        f"({len(every)} requests)"
    )


if __name__ == "__main__":
    main()
