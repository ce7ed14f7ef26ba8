"""What `make run` uses: SQLite, console email, DEBUG on."""

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = "dev-only-not-secret-0f8a7d6c5b4e3a2918273645"  # noqa: S105
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CAPABLE_ALLOW_DEMO_DATA = True
SITE_URL_FROM_REQUEST = True
# Static files are served from the finders here, not collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
