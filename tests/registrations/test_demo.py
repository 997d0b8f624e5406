import datetime as dt

import pytest
from django.utils import timezone

from attendees import demo
from attendees.models import Region
from registrations import demo as demo_registrations
from registrations.models import Registration
from tests.factories import WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db
State = Registration.State


def test_seed_without_workshops_returns_nothing():
    demo.seed()
    assert demo_registrations.seed() == []
    assert not Registration.objects.exists()


def test_seed_covers_every_state_and_is_idempotent():
    demo.seed()
    apac = Region.objects.get(slug="apac")
    WorkshopFactory(region=apac, capacity=3)
    for days in (40, 50):
        start = timezone.now() + dt.timedelta(days=days)
        WorkshopFactory(region=apac, capacity=20, sessions=[(start, start + dt.timedelta(hours=8))])
    WorkshopFactory(region=apac, requires_approval=True)
    WorkshopFactory(region=apac, requires_nomination=True)
    past_start = timezone.now() - dt.timedelta(days=20)
    WorkshopFactory(
        region=apac,
        status=Workshop.Status.COMPLETED,
        sessions=[(past_start, past_start + dt.timedelta(hours=8))],
    )
    logins = demo_registrations.seed()
    first = sorted(Registration.objects.values_list("workshop_id", "officer_id", "state"))
    assert demo_registrations.seed() == logins
    assert sorted(Registration.objects.values_list("workshop_id", "officer_id", "state")) == first
    states = set(Registration.objects.values_list("state", flat=True))
    assert states == {
        State.CONFIRMED,
        State.WAITLISTED,
        State.PENDING,
        State.NOMINATION,
        State.CANCELLED,
    }
    full = Workshop.objects.get(capacity=3)
    assert full.registrations.filter(state=State.CONFIRMED).count() == 3
