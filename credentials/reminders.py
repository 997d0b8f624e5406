"""Reminders before a certificate expires, to its holder and the focal points of the holder's
agency: once per certificate and reminder, and only the nearest one due.

The days are CERTIFICATE_EXPIRY_REMINDER_DAYS (60 and 14 by default). A certificate is owed the
smallest of them at least as far off as its expiry, unless that reminder or a nearer one was
sent: one first seen 10 days before it expires gets the 14-day reminder and never the 60-day
one after it, because sending a reminder records every day from it upwards as done.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attendance.models import Certificate
from attendance.models.certificates import CertificateQuerySet
from attendees.models import User, prime_access_states
from outbox.services import queue_mails
from trainingsite import when
from trainingsite.mail import build_templated_email
from workshops.models import Track, WorkshopModule

MAIL_KIND = "certificate_expiry"


def reminder_days() -> list[int]:
    """The configured days before expiry, nearest first."""
    return sorted({int(d) for d in settings.CERTIFICATE_EXPIRY_REMINDER_DAYS if int(d) > 0})


def mail_topic(certificate: Certificate, days: int) -> str:
    return f"certificate-expiry:{certificate.pk}:{days}"


def due_reminder(
    expires_at: dt.datetime | None, sent: Iterable, *, now: dt.datetime, days: list[int]
) -> int | None:
    """The reminder (days before expiry) owed at `now` to a certificate expiring at
    `expires_at` whose reminders `sent` went out, or None."""
    if expires_at is None or expires_at <= now:
        return None
    left = expires_at - now
    nearest = next((d for d in days if left <= dt.timedelta(days=d)), None)
    if nearest is None or any(int(d) <= nearest for d in sent):
        return None
    return nearest


def expiring_certificates(*, now: dt.datetime, days: list[int]) -> CertificateQuerySet:
    """Certificates in force (not revoked, not expired) that expire within the furthest
    reminder."""
    if not days:
        return Certificate.objects.none()
    return Certificate.objects.active().filter(
        expires_at__gt=now, expires_at__lte=now + dt.timedelta(days=max(days))
    )


def send_expiry_reminders(now: dt.datetime | None = None) -> int:
    """Queue the reminders due at `now` (default: now), OUTBOX_BATCH_SIZE certificates per
    transaction. Safe to run twice, or in two workers at once: each certificate is locked while
    its reminder is recorded and queued, and a locked one is left to whoever holds it. Returns
    how many certificates had a reminder recorded (one whose holder cannot be mailed too)."""
    now = now or timezone.now()
    days = reminder_days()
    owed = [
        pk
        for pk, expires_at, sent in expiring_certificates(now=now, days=days)
        .order_by("pk")
        .values_list("pk", "expires_at", "expiry_reminders")
        if due_reminder(expires_at, sent or [], now=now, days=days) is not None
    ]
    size = settings.OUTBOX_BATCH_SIZE
    return sum(
        _remind(owed[start : start + size], now=now, days=days)
        for start in range(0, len(owed), size)
    )


@transaction.atomic
def _remind(ids: list[int], *, now: dt.datetime, days: list[int]) -> int:
    """Record and queue the reminders of the certificates `ids` not locked by another run."""
    certificates = list(
        expiring_certificates(now=now, days=days)
        .filter(pk__in=ids)
        .select_related("holder", "registration__workshop", "track")
        # Only the certificate rows: the holder's row is not ours to hold up.
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("pk")
    )
    # Read again under the lock: another run may have sent it since the list was made.
    owed: list[tuple[Certificate, int]] = []
    for certificate in certificates:
        sent = [int(d) for d in certificate.expiry_reminders or []]
        day = due_reminder(certificate.expires_at, sent, now=now, days=days)
        if day is not None:
            certificate.expiry_reminders = sorted({*sent, *(d for d in days if d >= day)})
            owed.append((certificate, day))
    if not owed:
        return 0
    Certificate.objects.bulk_update([c for c, _day in owed], ["expiry_reminders"])
    focal_points = _focal_points([c.holder for c, _day in owed])
    refreshers = _refresher_tracks([c for c, _day in owed])
    items = []
    for certificate, day in owed:
        holder = certificate.holder
        # Someone whose account is closed, erased or suspended can take no refresher: neither
        # they nor their agency hear of it (the record still shows the expiry).
        if not _reachable(holder):
            continue
        facts = _Facts.of(certificate, refreshers.get(certificate.pk))
        agency_focal_points = (
            focal_points.get(holder.agency_id, []) if holder.agency_id is not None else []
        )
        recipients = [holder] + [fp for fp in agency_focal_points if fp.pk != holder.pk]
        for recipient in recipients:
            about = {
                "kind": MAIL_KIND,
                "recipient": recipient,
                "workshop": certificate.registration.workshop if certificate.registration else None,
                "topic": mail_topic(certificate, day),
            }
            items.append((_mail(facts, recipient, for_holder=recipient is holder), about))
    queue_mails(items)
    return len(owed)


def _reachable(user: User) -> bool:
    return user.is_active and user.status == User.Status.VERIFIED


def _focal_points(holders: list[User]) -> dict[int, list[User]]:
    """The focal points in office, with program access, of each holder's agency (two
    queries)."""
    agency_ids = {h.agency_id for h in holders if h.agency_id is not None}
    if not agency_ids:
        return {}
    users = list(User.objects.focal_points().filter(agency_id__in=agency_ids).order_by("pk"))
    prime_access_states(users)
    grouped: dict[int, list[User]] = defaultdict(list)
    for user in users:
        if user.has_program_access:
            grouped[user.agency_id].append(user)
    return grouped


def _refresher_tracks(certificates: list[Certificate]) -> dict[int, Track]:
    """The track to look for a refresher in, per certificate: a track credential's own; for a
    workshop, the track of its modules whose validity is the shortest (the one that set the
    expiry), else its first module's. One query."""
    by_certificate: dict[int, Track] = {c.pk: c.track for c in certificates if c.track}
    workshop_ids = {c.registration.workshop_id for c in certificates if c.registration}
    if not workshop_ids:
        return by_certificate
    tracks: dict[int, list[Track]] = defaultdict(list)
    uses = (
        WorkshopModule.objects.filter(workshop_id__in=workshop_ids)
        .select_related("revision__track")
        .order_by("workshop_id", "position", "pk")
    )
    for use in uses:
        tracks[use.workshop_id].append(use.revision.track)
    for certificate in certificates:
        if certificate.registration and tracks.get(certificate.registration.workshop_id):
            among = tracks[certificate.registration.workshop_id]
            timed = [t for t in among if t.validity_months]
            by_certificate[certificate.pk] = (
                min(timed, key=lambda t: t.validity_months or 0) if timed else among[0]
            )
    return by_certificate


@dataclass
class _Facts:
    certificate: Certificate
    title: str
    track: Track | None

    @classmethod
    def of(cls, certificate: Certificate, track: Track | None) -> _Facts:
        printed = certificate.printed or {}
        if certificate.track:
            title = printed.get("track_name") or certificate.track.name
        else:
            title = printed.get("workshop_title") or (
                certificate.registration.workshop.title if certificate.registration else ""
            )
        return cls(certificate, title, track)


def _mail(facts: _Facts, recipient: User, *, for_holder: bool) -> EmailMessage:
    """The reminder in the recipient's language, the date in their time zone: to the holder,
    what to do; to a focal point, which of their officers it is."""
    certificate, holder = facts.certificate, facts.certificate.holder
    language = recipient.language or settings.LANGUAGE_CODE
    catalog = f"{settings.SITE_URL}{reverse('workshops:catalog')}"
    if facts.track is not None:
        catalog = f"{catalog}?track={facts.track.slug}"
    if for_holder:
        record = f"{settings.SITE_URL}{reverse('attendance:training_record')}"
    else:
        path = reverse("agencies:record", args=[recipient.agency_id])
        record = f"{settings.SITE_URL}{path}?section=certificates"
    return build_templated_email(
        to=recipient.email,
        template="credentials/email/expiry_reminder",
        context={
            "recipient": recipient,
            "for_holder": for_holder,
            "officer_name": holder.full_name or holder.email,
            "title": facts.title,
            "is_track": certificate.is_track_credential,
            "number": certificate.number,
            # The day printed on the certificate (its dates are UTC days), whoever reads it.
            "expires_on": when.date(certificate.expires_at, when.UTC, long=True, language=language),
            "track_name": facts.track.name if facts.track else "",
            "catalog_url": catalog,
            "record_url": record,
        },
        language=language,
        time_zone=recipient.time_zone,
    )
