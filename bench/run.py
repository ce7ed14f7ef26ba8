"""Benchmark the site as deployed: production settings (DEBUG off, cached templates, hashed static
files) served by gunicorn, against datasets made by `manage.py seed_scale`.

For each dataset (`--db label=DATABASE_URL`, one gunicorn each, on PostgreSQL or SQLite) it times
every page in PAGES one request at a time over a kept-alive connection: median and p95 in ms, the
ratio to the floor (a minimal view through the whole middleware stack, anonymous or signed in as
the page is), the number of SQL queries (the X-Bench-Queries header of cms.settings.bench) and the
bytes. Between the datasets labelled by --growth (default small,full) it gives each page's
growth. On the first dataset it measures throughput under --clients concurrent clients with wrk
(Debian's package; a thread pool when it is missing). It prints the tables (Markdown) and writes
everything to bench/results/<time>.json.

Run through the wrapper: `bench/run --db full=postgres://... --db small=postgres://...`.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
FLOOR = "/bench/floor/"
# (name, path, who: None for anonymous or a key of cms.scale.BENCH_ACCOUNTS, runs: None = --runs)
# The practitioner's heavy portfolio has 900 of its 1,000 records in registration year 2026
# (cms.scale_records.HEAVY_CPD_YEAR).
PAGES = [
    ("floor (anonymous)", FLOOR, None, None),
    ("floor (signed in)", FLOOR, "practitioner", None),
    ("floor (PSW)", FLOOR, "psw", None),
    ("floor (HEI lead)", FLOOR, "placement-lead", None),
    ("floor (employer lead)", FLOOR, "employer-lead", None),
    ("framework home", "/framework/", None, None),
    ("framework version", "/framework/2018/", None, None),
    ("domain page", "/framework/2018/domains/skills-and-interventions/", None, None),
    ("level page", "/framework/2018/levels/asye/", None, None),
    ("statement page", "/framework/2018/statements/7.ASYE.2/", None, None),
    ("compare levels", "/framework/2018/compare/?from=asye&to=social-worker", None, None),
    ("case.json", "/framework/2018/case.json", None, None),
    ("moodle.csv export", "/framework/2018/moodle.csv", None, None),
    ("search, public", "/search/?q=supervision", None, None),
    ("search, public (tab 2)", "/search/?q=reflection&type=pages", None, None),
    ("search, public (page 3)", "/search/?q=assessment&type=pages&page=3", None, None),
    ("/placements/ (HEI lead)", "/placements/", "placement-lead", 5),
    ("/placements/ (employer lead)", "/placements/", "employer-lead", 5),
    ("placements register", "/placements/registers/?register=placements", "placement-lead", 5),
    ("register CSV export", "/placements/registers/placements.csv", "placement-lead", 3),
    ("/appraisals/ (PSW)", "/appraisals/", "psw", 5),
    ("PSW dashboard", "/appraisals/organisation/", "psw", 5),
    ("PSW figures by team (page 2)", "/appraisals/organisation/teams/?page=2", "psw", 5),
    ("portfolio list (1,000)", "/portfolio/", "practitioner", None),
    ("portfolio search", "/portfolio/?q=supervision", "practitioner", None),
    ("/search/mine/", "/search/mine/?q=supervision", "practitioner", None),
    ("/search/mine/ (PSW)", "/search/mine/?q=reflection", "psw", None),
    ("CPD year page (900)", "/portfolio/cpd/2026/", "practitioner", 5),
    ("portfolio JSON export", "/portfolio/export.json", "practitioner", 3),
    ("portfolio PDF (1,000)", "/portfolio/export.pdf", "practitioner", 2),
]
# Each page is compared with the floor of the same person (the middleware's work differs: MFA
# checks ask more of someone without a second factor).
FLOORS = {
    "anonymous": "floor (anonymous)",
    "practitioner": "floor (signed in)",
    "psw": "floor (PSW)",
    "placement-lead": "floor (HEI lead)",
    "employer-lead": "floor (employer lead)",
}
# What runs under concurrent clients: the framework pages anyone reads, and a signed-in page.
THROUGHPUT = [
    ("framework home", "/framework/", None),
    ("domain page", "/framework/2018/domains/skills-and-interventions/", None),
    ("case.json", "/framework/2018/case.json", None),
    ("floor (signed in)", FLOOR, "practitioner"),
    ("portfolio list (signed in)", "/portfolio/", "practitioner"),
]


def bench_env(database_url: str, port: int) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.bench",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "STATIC_ROOT": os.environ.get(
            "BENCH_STATIC_ROOT", str(Path(tempfile.gettempdir()) / "capable-bench-static")
        ),
        "LOG_LEVEL": "WARNING",
        # Tasks (indexing, emails) run in the request, as no worker runs beside the bench; the
        # pages measured are reads, so none is queued anyway.
        "CAPABLE_TASKS": "immediate",
        # Time the portfolio PDF's render itself: above this many entries the site prepares it in
        # the worker instead (a redirect to a progress page).
        "CAPABLE_PDF_BACKGROUND_OVER": "1000000",
        "PYTHONPATH": str(ROOT),
    }


# --- measuring one dataset (a child process with the bench settings loaded) --------------------


def _sessions() -> dict[str, str]:
    """A signed-in session for each bench account, as `django.contrib.auth.login` makes one."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User
    from cms.scale import BENCH_ACCOUNTS

    store = import_module(settings.SESSION_ENGINE).SessionStore
    cookies = {}
    for key, email in BENCH_ACCOUNTS.items():
        user = User.objects.get(email=email)
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies[key] = f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
    return cookies


def _facts() -> dict:
    """What the server runs with, and how much data it holds."""
    from django.conf import settings
    from django.db import connection
    from django.template import engines
    from wagtail.models import Page
    from wagtail.search.models import IndexEntry

    from appraisals.models import Appraisal, DomainAssessment
    from capabilities.models import FrameworkVersion
    from organisations.models import Membership, Role
    from placements.models import Audit, Placement
    from portfolios.models import Entry, Mapping

    loaders = engines["django"].engine.loaders
    return {
        "settings": settings.SETTINGS_MODULE,
        "debug": settings.DEBUG,
        "template_loaders": [str(x) if isinstance(x, str) else str(x[0]) for x in loaders],
        "database": connection.vendor
        + (f" {connection.pg_version // 10000}" if connection.vendor == "postgresql" else ""),
        "cache": settings.CACHES["default"]["BACKEND"],
        "rows": {
            "practitioners": Membership.objects.filter(role=Role.PRACTITIONER).count(),
            "portfolio entries": Entry.objects.count(),
            "mappings": Mapping.objects.count(),
            "appraisals": Appraisal.objects.count(),
            "signed judgements": DomainAssessment.objects.filter(
                judgement_rating__isnull=False
            ).count(),
            "placements": Placement.objects.count(),
            "audits": Audit.objects.count(),
            "live pages": Page.objects.live().count(),
            "published framework versions": FrameworkVersion.objects.published().count(),
            "search index entries": IndexEntry.objects.count(),
        },
    }


def _get(conn: http.client.HTTPConnection, path: str, cookie: str | None):
    headers = {"Host": conn.host, "Accept-Encoding": "identity"}
    if cookie:
        headers["Cookie"] = cookie
    start = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - start) * 1000
    return response.status, body, elapsed, response.getheader("X-Bench-Queries")


def _time_page(port, path, cookie, runs) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    status, body, _ms, queries = _get(conn, path, cookie)  # warm-up (and the session's first use)
    status, body, _ms, queries = _get(conn, path, cookie)
    times = [_get(conn, path, cookie)[2] for _ in range(runs)]
    conn.close()
    times.sort()
    return {
        "status": status,
        "runs": runs,
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 2),
        "queries": int(queries) if queries is not None else None,
        "bytes": len(body),
    }


def _wrk(port, path, cookie, clients, seconds) -> dict:
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(  # noqa: S603 (our own command line)
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    found = {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "non_2xx": int(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out))
        else 0,
        "errors": (m.group(0).strip() if (m := re.search(r"Socket errors:.*", out)) else ""),
        "tool": "wrk",
    }
    for label in ("50%", "99%"):
        m = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        if m:
            value = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
            found[f"p{label[:-1]}_ms"] = round(value, 1)
    return found


def _threads(port, path, cookie, clients, seconds) -> dict:
    """wrk's stand-in: `clients` threads, each on its own kept-alive connection."""
    deadline = time.monotonic() + seconds

    def client(_n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times, bad = [], 0
        while time.monotonic() < deadline:
            status, _body, ms, _q = _get(conn, path, cookie)
            times.append(ms)
            bad += status >= 400
        return times, bad

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(client, range(clients)))
    times = sorted(t for r, _b in results for t in r)
    return {
        "requests_per_s": round(len(times) / seconds, 1),
        "non_2xx": sum(b for _r, b in results),
        "p50_ms": round(statistics.median(times), 1),
        "p99_ms": round(times[int(0.99 * (len(times) - 1))], 1),
        "tool": "python threads",
    }


def _start_server(env, port, workers) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "cms.wsgi:application",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--timeout", "300", "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if _get(conn, FLOOR, None)[0] == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode})")
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 150 s")


def measure(args) -> None:
    import django

    django.setup()
    from django.core.cache import cache

    # The bench's own Redis database: nothing cached for another dataset may answer for this one.
    cache.clear()
    facts = _facts()
    cookies = _sessions()
    env = bench_env(os.environ["DATABASE_URL"], args.port)
    static = Path(env["STATIC_ROOT"]) / "staticfiles.json"
    if not static.exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
    server = _start_server(env, args.port, args.workers)
    pages = {}
    try:
        for name, path, who, runs in PAGES:
            runs = min(args.runs, runs or args.runs)
            pages[name] = {"path": path, "as": who or "anonymous"}
            pages[name] |= _time_page(args.port, path, cookies.get(who), runs)
            print(f"  {name:32} {pages[name]['median_ms']:>9.1f} ms", file=sys.stderr)
        throughput = {}
        if args.throughput:
            tool = _wrk if shutil.which("wrk") else _threads
            for name, path, who in THROUGHPUT:
                throughput[name] = {"path": path, "as": who or "anonymous"}
                throughput[name] |= tool(
                    args.port, path, cookies.get(who), args.clients, args.seconds
                )
                rate = throughput[name]["requests_per_s"]
                print(f"  {name:32} {rate:>9.1f} req/s", file=sys.stderr)
    finally:
        server.terminate()
        server.wait(30)
    facts |= {"workers": args.workers, "pages": pages, "throughput": throughput}
    Path(args.out).write_text(json.dumps(facts, indent=2))


# --- the whole run ------------------------------------------------------------------------------


def machine() -> str:
    cpu = ""
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu or platform.processor()} ({os.cpu_count()} cores{memory}), {platform.system()} {platform.release()}, Python {platform.python_version()}"


def table(results: dict, growth: tuple[str, str]) -> str:
    """Every figure of the first dataset; the median (and ratio to the floor) of the others;
    the growth between the two --growth datasets."""
    first, *others = list(results)
    small, full = growth
    has_growth = small in results and full in results
    head = ["page", "as", f"{first} median ms", "p95", "x floor", "queries", "KiB"]
    head += [f"{label} median ms (x floor)" for label in others]
    if has_growth:
        head.append(f"growth {small} to {full}")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def ratio(label, name):
        pages = results[label]["pages"]
        return pages[name]["median_ms"] / pages[FLOORS[pages[name]["as"]]]["median_ms"]

    for name, *_rest in PAGES:
        page = results[first]["pages"][name]
        status = "" if page["status"] == 200 else f" ({page['status']})"
        row = [name, page["as"], f"{page['median_ms']:.1f}{status}", f"{page['p95_ms']:.1f}"]
        row += [f"{ratio(first, name):.1f}", str(page["queries"]), f"{page['bytes'] / 1024:.1f}"]
        for label in others:
            other = results[label]["pages"][name]
            row.append(f"{other['median_ms']:.1f} ({ratio(label, name):.1f})")
        if has_growth:
            a = results[small]["pages"][name]["median_ms"]
            b = results[full]["pages"][name]["median_ms"]
            row.append(f"{b / a:.2f}")
        lines.append("| " + " | ".join(row) + " |")
    for label in results:
        if results[label]["throughput"]:
            workers = results[label].get("workers")
            lines += ["", f"Throughput on {label} ({workers} gunicorn workers):", ""]
            lines += ["| page | as | requests/s | p50 ms | p99 ms | non-2xx | tool |"]
            lines += ["|---|---|---|---|---|---|---|"]
            for name, t in results[label]["throughput"].items():
                lines.append(
                    f"| {name} | {t['as']} | {t['requests_per_s']:.0f} | {t.get('p50_ms', '')} | "
                    f"{t.get('p99_ms', '')} | {t['non_2xx']} | {t['tool']} |"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", default=[], metavar="LABEL=DATABASE_URL")
    parser.add_argument("--growth", default="small,full", help="the two labels to compare")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page")
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8107")))
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
    parser.add_argument("--no-throughput", dest="throughput", action="store_false")
    parser.add_argument("--note", default="", help="written into the JSON (e.g. machine load)")
    parser.add_argument("--table", metavar="JSON", help="print the table of a saved run")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        return measure(args)
    if args.table:
        saved = json.loads(Path(args.table).read_text())
        print(table(saved["datasets"], tuple(saved.get("growth", args.growth.split(",")))))
        return None
    if not args.db:
        parser.error("name at least one dataset: --db full=postgres://…/capable_scale")
    results, started = {}, datetime.now(UTC)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for n, spec in enumerate(args.db):
        label, _sep, url = spec.partition("=")
        print(f"{label}: {url}", file=sys.stderr)
        out = RESULTS / f".{label}.json"
        child = [sys.executable, __file__, "--measure", "--out", str(out), "--port", str(args.port)]
        child += ["--runs", str(args.runs), "--workers", str(args.workers)]
        child += ["--clients", str(args.clients), "--seconds", str(args.seconds)]
        # Throughput once, on the first dataset (it hardly depends on the size).
        if not args.throughput or n:
            child.append("--no-throughput")
        subprocess.run(child, cwd=ROOT, env=bench_env(url, args.port), check=True)  # noqa: S603
        results[label] = json.loads(out.read_text())
        out.unlink()
    growth = tuple(args.growth.split(","))
    text = table(results, growth)
    record = {
        "started": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "note": args.note,
        "runs": args.runs,
        "clients": args.clients,
        "growth": growth,
        "datasets": results,
        "table": text,
    }
    path = RESULTS / f"{started:%Y%m%d-%H%M}.json"
    path.write_text(json.dumps(record, indent=2))
    print(f"Machine: {record['machine']}")
    for label, result in results.items():
        print(f"{label}: {result['database']}, rows {result['rows']}")
    print()
    print(text)
    print(f"\nWritten to {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
