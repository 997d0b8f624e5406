"""Calendar invite tasks. Contract used by registration and scheduling services:

- `sync_registration_invites.delay_on_commit(registration_id)` after any change of a
  registration's state (confirmed → invites; cancelled/removed → cancellations).
- `sync_workshop_invites.delay_on_commit(workshop_id)` after a change of a workshop's sessions,
  venue, trainers or status (reschedule → updates; cancelled → cancellations).

Both bring what each recipient has in their calendar in line with the database, so running them
twice queues nothing new. A sync whose task is lost (Redis down at commit, a worker killed) is
done by `reconcile_invites`, which beat runs every RECOVERY_SWEEP_SECONDS.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from registrations.models import Registration
from workshops.models import Workshop

from .services import (
    due_reminders,
    plan_workshop_batches,
    reminder_offsets,
    send_reminders,
    sync_invites,
)


@shared_task
def sync_registration_invites(registration_id: int) -> int:
    """Invites or cancellations for one registration's officer; returns messages queued."""
    registration = (
        Registration.objects.filter(pk=registration_id).values("workshop_id", "officer_id").first()
    )
    if registration is None:
        return 0
    return sync_invites(
        workshop_id=registration["workshop_id"], user_ids=[registration["officer_id"]]
    )


@shared_task
def sync_workshop_invites(workshop_id: int) -> int:
    """Fan a workshop change out to everyone owed a message, about OUTBOX_BATCH_SIZE messages
    per transaction (each batch goes out over one SMTP connection). Returns messages queued."""
    if not Workshop.objects.filter(pk=workshop_id).exists():
        return 0
    batches = plan_workshop_batches(workshop_id=workshop_id, batch_size=settings.OUTBOX_BATCH_SIZE)
    return sum(sync_invites(workshop_id=workshop_id, user_ids=ids) for ids, _count in batches)


@shared_task
def reconcile_invites() -> int:
    """Beat: sync every workshop with a session still to come (a sync finds nothing to do for
    calendars already in line). Returns the workshops looked at."""
    upcoming = Workshop.objects.filter(
        Q(sessions__ends_at__gt=timezone.now()) | Q(sessions=None, ends_at__gt=timezone.now())
    ).distinct()
    ids = list(upcoming.values_list("pk", flat=True))
    for workshop_id in ids:
        sync_workshop_invites.delay(workshop_id)
    return len(ids)


@shared_task
def send_due_reminders() -> int:
    """Beat: queue the reminders due now (INVITE_REMINDER_DAYS before the first session).
    Returns the number of registrations reminded."""
    total = 0
    for days_before in reminder_offsets():
        ids = list(due_reminders(days_before=days_before).values_list("pk", flat=True))
        for start in range(0, len(ids), settings.OUTBOX_BATCH_SIZE):
            total += send_reminders(
                registration_ids=ids[start : start + settings.OUTBOX_BATCH_SIZE],
                days_before=days_before,
            )
    return total
