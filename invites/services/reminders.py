"""Reminders before a workshop's first session, once per registration and offset."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from outbox.services import queue_mails
from registrations.models import Registration
from trainingsite import when
from trainingsite.mail import build_templated_email
from workshops.models import Workshop

from ..events import workshop_location, workshop_page_url
from ..models import ReminderDelivery


def reminder_offsets() -> list[int]:
    return sorted({int(d) for d in settings.INVITE_REMINDER_DAYS if int(d) > 0}, reverse=True)


def _window(days_before: int, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """A reminder for `days_before` is due from that many days before the first session
    until the next smaller offset takes over (or the start): a missed beat run catches up,
    and someone confirmed three days ahead still gets the 7-day one."""
    offsets = reminder_offsets()
    smaller = [d for d in offsets if d < days_before]
    later = max(smaller) if smaller else 0
    return now + dt.timedelta(days=later), now + dt.timedelta(days=days_before)


def due_reminders(*, days_before: int, now: dt.datetime | None = None):
    """Confirmed registrations owed the `days_before` reminder and not yet claimed."""
    now = now or timezone.now()
    after, until = _window(days_before, now)
    return (
        Registration.objects.filter(
            state=Registration.State.CONFIRMED,
            workshop__status=Workshop.Status.PUBLISHED,
            workshop__starts_at__gt=after,
            workshop__starts_at__lte=until,
        )
        .exclude(reminders__days_before=days_before)
        .order_by("pk")
    )


def _format(value: dt.datetime, time_zone: str) -> str:
    return when.datetime(value, time_zone)


def _build_reminder(registration: Registration, days_before: int):
    officer, workshop = registration.officer, registration.workshop
    language = officer.language or settings.LANGUAGE_CODE
    sessions = list(workshop.sessions.all())
    with translation.override(language):
        context = {
            "officer": officer,
            "workshop": workshop,
            "days_before": days_before,
            "location": workshop_location(workshop),
            "workshop_url": workshop_page_url(workshop),
            "sessions": [
                {
                    "starts": _format(s.starts_at, workshop.time_zone),
                    "starts_for_officer": _format(s.starts_at, officer.time_zone)
                    if officer.time_zone and officer.time_zone != workshop.time_zone
                    else "",
                }
                for s in sessions
            ],
        }
    return build_templated_email(
        to=officer.email, template="invites/email/reminder", context=context, language=language
    )


def _claim(registration: Registration, days_before: int, now: dt.datetime) -> bool:
    """Record the reminder (unique per registration and offset): False if another run did."""
    try:
        with transaction.atomic():
            ReminderDelivery.objects.create(
                registration=registration, days_before=days_before, claimed_at=now, sent_at=now
            )
    except IntegrityError:
        return False
    return True


@transaction.atomic
def send_reminders(*, registration_ids: list[int], days_before: int) -> int:
    """Queue each due reminder in the outbox with the row that records it, so a second run
    queues nothing. Returns how many were queued."""
    now = timezone.now()
    registrations = (
        due_reminders(days_before=days_before, now=now)
        .filter(pk__in=registration_ids)
        .select_related("officer", "workshop")
        .prefetch_related("workshop__sessions")
    )
    owed = [
        r for r in registrations if r.officer.has_program_access and _claim(r, days_before, now)
    ]
    queue_mails(
        [
            (
                _build_reminder(r, days_before),
                {"kind": "reminder", "recipient": r.officer, "workshop": r.workshop},
            )
            for r in owed
        ]
    )
    return len(owed)
