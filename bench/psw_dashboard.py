"""The Principal Social Worker's workforce pages on a scale dataset: median and p95 in ms, SQL
queries and bytes, through the whole middleware stack (Django's test client) with the settings
bench/run serves (cms.settings.bench: production, DEBUG off, cached templates).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capable_scale_small \\
        .venv/bin/python bench/psw_dashboard.py [--runs 15] [--path /appraisals/organisation/]

It reads only: everything it does (signing in, the session, last_login) runs in one transaction
that is rolled back at the end. Signed in as the PSW of the largest employer (cms.scale).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import bench_env  # noqa: E402

PATHS = [
    "/appraisals/organisation/",
    "/appraisals/organisation/teams/",
    "/appraisals/organisation/teams/?page=2",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--path", action="append", help="a page to time (default: PATHS)")
    args = parser.parse_args()
    os.environ.update(bench_env(os.environ["DATABASE_URL"], 8103))

    import django

    django.setup()
    from django.db import transaction
    from django.test import Client
    from django.test.utils import override_settings

    from accounts.models import User
    from cms.scale import BENCH_ACCOUNTS

    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    from django.conf import settings

    storages = {**settings.STORAGES, "staticfiles": plain_static}
    with override_settings(STORAGES=storages), transaction.atomic():
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(email=BENCH_ACCOUNTS["psw"]))
        print(f"{'page':48} {'status':>6} {'median':>8} {'p95':>8} {'queries':>7} {'bytes':>9}")
        for path in args.path or PATHS:
            response = client.get(path, secure=True)  # warm-up
            response = client.get(path, secure=True)
            queries = response["X-Bench-Queries"]  # cms.bench.QueryCountMiddleware
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                client.get(path, secure=True)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"{path:48} {response.status_code:>6} {statistics.median(times):>8.1f} "
                f"{p95:>8.1f} {queries:>7} {len(response.content):>9}"
            )
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
