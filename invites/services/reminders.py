"""Reminders before a workshop's first session, once per registration and offset."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation

from attendees.models import Registration
from trainingsite.mail import build_templated_email
from workshops.models import Workshop

from ..events import workshop_location, workshop_page_url
from ..models import ReminderDelivery
from .delivery import TRANSIENT_MAIL_ERRORS


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


def _claim(registration: Registration, days_before: int) -> ReminderDelivery | None:
    try:
        with transaction.atomic():
            return ReminderDelivery.objects.create(
                registration=registration, days_before=days_before
            )
    except IntegrityError:
        return None


def _format(value: dt.datetime, time_zone: str) -> str:
    local = value.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({time_zone})"


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


def send_reminders(*, registration_ids: list[int], days_before: int) -> int:
    """Claim, then send each due reminder over one connection. A claim is released when its
    mail fails, so the retry sends exactly the ones still missing."""
    now = timezone.now()
    registrations = (
        due_reminders(days_before=days_before, now=now)
        .filter(pk__in=registration_ids)
        .select_related("officer", "workshop")
        .prefetch_related("workshop__sessions")
    )
    claims = []
    for registration in registrations:
        if not registration.officer.has_program_access:
            continue
        claim = _claim(registration, days_before)
        if claim is not None:
            claims.append((claim, registration))
    if not claims:
        return 0
    sent = 0
    connection = get_connection()
    try:
        connection.open()
        for claim, registration in claims:
            message = _build_reminder(registration, days_before)
            message.connection = connection
            connection.send_messages([message])
            ReminderDelivery.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
            sent += 1
    except TRANSIENT_MAIL_ERRORS:
        ReminderDelivery.objects.filter(pk__in=[c.pk for c, _r in claims[sent:]]).delete()
        raise
    finally:
        try:
            connection.close()
        except TRANSIENT_MAIL_ERRORS:
            pass
    return sent
