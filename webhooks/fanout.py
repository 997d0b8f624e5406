"""Fan-out: which endpoints hear of an event, decided when it is fanned out (after commit)
from their owners' roles then.

A coordinator's endpoint gets the events of workshops in the regions they coordinate (a program
admin's: every event); a focal point's those concerning officers of their agency (their
registrations and certificates; a workshop changed, cancelled or closed while one of them held
a registration in it). An owner who lost the role, or their access (suspended, deactivated,
vetting lapsed), gets nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from workshops.models import Workshop

from .models import Delivery, Endpoint, Event


def may_hear(owner, event: Event) -> bool:
    if not owner.is_active or not owner.has_program_access:
        return False
    if owner.is_program_admin:
        return True
    if event.region_id is not None and event.region_id in owner.coordinated_region_ids:
        return True
    return bool(owner.is_focal_point and owner.agency_id and owner.agency_id in event.agency_ids)


def fan_out(event_pk: int) -> list[int]:
    """Make the event's deliveries, once: the claim (a conditional update of `fanned_out_at`)
    and the deliveries commit together, so a second run, or the sweep beside it, finds nothing
    to claim. Returns the ids of the deliveries to send."""
    with transaction.atomic():
        claimed = Event.objects.filter(pk=event_pk, fanned_out_at=None).update(
            fanned_out_at=timezone.now()
        )
        if not claimed:
            return []
        event = Event.objects.get(pk=event_pk)
        if event.region_id is None and event.data.get("workshop_id"):
            event.region_id = (
                Workshop.objects.filter(pk=event.data["workshop_id"])
                .values_list("region_id", flat=True)
                .first()
            )
            event.save(update_fields=["region_id"])
        endpoints = Endpoint.objects.filter(is_active=True).select_related("owner")
        rows = [
            Delivery(endpoint=endpoint, event=event, created_at=event.created_at)
            for endpoint in endpoints
            if event.type in endpoint.event_types and may_hear(endpoint.owner, event)
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        Delivery.objects.filter(event_id=event_pk, status=Delivery.Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
