"""Settings read from the environment, checked in a clean subprocess each time."""

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

DUMP = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "db_engine": s.DATABASES["default"]["ENGINE"],
    "db_name": str(s.DATABASES["default"]["NAME"]),
    "db_host": s.DATABASES["default"].get("HOST", ""),
    "cache": s.CACHES["default"]["BACKEND"],
    "cache_location": s.CACHES["default"].get("LOCATION", ""),
    "cache_prefix": s.CACHES["default"].get("KEY_PREFIX", ""),
    "cache_options": s.CACHES["default"].get("OPTIONS", {}),
    "broker": s.CELERY_BROKER_URL,
    "eager": s.CELERY_TASK_ALWAYS_EAGER,
    "email_backend": s.OUTBOX_EMAIL_BACKEND,
    "email_path": str(getattr(s, "EMAIL_FILE_PATH", "")),
    "email_host": getattr(s, "EMAIL_HOST", ""),
    "email_port": getattr(s, "EMAIL_PORT", 0),
    "email_tls": getattr(s, "EMAIL_USE_TLS", False),
    "secret_key": s.SECRET_KEY,
    "allowed_hosts": s.ALLOWED_HOSTS,
    "site_url": s.SITE_URL,
    "from_email": s.DEFAULT_FROM_EMAIL,
    "use_tz": s.USE_TZ,
    "time_zone": s.TIME_ZONE,
    "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "hsts": s.SECURE_HSTS_SECONDS,
    "session_secure": s.SESSION_COOKIE_SECURE,
    "vetting_days": s.VETTING_VALIDITY.days,
    "static_storage": s.STORAGES["staticfiles"]["BACKEND"],
    "broker_transport": getattr(s, "CELERY_BROKER_TRANSPORT", None),
}))
"""

PROD_KEY = secrets.token_urlsafe(64)
PROD_CREDENTIAL_KEY = "prod-1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _run(args, **env):
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "trainingsite.settings",
        **env,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _settings(**env):
    result = _run(["-c", DUMP], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_with_no_environment_are_embedded_dev():
    s = _settings()
    assert s["DEBUG"] is True
    assert s["db_engine"] == "django.db.backends.sqlite3"
    assert s["db_name"] == str(BASE_DIR / "var" / "db.sqlite3")
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["eager"] is True and s["broker"] == "memory://"
    assert s["email_backend"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["email_path"] == str(BASE_DIR / "var" / "mail")
    assert s["use_tz"] is True and s["time_zone"] == "UTC"
    assert s["ssl_redirect"] is False and s["hsts"] == 0
    assert s["vetting_days"] == 365


def test_environment_overrides():
    s = _settings(
        DEBUG="1",
        DATABASE_URL="postgres://app:pw@db.internal:5432/training",
        REDIS_URL="redis://cache.internal:6379/3",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.internal:587",
        SITE_URL="https://training.example.org/",
        DEFAULT_FROM_EMAIL="Program <noreply@training.example.org>",
        VETTING_VALIDITY_DAYS="180",
    )
    assert s["db_engine"] == "django.db.backends.postgresql"
    assert (s["db_name"], s["db_host"]) == ("training", "db.internal")
    assert s["cache"] == "trainingsite.cache.RedisCache"
    assert s["cache_location"] == "redis://cache.internal:6379/3"
    assert s["broker"] == "redis://cache.internal:6379/3" and s["eager"] is False
    assert s["broker_transport"] is None  # kombu's own Redis transport
    assert s["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (s["email_host"], s["email_port"], s["email_tls"]) == ("smtp.internal", 587, True)
    assert s["site_url"] == "https://training.example.org"
    assert s["from_email"] == "Program <noreply@training.example.org>"
    assert s["vetting_days"] == 180


def test_cache_keys_name_the_release_so_a_deploy_never_reads_the_previous_ones():
    redis = "redis://cache.internal:6379/3"
    assert _settings(DEBUG="1", REDIS_URL=redis)["cache_prefix"] == "ts-dev"
    s = _settings(DEBUG="1", REDIS_URL=redis, RELEASE_ID="2026.12.02-a1b2c3")
    assert s["cache_prefix"] == "ts-2026.12.02-a1b2c3"
    assert s["cache_options"]["IGNORE_EXCEPTIONS"] is True  # Redis down: misses, not errors


def test_production_settings_follow_debug_off():
    s = _settings(DEBUG="0", SECRET_KEY=PROD_KEY, ALLOWED_HOSTS="training.example.org")
    assert s["DEBUG"] is False
    assert s["allowed_hosts"] == ["training.example.org"]
    assert s["ssl_redirect"] is True and s["session_secure"] is True
    assert s["hsts"] >= 31536000
    assert s["static_storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.mark.parametrize(
    "configured",
    [
        {"SECRET_KEY": PROD_KEY},
        {"SECRET_KEY": PROD_KEY, "ALLOWED_HOSTS": "training.example.org"},
        {"SECRET_KEY": PROD_KEY, "EMAIL_URL": "smtp+tls://mailer:pw@smtp.internal:587"},
        {"SECRET_KEY": PROD_KEY, "DATABASE_URL": "postgres://app:pw@db.internal/training"},
        {"SECRET_KEY": PROD_KEY, "REDIS_URL": "redis://cache.internal:6379/0"},
    ],
)
def test_a_production_like_environment_runs_with_debug_off_unless_asked(configured):
    s = _settings(**configured)
    assert s["DEBUG"] is False
    assert s["ssl_redirect"] is True and s["session_secure"] is True


@pytest.mark.parametrize(
    "configured",
    [
        {"ALLOWED_HOSTS": "training.example.org"},
        # A database and Redis alone, the public dev key would otherwise sign everything.
        {"DATABASE_URL": "postgres://app:pw@db.internal/training", "REDIS_URL": "redis://r/0"},
    ],
)
def test_a_production_like_environment_without_a_secret_key_refuses_to_start(configured):
    result = _run(["-c", DUMP], **configured)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


ERROR_PAGE = """
import django
django.setup()
from django.test import RequestFactory
from django.views.debug import technical_500_response
request = RequestFactory().get("/", HTTP_HOST="localhost")
# runserver copies the process environment into every request's META.
request.META.update({"EMAIL_URL": "smtp+tls://mailer:s3cr3t-mail@smtp.internal:587",
                     "DATABASE_URL": "postgres://app:s3cr3t-db@db.internal/training"})
try:
    raise RuntimeError("boom")
except RuntimeError as exc:
    import sys
    response = technical_500_response(request, *sys.exc_info())
print(response.content.decode())
"""


def test_error_pages_never_show_credentials_from_settings_or_environment():
    result = _run(
        ["-c", ERROR_PAGE],
        DEBUG="1",
        EMAIL_URL="smtp+tls://mailer:s3cr3t-mail@smtp.internal:587",
        REDIS_URL="redis://:s3cr3t-redis@cache.internal:6379/3",
        CELERY_TASK_ALWAYS_EAGER="1",
    )
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert "boom" in page and "EMAIL_URL" in page  # the page rendered, settings listed
    for secret in ("s3cr3t-mail", "s3cr3t-redis", "s3cr3t-db"):
        assert secret not in page


def test_security_switches_can_be_overridden_for_a_tls_proxy():
    s = _settings(DEBUG="0", SECRET_KEY=PROD_KEY, SECURE_SSL_REDIRECT="0", SECURE_HSTS_SECONDS="60")
    assert s["ssl_redirect"] is False and s["hsts"] == 60


@pytest.mark.parametrize("key", [None, "dev-only-insecure-key-never-use-in-production"])
def test_production_refuses_to_start_without_secret_key(key):
    env = {"DEBUG": "0"} if key is None else {"DEBUG": "0", "SECRET_KEY": key}
    result = _run(["-c", DUMP], **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/trainingsite")
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY=PROD_KEY,
        ALLOWED_HOSTS="training.example.org",
        SITE_URL="https://training.example.org",
        DATABASE_URL=database_url,
        CREDENTIAL_SIGNING_KEY=PROD_CREDENTIAL_KEY,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output
