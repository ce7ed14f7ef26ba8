"""`manage.py restore_drill` against the PostgreSQL test server: a dump restored into a scratch
database holds every table's rows, and every private file it refers to must exist."""

import shutil

import pytest
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.db import connection

from cms.restore_drill import private_file_fields, run_drill
from organisations.models import Role
from portfolios.models import Attachment
from portfolios.tests.conftest import entry_with_attachment, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("The restore drill needs PostgreSQL: set DATABASE_URL=postgres://...")
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("PostgreSQL's client programs (pg_dump, pg_restore) are not installed.")
    return f"{connection.settings_dict['NAME']}_drill"


def test_attachments_are_the_private_files_checked():
    assert Attachment._meta.get_field("file") in private_file_fields()


def test_a_fresh_dump_restores_every_row_and_finds_every_file(postgres):
    entry, attachment = entry_with_attachment(person(Role.PRACTITIONER))
    entry_with_attachment(person(Role.PRACTITIONER))

    report = run_drill(scratch_database=postgres)

    assert report.passed
    assert report.tables["portfolios_attachment"] == (2, 2)
    assert report.tables["portfolios_entry"] == (2, 2)
    assert report.files_checked == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [postgres])
        assert cursor.fetchone() is None  # the scratch database is dropped afterwards


def test_a_missing_private_file_fails_the_drill_and_is_named(postgres, capsys):
    _, attachment = entry_with_attachment(person(Role.PRACTITIONER))
    storages["private"].delete(attachment.file.name)

    with pytest.raises(CommandError, match="restore drill failed"):
        call_command("restore_drill", scratch_database=postgres)

    err = capsys.readouterr().err
    assert f"portfolios_attachment.file: {attachment.file.name}" in err


def test_an_old_dump_names_the_tables_written_since(postgres, tmp_path, capsys):
    entry_with_attachment(person(Role.PRACTITIONER))
    dump = tmp_path / "capable.dump"
    source = connection.settings_dict
    import subprocess

    subprocess.run(  # noqa: S603
        [
            shutil.which("pg_dump"),
            "-h",
            source["HOST"] or "127.0.0.1",
            "-p",
            str(source["PORT"] or 5432),
            "-U",
            source["USER"],
            "-Fc",
            "-f",
            str(dump),
            source["NAME"],
        ],
        check=True,
        capture_output=True,
    )
    entry_with_attachment(person(Role.PRACTITIONER))  # written after the backup

    with pytest.raises(CommandError):
        call_command("restore_drill", dump=dump, scratch_database=postgres)

    err = capsys.readouterr().err
    assert "Table portfolios_attachment: 2 rows in the source, 1 restored." in err


def test_sqlite_is_refused_with_the_reason(settings):
    if connection.vendor == "postgresql":
        pytest.skip("Runs on SQLite only")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("restore_drill")
