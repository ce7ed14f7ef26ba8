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
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from bench.inprocess import time_urls  # noqa: E402
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
    time_urls(URLS[: args.first], clients.get, repeat=args.repeat, explain=args.explain)


if __name__ == "__main__":
    main()
