"""Webhook writes: register, rotate, pause, delete an endpoint; send a delivery again; send a
test event. Each is audited (never with the secret)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from attendees.models import User
from audit.services import record_audit
from trainingsite.errors import ServiceError
from trainingsite.roles import has_role

from . import signing, tasks
from .addresses import check_url
from .models import SUBSCRIBABLE, Delivery, Endpoint, Event, EventType


class WebhookError(ServiceError):
    pass


def may_own_endpoints(user: User) -> bool:
    """Coordinators (program admins too) and focal points with program access."""
    return has_role(user, "coordinator", "focal_point")


def _chosen(event_types: list[str]) -> list[str]:
    known = {kind for kind, _label in SUBSCRIBABLE}
    chosen = [kind for kind, _label in SUBSCRIBABLE if kind in set(event_types)]
    if not chosen or set(event_types) - known:
        raise WebhookError(_("Choose at least one event."))
    return chosen


@transaction.atomic
def create_endpoint(
    *, owner: User, url: str, description: str, event_types: list[str]
) -> tuple[Endpoint, str]:
    """Register an endpoint; returns it and its secret, shown to the owner this once."""
    if not may_own_endpoints(owner):
        raise WebhookError(_("Only coordinators and agency focal points can register webhooks."))
    chosen = _chosen(event_types)
    check_url(url)
    endpoint = Endpoint.objects.create(
        owner=owner,
        url=url.strip(),
        description=description.strip(),
        event_types=chosen,
        secret=signing.new_secret(),
    )
    record_audit(
        actor=owner,
        action="webhook.created",
        summary=f"Webhook endpoint #{endpoint.pk} registered for {', '.join(chosen)}",
        target=endpoint,
        url=endpoint.url,
    )
    return endpoint, endpoint.secret


@transaction.atomic
def update_endpoint(
    *, endpoint: Endpoint, by: User, url: str, description: str, event_types: list[str]
) -> Endpoint:
    """Change where an endpoint points and what it hears of; its secret stays. Deliveries
    already made go to the new address on their next attempt."""
    chosen = _chosen(event_types)
    check_url(url)
    endpoint.url, endpoint.description, endpoint.event_types = (
        url.strip(),
        description.strip(),
        chosen,
    )
    endpoint.save(update_fields=["url", "description", "event_types", "updated_at"])
    record_audit(
        actor=by,
        action="webhook.changed",
        summary=f"Webhook endpoint #{endpoint.pk} changed: {', '.join(chosen)}",
        target=endpoint,
        url=endpoint.url,
    )
    return endpoint


@transaction.atomic
def rotate_secret(*, endpoint: Endpoint, by: User) -> str:
    """A new secret; the old one signs nothing from now on. Returns it (shown once)."""
    endpoint = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.secret = signing.new_secret()
    endpoint.save(update_fields=["secret", "updated_at"])
    record_audit(
        actor=by,
        action="webhook.secret_rotated",
        summary=f"Webhook endpoint #{endpoint.pk}: signing secret rotated",
        target=endpoint,
    )
    return endpoint.secret


@transaction.atomic
def set_active(*, endpoint: Endpoint, by: User, active: bool) -> Endpoint:
    """Pause or resume an endpoint. Deliveries wait while it is paused and are sent when it is
    resumed (the sweep); events of the pause are still fanned out to it."""
    if active:
        check_url(endpoint.url)
    endpoint.is_active = active
    endpoint.save(update_fields=["is_active", "updated_at"])
    record_audit(
        actor=by,
        action="webhook.enabled" if active else "webhook.disabled",
        summary=f"Webhook endpoint #{endpoint.pk} {'enabled' if active else 'disabled'}",
        target=endpoint,
    )
    if active:
        for pk in endpoint.deliveries.due().values_list("pk", flat=True):
            tasks.deliver.delay_on_commit(pk)
    return endpoint


@transaction.atomic
def delete_endpoint(*, endpoint: Endpoint, by: User) -> None:
    record_audit(
        actor=by,
        action="webhook.deleted",
        summary=f"Webhook endpoint #{endpoint.pk} deleted",
        target=endpoint,
        url=endpoint.url,
    )
    endpoint.delete()


@transaction.atomic
def redeliver(*, delivery: Delivery, by: User) -> Delivery:
    """Send a delivery again, whatever became of it: the same event id and body, so a receiver
    that had it already can drop the repeat."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == Delivery.Status.SENDING:
        raise WebhookError(_("This delivery is being sent right now."))
    if not delivery.endpoint.is_active:
        raise WebhookError(_("Enable the endpoint first."))
    delivery.status = Delivery.Status.PENDING
    delivery.next_attempt_at = timezone.now()
    # Attempts keep counting: one given up already gets this one attempt, no further retries.
    delivery.save(update_fields=["status", "next_attempt_at"])
    record_audit(
        actor=by,
        action="webhook.redelivered",
        summary=f"Webhook delivery #{delivery.pk} of event {delivery.event.event_id} sent again",
        target=delivery.endpoint,
        delivery=delivery.pk,
    )
    tasks.deliver.delay_on_commit(delivery.pk)
    return delivery


@transaction.atomic
def send_test_event(*, endpoint: Endpoint, by: User) -> Delivery:
    """A `ping` event to this endpoint only, through the usual delivery."""
    if not endpoint.is_active:
        raise WebhookError(_("Enable the endpoint first."))
    event = Event.objects.create(
        type=EventType.PING, data={"endpoint_id": endpoint.pk}, fanned_out_at=timezone.now()
    )
    delivery = Delivery.objects.create(endpoint=endpoint, event=event)
    record_audit(
        actor=by,
        action="webhook.pinged",
        summary=f"Webhook endpoint #{endpoint.pk}: test event {event.event_id} sent",
        target=endpoint,
    )
    tasks.deliver.delay_on_commit(delivery.pk)
    return delivery
