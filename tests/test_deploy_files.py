"""The container files and the deployment guide agree with the code: the image runs as a user
who is not root, the compose file has every service the guide names, and every management
command the guide tells people to run exists."""

import importlib.util
import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent


def test_the_image_runs_gunicorn_as_an_unprivileged_user_and_checks_healthz():
    dockerfile = (ROOT / "Dockerfile").read_text()
    last_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    (user,) = re.findall(r"^USER (\S+)$", last_stage, re.MULTILINE)
    assert user.split(":")[0] not in {"0", "root"}
    assert "/healthz" in last_stage
    assert 'CMD ["gunicorn", "-c", "gunicorn.conf.py"]' in last_stage


def test_the_image_leaves_out_secrets_and_local_state():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for entry in (".env", ".git", ".venv", "db.sqlite3*", "private_media", "media"):
        assert entry in ignored


def test_compose_runs_web_worker_and_the_services():
    compose = (ROOT / "compose.yaml").read_text()
    services = compose.split("\nservices:\n", 1)[1].split("\nvolumes:\n", 1)[0]
    names = set(re.findall(r"^  ([a-z]+):$", services, re.MULTILINE))
    assert names == {"migrate", "web", "worker", "db", "redis", "elasticsearch"}
    assert '"manage.py", "db_worker"' in services


def test_every_command_the_guide_names_exists():
    guide = (ROOT / "docs" / "deploy.md").read_text() + (ROOT / "README.md").read_text()
    named = set(re.findall(r"manage\.py (\w+)", guide)) | set(
        re.findall(r"`(send_\w+_reminders|purge_deleted_entries)`", guide)
    )
    assert {"db_worker", "restore_drill", "load_framework"} <= named
    known = set(get_commands())
    missing = {
        name
        for name in named
        if name not in known
        # The worker's commands come with django_tasks_db, installed only in production settings.
        and importlib.util.find_spec(f"django_tasks_db.management.commands.{name}") is None
    }
    assert missing == set()
