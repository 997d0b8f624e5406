"""Calendar invite tasks. Contract used by registration and scheduling services:

- `sync_registration_invites.delay_on_commit(registration_id)` after any change of a
  registration's state (confirmed → invites; cancelled/removed → cancellations).
- `sync_workshop_invites.delay_on_commit(workshop_id)` after a change of a workshop's sessions,
  venue, trainers or status (reschedule → updates; cancelled → cancellations).

Both bring what each recipient has in their calendar in line with the database, so running them
twice sends nothing new. `delay_on_commit` also records the work in the caller's transaction
(`InviteRequest`, the outbox of invites): if Redis is down at commit or a worker dies mid-batch,
the outbox sweep re-enqueues it.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from attendees.models import Registration
from trainingsite.celery_base import Task
from workshops.models import Workshop

from .services import (
    deliver_invites,
    due_reminders,
    plan_workshop_batches,
    reminder_offsets,
    send_reminders,
)
from .services.delivery import TRANSIENT_MAIL_ERRORS
from .services.requests import (
    pending_fan_outs,
    request_registration_sync,
    request_workshop_sync,
    split_fan_out,
)

logger = logging.getLogger(__name__)

# SMTP refusals and network errors are retried with exponential backoff (1 s, 2 s, 4 s, …
# capped at 10 min, jittered so a recovering server is not hit by every worker at once).
MAIL_RETRY = {
    "autoretry_for": TRANSIENT_MAIL_ERRORS,
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


class RecordedTask(Task):
    """A task whose `delay_on_commit` first records its work in the caller's transaction."""

    record_request = None  # f(the task's arguments) inserting the InviteRequest

    def delay_on_commit(self, *args, **kwargs) -> None:
        type(self).record_request(*args, **kwargs)
        super().delay_on_commit(*args, **kwargs)


def _chunks(items: list, size: int) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


@shared_task(base=RecordedTask, record_request=request_registration_sync, **MAIL_RETRY)
def sync_registration_invites(registration_id: int) -> int:
    """Invites or cancellations for one registration's officer; returns messages sent."""
    registration = (
        Registration.objects.filter(pk=registration_id).values("workshop_id", "officer_id").first()
    )
    if registration is None:
        return 0
    return deliver_invites(
        workshop_id=registration["workshop_id"], user_ids=[registration["officer_id"]]
    )


@shared_task(base=RecordedTask, record_request=request_workshop_sync)
def sync_workshop_invites(workshop_id: int) -> int:
    """Fan a workshop change out to everyone owed a message, in batches of about
    INVITE_BATCH_SIZE messages, each batch over one SMTP connection. Returns the number of
    messages planned (the batches send them)."""
    # Read before the plan reads the data (see InviteRequest).
    fan_out_ids = pending_fan_outs(workshop_id=workshop_id)
    if not Workshop.objects.filter(pk=workshop_id).exists():
        return 0
    batches = plan_workshop_batches(workshop_id=workshop_id, batch_size=settings.INVITE_BATCH_SIZE)
    split_fan_out(
        workshop_id=workshop_id,
        fan_out_ids=fan_out_ids,
        user_ids=[uid for user_ids, _count in batches for uid in user_ids],
    )
    for user_ids, _count in batches:
        try:
            send_invite_batch.delay(workshop_id, user_ids)
        except Exception:  # broker down: the per-user requests are left for the sweep
            logger.warning("Could not enqueue an invite batch of workshop %s", workshop_id)
    return sum(count for _ids, count in batches)


@shared_task(**MAIL_RETRY)
def send_invite_batch(workshop_id: int, user_ids: list[int]) -> int:
    """One batch of a workshop fan-out; recomputes under lock, so a retry or a duplicate
    sends only what is still owed."""
    if not Workshop.objects.filter(pk=workshop_id).exists():
        return 0
    return deliver_invites(workshop_id=workshop_id, user_ids=list(user_ids))


@shared_task
def send_due_reminders() -> int:
    """Beat: enqueue the reminders due now (settings.INVITE_REMINDER_DAYS before the first
    session), in batches. Returns the number of registrations enqueued."""
    total = 0
    for days_before in reminder_offsets():
        ids = list(due_reminders(days_before=days_before).values_list("pk", flat=True))
        for chunk in _chunks(ids, settings.INVITE_BATCH_SIZE):
            send_reminder_batch.delay(chunk, days_before)
        total += len(ids)
    return total


@shared_task(**MAIL_RETRY)
def send_reminder_batch(registration_ids: list[int], days_before: int) -> int:
    return send_reminders(registration_ids=list(registration_ids), days_before=days_before)
