"""What the signed-in home page costs each person, in process (Django's test client): the number
of SQL statements, the time, and which statements repeat; and the signed-in floor (a tiny view
behind the whole middleware stack) for comparison. Issue 19.

Run against any database the site can read: everything happens in one transaction rolled back
at the end (signing in writes a session row and the session's tracking), so the data stays as it
was; the header's cache is the settings' own (cms.settings.test: in memory).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capable_scale_small \\
        .venv/bin/python bench/home_cost.py --who practitioner@scale.capable.test --runs 20

People are given by email (repeat --who); `--demo` takes the demo people of `manage.py seed`,
`--scale` the accounts `bench/run` signs in as on a `seed_scale` dataset (cms.scale).
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import path  # noqa: E402

import cms.urls  # noqa: E402


def floor(request):
    return HttpResponse("signed in" if request.user.is_authenticated else "ok")


urlpatterns = [path("bench/floor/", floor), *cms.urls.urlpatterns]
settings.ROOT_URLCONF = __name__

NUMBERS = re.compile(r"\b\d+\b|'[^']*'")


def shape(sql: str) -> str:
    """The statement with its literal values blanked, so repeats show."""
    return NUMBERS.sub("?", sql)


def measure(client, url, runs):
    client.get(url)  # warm: the header's cache, the MFA check's compiled SQL
    times, counts, shapes, slowest = [], [], Counter(), []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        counts.append(len(queries.captured_queries))
        shapes = Counter(shape(q["sql"]) for q in queries.captured_queries)
        slowest = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
    return statistics.median(times), max(counts), shapes, slowest


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--who", action="append", default=[])
    parser.add_argument("--demo", action="store_true", help="the demo people of manage.py seed")
    parser.add_argument("--scale", action="store_true", help="the bench accounts of seed_scale")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=0, help="show statements run N+ times")
    parser.add_argument("--floor-only", action="store_true", help="time only the floor")
    parser.add_argument("--slowest", type=int, default=0, help="show the N slowest statements")
    args = parser.parse_args()
    from accounts.models import User

    emails = list(args.who)
    if args.demo:
        from accounts.demo import DEMO_DOMAIN, PEOPLE

        emails += [f"{local}@{DEMO_DOMAIN}" for local, *_ in PEOPLE]
    if args.scale:
        from cms.scale import BENCH_ACCOUNTS

        emails += list(BENCH_ACCOUNTS.values())
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"{'who':45} {'floor ms':>9} {'q':>3} {'home ms':>9} {'q':>4}  top repeats")
    for email in emails:
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        floor_ms, floor_q, _, _ = measure(client, "/bench/floor/", args.runs)
        if args.floor_only:
            print(f"{email:45} {floor_ms:9.1f} {floor_q:3}")
            continue
        home_ms, home_q, shapes, slowest = measure(client, "/home/", args.runs)
        repeated = sum(n - 1 for n in shapes.values() if n > 1)
        print(
            f"{email:45} {floor_ms:9.1f} {floor_q:3} {home_ms:9.1f} {home_q:4}  {repeated} repeated"
        )
        if args.repeats:
            for sql, n in shapes.most_common():
                if n < args.repeats:
                    break
                print(f"    {n:3}x {sql[:300]}")
        for query in slowest[: args.slowest]:
            ms = float(query["time"]) * 1000
            print(f"    {ms:7.1f} ms {query['sql'][:300]}")
        if args.slowest:
            total = sum(float(q["time"]) for q in slowest) * 1000
            print(f"    SQL {total:.1f} ms of the last run")


if __name__ == "__main__":
    with transaction.atomic():
        main()
        transaction.set_rollback(True)
