"""Settings for trainingsite, read from the environment.

No variables set gives the embedded dev setup (SQLite under var/, eager Celery, local-memory
cache, mail written to var/mail/). DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and
DEBUG=0 make production; security settings follow DEBUG so `check --deploy` is clean.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# Safe by default: a deployment that configures anything production-like (a secret key, host
# names, the site's address, real mail, a database or Redis) runs with DEBUG off unless it asks
# for DEBUG=1; the embedded dev defaults apply only on a bare machine.
PRODUCTION_SIGNALS = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "EMAIL_URL",
    "DATABASE_URL",
    "REDIS_URL",
)
DEBUG = env.bool("DEBUG", default=not any(os.environ.get(name) for name in PRODUCTION_SIGNALS))
# Error pages and reports never show settings or environment values holding credentials.
DEFAULT_EXCEPTION_REPORTER_FILTER = "trainingsite.errors.CredentialsFilter"

_DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off. DEBUG is off by default once any of "
        f"{', '.join(PRODUCTION_SIGNALS)} is set: set DEBUG=1 on a development machine."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "trainingsite.admin_site.SiteAdminConfig",  # Django's admin, hostile input refused
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "attendees",
    "workshops",
    "registrations",
    "invites",
    "assessments",
    "attendance",
    "surveys",
    "credentials",
    "reports",
    "agencies",
    "audit",
    "outbox",
    "privacy",
    "inbox",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "trainingsite.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "trainingsite.middleware.ClearSiteDataOnSignOutMiddleware",
    "trainingsite.middleware.OfflineOwnerMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "attendees.middleware.AccessStateMiddleware",
    "attendees.middleware.UserLanguageMiddleware",
    "attendees.middleware.UserTimeZoneMiddleware",
    "attendees.middleware.StaffMFAMiddleware",
    "attendees.session_expiry.StaffSessionExpiryMiddleware",
    "api.middleware.ApiConditionalGetMiddleware",
]

ROOT_URLCONF = "trainingsite.urls"
WSGI_APPLICATION = "trainingsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "trainingsite" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "attendees.context_processors.roles",
                "inbox.context_processors.waiting",
            ],
            # `{% load when %}`: dates and times shown one way in every app (trainingsite.when);
            # `{% load ui %}`: the current menu item.
            "libraries": {"when": "trainingsite.when_tags", "ui": "trainingsite.ui"},
        },
    }
]

# Database: SQLite file under var/ unless DATABASE_URL is set.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: Celery broker and cache when REDIS_URL is set; otherwise eager tasks and local memory.
REDIS_URL = env.str("REDIS_URL", default="")
# Names the deployed code in cache keys: a new release never reads what the previous one cached.
RELEASE_ID = env.str("RELEASE_ID", default="dev")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "trainingsite.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"ts-{RELEASE_ID}",
            "OPTIONS": {
                # Nothing cached is the only copy (sessions live in the database): with Redis
                # down, reads miss and writes are dropped instead of failing the page (and
                # sign-in still works: trainingsite/cache.py).
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "UTC"

# Mail: every message goes into the outbox (outbox/), in the transaction of the change that
# causes it; the outbox sends it with OUTBOX_EMAIL_BACKEND: SMTP from EMAIL_URL (e.g.
# smtp+tls://user:pass@host:587), otherwise one file per message in var/mail/.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    smtp = env.email_url("EMAIL_URL")
    OUTBOX_EMAIL_BACKEND = smtp.pop("EMAIL_BACKEND")
    vars().update(smtp)
else:
    OUTBOX_EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_BACKEND = "outbox.backends.OutboxBackend"
# A failed send waits OUTBOX_RETRY_SECONDS, doubling up to an hour; given up after
# OUTBOX_MAX_ATTEMPTS. Beat sweeps every OUTBOX_SWEEP_SECONDS; a send claimed longer than
# OUTBOX_CLAIM_TIMEOUT seconds ago died with its worker. The soak shortens them to seconds.
OUTBOX_RETRY_SECONDS = env.float("OUTBOX_RETRY_SECONDS", default=60)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=10)
OUTBOX_SWEEP_SECONDS = env.float("OUTBOX_SWEEP_SECONDS", default=60)
OUTBOX_CLAIM_TIMEOUT = env.float("OUTBOX_CLAIM_TIMEOUT", default=600)
# Sent and given-up mails are deleted after this many days (they hold addresses and contents).
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=30)
# Messages sent over one SMTP connection (a sweep's or a calendar fan-out's batch).
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
# Webhooks (webhooks/): a failed delivery waits WEBHOOK_RETRY_SECONDS, doubling up to an hour;
# given up after WEBHOOK_MAX_ATTEMPTS. Beat sweeps every WEBHOOK_SWEEP_SECONDS; a delivery claimed
# longer than WEBHOOK_CLAIM_TIMEOUT seconds ago died with its worker. Each connect and read waits
# WEBHOOK_TIMEOUT seconds at most. Events and deliveries are deleted after WEBHOOK_KEEP_DAYS.
WEBHOOK_RETRY_SECONDS = env.float("WEBHOOK_RETRY_SECONDS", default=60)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_SWEEP_SECONDS = env.float("WEBHOOK_SWEEP_SECONDS", default=60)
WEBHOOK_CLAIM_TIMEOUT = env.float("WEBHOOK_CLAIM_TIMEOUT", default=300)
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5)
WEBHOOK_KEEP_DAYS = env.int("WEBHOOK_KEEP_DAYS", default=90)
# Hosts a webhook may be sent to over plain http and whatever they resolve to (loopback, a
# private network): for tests and a developer's own receiver, e.g. WEBHOOK_ALLOWED_HOSTS=127.0.0.1.
# Empty by default: only https URLs of hosts resolving to public addresses are called.
WEBHOOK_ALLOWED_HOSTS = env.list("WEBHOOK_ALLOWED_HOSTS", default=[])
# How often beat looks for work whose task was lost: calendars out of line with registrations,
# export builds that never ran.
RECOVERY_SWEEP_SECONDS = env.float("RECOVERY_SWEEP_SECONDS", default=300)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Crypto Investigations Training Program <training@example.org>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
PROGRAM_NAME = env.str("PROGRAM_NAME", default="Crypto Investigations Training Program")
# Noto Sans SC (regular and bold TTF), embedded in certificate PDFs; `make assets` puts it here.
CERTIFICATE_FONT_DIR = Path(env.str("CERTIFICATE_FONT_DIR", default=str(VAR_DIR / "fonts")))

AUTH_USER_MODEL = "attendees.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "account_login"

# The one site: allauth keys its sign-in lockout and names the program in its mails by it,
# whatever Host header a request carries (attendees.apps keeps it in line with SITE_URL).
SITE_ID = 1

# allauth: e-mail is the login, confirmation is mandatory, failed logins are rate limited.
ACCOUNT_ADAPTER = "attendees.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "attendees.forms.SignupProfileForm"
# The login form refuses suspended and rejected accounts with a clear message; sign-up costs the
# same whether or not the address has an account.
ACCOUNT_FORMS = {
    "login": "attendees.forms.signin.LoginForm",
    "signup": "attendees.forms.signin.SignupForm",
    "change_password": "attendees.forms.signin.ChangePasswordForm",
    "add_email": "attendees.forms.signin.AddEmailForm",
}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Every sign-in takes the password and, for staff or anyone enrolled, a TOTP code: no flow
# signs anyone in on their own (e-mail confirmation, password reset, a mailed code, a passkey).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
MFA_PASSKEY_LOGIN_ENABLED = False
# One address per account; a new one replaces it once confirmed, and an officer's stays on
# their own agency's domains (attendees/forms/signin.py).
ACCOUNT_CHANGE_EMAIL = True
# The account holder hears of password, e-mail and authenticator changes.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PROGRAM_NAME}] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": env.str("LOGIN_FAILED_RATE_LIMIT", default="5/5m/ip,5/15m/key"),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Behind a load balancer, the client's address comes from the header it sets: one address for
# allauth's limits and the site's own (trainingsite/ratelimit.py). Unset, REMOTE_ADDR is used.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default=None)
MFA_TOTP_ISSUER = PROGRAM_NAME
# A staff account's first authenticator takes a link mailed to its confirmed address, besides
# the password; the link works once, in the session that asked for it, for this long.
TWO_FACTOR_SETUP_LINK_MAX_AGE = timedelta(
    minutes=env.int("TWO_FACTOR_SETUP_LINK_MINUTES", default=30)
)

# How long a vetting stays valid before the officer must re-confirm their agency e-mail.
VETTING_VALIDITY = timedelta(days=env.int("VETTING_VALIDITY_DAYS", default=365))
# A re-confirmation link works once, for this long.
RECONFIRM_LINK_MAX_AGE = timedelta(hours=env.int("RECONFIRM_LINK_HOURS", default=48))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt-br", _("Brazilian Portuguese")),
    ("fr", _("French")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise as they are.
WHITENOISE_ROOT = BASE_DIR / "trainingsite" / "public"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploaded curriculum materials are restricted: never under a public URL, served by a view.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Stored files (materials, large exports) go through STORAGES["default"] only, never a local
# path, so several app servers and workers can share them: the file system by default, or
# S3-compatible object storage (django-storages) with MEDIA_STORAGE=s3. Objects are private;
# the site streams them through its own views, signed URLs expire after 5 minutes.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            # Unset: AWS itself; e.g. https://minio.internal:9000 for another S3 service.
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
            "region_name": env.str("AWS_S3_REGION_NAME", default=None),
            # Unset keys: boto3's own chain (instance role, ~/.aws, ...).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default=None),
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default=None),
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default=None),
            "location": env.str("AWS_LOCATION", default="media"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
MEDIA_URL = None
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security: on by default in production, each switch overridable for a TLS-terminating proxy.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, not `cached_db`: an erasure deletes session rows with a query (a
# cached copy would keep the officer's address), and a sign-out during a Redis outage would be
# undone by the copy Redis still holds when it comes back.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# A stopped Redis must not hold a request for long: publish fails fast and the outbox sweep
# sends the work later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Content-Security-Policy (django-csp): scripts and styles only from the site itself, so an
# injected <script> or inline handler never runs. Style attributes stay allowed (no script risk).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- curriculum materials (feat/h2a) ---
# Largest accepted material upload; the reverse proxy's body limit must be at least this.
CURRICULUM_MATERIAL_MAX_BYTES = env.int("CURRICULUM_MATERIAL_MAX_MB", default=50) * 1024 * 1024
# --- end curriculum materials ---

# --- Calendar invites (invites app) ---
# Reminder e-mails this many days before a workshop's first session (comma-separated).
INVITE_REMINDER_DAYS = env.list("INVITE_REMINDER_DAYS", cast=int, default=[7, 1])
# --- end calendar invites ---

# --- privacy (feat/h8) ------------------------------------------------------------------------
# Staff who chose a digest get it once their day (daily) or their Monday (weekly) reaches this
# hour in their time zone.
DIGEST_HOUR = env.int("DIGEST_HOUR", default=7)
# Sign-ups whose e-mail is never confirmed are deleted after this many days (periodic task).
UNCONFIRMED_ACCOUNT_DAYS = env.int("UNCONFIRMED_ACCOUNT_DAYS", default=14)
# --- end privacy --------------------------------------------------------------------------------

# --- staff session expiry (feat/h8) -------------------------------------------------------------
# Staff sessions end after 8 hours in all or 1 hour idle (attendees/session_expiry.py).
STAFF_SESSION_MAX_AGE = env.int("STAFF_SESSION_MAX_AGE", default=8 * 3600)
STAFF_SESSION_IDLE = env.int("STAFF_SESSION_IDLE", default=3600)
# --- end staff session expiry -------------------------------------------------------------------

# Exports: above this many rows an export is built by a worker and e-mailed as a link (the
# soak benchmark lowers it); the link and the stored file last REPORTS_EXPORT_LINK_HOURS; a
# build running longer than REPORTS_EXPORT_STALE_MINUTES is taken for dead (worker killed) and
# queued again; exports stream REPORTS_EXPORT_CHUNK_SIZE rows per database round trip.
REPORTS_ASYNC_EXPORT_ROWS = env.int("REPORTS_ASYNC_EXPORT_ROWS", default=50_000)
REPORTS_EXPORT_LINK_HOURS = env.int("REPORTS_EXPORT_LINK_HOURS", default=24)
REPORTS_EXPORT_STALE_MINUTES = env.float("REPORTS_EXPORT_STALE_MINUTES", default=30)
REPORTS_EXPORT_CHUNK_SIZE = 2_000

# Attendance: self check-in this many minutes after a session started counts as late; wrong
# check-in codes an officer may type per window; certificate look-ups per client address per
# window on the public verification page; feedback results shown to staff from this many
# answers on (fewer could identify who wrote what).
ATTENDANCE_LATE_AFTER_MINUTES = env.int("ATTENDANCE_LATE_AFTER_MINUTES", default=15)
ATTENDANCE_CHECKIN_GUESSES = 10
ATTENDANCE_CHECKIN_WINDOW_SECONDS = 15 * 60
CERTIFICATE_VERIFY_LIMIT = env.int("CERTIFICATE_VERIFY_LIMIT", default=30)
CERTIFICATE_VERIFY_WINDOW_SECONDS = 10 * 60
FEEDBACK_MIN_ANSWERS = env.int("FEEDBACK_MIN_ANSWERS", default=5)
# Focal points see each officer's best post-test score on their agency's training record; off,
# completion only (scores are for the workshop's trainers and its region's coordinators).
FOCAL_POINTS_SEE_SCORES = env.bool("FOCAL_POINTS_SEE_SCORES", default=False)

# Certificates that expire: their holder and the focal points of the holder's agency are
# reminded this many days before (comma-separated); only the nearest reminder due is sent.
CERTIFICATE_EXPIRY_REMINDER_DAYS = tuple(
    env.list("CERTIFICATE_EXPIRY_REMINDER_DAYS", cast=int, default=[60, 14])
)

# --- credentials: Open Badges 3.0 signing (credentials/keys.py) ---------------------------------
# The issuer's current Ed25519 key, "<key id>:<base64url 32-byte private seed>" (`manage.py
# credential_key` makes one). Unset with DEBUG on (embedded dev, tests): a development key derived
# from SECRET_KEY, key id "dev"; unset with DEBUG off: a system check error.
CREDENTIAL_SIGNING_KEY = env.str("CREDENTIAL_SIGNING_KEY", default="")
# Keys no longer signing, still published so what they signed keeps verifying: comma-separated
# "<key id>:<base64url raw 32-byte public key>".
CREDENTIAL_RETIRED_KEYS = env.list("CREDENTIAL_RETIRED_KEYS", default=[])
# Decided here, not by the DEBUG a test runner switches off later.
CREDENTIAL_DEV_KEY = DEBUG
# Bits of the revocation status list; a credential's bit is drawn at random among them, so the
# list says nothing about when or in which order credentials were issued.
CREDENTIAL_STATUS_LIST_SIZE = env.int("CREDENTIAL_STATUS_LIST_SIZE", default=131_072)
# The signed status list: how long it is valid, and how long a built copy is cached (a
# revocation clears the cache at once).
CREDENTIAL_STATUS_LIST_VALID_HOURS = env.int("CREDENTIAL_STATUS_LIST_VALID_HOURS", default=24)
CREDENTIAL_STATUS_LIST_CACHE_SECONDS = env.int("CREDENTIAL_STATUS_LIST_CACHE_SECONDS", default=600)
# --- end credentials ----------------------------------------------------------------------------

# --- the REST API (api app) ---
# Personal bearer tokens only (no session, so no CSRF); JSON only; everyone's answers scoped by
# the same QuerySets as the pages. Rates: per token, and per address for requests without one.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenAccess"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.TokenRateThrottle",
        "api.throttling.AddressRateThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PROGRAM_NAME} API",
    "DESCRIPTION": (
        "Read the program's workshops, modules, registrations, attendance, completions, "
        "certificates and report figures as your role allows; register and cancel with a "
        "read-and-write token. Authenticate with `Authorization: Bearer <token>` (create one "
        "on your profile's API tokens page)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    # Swagger UI from npm (`make assets`), served by the site like every front-end asset.
    "SWAGGER_UI_DIST": f"{STATIC_URL}vendor/swagger-ui",
    "SWAGGER_UI_FAVICON_HREF": f"{STATIC_URL}vendor/swagger-ui/favicon-32x32.png",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set several fields share (a registration's state and its history).
    "ENUM_NAME_OVERRIDES": {"RegistrationStateEnum": "registrations.models.Registration.State"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.document_errors",
    ],
}
# Requests a token may make (DRF's rate syntax: "120/minute", "5000/day").
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="120/minute")
API_ANON_RATE_LIMIT = env.str("API_ANON_RATE_LIMIT", default="30/minute")
# Longest life of a token, in days: officers' and focal points', and staff members'.
API_TOKEN_MAX_DAYS = env.int("API_TOKEN_MAX_DAYS", default=365)
API_STAFF_TOKEN_MAX_DAYS = env.int("API_STAFF_TOKEN_MAX_DAYS", default=90)
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=10)
