"""What the browser tests' server runs (tests/browser): DEBUG off, as in production, on a SQLite
file that the tests restore to the seeded demo between journeys. Every path comes from the
environment the test harness sets (`CAPABLE_BROWSER_DIR`)."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import env

_DIR = Path(env("CAPABLE_BROWSER_DIR", "/tmp/capable-browser"))  # noqa: S108

DEBUG = False
SECRET_KEY = "browser-tests-only-not-secret-7c1e5a9d3b2f"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATABASES["default"]["NAME"] = str(_DIR / "site.sqlite3")  # noqa: F405
# Each request opens its own connection, so restoring the file between journeys is seen at once.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# A cache the harness can empty from outside the server (allauth's rate limits and used one-time
# codes, and each person's cached header, live here).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(_DIR / "cache"),
    }
}
# Emails land as files the journeys can read (invitations, confirmations).
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(_DIR / "mail")},
    }
}
MEDIA_ROOT = _DIR / "media"
PRIVATE_MEDIA_ROOT = _DIR / "private_media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
CAPABLE_ALLOW_DEMO_DATA = True
# The seed hashes every demo password with this, so each journey's sign-in is quick (a
# production hasher takes a second or more a sign-in on a busy test machine).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# A journey may sign the same staff member in twice within 30 seconds, and allauth refuses a code
# used once: accepting the codes either side of the current one lets the harness use the next.
MFA_TOTP_TOLERANCE = 1
SITE_URL_FROM_REQUEST = True
