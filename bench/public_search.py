"""Public search latency (`/search/?q=`) in-process with Django's test client: median and 95th
percentile per URL and over all of them, and the SQL queries each response ran. It reads only.

Run against a scale dataset (`manage.py seed_scale`, PostgreSQL) or the demo:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capable_scale .venv/bin/python bench/public_search.py
    .venv/bin/python bench/public_search.py --repeat 20 --explain

Issue 19's target: p95 under 50 ms at 5,000 guidance pages and 20 published framework versions.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from wagtail.search.models import IndexEntry  # noqa: E402

from bench.inprocess import time_urls  # noqa: E402

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true", help="Print each query's time.")
    args = parser.parse_args()
    setup_test_environment()
    client = Client()
    rows = [(None, url) for url in URLS]
    time_urls(rows, lambda who: client, repeat=args.repeat, explain=args.explain)
    print(f"Search index entries: {IndexEntry.objects.count()}")


if __name__ == "__main__":
    main()
