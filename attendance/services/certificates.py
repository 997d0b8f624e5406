"""Issuing and revoking certificates; e-mailing is a task enqueued after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from attendance.hours import training_minutes
from attendance.mails import certificate_mail
from attendance.models import Certificate, Completion, WorkshopClosure
from attendance.models.certificates import percent_text
from attendance.signals import certificate_issued, certificate_revoked
from attendees.models import User
from audit.services import record_audit
from outbox.services import queue_mail, withdraw_mails
from registrations.models import Registration
from trainingsite import when
from trainingsite.errors import ServiceError
from workshops.models import Track, Workshop


class CertificateNotFound(ServiceError):
    pass


def _dates_text(workshop: Workshop) -> str:
    sessions = list(workshop.sessions.all())
    if not sessions:
        return ""
    # The certificate is printed in English; its days are the venue's.
    return when.date_range(
        sessions[0].starts_at, sessions[-1].ends_at, workshop.tzinfo, long=True, language="en"
    )


def _place_text(workshop: Workshop) -> str:
    if workshop.format == Workshop.Format.ONLINE:
        return "Online"
    parts = [workshop.venue_name, workshop.city, workshop.country.name if workshop.country else ""]
    unique = [p for i, p in enumerate(parts) if p and p not in parts[:i]]
    return ", ".join(unique)


# The keys of `printed` that describe the workshop or the track. Every other key describes the
# holder (name, agency and its country, and whatever is printed about them later) and is dropped
# when they are erased.
WORKSHOP_FACTS = frozenset(
    {
        "program",
        "kind",
        "workshop_title",
        "dates",
        "place",
        "starts",
        "ends",
        "time_zone",
        "online",
        "venue_name",
        "city",
        "country",
        "completion_threshold",
        "test_required",
        "workshop_language",
        "wording_track_id",
        "wording",
        "modules",
        "total_minutes",
        "trainers",
        "track_name",
        "track_id",
    }
)


def _iso_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def build_printed(*, registration: Registration, workshop: Workshop) -> dict:
    """The facts printed on the certificate, frozen at issue; `total_minutes` is the
    workshop's training time (attendance/hours.py). Dates and place are kept as facts (UTC
    moments, the zone, codes) so the certificate can be printed in any language; `dates` and
    `place` are their English text, what certificates issued before carried."""
    workshop_modules = list(
        workshop.workshop_modules.select_related("revision__track").order_by("position")
    )
    modules: list[dict[str, Any]] = [
        {
            "title": wm.revision.title,
            "minutes": wm.revision.duration_minutes,
            "track": wm.revision.track.name,
        }
        for wm in workshop_modules
    ]
    sessions = list(workshop.sessions.all())
    total = training_minutes(
        module_minutes=sum(m["minutes"] for m in modules) if modules else None,
        session_time=sum((s.ends_at - s.starts_at for s in sessions), timedelta()),
    )
    threshold = (
        WorkshopClosure.objects.filter(workshop=workshop)
        .values_list("completion_threshold", flat=True)
        .first()
    )
    officer = registration.officer
    agency = officer.agency
    wording_track = workshop_modules[0].revision.track if workshop_modules else None
    printed = {
        "kind": "workshop",
        "program": settings.PROGRAM_NAME,
        # The vetted name, never the display name the officer may retype on their profile.
        "officer_name": officer.name_of_record,
        "agency": agency.name if agency else "",
        "agency_country": agency.country.code if agency and agency.country else "",
        "workshop_title": workshop.title,
        "dates": _dates_text(workshop),
        "place": _place_text(workshop),
        "starts": _iso_utc(sessions[0].starts_at) if sessions else None,
        "ends": _iso_utc(sessions[-1].ends_at) if sessions else None,
        "time_zone": workshop.time_zone,
        "online": workshop.format == Workshop.Format.ONLINE,
        "venue_name": workshop.venue_name,
        "city": workshop.city,
        "country": workshop.country.code if workshop.country else "",
        "completion_threshold": threshold
        if threshold is not None
        else WorkshopClosure._meta.get_field("completion_threshold").get_default(),
        "workshop_language": workshop.language,
        # The track whose certificate wording applies (the first module's), and that wording
        # as it stands at issue: a later edit never rewords an issued certificate.
        "wording_track_id": wording_track.pk if wording_track else None,
        "wording": {"track": wording_track.name, "texts": dict(wording_track.certificate_wording)}
        if wording_track and wording_track.certificate_wording
        else None,
        "modules": modules,
        "total_minutes": total,
        "trainers": [t.full_name for t in workshop.trainers.order_by("full_name")],
    }
    printed.update(_post_test_facts(registration))
    return printed


def _post_test_facts(registration: Registration) -> dict[str, Any]:
    """The post-test score the completion rule required and the holder's (a text such as
    "85" or "66.67"), when closing applied one."""
    tested = (
        Completion.objects.filter(registration=registration, test_required__isnull=False)
        .values_list("test_required", "test_percent")
        .first()
    )
    if tested is None:
        return {}
    required, percent = tested
    facts: dict[str, Any] = {"test_required": required}
    if percent is not None:
        facts["test_percent"] = percent_text(percent)
    return facts


def mail_topic(certificate: Certificate) -> str:
    return f"certificate:{certificate.pk}"


def validity_end(tracks: Iterable[Track], issued_at: dt.datetime) -> dt.datetime | None:
    """When a certificate issued at `issued_at` expires: the shortest validity among the
    tracks it covers (None if none of them sets one)."""
    months = [t.validity_months for t in tracks if t.validity_months]
    if not months:
        return None
    return issued_at + relativedelta(months=min(months))


def issue_certificate(*, registration: Registration, workshop: Workshop) -> Certificate:
    """The workshop certificate of a registration that completed it (once: a second call while
    one is active returns that one)."""
    printed = build_printed(registration=registration, workshop=workshop)
    tracks = Track.objects.filter(revisions__workshop_uses__workshop=workshop).distinct()
    return _issue(
        holder=registration.officer,
        printed=printed,
        tracks=list(tracks),
        registration=registration,
        workshop=workshop,
    )


def issue_track_certificate(
    *, holder: User, track: Track, printed: dict, expires_at: dt.datetime | None = None
) -> Certificate:
    """The credential of a whole track (every module of it completed, across workshops).
    `expires_at`, when given, is the latest it may expire: its validity ends then or at the end
    of the track's own validity, whichever comes first (a credential never outlives the
    certificates it was earned with)."""
    return _issue(
        holder=holder, printed=printed, tracks=[track], track=track, expires_at=expires_at
    )


def _issue(
    *,
    holder: User,
    printed: dict,
    tracks: list[Track],
    registration: Registration | None = None,
    track: Track | None = None,
    workshop: Workshop | None = None,
    expires_at: dt.datetime | None = None,
) -> Certificate:
    active = Certificate.objects.active().filter(holder=holder)
    active = (
        active.filter(registration=registration) if registration else active.filter(track=track)
    )
    for _attempt in range(3):
        now = timezone.now()
        ends = [end for end in (validity_end(tracks, now), expires_at) if end is not None]
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    holder=holder,
                    registration=registration,
                    track=track,
                    printed=printed,
                    issued_at=now,
                    expires_at=min(ends, default=None),
                )
            break
        except IntegrityError:
            # A number collision (80 random bits: practically never) or a concurrent issue.
            existing = active.first()
            if existing is not None:
                return existing
    else:
        raise RuntimeError("could not allocate a certificate number")
    certificate_issued.send(sender=Certificate, certificate=certificate)
    queue_mail(
        certificate_mail(certificate),
        kind="certificate",
        recipient=holder,
        workshop=workshop,
        topic=mail_topic(certificate),
    )
    return certificate


def revoke_certificate(
    *, certificate: Certificate, reason: str, by: User | None = None
) -> Certificate:
    """Revoke for good (`by`: the staff member, None when a service decides it). Its e-mail, if
    not sent yet, is withdrawn: a revoked certificate is never mailed."""
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoke_reason"])
    withdraw_mails(topic=mail_topic(certificate))
    certificate_revoked.send(sender=Certificate, certificate=certificate)
    record_audit(
        actor=by,
        action="certificate.revoked",
        summary=f"Certificate {certificate.number} revoked",
        target=certificate,
        reason=str(reason)[:500],
    )
    return certificate


def erase_holders(*, registrations, holder_id: int | None = None) -> int:
    """Keep only the workshop and track facts of every certificate (valid or revoked) of these
    registrations, and of every track credential of `holder_id`: nothing on them names the
    holder any more. Returns the certificates."""
    count = 0
    of_them = Q(registration__in=registrations)
    if holder_id is not None:
        of_them |= Q(holder_id=holder_id)
    for certificate in Certificate.objects.filter(of_them).only("printed"):
        facts = {k: v for k, v in certificate.printed.items() if k in WORKSHOP_FACTS}
        if facts != certificate.printed:
            Certificate.objects.filter(pk=certificate.pk).update(printed=facts)
        count += 1
    return count
