"""Recording what happened as `Event` rows, in the transaction of the change (the receivers
call these, some under a workshop's row lock: a query or two each, and the fan-out task
enqueued for after commit). While no endpoint is active, nothing is recorded: an event is
fanned out only to the endpoints active then, so it would reach nobody."""

from __future__ import annotations

from django.db.models import Q

from attendance.models import Certificate
from registrations.models import Registration, RegistrationEvent
from workshops.models import Workshop

from . import tasks
from .models import Endpoint, Event, EventType


def listening() -> bool:
    return Endpoint.objects.filter(is_active=True).exists()


def record(*, type: str, data: dict, region_id: int | None, agency_ids: list[int]) -> Event:
    event = Event.objects.create(
        type=type, data=data, region_id=region_id, agency_ids=sorted(set(agency_ids))
    )
    tasks.fan_out.delay_on_commit(event.pk)
    return event


def record_registration_change(change: RegistrationEvent) -> Event | None:
    if not listening():
        return None
    registration = change.registration
    return record(
        type=EventType.REGISTRATION_CHANGED,
        data={
            "registration_id": registration.pk,
            "workshop_id": registration.workshop_id,
            "officer_id": registration.officer_id,
            "from_state": change.from_state or None,
            "to_state": change.to_state,
        },
        region_id=None,  # looked up at fan-out: the workshop row may not be loaded here
        agency_ids=[registration.officer.agency_id] if registration.officer.agency_id else [],
    )


def agencies_in(workshop: Workshop) -> list[int]:
    """Agencies with an officer holding an active registration in the workshop, or one the
    workshop's cancellation just cancelled (saved after the workshop, in this transaction)."""
    held = Q(state__in=Registration.ACTIVE_STATES)
    if workshop.status == Workshop.Status.CANCELLED:
        held |= Q(state=Registration.State.CANCELLED, updated_at__gte=workshop.updated_at)
    return list(
        Registration.objects.filter(workshop=workshop)
        .filter(held, officer__agency__isnull=False)
        .order_by()
        .values_list("officer__agency_id", flat=True)
        .distinct()
    )


def record_workshop_event(workshop: Workshop, type: str) -> Event | None:
    if not listening():
        return None
    return record(
        type=type,
        data={"workshop_id": workshop.pk, "status": workshop.status},
        region_id=workshop.region_id,
        agency_ids=agencies_in(workshop),
    )


def record_certificate_event(certificate: Certificate, type: str) -> Event | None:
    if not listening():
        return None
    registration = certificate.registration
    workshop_id = registration.workshop_id if registration is not None else None
    holder = certificate.holder
    return record(
        type=type,
        data={
            "certificate_id": certificate.pk,
            "officer_id": certificate.holder_id,
            "registration_id": certificate.registration_id,
            "workshop_id": workshop_id,
            "track_id": certificate.track_id,
            "revoked": certificate.revoked_at is not None,
        },
        region_id=None,  # looked up at fan-out (a track's certificate has none)
        agency_ids=[holder.agency_id] if holder.agency_id else [],
    )
