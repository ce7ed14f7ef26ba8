"""Production: everything secret or site-specific comes from the environment (`.env.example`
lists every variable; docs/deploy.md explains them)."""

from .base import *  # noqa: F403
from .base import DATABASES, INSTALLED_APPS, MAILERS, STORAGES, env, env_bool, require

SECRET_KEY = require("SECRET_KEY")
ALLOWED_HOSTS = require("ALLOWED_HOSTS").split(",")
DATABASE_URL = require("DATABASE_URL")
# allauth's rate limits and one-time-code reuse protection live in the cache: it must be shared.
REDIS_URL = require("REDIS_URL")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The health check answers over plain HTTP too: load balancers probe the backend directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# A connection kept between requests (base: 60 s) is checked before it is reused, so a database
# restart costs one retry, not a page of errors.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Background tasks (django_tasks): Wagtail's search and reference indexing and every email run in
# the worker (`python manage.py db_worker`), queued in the database. CAPABLE_TASKS=immediate runs
# them inside the request instead, for a small site with no worker process.
CAPABLE_TASKS = env("CAPABLE_TASKS", "database")
if CAPABLE_TASKS not in {"database", "immediate"}:
    raise ImproperlyConfigured(  # noqa: F405
        f"CAPABLE_TASKS must be 'database' or 'immediate', not {CAPABLE_TASKS!r}."
    )
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if CAPABLE_TASKS == "database"
        else "django_tasks.backends.immediate.ImmediateBackend",
    }
}
INSTALLED_APPS = [*INSTALLED_APPS, "django_tasks", "django_tasks_db"]
# Pages queue their email; the worker delivers it with the SMTP mailer (cms.mail).
MAILERS = {
    "default": {"BACKEND": "cms.mail.QueuedEmailBackend", "OPTIONS": {"deliver_with": "smtp"}},
    "smtp": MAILERS["default"],
}

# Portfolio attachments: on this server's disk (PRIVATE_MEDIA_ROOT, the default), or in a private
# bucket of any S3-compatible store with PRIVATE_STORAGE=s3 (needs the `s3` extra:
# `pip install ".[s3]"`, which brings django-storages and boto3). Files are read only through
# the view that applies the access rule: the bucket must not be public, and no URL is signed.
PRIVATE_STORAGE = env("PRIVATE_STORAGE", "filesystem")
if PRIVATE_STORAGE not in {"filesystem", "s3"}:
    raise ImproperlyConfigured(  # noqa: F405
        f"PRIVATE_STORAGE must be 'filesystem' or 's3', not {PRIVATE_STORAGE!r}."
    )
STORAGES = {
    **STORAGES,
    **(
        {
            "private": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": require("PRIVATE_S3_BUCKET"),
                    "endpoint_url": env("PRIVATE_S3_ENDPOINT_URL") or None,
                    "region_name": env("PRIVATE_S3_REGION") or None,
                    "access_key": env("PRIVATE_S3_ACCESS_KEY_ID") or None,
                    "secret_key": env("PRIVATE_S3_SECRET_ACCESS_KEY") or None,
                    "location": env("PRIVATE_S3_PREFIX", "private"),
                    "default_acl": "private",
                    "querystring_auth": True,
                    "file_overwrite": False,
                },
            }
        }
        if PRIVATE_STORAGE == "s3"
        else {}
    ),
}

# One JSON object per line on stdout (cms.log_format), for journald, Docker or a log agent.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cms.log_format.JSONFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Each task run is logged at INFO by the worker; failures still show.
        "django_tasks": {"level": env("TASKS_LOG_LEVEL", "WARNING")},
        "django_tasks_db": {"level": env("TASKS_LOG_LEVEL", "WARNING")},
        "fontTools": {"level": "WARNING"},
    },
}
