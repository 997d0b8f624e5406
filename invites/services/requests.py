"""The outbox of invites: `InviteRequest` rows record invite work in the transaction that made
it owed, the sync that did the work deletes them, and the outbox sweep (`outbox.services`)
re-enqueues the ones left behind.

Failures are counted in `outbox.Delivery` against the oldest pending request of a recipient
and workshop, so retries of the same work add up on one row of the failed-deliveries page.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from attendees.models import Registration

from ..models import InviteRequest

logger = logging.getLogger(__name__)


def request_registration_sync(registration_id: int) -> None:
    """Record that the officer of this registration is owed a calendar sync (caller's
    transaction). One statement: it runs inside every registration."""
    table = InviteRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (workshop_id, user_id, requested_at) "
            f"SELECT workshop_id, officer_id, %s FROM {Registration._meta.db_table} "
            "WHERE id = %s",
            # A parameter, not now(): the embedded default runs on SQLite.
            [timezone.now(), registration_id],
        )


def request_workshop_sync(workshop_id: int) -> None:
    """Record that the workshop's change is owed a fan-out (caller's transaction)."""
    InviteRequest.objects.create(workshop_id=workshop_id)


def pending_for_users(*, workshop_id: int, user_ids: Iterable[int]) -> dict[int, list[int]]:
    """Pending request ids by user. Read before the sync reads the data: every request seen
    here was committed with its change, so the sync covers it and may delete it."""
    pending: dict[int, list[int]] = defaultdict(list)
    rows = InviteRequest.objects.for_users(workshop_id, user_ids).values_list("user_id", "pk")
    for user_id, pk in rows:
        pending[user_id].append(pk)
    return pending


def pending_fan_outs(*, workshop_id: int) -> list[int]:
    return list(
        InviteRequest.objects.for_workshop_fan_out(workshop_id).values_list("pk", flat=True)
    )


def complete_requests(ids: list[int]) -> None:
    """Delete done work and close any failure recorded against it."""
    from outbox.models import Delivery
    from outbox.services import record_sent_many

    if ids:
        InviteRequest.objects.filter(pk__in=ids).delete()
        record_sent_many(kind=Delivery.Kind.INVITE, object_ids=ids)


def split_fan_out(*, workshop_id: int, fan_out_ids: list[int], user_ids: list[int]) -> None:
    """Replace the workshop's fan-out requests by one request per user owed a message, in
    one transaction: a worker dying after it leaves per-user work for the sweep."""
    with transaction.atomic():
        InviteRequest.objects.bulk_create(
            [InviteRequest(workshop_id=workshop_id, user_id=uid) for uid in user_ids]
        )
        InviteRequest.objects.filter(pk__in=fan_out_ids).delete()


def record_failed_users(
    *, workshop_id: int, user_ids: Iterable[int], pending: dict[int, list[int]], error
) -> None:
    """Count a failed attempt for each user's invites. A user with no pending request (a
    task enqueued directly) gets one, so the sweep owns the work from now on."""
    from outbox.models import Delivery
    from outbox.services import record_failure

    for user_id in sorted(set(user_ids)):
        ids = pending.get(user_id) or list(
            InviteRequest.objects.for_users(workshop_id, [user_id]).values_list("pk", flat=True)
        )
        if not ids:
            ids = [InviteRequest.objects.create(workshop_id=workshop_id, user_id=user_id).pk]
        record_failure(kind=Delivery.Kind.INVITE, object_id=min(ids), error=error)


def enqueue_requests(ids: list[int]) -> int:
    """Enqueue the tasks doing these requests: fan-outs per workshop, per-user work in batches
    of INVITE_BATCH_SIZE users over one SMTP connection each. Returns the tasks enqueued; a
    broker still down stops nothing (the next sweep tries again)."""
    from ..tasks import send_invite_batch, sync_workshop_invites

    fan_outs: set[int] = set()
    users: dict[int, set[int]] = defaultdict(set)
    for workshop_id, user_id in InviteRequest.objects.filter(pk__in=ids).values_list(
        "workshop_id", "user_id"
    ):
        if user_id is None:
            fan_outs.add(workshop_id)
        else:
            users[workshop_id].add(user_id)
    calls = [(sync_workshop_invites, (workshop_id,)) for workshop_id in sorted(fan_outs)]
    size = settings.INVITE_BATCH_SIZE
    for workshop_id, user_set in sorted(users.items()):
        ordered = sorted(user_set)
        for i in range(0, len(ordered), size):
            calls.append((send_invite_batch, (workshop_id, ordered[i : i + size])))
    enqueued = 0
    for task, args in calls:
        try:
            task.delay(*args)
        except Exception as exc:  # broker down, or an eager run that failed (recorded)
            logger.warning("Could not enqueue %s%r: %s", task.name, args, exc)
            continue
        enqueued += 1
    return enqueued
