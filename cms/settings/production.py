"""Production: everything secret or site-specific comes from the environment."""

from .base import *  # noqa: F403
from .base import env, env_bool, require

SECRET_KEY = require("SECRET_KEY")
ALLOWED_HOSTS = require("ALLOWED_HOSTS").split(",")
DATABASE_URL = require("DATABASE_URL")
# allauth's rate limits and one-time-code reuse protection live in the cache: it must be shared.
REDIS_URL = require("REDIS_URL")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
