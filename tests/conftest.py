import socket

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.utils import translation

from attendees.models import Agency, User
from tests.signin import sign_in

from .factories import (
    PASSWORD,
    AgencyFactory,
    CoordinatorFactory,
    OfficerFactory,
    ProgramAdminFactory,
    RegionFactory,
    TrainerFactory,
)


def pytest_collection_modifyitems(items):
    # The longest tests first: a minute-long test picked up last keeps one worker busy while
    # the others wait.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language. A request by a user with another
    language activates it on this thread (LocaleMiddleware does not undo it after the
    response), so a later test calling a service directly would get its messages in that
    language."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Tests never write mail or uploads outside their own temp folder, and never sleep on
    rate limits left by another test."""
    # Every message goes through the outbox, which sends into Django's test outbox.
    settings.EMAIL_BACKEND = "outbox.backends.OutboxBackend"
    settings.OUTBOX_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # PBKDF2 at production strength costs ~0.3 s a user; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A private in-memory cache per test: clearing the shared Redis would also wipe the Celery
    # queue that a parallel worker's end-to-end test is using. Redis-backed behaviour is tested
    # where it matters (invites end to end, benchmarks).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": str(tmp_path),
            # Redis evicts nothing here; locmem's default 300 entries would cull cached roster
            # rows and access facts at random mid-test.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def region():
    return RegionFactory(name="Asia-Pacific", slug="apac")


@pytest.fixture
def other_region():
    return RegionFactory(name="Europe", slug="europe")


@pytest.fixture
def agency(region):
    return AgencyFactory(name="Agency A", region=region, vetting_mode=Agency.VettingMode.REVIEW)


@pytest.fixture
def other_agency(other_region):
    return AgencyFactory(name="Agency B", region=other_region, country="PT")


@pytest.fixture
def officer(agency):
    return OfficerFactory(agency=agency, full_name="Officer Alice")


@pytest.fixture
def other_agency_officer(other_agency):
    return OfficerFactory(agency=other_agency, full_name="Officer Bob")


@pytest.fixture
def pending_officer(agency):
    return OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)


@pytest.fixture
def unconfirmed_officer(agency):
    return OfficerFactory(agency=agency, status=User.Status.UNCONFIRMED, vetted_at=None)


@pytest.fixture
def suspended_officer(agency):
    return OfficerFactory(agency=agency, status=User.Status.SUSPENDED)


@pytest.fixture
def focal_point(agency):
    return OfficerFactory(agency=agency, is_focal_point=True, full_name="Focal Point")


@pytest.fixture
def trainer():
    return TrainerFactory(full_name="Trainer Tom")


@pytest.fixture
def coordinator(region):
    return CoordinatorFactory(regions=[region], full_name="Coordinator Cara")


@pytest.fixture
def other_coordinator(other_region):
    return CoordinatorFactory(regions=[other_region], full_name="Coordinator Otto")


@pytest.fixture
def program_admin():
    return ProgramAdminFactory(full_name="Admin Ada")


@pytest.fixture
def client_for(client):
    """`client_for(user)` returns the test client signed in as `user`."""

    def _login(user):
        sign_in(client, user)
        return client

    return _login


def dead_redis_url() -> str:
    """A port nothing listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def dead_cache(settings):
    """The production cache (trainingsite/cache.py) with Redis down."""
    settings.CACHES = {
        "default": {
            "BACKEND": "trainingsite.cache.RedisCache",
            "LOCATION": dead_redis_url(),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    return cache
