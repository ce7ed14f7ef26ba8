import sqlite3

import pytest
from django.db import connection, connections


@pytest.fixture
def shared_database(tmp_path):
    """On SQLite, point every new connection (other threads included) at a file copy of the
    test database, with the configured OPTIONS, and give its path; the test's own connection keeps
    the in-memory one. On PostgreSQL, nothing to do (None)."""
    if connection.vendor != "sqlite":
        yield None
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    try:
        yield path
    finally:
        connections.settings["default"] = original
