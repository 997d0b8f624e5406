"""Outbox writes: record failed and successful sends, sweep overdue work back onto the queue,
and let a coordinator retry what was given up."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from audit.services import record_audit
from trainingsite.errors import ServiceError

from . import conf
from .models import Delivery

logger = logging.getLogger(__name__)
Kind = Delivery.Kind


class DeliveryNotRetryable(ServiceError):
    pass


@dataclass(frozen=True)
class Source:
    """Where the unsent work of one kind lives and which task sends it."""

    unsent: Callable[[], QuerySet]  # rows not yet sent, with a `created` timestamp field
    created_field: str
    task_path: str
    workshop_path: str  # lookup from the row to the workshop id
    recipient_path: str  # lookup from the row to the recipient's user id
    # Dotted path of `f(ids) -> tasks enqueued`, for work sent in batches; default: the task
    # once per id.
    enqueue_path: str = ""
    # Several rows may stand for one recipient's work (invites): a failure held on any of
    # them holds every row of that workshop and recipient.
    held_per_recipient: bool = False


def _registration_events() -> QuerySet:
    from attendees.models import RegistrationEvent

    return RegistrationEvent.objects.filter(notified_at=None)


def _certificates() -> QuerySet:
    from attendance.models import Certificate

    return Certificate.objects.filter(emailed_at=None, revoked_at=None)


def _invite_requests() -> QuerySet:
    from invites.models import InviteRequest

    return InviteRequest.objects.all()


SOURCES: dict[str, Source] = {
    Kind.REGISTRATION_EVENT: Source(
        unsent=_registration_events,
        created_field="created_at",
        task_path="attendees.tasks.send_registration_event_email",
        workshop_path="registration__workshop_id",
        recipient_path="registration__officer_id",
    ),
    Kind.CERTIFICATE: Source(
        unsent=_certificates,
        created_field="issued_at",
        task_path="attendance.tasks.send_certificate_email",
        workshop_path="registration__workshop_id",
        recipient_path="registration__officer_id",
    ),
    Kind.INVITE: Source(
        unsent=_invite_requests,
        created_field="requested_at",
        task_path="invites.tasks.send_invite_batch",
        workshop_path="workshop_id",
        recipient_path="user_id",
        enqueue_path="invites.services.requests.enqueue_requests",
        held_per_recipient=True,
    ),
}

# Work that keeps its own state instead of Delivery rows (export jobs: UUID ids, the status on
# the job itself): dotted paths of `f(now=...) -> tasks enqueued`, run by every sweep.
SELF_TRACKED: tuple[str, ...] = ("reports.recovery.sweep_exports",)


def _task(kind: str):
    return import_string(SOURCES[kind].task_path)


def _enqueue(kind: str, object_ids: list[int]) -> int:
    """Enqueue the sending of these rows; returns the tasks enqueued. A broker still down is
    logged and skipped: the next sweep tries again."""
    if SOURCES[kind].enqueue_path:
        return import_string(SOURCES[kind].enqueue_path)(object_ids)
    task = _task(kind)
    enqueued = 0
    for object_id in object_ids:
        try:
            task.delay(object_id)
        except Exception as exc:  # eager failure or broker down: recorded, next sweep retries
            logger.warning("Outbox could not enqueue %s #%s: %s", kind, object_id, exc)
            continue
        enqueued += 1
    return enqueued


def record_failure(*, kind: str, object_id: int, error: BaseException | str) -> Delivery:
    """Count one failed send; past `OUTBOX_MAX_ATTEMPTS` the delivery is given up (shown on the
    failed-deliveries page) and the sweep leaves it alone."""
    source = SOURCES[kind]
    model = source.unsent().model
    row = (
        model.objects.filter(pk=object_id)
        .values(source.workshop_path, source.recipient_path)
        .first()
    ) or {}
    now = timezone.now()
    message = (f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error)[
        :2000
    ]
    with transaction.atomic():
        delivery, _created = Delivery.objects.select_for_update().get_or_create(
            kind=kind,
            object_id=object_id,
            defaults={
                "workshop_id": row.get(source.workshop_path),
                "recipient_id": row.get(source.recipient_path),
            },
        )
        delivery.attempts += 1
        delivery.last_error = message
        delivery.last_attempt_at = now
        delivery.sent_at = None
        if delivery.attempts >= conf.max_attempts() and delivery.given_up_at is None:
            delivery.given_up_at = now
            logger.error("Gave up delivering %s #%s: %s", kind, object_id, message)
        delivery.save()
    return delivery


def record_sent(*, kind: str, object_id: int) -> None:
    """Close the failure record of work that has now been sent (no row: nothing had failed)."""
    Delivery.objects.filter(kind=kind, object_id=object_id, sent_at=None).update(
        sent_at=timezone.now(), given_up_at=None
    )


def record_sent_many(*, kind: str, object_ids: list[int]) -> None:
    Delivery.objects.filter(kind=kind, object_id__in=object_ids, sent_at=None).update(
        sent_at=timezone.now(), given_up_at=None
    )


def held_deliveries(*, kind: str, now=None) -> QuerySet:
    """Failed work nobody should send now: given up, or attempted within the grace period
    (its backoff retry, or the next sweep, owns it)."""
    now = now or timezone.now()
    grace = now - timedelta(minutes=conf.grace_minutes())
    unsent = Delivery.objects.filter(kind=kind, sent_at=None)
    return unsent.filter(given_up_at__isnull=False) | unsent.filter(last_attempt_at__gte=grace)


def overdue_ids(*, kind: str, now=None) -> list[int]:
    """Unsent work older than the grace period (its own task should have run by then), younger
    than the maximum age, not given up and not just attempted (a backoff retry is pending)."""
    now = now or timezone.now()
    source = SOURCES[kind]
    grace = now - timedelta(minutes=conf.grace_minutes())
    rows = source.unsent().filter(
        **{
            f"{source.created_field}__lt": grace,
            f"{source.created_field}__gte": now - timedelta(hours=conf.max_age_hours()),
        }
    )
    held = held_deliveries(kind=kind, now=now)
    rows = rows.exclude(pk__in=held.values("object_id"))
    if source.held_per_recipient:
        rows = rows.exclude(
            Exists(
                held.filter(
                    workshop_id=OuterRef(source.workshop_path),
                    recipient_id=OuterRef(source.recipient_path),
                )
            )
        )
    return list(rows.order_by("pk").values_list("pk", flat=True)[:500])


def sweep(*, now=None) -> int:
    """Re-enqueue overdue work of every kind; returns how many tasks were enqueued. The tasks
    claim their row with a conditional update (invites: lock and compare with what was last
    sent), so a duplicate enqueue sends nothing twice. A broker still down is skipped (the next
    sweep retries)."""
    enqueued = sum(_enqueue(kind, overdue_ids(kind=kind, now=now)) for kind in SOURCES)
    return enqueued + sum(import_string(path)(now=now) for path in SELF_TRACKED)


@transaction.atomic
def retry_delivery(*, delivery: Delivery, actor) -> Delivery:
    """A coordinator's retry of a given-up delivery: the attempts start again and the task is
    enqueued after commit."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.sent_at is not None or delivery.given_up_at is None:
        raise DeliveryNotRetryable(_("This delivery is not waiting for a retry."))
    if not SOURCES[delivery.kind].unsent().filter(pk=delivery.object_id).exists():
        raise DeliveryNotRetryable(_("This message is no longer owed (sent or withdrawn)."))
    delivery.attempts = 0
    delivery.given_up_at = None
    delivery.save(update_fields=["attempts", "given_up_at"])
    record_audit(
        actor=actor,
        action="outbox.retry",
        summary=f"Retried {delivery.get_kind_display()} #{delivery.object_id}",
        target=delivery,
        kind=delivery.kind,
        object_id=delivery.object_id,
        last_error=delivery.last_error[:200],
    )
    kind, object_id = delivery.kind, delivery.object_id
    transaction.on_commit(lambda: _enqueue(kind, [object_id]), robust=True)
    return delivery
