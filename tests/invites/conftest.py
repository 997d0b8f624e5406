import datetime as dt
import zoneinfo

import pytest

from tests.factories import ModuleRevisionFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopModule


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "services: needs the real Redis broker (REDIS_URL) and runs a Celery worker; "
        "fails, never skips, when Redis is down",
    )


@pytest.fixture(autouse=True)
def _invite_settings(settings):
    settings.SITE_URL = "https://training.example.org"
    settings.DEFAULT_FROM_EMAIL = "Crypto Investigations Training Program <training@example.org>"
    settings.OUTBOX_BATCH_SIZE = 50
    settings.INVITE_REMINDER_DAYS = [7, 1]


def local(tz: str, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(tz))


@pytest.fixture
def lisbon_workshop(region, trainer):
    """A hybrid workshop on two days in Lisbon either side of the end of DST (Sun 28 Oct 2035:
    WEST → WET), with two modules and a trainer."""
    workshop = WorkshopFactory(
        title="Blockchain forensics",
        region=region,
        time_zone="Europe/Lisbon",
        format=Workshop.Format.HYBRID,
        venue_name="Polícia Judiciária",
        venue_address="Rua Gomes Freire 174",
        city="Lisboa",
        country="PT",
        online_url="https://meet.example.org/secret-room",
        sessions=[
            (local("Europe/Lisbon", 2035, 10, 26, 9), local("Europe/Lisbon", 2035, 10, 26, 17)),
            (local("Europe/Lisbon", 2035, 10, 29, 9), local("Europe/Lisbon", 2035, 10, 29, 17)),
        ],
        trainers=[trainer],
    )
    for position, title in enumerate(["Tracing UTXOs", "Exchanges & KYC"]):
        WorkshopModule.objects.create(
            workshop=workshop,
            revision=ModuleRevisionFactory(title=title, module__title=title),
            position=position,
        )
    return workshop
