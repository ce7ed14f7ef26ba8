"""What production adds: the health check, JSON logs, email through the task worker, the choice
of private storage, and gunicorn's configuration."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.mail import send_mail
from django.test import override_settings
from django_tasks import default_task_backend

from cms import health
from cms.log_format import JSONFormatter

ROOT = Path(__file__).resolve().parent.parent


# /healthz


@pytest.mark.django_db
def test_healthz_answers_200_json_without_a_session(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_cache_when_it_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(health.cache, "set", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "failed", "database": "ok", "cache": "failed"}
    assert "Redis is down" not in response.content.decode()


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_database_when_it_fails(client, monkeypatch):
    def broken():
        raise OSError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "failed"
    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_healthz_is_not_sent_to_mfa_set_up_for_a_signed_in_person_without_it(client):
    from organisations.factories import MembershipFactory
    from organisations.models import Role

    # A placement lead must set up MFA before any other page (accounts.middleware).
    user = MembershipFactory(role=Role.PLACEMENT_LEAD, mfa=False).user
    client.force_login(user)
    assert client.get("/placements/").status_code == 302

    assert client.get("/healthz").status_code == 200


def test_healthz_is_not_redirected_to_https(settings, client, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

    assert client.get("/healthz").status_code == 200
    assert client.get("/framework/").status_code == 301


# JSON logs


def test_log_lines_are_one_json_object_with_extras_and_no_query_string(rf):
    request = rf.get("/search/?q=a+child's+name")
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Oops %s", ("x",), None
    )
    record.status_code = 500
    record.request = request
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()

    line = JSONFormatter().format(record)

    assert len(line.splitlines()) == 1
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "django.request"
    assert entry["message"] == "Oops x"
    assert entry["status_code"] == 500
    assert entry["path"] == "/search/"
    assert "child" not in line
    assert "ValueError: boom" in entry["exception"]


# Email through the worker


QUEUED = {
    "default": {"BACKEND": "cms.mail.QueuedEmailBackend", "OPTIONS": {"deliver_with": "deliver"}},
    "deliver": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
}


@override_settings(
    MAILERS=QUEUED, TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
)
def test_a_page_only_queues_its_email_and_the_worker_delivers_it_unchanged():
    mail.outbox = []

    sent = send_mail("Your invitation", "Follow the link.", None, ["ann@example.org"])

    assert sent == 1
    assert mail.outbox == []  # nothing left the request
    (queued,) = default_task_backend.results
    assert queued.task.module_path == "cms.mail.deliver_email"

    queued.task.call(*queued.args, **queued.kwargs)  # what the worker does

    (delivered,) = mail.outbox
    assert delivered.recipients() == ["ann@example.org"]
    assert delivered.subject == "Your invitation"
    assert "Follow the link." in delivered.message().get_content()


@override_settings(
    MAILERS=QUEUED,
    TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
)
def test_with_immediate_tasks_the_email_is_delivered_in_the_request():
    mail.outbox = []

    send_mail("Reminder", "Your CPD year ends soon.", None, ["bo@example.org"])

    assert [m.subject for m in mail.outbox] == ["Reminder"]


# Production settings


def production_settings(**extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "capable.example.org",
        "DATABASE_URL": "postgres://capable@db.invalid:5432/capable",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        **extra,
    }
    script = (
        "import json; from django.conf import settings; print(json.dumps({"
        "'private': settings.STORAGES['private'], 'tasks': settings.TASKS,"
        "'mailers': settings.MAILERS, 'apps': settings.INSTALLED_APPS,"
        "'formatter': settings.LOGGING['formatters']['json'],"
        "'cache': settings.CACHES['default']['BACKEND']}, default=str))"
    )
    return subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_defaults_private_files_on_disk_tasks_in_the_database_and_json_logs():
    result = production_settings()
    assert result.returncode == 0, result.stderr
    chosen = json.loads(result.stdout)

    assert chosen["private"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert chosen["tasks"]["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert "django_tasks_db" in chosen["apps"]
    assert chosen["mailers"]["default"]["BACKEND"] == "cms.mail.QueuedEmailBackend"
    assert chosen["mailers"]["smtp"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert chosen["formatter"] == {"()": "cms.log_format.JSONFormatter"}
    assert chosen["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_production_private_files_in_s3_need_a_bucket():
    result = production_settings(PRIVATE_STORAGE="s3")
    assert result.returncode != 0
    assert "PRIVATE_S3_BUCKET must be set" in result.stderr

    result = production_settings(
        PRIVATE_STORAGE="s3",
        PRIVATE_S3_BUCKET="capable-private",
        PRIVATE_S3_ENDPOINT_URL="https://s3.example.org",
    )
    assert result.returncode == 0, result.stderr
    private = json.loads(result.stdout)["private"]
    assert private["BACKEND"] == "storages.backends.s3.S3Storage"
    assert private["OPTIONS"]["bucket_name"] == "capable-private"
    assert private["OPTIONS"]["default_acl"] == "private"


def test_production_refuses_an_unknown_storage_or_task_choice():
    assert "PRIVATE_STORAGE must be" in production_settings(PRIVATE_STORAGE="ftp").stderr
    assert "CAPABLE_TASKS must be" in production_settings(CAPABLE_TASKS="celery").stderr


# gunicorn


def test_gunicorn_reads_its_workers_from_the_environment_and_logs_to_stdout():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "GUNICORN_WORKERS": "3",
        "GUNICORN_TIMEOUT": "45",
    }
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--print-config"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    config = dict(
        line.split("=", 1) for line in result.stdout.replace(" ", "").splitlines() if "=" in line
    )
    assert config["workers"] == "3"
    assert config["timeout"] == "45"
    assert config["accesslog"] == "-"
    assert config["errorlog"] == "-"
    assert config["wsgi_app"] == "cms.wsgi:application"
