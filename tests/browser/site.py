"""The demo site the browser journeys use: migrated and seeded once per test run into a SQLite
file, served by Django's own server in another process (settings `cms.settings.browser`), and put
back to the freshly seeded state before every journey, so journeys never depend on each other."""

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DemoSite:
    def __init__(self, directory: Path):
        self.dir = directory
        self.db = directory / "site.sqlite3"
        self.seeded = directory / "seeded.sqlite3"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server: subprocess.Popen | None = None
        self.log = directory / "server.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.browser",
            "CAPABLE_BROWSER_DIR": str(directory),
            "SITE_URL": self.url,
            "PYTHONUNBUFFERED": "1",
        }
        # The browser site never shares the suite's database or cache.
        for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL"):
            self.env.pop(name, None)

    def manage(self, *args: str) -> None:
        result = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-4000:]}")

    def build(self) -> None:
        """Migrate and seed, then keep a copy of the seeded database to restore from.

        While writing journeys, `CAPABLE_BROWSER_SEEDED=<file>` reuses a seeded database from an
        earlier run (it is made there when missing) instead of spending a minute on it each time.
        """
        reuse = os.environ.get("CAPABLE_BROWSER_SEEDED")
        if reuse and Path(reuse).exists():
            with sqlite3.connect(reuse) as source, sqlite3.connect(self.db) as live:
                source.backup(live)
            shutil.copyfile(reuse, self.seeded)
            return
        self.manage("migrate", "--noinput", "-v0")
        self.manage("seed")
        with sqlite3.connect(self.db) as source, sqlite3.connect(self.seeded) as copy:
            source.backup(copy)
        if reuse:
            shutil.copyfile(self.seeded, reuse)

    def start(self, ready: str = "/") -> None:
        """Start the server and wait until `ready` answers."""
        self.server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"the server stopped:\n{self.log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}{ready}", timeout=5):  # noqa: S310
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the server did not answer:\n{self.log.read_text()[-4000:]}")

    def reset(self) -> None:
        """Back to the seeded demo: database, cache (sessions' rate limits, headers) and mail."""
        with sqlite3.connect(self.seeded) as source, sqlite3.connect(self.db, timeout=30) as live:
            source.backup(live)
        for name in ("cache", "mail"):
            shutil.rmtree(self.dir / name, ignore_errors=True)

    def mail(self) -> list[str]:
        """Every email sent since the last reset, oldest first."""
        folder = self.dir / "mail"
        if not folder.exists():
            return []
        return [path.read_text() for path in sorted(folder.iterdir(), key=os.path.getmtime)]

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
