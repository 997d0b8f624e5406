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
        State.OFFERED,
    }
    full = Workshop.objects.get(capacity=3)
    assert full.registrations.filter(state=State.CONFIRMED).count() == 3


def test_the_dutch_and_singaporean_focal_points_have_held_seats_and_nominations():
    from registrations.models import SeatReservation

    demo.seed()
    for slug, days in (("apac", 40), ("europe", 45)):
        start = timezone.now() + dt.timedelta(days=days)
        WorkshopFactory(
            region=Region.objects.get(slug=slug),
            capacity=20,
            sessions=[(start, start + dt.timedelta(hours=8))],
        )
    WorkshopFactory(region=Region.objects.get(slug="apac"), capacity=2)  # the full one
    WorkshopFactory(region=Region.objects.get(slug="apac"), requires_approval=True)
    demo_registrations.seed()
    demo_registrations.seed()
    held = SeatReservation.objects.held().with_filled().select_related("agency")
    by_country = {r.agency.country.code: (r.seats, r.filled) for r in held}
    assert by_country == {"NL": (3, 1), "SG": (2, 1)}
    nominated = Registration.objects.filter(nominated_by__isnull=False)
    assert set(nominated.values_list("state", flat=True)) == {
        State.OFFERED,
        State.CONFIRMED,
        State.PENDING,
        State.CANCELLED,
    }
    assert set(nominated.values_list("nominated_by__email", flat=True)) == {
        "focal@politie.example.nl",
        "focal@spf.example.sg",
    }
