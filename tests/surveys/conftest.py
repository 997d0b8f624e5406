"""A workshop over and closed, with five attendees, whose modules belong to two tracks."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import (
    ModuleFactory,
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
)
from workshops.models import WorkshopModule

from .factories import close_with


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


@pytest.fixture
def forensics():
    return TrackFactory(name="Blockchain forensics", slug="forensics")


@pytest.fixture
def past_workshop(region, trainer, forensics):
    """Two sessions, both over; its first module (its track) is forensics."""
    workshop = WorkshopFactory(
        title="Tracing Bitcoin",
        region=region,
        trainers=[trainer],
        sessions=[(hours_ago(52), hours_ago(48)), (hours_ago(28), hours_ago(24))],
    )
    basics = TrackFactory(name="Crypto fundamentals", slug="basics")
    for position, (title, track) in enumerate([("UTXO tracing", forensics), ("Keys", basics)]):
        revision = ModuleRevisionFactory(module=ModuleFactory(title=title, track=track))
        WorkshopModule.objects.create(workshop=workshop, revision=revision, position=position)
    return workshop


@pytest.fixture
def attendees(trainer, past_workshop, agency, officer):
    """Officer (first) and four more attended; the workshop is closed."""
    regs = [RegistrationFactory(workshop=past_workshop, officer=officer)] + [
        RegistrationFactory(workshop=past_workshop, officer=OfficerFactory(agency=agency))
        for _i in range(4)
    ]
    close_with(trainer, past_workshop, regs)
    return regs
