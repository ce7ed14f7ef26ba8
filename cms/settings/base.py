"""Settings shared by every environment. Production-safe: DEBUG is off and secrets come from the
environment. `dev`, `test` and `production` adjust these."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CMS_DIR = BASE_DIR / "cms"


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts",
    "organisations",
    "cms",
    "capabilities",
    "portfolios",
    "appraisals",
    "placements",
    "credentials",
    "supervision",
    "search",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rules.apps.AutodiscoverRulesConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "organisations.middleware.RolesPerRequestMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    "accounts.middleware.PrivateResponseMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "cms.middleware.AdminContentSecurityPolicyMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "cms.middleware.KeepTypedWorkMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.home.header_context",
            ],
            # {% table_region %} in every template without a {% load %}.
            "builtins": ["cms.templatetags.tables"],
        },
    },
]

SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    "timeout": 20,
}
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default must stand several people at once: write-ahead logging lets readers
    # and one writer work together, writers wait (up to 20 s) instead of failing with "database
    # is locked", and transactions take the write lock when they begin, so a reader never has
    # to upgrade to a writer half-way (which SQLite can only refuse).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **SQLITE_OPTIONS,
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Wagtail's database search backend uses PostgreSQL's full-text search fields.
    INSTALLED_APPS.append("django.contrib.postgres")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): email only, verified, rate limited (limits live in the cache).
LOGIN_URL = "account_login"
# Signing in lands on the person's home: what is waiting for them (cms.home).
LOGIN_REDIRECT_URL = "/home/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Sessions always end at browser close or after inactivity: no "remember me".
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Capable] "
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# Sign-up also asks for the name people use (accounts.forms); allauth shows people by it.
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_USER_DISPLAY = "accounts.adapter.user_display"
# allauth's forms, with messages that name each empty field ("Enter your email address").
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "signup": "accounts.allauth_forms.SignupForm",
    "add_email": "accounts.allauth_forms.AddEmailForm",
    "change_password": "accounts.allauth_forms.ChangePasswordForm",
    "set_password": "accounts.allauth_forms.SetPasswordForm",
    "reset_password": "accounts.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.allauth_forms.ResetPasswordKeyForm",
    "reauthenticate": "accounts.allauth_forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "accounts.allauth_forms.AuthenticateForm",
    "reauthenticate": "accounts.allauth_forms.MFAReauthenticateForm",
    "activate_totp": "accounts.allauth_forms.ActivateTOTPForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Refuses to remove the last second factor of anyone who can read another person's record.
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Capable"
# Accept the code of the 30-second step before and after now, so a code typed as the step turns
# (or on a phone whose clock is a little out) still works. Used codes stay refused for the whole
# window (allauth keeps them in the cache that long).
MFA_TOTP_TOLERANCE = 1
# Session tracking (last seen time, IP address, browser) is recorded by
# accounts.middleware.SessionActivityMiddleware at most once a minute (or when the address or
# browser changes), not on every request: a page that changes nothing writes nothing.
USERSESSIONS_TRACK_ACTIVITY = True
CAPABLE_SESSION_ACTIVITY_SECONDS = 60
# Requests to these paths leave no trace in the session or its tracking (anonymous
# practice-voice notes, feedback given through a link without an account).
# The health check (cms.health) reads no session either.
CAPABLE_UNTRACKED_PATHS = ["/appraisals/practice-voice/", "/feedback/", "/healthz"]
WAGTAILADMIN_LOGIN_URL = "account_login"
# Email addresses (and passwords) change only through allauth's flows, which verify the new
# address (ACCOUNT_CHANGE_EMAIL) and notify; Wagtail's account page keeps the name only.
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Sessions end after inactivity and when the browser closes. Activity renews a session at most
# once a minute (accounts.middleware.SessionActivityMiddleware), so a read writes nothing.
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(60 * 60 * 2)))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"

# Pages anyone may open without multi-factor authentication, even when their role requires it.
# Only public content: draft framework versions under /framework/ and /ims/ answer 404 unless
# the person has permission *and* MFA (capabilities.permissions.versions_visible_to).
CAPABLE_MFA_EXEMPT_PATHS = [
    "/accounts/",
    "/static/",
    "/framework/",
    "/ims/",
    "/search/",
    "/guidance/",
    "/favicon.ico",
    # The health check (cms.health): the database and the cache answer, nothing else.
    "/healthz",
    # Feedback through a link, without an account: it shows nobody's records.
    "/feedback/",
    # Open Badges: issuer profiles, keys and status lists, shared credentials, the verifier.
    "/credentials/issuers/",
    "/credentials/public/",
    "/credentials/verify/",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# Our English over the libraries': allauth's Title Case in sentence case (locale/en_GB).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static_collected")))
STATICFILES_DIRS = [CMS_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Portfolio attachments: outside MEDIA_ROOT, no URL; only a view that applies the access rule
# serves them.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The largest attachment a portfolio entry takes, in bytes.
CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES = int(
    env("CAPABLE_PORTFOLIO_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))
)
# Small requests must not use large resources: at most this many files attached in one request,
# at most this many pixels across all the images in one request (each image may have at most
# 40 million), and at most this many entries in one portfolio import, comments and framework
# mappings on one imported entry, and comments and mappings in one import in all. Every shipped
# framework has fewer than 400 statements, domains and levels, so 500 mappings refuse no real entry.
CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST = int(env("CAPABLE_UPLOAD_MAX_FILES_PER_REQUEST", "10"))
CAPABLE_UPLOAD_MAX_TOTAL_PIXELS = int(env("CAPABLE_UPLOAD_MAX_TOTAL_PIXELS", "60000000"))
CAPABLE_IMPORT_MAX_ENTRIES = int(env("CAPABLE_IMPORT_MAX_ENTRIES", "2000"))
CAPABLE_IMPORT_MAX_COMMENTS_PER_ENTRY = int(env("CAPABLE_IMPORT_MAX_COMMENTS_PER_ENTRY", "200"))
CAPABLE_IMPORT_MAX_MAPPINGS_PER_ENTRY = int(env("CAPABLE_IMPORT_MAX_MAPPINGS_PER_ENTRY", "500"))
CAPABLE_IMPORT_MAX_COMMENTS = int(env("CAPABLE_IMPORT_MAX_COMMENTS", "20000"))
CAPABLE_IMPORT_MAX_MAPPINGS = int(env("CAPABLE_IMPORT_MAX_MAPPINGS", "50000"))
# The portfolio PDF (issue 19): a portfolio of more entries than this is rendered by the task
# worker into a private file its owner downloads from a "being prepared" page; smaller ones are
# rendered in the request. Prepared files are removed this many hours after they are ready.
CAPABLE_PDF_BACKGROUND_OVER = int(env("CAPABLE_PDF_BACKGROUND_OVER", "200"))
CAPABLE_PDF_KEEP_HOURS = int(env("CAPABLE_PDF_KEEP_HOURS", "24"))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    if env("REDIS_URL")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Email (Django 6.1's MAILERS): SMTP from the environment in production.
MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env("EMAIL_HOST", "localhost"),
            "port": int(env("EMAIL_PORT", "25")),
            "username": env("EMAIL_HOST_USER", ""),
            "password": env("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
        },
    }
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Capable <no-reply@capable.invalid>")
# Where the accessibility statement (/accessibility/) asks people to report a problem or ask for
# another format: set it to an address someone reads.
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", "accessibility@capable.invalid")

# Content Security Policy (Django's built-in support). Our own pages load nothing inline; the
# Wagtail admin has inline scripts and styles and gets a looser policy in cms.middleware.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "frame-ancestors": [CSP.SELF],
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Wagtail
WAGTAIL_SITE_NAME = "Capable"
WAGTAILADMIN_BASE_URL = env("SITE_URL", "http://127.0.0.1:8000")
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]

# Search: the database backend by default (Wagtail's, with title norms set per write:
# search.backend), Elasticsearch when ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env("ELASTICSEARCH_URL")
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "search.backend", "TITLE_LENGTH_AVERAGE_SECONDS": 60 * 60},
}
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS["default"] = {
        "BACKEND": "wagtail.search.backends.elasticsearch9",
        "URLS": [ELASTICSEARCH_URL],
        "INDEX": env("ELASTICSEARCH_INDEX", "capable"),
    }
# What the public search looks in, in the order the tabs are shown: a label, a key for the URL,
# and a function returning the queryset of things anyone may see.
CAPABLE_PUBLIC_SEARCH_SOURCES = [
    ("statements", "Framework", "capabilities.search.public_items"),
    ("pages", "Guidance and pages", "cms.search.public_pages"),
]
# What signed-in search (/search/mine/) looks in: each app's `search.SearchType`s, in the order
# their results are offered. Each carries its app's access rule (search.registry).
CAPABLE_PRIVATE_SEARCH_TYPES = [
    "portfolios.search.ENTRIES",
    "portfolios.search.COMMENTS",
    "portfolios.search.OBSERVATIONS",
    "appraisals.search.APPRAISALS",
    "appraisals.search.ANSWERS",
    "placements.search.PLACEMENTS",
    "placements.search.DESIGNATIONS",
    "placements.search.AUDIT_PARTS",
    "placements.search.PARTNERSHIP_SIDES",
    "supervision.search.RECORDS",
]
# The private Elasticsearch index of personal records (search.documents), apart from Wagtail's.
ELASTICSEARCH_PRIVATE_INDEX = env("ELASTICSEARCH_PRIVATE_INDEX", "capable-private")

# The public URL prefix used in CASE URIs (they must resolve on this site).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Encrypts the Open Badges signing keys (credentials/keys.py); SECRET_KEY when empty. Set it once
# in production so rotating SECRET_KEY does not make the keys unreadable.
CREDENTIALS_KEY_SECRET = env("CREDENTIALS_KEY_SECRET", "")
# Links sent to people follow the request's host (development: `make run PORT=8101`); off in
# production, where they always use SITE_URL. See cms.urls_util.
SITE_URL_FROM_REQUEST = False
# The name the site signs its emails and pages with.
SITE_NAME = WAGTAIL_SITE_NAME

# Social Work England's CPD rules. They change from year to year: each is read at call time
# (portfolios.cpd), so a change here (or a test's override) takes effect without a deploy of code.
# Checked 2026-12-06 against Social Work England's public pages named beside each one.
#
# At least this many different pieces of CPD each registration year ("CPD: what you need to
# know", socialworkengland.org.uk/cpd/what-you-need-to-know/: "a minimum of 2 different pieces").
CPD_REQUIRED_PIECES = 2
# ...of which at least this many include a peer reflection (same page, "Peer reflection"; group
# supervision and reflective team meetings count, and the form asks what was learnt, not who).
CPD_REQUIRED_PEER_REFLECTIONS = 1
# The registration year starts on this (month, day) and ends the day before it a year later:
# 1 December to 30 November ("Registration renewal", socialworkengland.org.uk/cpd/
# registration-renewal-and-cpd/: "The registration period is 1 December to 30 November").
CPD_REGISTRATION_YEAR_STARTS = (12, 1)
# Someone first registered after this (month, day) of a registration year's last calendar year
# owes no CPD for that registration year: they renew, but need not meet the CPD requirement.
# Source: Social Work England's renewal guidance as reported by Community Care (1 November 2022,
# "Social workers who joined the register after 1 September ... do not need to ... meet CPD
# requirements"). Check it against the current renewal guidance each year.
CPD_NEW_REGISTRANT_AFTER = (9, 1)
# Reminder emails go this many days before the end of the registration year, least urgent first
# (Capable's own choice; Social Work England reminds people itself before 30 November).
CPD_REMINDER_DAYS = (60, 30, 7)
# For this many weeks after a registration year starts, the CPD page of the new year shows last
# year's status beside it (Capable's own choice: renewal questions come in December).
CPD_LAST_YEAR_SHOWN_WEEKS = 6
# The "type of CPD" choices of Social Work England's CPD record. The form itself is behind the
# online account's login; these follow the kinds of activity its public pages list ("What counts
# as CPD", socialworkengland.org.uk/cpd/what-counts-as-cpd/, and "Peer reflection" above). Keep
# the keys: records store them. Check the labels against the form when it changes.
CPD_ACTIVITY_TYPES = [
    ("course", "Course, training or e-learning"),
    ("event", "Conference, seminar or webinar"),
    ("reading", "Reading, research, a podcast or a video"),
    ("supervision", "Supervision"),
    ("group-reflection", "Group supervision, team reflection or a discussion with peers"),
    ("feedback", "Feedback from people with lived experience or from colleagues"),
    ("own-practice", "Reviewing and reflecting on my own practice"),
    ("project", "Project work, teaching, mentoring or practice education"),
    ("programme", "A programme such as the ASYE or post-qualifying training"),
    ("other", "Other"),
]
# The longest answer, in characters, each field of Social Work England's CPD form takes (Capable
# field name: limit). The public guidance ("How to record CPD", socialworkengland.org.uk/cpd/
# record-cpd/) publishes no limits; these are provisional, conservative values to be checked
# against the online form, which stops at its limit when text is pasted. None means no limit.
CPD_FIELD_LIMITS = {
    "title": 200,
    "description": 2000,
    "learning": 2000,
    "impact": 2000,
    "peer_learning": 2000,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Wagtail's background tasks (search index, reference index) log every run at INFO.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        # fpdf2 subsets fonts with fontTools, which logs every table at INFO.
        "fontTools": {"level": "WARNING"},
    },
}


def require(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


# Demo data may be created only where a settings module says so (dev, test); never in production.
CAPABLE_ALLOW_DEMO_DATA = False
