"""The restore drill: a backup is only known to be good once it has been restored. This restores a
PostgreSQL dump into a scratch database beside the live one and checks that it holds what the
source holds (the row count of every table) and that every private file it refers to (portfolio
attachments) is in the private storage, or in a restored copy of it.

Without a dump file, the drill takes its own (`pg_dump -Fc`) inside a snapshot of the source, and
counts the source's rows in that same snapshot: the comparison is exact even while people use
the site. With a dump file (last night's backup), the counts are those of the source now, so a
table written since the backup is reported as different (`manage.py restore_drill` says which).

Run by `manage.py restore_drill` (docs/deploy.md, "Backups")."""

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from psycopg import sql


class DrillError(Exception):
    pass


@dataclass
class DrillReport:
    scratch_database: str
    tables: dict[str, tuple[int, int]] = field(default_factory=dict)  # table: (source, restored)
    files_checked: int = 0
    missing_files: list[str] = field(default_factory=list)

    @property
    def mismatched_tables(self) -> dict[str, tuple[int, int]]:
        return {name: counts for name, counts in self.tables.items() if counts[0] != counts[1]}

    @property
    def passed(self) -> bool:
        return bool(self.tables) and not self.mismatched_tables and not self.missing_files


def _source() -> dict:
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise DrillError(
            "The restore drill needs PostgreSQL (DATABASE_URL=postgres://...): SQLite is backed up "
            "by copying its file (docs/deploy.md)."
        )
    return database


def _conninfo(database: dict, name: str) -> dict:
    return {
        key: value
        for key, value in {
            "dbname": name,
            "user": database.get("USER") or None,
            "password": database.get("PASSWORD") or None,
            "host": database.get("HOST") or None,
            "port": str(database["PORT"]) if database.get("PORT") else None,
        }.items()
        if value is not None
    }


def _client_env(database: dict) -> dict:
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def _client_args(database: dict) -> list[str]:
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    return args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DrillError(f"{name} was not found: install PostgreSQL's client programs.")
    return path


def _tables(connection) -> list[str]:
    rows = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [row[0] for row in rows]


def _counts(connection, tables: list[str]) -> dict[str, int]:
    return {
        table: connection.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        ).fetchone()[0]
        for table in tables
    }


def private_file_fields() -> list[models.FileField]:
    """Every file field whose files live in the private storage (portfolio attachments)."""
    private = storages["private"]
    return [
        model_field
        for model in apps.get_models()
        for model_field in model._meta.get_fields()
        if isinstance(model_field, models.FileField) and model_field.storage is private
    ]


def run_drill(
    *,
    scratch_database: str,
    dump: Path | None = None,
    private_root: Path | None = None,
    keep: bool = False,
) -> DrillReport:
    source = _source()
    if scratch_database == source["NAME"]:
        raise DrillError("The scratch database must not be the source database.")
    report = DrillReport(scratch_database=scratch_database)
    env = _client_env(source)
    with tempfile.TemporaryDirectory(prefix="capable-drill-") as work:
        with psycopg.connect(**_conninfo(source, source["NAME"]), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch_database))
            )
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch_database)))
        try:
            source_counts = _dump_and_count(source, env, work, dump)
            dump_file = dump or Path(work) / "capable.dump"
            subprocess.run(  # noqa: S603 (fixed arguments, no shell)
                [
                    _tool("pg_restore"),
                    *_client_args(source),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "-d",
                    scratch_database,
                    str(dump_file),
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            with psycopg.connect(**_conninfo(source, scratch_database)) as restored:
                restored_counts = _counts(restored, _tables(restored))
                report.tables = {
                    table: (source_counts.get(table, 0), restored_counts.get(table, 0))
                    for table in sorted(set(source_counts) | set(restored_counts))
                }
                _check_files(restored, report, private_root)
        except subprocess.CalledProcessError as error:
            raise DrillError(
                f"{Path(error.cmd[0]).name} failed: {error.stderr.strip()[-2000:]}"
            ) from error
        finally:
            if not keep:
                with psycopg.connect(**_conninfo(source, source["NAME"]), autocommit=True) as admin:
                    admin.execute(
                        sql.SQL("DROP DATABASE IF EXISTS {}").format(
                            sql.Identifier(scratch_database)
                        )
                    )
    return report


def _dump_and_count(source: dict, env: dict, work: str, dump: Path | None) -> dict[str, int]:
    """The source's row counts; and, without a dump file, a dump taken in the same snapshot."""
    with psycopg.connect(**_conninfo(source, source["NAME"])) as connection:
        if dump is not None:
            return _counts(connection, _tables(connection))
        connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = _counts(connection, _tables(connection))
        subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            [
                _tool("pg_dump"),
                *_client_args(source),
                "-Fc",
                f"--snapshot={snapshot}",
                "-f",
                str(Path(work) / "capable.dump"),
                source["NAME"],
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return counts


def _check_files(restored, report: DrillReport, private_root: Path | None) -> None:
    storage = FileSystemStorage(location=private_root) if private_root else storages["private"]
    for file_field in private_file_fields():
        table = file_field.model._meta.db_table
        names = restored.execute(
            sql.SQL("SELECT {} FROM {} WHERE {} <> ''").format(
                sql.Identifier(file_field.column),
                sql.Identifier(table),
                sql.Identifier(file_field.column),
            )
        ).fetchall()
        for (name,) in names:
            report.files_checked += 1
            if not storage.exists(name):
                report.missing_files.append(f"{table}.{file_field.column}: {name}")
