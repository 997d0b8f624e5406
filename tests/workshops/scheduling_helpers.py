"""Shared builders for the scheduling and catalog tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tests.factories import ModuleRevisionFactory
from workshops.models import Workshop
from workshops.services.scheduling import SessionInput


def published_revision(**kwargs):
    revision = ModuleRevisionFactory(**kwargs)
    revision.module.published_revision = revision
    revision.module.save(update_fields=["published_revision"])
    return revision


def future_day(days: int = 40) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def details(region, **overrides) -> dict:
    start = timezone.now() + dt.timedelta(days=40)
    data = {
        "title": "Tracing ransomware payments",
        "description": "",
        "region": region,
        "format": Workshop.Format.IN_PERSON,
        "language": "en",
        "time_zone": "Europe/Lisbon",
        "venue_name": "Escola",
        "venue_address": "Rua 1",
        "city": "Lisbon",
        "country": "PT",
        "online_url": "",
        "online_details": "",
        "capacity": 20,
        "registration_opens_at": timezone.now(),
        "registration_closes_at": start - dt.timedelta(days=5),
        "cancellation_deadline": start - dt.timedelta(days=7),
        "requires_approval": False,
        "requires_nomination": False,
        "agency_seat_cap": None,
        "host_agency": None,
    }
    data.update(overrides)
    return data


def sessions(day: dt.date | None = None, count: int = 1, start=dt.time(9), end=dt.time(17)):
    day = day or future_day()
    return [
        SessionInput(day=day + dt.timedelta(days=i), start=start, end=end) for i in range(count)
    ]


def sessions_at(workshop: Workshop) -> list[SessionInput]:
    """One session at `workshop`'s times (its start and end), as typed in its zone."""
    tz = workshop.tzinfo
    start, end = workshop.starts_at.astimezone(tz), workshop.ends_at.astimezone(tz)
    return [SessionInput(day=start.date(), start=start.time(), end=end.time(), end_day=end.date())]


def form_data(region, *, rows=None, modules=(), trainers=(), **overrides) -> dict:
    """POST data for the workshop editor: times are local wall-clock values."""
    day = future_day()
    data = {
        "title": "Tracing ransomware payments",
        "region": region.pk,
        "format": "in_person",
        "language": "en",
        "time_zone": "Europe/Lisbon",
        "venue_name": "Escola",
        "venue_address": "Rua 1",
        "city": "Lisbon",
        "country": "PT",
        "capacity": "20",
        "registration_opens_at": timezone.localdate().isoformat() + "T08:00",
        "registration_closes_at": (day - dt.timedelta(days=5)).isoformat() + "T17:00",
        "cancellation_deadline": "",
        "trainers": [t.pk for t in trainers],
    }
    rows = rows if rows is not None else [(day.isoformat(), "09:00", "17:00")]
    data.update(
        {
            "sessions-TOTAL_FORMS": str(len(rows)),
            "sessions-INITIAL_FORMS": "0",
            "sessions-MIN_NUM_FORMS": "0",
            "sessions-MAX_NUM_FORMS": "14",
        }
    )
    for i, (d, s, e) in enumerate(rows):
        data.update({f"sessions-{i}-day": d, f"sessions-{i}-start": s, f"sessions-{i}-end": e})
    data.update(
        {
            "modules-TOTAL_FORMS": str(len(modules)),
            "modules-INITIAL_FORMS": "0",
            "modules-MIN_NUM_FORMS": "0",
            "modules-MAX_NUM_FORMS": "20",
        }
    )
    for i, rev in enumerate(modules):
        data[f"modules-{i}-revision"] = rev.pk
    data.update(overrides)
    return data
