"""The beat jobs: the sweep picks up what a lost task left; the purge keeps WEBHOOK_KEEP_DAYS."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import RegistrationFactory, WorkshopFactory
from webhooks import tasks
from webhooks.events import record_registration_change
from webhooks.models import Delivery, Event, EventType

pytestmark = pytest.mark.django_db


def test_the_sweep_fans_out_lost_events_and_sends_due_deliveries(
    receiver, region, officer, coordinator, make_endpoint
):
    endpoint = make_endpoint(coordinator, url=receiver.url)
    registration = RegistrationFactory(workshop=WorkshopFactory(region=region), officer=officer)
    # Recorded, but its fan-out task was lost (no on-commit callback runs here).
    event = record_registration_change(
        registration.events.create(from_state="pending", to_state="confirmed")
    )
    waiting = Delivery.objects.create(
        endpoint=endpoint,
        event=Event.objects.create(type=EventType.PING, fanned_out_at=timezone.now()),
        attempts=1,
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1),
    )
    tasks.sweep_webhooks()
    event.refresh_from_db()
    assert event.fanned_out_at is not None
    assert Delivery.objects.get(event=event).status == "delivered"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 2
    # Run again: nothing more.
    tasks.sweep_webhooks()
    assert len(receiver.requests) == 2


def test_the_sweep_takes_back_stale_claims(receiver, coordinator, make_endpoint, settings):
    settings.WEBHOOK_CLAIM_TIMEOUT = 60
    endpoint = make_endpoint(coordinator, url=receiver.url)
    stale = Delivery.objects.create(
        endpoint=endpoint,
        event=Event.objects.create(type=EventType.PING, fanned_out_at=timezone.now()),
        status="sending",
        attempts=1,
        claimed_at=timezone.now() - dt.timedelta(minutes=10),
    )
    tasks.sweep_webhooks()
    stale.refresh_from_db()
    assert stale.status == "pending"
    assert stale.next_attempt_at > timezone.now()


def test_the_purge_deletes_what_is_older_than_the_keep_days(coordinator, make_endpoint, settings):
    settings.WEBHOOK_KEEP_DAYS = 90
    endpoint = make_endpoint(coordinator)
    old_time = timezone.now() - dt.timedelta(days=91)
    old_event = Event.objects.create(type=EventType.PING, created_at=old_time)
    Delivery.objects.create(endpoint=endpoint, event=old_event, created_at=old_time)
    recent = Event.objects.create(type=EventType.PING)
    kept = Delivery.objects.create(endpoint=endpoint, event=recent)
    assert tasks.purge_webhooks() == 2
    assert list(Event.objects.all()) == [recent]
    assert list(Delivery.objects.all()) == [kept]
