"""Search latency on the database backend: median and 95th percentile of `/search/mine/`'s
search (search.private.search_mine) over whatever data the database holds, for a sample of the
people in it and a handful of everyday queries.

Run against the scale dataset (``manage.py seed_scale``) or the demo (``manage.py seed``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capable_scale .venv/bin/python bench/search_latency.py
    .venv/bin/python bench/search_latency.py --people 30 --repeat 5

It reads only; it changes nothing. Counts per type say how much there was to search.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

import django

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import User  # noqa: E402
from search.private import search_mine  # noqa: E402
from search.registry import search_types  # noqa: E402

QUERIES = ["supervision", "reflection", "family", "court report", "risk", "practice learning"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    print(f"Database: {connection.vendor}")
    for search_type in search_types():
        print(f"  {search_type.key}: {search_type.indexable_queryset().count()} records")
    people = list(User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True))
    if not people:
        sys.exit("No people in this database: run manage.py seed or seed_scale first.")
    sample = random.Random(args.seed).sample(people, min(args.people, len(people)))
    users = list(User.objects.filter(pk__in=sample))

    timings, results = [], []
    for user in users:
        for query in QUERIES:
            for _ in range(args.repeat):
                started = time.perf_counter()
                outcome = search_mine(user, query)
                list(outcome.page)  # the page shown, snippets cut
                timings.append((time.perf_counter() - started) * 1000)
            results.append(outcome.total)
    print(
        f"{len(users)} people, {len(QUERIES)} queries, {args.repeat} runs each: "
        f"median {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms, "
        f"max {max(timings):.1f} ms; results per search: median {statistics.median(results)}, "
        f"max {max(results)}"
    )


if __name__ == "__main__":
    main()
