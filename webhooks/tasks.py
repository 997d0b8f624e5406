from celery import shared_task

from . import fanout, sending
from .models import Delivery, Event


@shared_task
def fan_out(event_id: int) -> int:
    """Make an event's deliveries (enqueued after the commit that recorded it) and send them,
    a task each: a slow receiver holds up nobody else's."""
    ids = fanout.fan_out(event_id)
    for pk in ids:
        deliver.delay(pk)
    return len(ids)


@shared_task
def deliver(delivery_id: int) -> bool:
    """Send one webhook delivery if it is due."""
    return sending.deliver(delivery_id)


@shared_task
def sweep_webhooks() -> int:
    """Beat, every WEBHOOK_SWEEP_SECONDS: events whose fan-out was lost, deliveries due for a
    retry or whose sender died mid-request. Returns how many deliveries it handed out."""
    sending.release_stale_claims()
    for event_id in (
        Event.objects.not_fanned_out().order_by("pk").values_list("pk", flat=True)[:1000]
    ):
        fan_out.delay(event_id)
    ids = sending.due_ids()
    for pk in ids:
        deliver.delay(pk)
    return len(ids)


@shared_task
def purge_webhooks() -> int:
    """Beat, daily: deliveries and events older than WEBHOOK_KEEP_DAYS."""
    deleted, _by_model = Delivery.objects.expired().delete()
    events, _by_model = Event.objects.expired().filter(deliveries=None).delete()
    return deleted + events
