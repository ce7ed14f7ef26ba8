"""Time the pages whose size grows with a person's or an organisation's data (issue 19): the CPD
year page, the placements register CSV and the portfolio JSON export, on a scale dataset made by
`manage.py seed_scale`, with production-like settings (cms.settings.bench: DEBUG off, cached
templates, hashed static files), through Django's test client. Prints median ms, queries and
bytes per page. Reads the dataset and leaves it as it was (see `main`).

Run: bench/big_pages.py postgres://postgres@127.0.0.1:5432/capable_scale [runs]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
        "DATABASE_URL": sys.argv[1],
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": "http://127.0.0.1:8105",
        "STATIC_ROOT": os.environ.get(
            "BENCH_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "capable-bench-static-5")
        ),
        "LOG_LEVEL": "WARNING",
        "CAPABLE_TASKS": "immediate",
        "CAPABLE_PDF_BACKGROUND_OVER": "1000000",
    }
)

if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True
    )

import django  # noqa: E402

django.setup()

from importlib import import_module  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from cms.scale import BENCH_ACCOUNTS  # noqa: E402

PAGES = [
    ("CPD year page (900)", "/portfolio/cpd/2026/", "practitioner"),
    ("CPD year page, page 45", "/portfolio/cpd/2026/?page=45", "practitioner"),
    ("register CSV export", "/placements/registers/placements.csv", "placement-lead"),
    ("portfolio JSON export", "/portfolio/export.json", "practitioner"),
]


def body_of(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def main():
    # Everything in one transaction rolled back at the end: the sessions (and their activity) the
    # measuring writes never reach the dataset, which stays read-only.
    with transaction.atomic():
        measure()
        transaction.set_rollback(True)


def measure():
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    clients = {}
    for who, email in BENCH_ACCOUNTS.items():
        # A session as bench/run makes one (force_login would write last_login to the data).
        user = User.objects.get(email=email)
        session = import_module(settings.SESSION_ENGINE).SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        clients[who] = Client()
        clients[who].cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    print(f"{connection.vendor} {connection.settings_dict['NAME']}, {runs} runs each")
    print(f"{'page':28} {'status':>6} {'median ms':>9} {'queries':>7} {'bytes':>9}")
    for name, path, who in PAGES:
        client = clients[who]
        body_of(client.get(path))  # warm-up
        count = [0]

        def counter(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        # Around the body too: a streamed response reads the database while it is sent.
        with connection.execute_wrapper(counter):
            response = client.get(path)
            body = body_of(response)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            body_of(client.get(path))
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{name:28} {response.status_code:>6} {statistics.median(times):>9.0f} "
            f"{count[0]:>7} {len(body):>9}"
        )


if __name__ == "__main__":
    main()
