"""Bring each recipient's calendar in line with the database, one iTIP message per session.

A recipient wants a session in their calendar while the workshop is live (published or
completed) and they are a confirmed officer or one of its trainers. The last message queued
per recipient and session is recorded in InviteDelivery; a sync queues only the difference:

- no message yet, or last one a CANCEL → REQUEST (sequence 0, or last + 1);
- last one a REQUEST with other content → REQUEST, sequence + 1, new DTSTAMP;
- last one a REQUEST, session no longer wanted or deleted → CANCEL, sequence + 1.

Sessions that have ended are left alone (no updates or cancellations of the past). A
recipient without program access (suspended, vetting expired) receives cancellations but no
new invites or updates, since those carry the joining link.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from attendees.models import User
from attendees.models.access import prime_access_states
from outbox.services import queue_mails
from registrations.models import Registration
from workshops.models import Workshop

from ..events import LIVE_STATUSES, SessionEvent, load_workshop, session_events
from ..messages import build_invite_email, message_id_for
from ..models import InviteDelivery


@dataclass(frozen=True)
class PlannedMessage:
    delivery: InviteDelivery
    method: str
    event: SessionEvent


class EventCache:
    """Session events per language for one workshop: recipients share all but ATTENDEE."""

    def __init__(self, workshop: Workshop):
        self.workshop = workshop
        self._by_language: dict[str, dict[int, SessionEvent]] = {}

    def for_language(self, language: str) -> dict[int, SessionEvent]:
        if language not in self._by_language:
            self._by_language[language] = session_events(
                self.workshop, language=language, include_joining=True
            )
        return self._by_language[language]


def wanted_user_ids(workshop: Workshop, *, among: list[int] | None = None) -> set[int]:
    """Users (of `among`, if given) who should have the workshop's sessions in their
    calendar."""
    if workshop.status not in LIVE_STATUSES:
        return set()
    confirmed = Registration.objects.filter(workshop=workshop, state=Registration.State.CONFIRMED)
    trainers = {t.pk for t in workshop.trainers.all()}
    if among is not None:
        confirmed = confirmed.filter(officer_id__in=among)
        trainers &= set(among)
    return set(confirmed.values_list("officer_id", flat=True)) | trainers


def plan_for_user(
    *,
    user: User,
    wanted: bool,
    deliveries: dict[int, InviteDelivery],
    events: EventCache,
    now: dt.datetime,
    may_receive_details: bool = True,
) -> list[tuple[int, str, SessionEvent]]:
    """(session_ref, method, event) for every message this user is owed, in session order."""
    current = events.for_language(user.language or settings.LANGUAGE_CODE)
    plan: list[tuple[int, str, SessionEvent]] = []
    if wanted and may_receive_details:
        for ref, event in current.items():
            if event.end <= now:
                continue
            delivery = deliveries.get(ref)
            if (
                delivery is None
                or delivery.method != InviteDelivery.Method.REQUEST
                or delivery.content_hash != event.fingerprint
            ):
                plan.append((ref, InviteDelivery.Method.REQUEST, event))
    for ref, delivery in deliveries.items():
        if delivery.method != InviteDelivery.Method.REQUEST:
            continue
        if wanted and ref in current:
            continue
        # Cancel what the calendar holds: the event as last sent, with its times.
        sent = SessionEvent.from_json(delivery.sent_event)
        if ref in current and current[ref].end <= now or ref not in current and sent.end <= now:
            continue
        plan.append((ref, InviteDelivery.Method.CANCEL, sent))
    plan.sort(key=lambda item: (item[2].start, item[0]))
    return plan


def plan_workshop_batches(*, workshop_id: int, batch_size: int) -> list[tuple[list[int], int]]:
    """(user ids, message count) batches of users owed at least one message, grouped so a
    batch holds at most `batch_size` messages unless one user alone owes more (a user's
    messages always travel together)."""
    workshop = load_workshop(workshop_id)
    wanted = wanted_user_ids(workshop)
    deliveries: dict[int, dict[int, InviteDelivery]] = {}
    for delivery in InviteDelivery.objects.for_workshop(workshop_id):
        deliveries.setdefault(delivery.user_id, {})[delivery.session_ref] = delivery
    candidates = wanted | {
        user_id
        for user_id, rows in deliveries.items()
        if any(d.method == InviteDelivery.Method.REQUEST for d in rows.values())
    }
    events = EventCache(workshop)
    now = timezone.now()
    batches: list[tuple[list[int], int]] = []
    current: list[int] = []
    count = 0
    users = User.objects.filter(pk__in=candidates).only("pk", "language").order_by("pk")
    for user in users.iterator(chunk_size=500):
        owed = len(
            plan_for_user(
                user=user,
                wanted=user.pk in wanted,
                deliveries=deliveries.get(user.pk, {}),
                events=events,
                now=now,
            )
        )
        if not owed:
            continue
        if current and count + owed > batch_size:
            batches.append((current, count))
            current, count = [], 0
        current.append(user.pk)
        count += owed
    if current:
        batches.append((current, count))
    return batches


def sync_invites(*, workshop_id: int, user_ids: list[int]) -> int:
    """Queue in the outbox what these users are owed for the workshop, and record it as sent
    (see InviteDelivery), in one transaction that locks their delivery rows: a concurrent sync of
    the same users waits, then finds nothing left to queue. Returns the messages queued."""
    workshop = load_workshop(workshop_id)
    wanted = wanted_user_ids(workshop, among=user_ids)
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids).order_by("pk")}
    prime_access_states(users.values())  # one query, not one per recipient
    _create_missing_rows(workshop, wanted)
    events = EventCache(workshop)
    texts: dict = {}  # rendered once per language and event for the whole batch
    with transaction.atomic():
        planned = _plan_locked(workshop, list(users), users, wanted, events)
        mails = []
        for item in planned:
            message = _record_message(item, users[item.delivery.user_id], texts)
            mails.append(
                (
                    message,
                    {
                        "kind": "invite",
                        "recipient": users[item.delivery.user_id],
                        "workshop": workshop,
                    },
                )
            )
        InviteDelivery.objects.bulk_update(
            [item.delivery for item in planned],
            ["sequence", "method", "content_hash", "sent_event", "message_id", "sent_at"],
        )
        queue_mails(mails)
    return len(planned)


def _create_missing_rows(workshop: Workshop, wanted: set[int]) -> None:
    """Rows exist before locking, so two concurrent syncs lock the same rows; the unique
    constraint settles a race to create them. Only missing rows are inserted: a reschedule's
    fan-out finds them all there."""
    session_refs = [s.pk for s in workshop.sessions.all()]
    existing = set(
        InviteDelivery.objects.filter(workshop=workshop, user_id__in=wanted).values_list(
            "user_id", "session_ref"
        )
    )
    missing = [
        InviteDelivery(user_id=uid, workshop=workshop, session_id=ref, session_ref=ref)
        for uid in sorted(wanted)
        for ref in session_refs
        if (uid, ref) not in existing
    ]
    if missing:
        InviteDelivery.objects.bulk_create(missing, ignore_conflicts=True)


def _plan_locked(
    workshop: Workshop,
    group: list[int],
    users: dict[int, User],
    wanted: set[int],
    events: EventCache,
) -> list[PlannedMessage]:
    """Lock the group's delivery rows (caller's transaction) and plan what each is owed."""
    rows = (
        InviteDelivery.objects.select_for_update()
        .filter(workshop=workshop, user_id__in=group)
        .order_by("pk")
    )
    by_user: dict[int, dict[int, InviteDelivery]] = {}
    for row in rows:
        by_user.setdefault(row.user_id, {})[row.session_ref] = row
    now = timezone.now()
    planned: list[PlannedMessage] = []
    for user_id in group:
        user, user_rows = users[user_id], by_user.get(user_id, {})
        for ref, method, event in plan_for_user(
            user=user,
            wanted=user_id in wanted,
            deliveries=user_rows,
            events=events,
            now=now,
            may_receive_details=user.has_program_access,
        ):
            planned.append(PlannedMessage(user_rows[ref], method, event))
    return planned


def _record_message(item: PlannedMessage, user: User, texts: dict):
    """The message for one planned item; its delivery row is updated to say it was sent
    (saved by the caller, in the transaction that queues the message)."""
    delivery = item.delivery
    sequence = delivery.next_sequence
    is_update = delivery.sequence is not None and delivery.method == InviteDelivery.Method.REQUEST
    dtstamp = timezone.now()
    message = build_invite_email(
        recipient=user,
        event=item.event,
        method=item.method,
        uid=delivery.uid,
        sequence=sequence,
        dtstamp=dtstamp,
        is_update=is_update,
        texts=texts,
    )
    delivery.sequence = sequence
    delivery.method = item.method
    delivery.content_hash = item.event.fingerprint
    delivery.sent_event = item.event.to_json()
    delivery.message_id = message_id_for(uid=delivery.uid, sequence=sequence, method=item.method)
    delivery.sent_at = dtstamp
    return message
