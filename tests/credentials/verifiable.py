"""Certificates to verify: a closed workshop's, and a track credential written directly."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from attendance import services as attendance_services
from attendance.models import Certificate
from tests.factories import RegistrationFactory, TrackFactory, WorkshopFactory


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now().replace(microsecond=0) - dt.timedelta(hours=hours)


def workshop_certificate(officer, trainer, *, title: str = "Tracing Bitcoin") -> Certificate:
    """The certificate of a two-session workshop (8 hours) the officer attended and which
    its trainer closed."""
    workshop = WorkshopFactory(
        title=title,
        trainers=[trainer],
        sessions=[(hours_ago(52), hours_ago(48)), (hours_ago(28), hours_ago(24))],
    )
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    for session in workshop.sessions.all():
        attendance_services.record_marks(
            session_id=session.pk, by=trainer, marks={registration.pk: "present"}
        )
    attendance_services.close_workshop(workshop_id=workshop.pk, by=trainer)
    return Certificate.objects.get(registration=registration)


def track_certificate(officer, *, name: str = "Blockchain forensics", **printed) -> Certificate:
    track = TrackFactory(name=name)
    facts = {
        "kind": "track",
        "program": "Crypto Investigations Training Program",
        "officer_name": officer.name_of_record,
        "agency": officer.agency.name,
        "agency_country": officer.agency.country.code,
        "track_name": name,
        "track_id": track.pk,
        "modules": [{"title": "UTXO tracing", "minutes": 300, "workshop_title": "Tracing"}],
        "total_minutes": 300,
    }
    facts.update(printed)
    return Certificate.objects.create(holder=officer, track=track, printed=facts)
