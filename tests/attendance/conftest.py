"""Fixtures for attendance tests: a two-session workshop that has already taken place."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    ModuleFactory,
    ModuleRevisionFactory,
    RegistrationFactory,
    TrackFactory,
    TrainerFactory,
    WorkshopFactory,
)
from workshops.models import WorkshopModule


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


@pytest.fixture
def other_trainer():
    return TrainerFactory(full_name="Trainer Tess")


@pytest.fixture
def past_workshop(region, trainer):
    """Two 4-hour sessions (480 minutes), both over; two modules (2 h forensics, 3 h basics)."""
    workshop = WorkshopFactory(
        title="Tracing Bitcoin",
        region=region,
        trainers=[trainer],
        sessions=[(hours_ago(52), hours_ago(48)), (hours_ago(28), hours_ago(24))],
    )
    forensics = TrackFactory(name="Blockchain forensics", slug="forensics")
    basics = TrackFactory(name="Crypto fundamentals", slug="basics")
    for position, (title, minutes, track) in enumerate(
        [("UTXO tracing", 120, forensics), ("Wallets and keys", 180, basics)]
    ):
        revision = ModuleRevisionFactory(
            module=ModuleFactory(title=title, duration_minutes=minutes, track=track),
            duration_minutes=minutes,
        )
        WorkshopModule.objects.create(workshop=workshop, revision=revision, position=position)
    return workshop


@pytest.fixture
def registration(past_workshop, officer):
    return RegistrationFactory(workshop=past_workshop, officer=officer)


@pytest.fixture
def current_workshop(region, trainer):
    """Session 1 running now (started 10 minutes ago), session 2 tomorrow."""
    now = timezone.now().replace(microsecond=0)
    return WorkshopFactory(
        region=region,
        trainers=[trainer],
        sessions=[
            (now - dt.timedelta(minutes=10), now + dt.timedelta(hours=3)),
            (now + dt.timedelta(days=1), now + dt.timedelta(days=1, hours=3)),
        ],
    )


@pytest.fixture
def locmem_cache(settings):
    """Rate-limit counters in this process only: another xdist worker's cache.clear() on the
    shared Redis database would otherwise reset them mid-test."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}
    }
    from django.core.cache import cache

    cache.clear()
    return cache
