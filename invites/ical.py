"""RFC 5545 calendars for iTIP invites (RFC 5546) and subscription feeds (RFC 7986).

icalendar escapes text, folds lines at 75 octets and ends them with CRLF; VTIMEZONEs are
generated from the zone database for the span the events cover, so DST changes are right.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from email.utils import parseaddr
from functools import lru_cache

from django.conf import settings
from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText

from .events import SessionEvent

PRODID = "-//trainingsite//Calendar invites 1.0//EN"
FEED_REFRESH = dt.timedelta(hours=1)


def _param_text(value: str) -> str:
    # A parameter value cannot carry a DQUOTE or control characters (RFC 5545 3.1).
    return " ".join("".join(c for c in value if c >= " " and c != '"').split())


def organizer_address() -> vCalAddress:
    """The program's sending address (the e-mail's From), never the recipient."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = vText(_param_text(name or settings.PROGRAM_NAME))
    return organizer


def attendee_address(*, email: str, name: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{email}")
    attendee.params["CN"] = vText(_param_text(name or email))
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
    attendee.params["RSVP"] = vText("FALSE")
    return attendee


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _local(value: dt.datetime, time_zone: str) -> dt.datetime:
    return value.astimezone(zoneinfo.ZoneInfo(time_zone)).replace(microsecond=0)


def _new_calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _event(
    event: SessionEvent,
    *,
    uid: str,
    dtstamp: dt.datetime,
    sequence: int,
    status: str,
) -> Event:
    component = _personal_event(uid=uid, dtstamp=dtstamp, sequence=sequence)
    _add_shared(component, event, status=status)
    return component


def _personal_event(*, uid: str, dtstamp: dt.datetime, sequence: int) -> Event:
    component = Event()
    component.add("uid", uid)
    component.add("dtstamp", _utc(dtstamp))
    component.add("sequence", sequence)
    return component


def _add_shared(component: Event, event: SessionEvent, *, status: str) -> None:
    """The properties every recipient of the event gets alike."""
    component.add("dtstart", _local(event.start, event.time_zone))
    component.add("dtend", _local(event.end, event.time_zone))
    component.add("summary", event.summary)
    if event.location:
        component.add("location", event.location)
    if event.description:
        component.add("description", event.description)
    if event.url:
        component.add("url", event.url)
    component.add("status", status)
    component.add("transp", "OPAQUE")
    component.add("organizer", organizer_address())


def _add_timezones(cal: Calendar, events: Iterable[SessionEvent]) -> None:
    """One VTIMEZONE per TZID used, covering every event with a year to spare each side."""
    spans: dict[str, tuple[dt.date, dt.date]] = {}
    for event in events:
        if event.time_zone == "UTC":
            continue
        first, last = event.start.date(), event.end.date()
        if event.time_zone in spans:
            first = min(first, spans[event.time_zone][0])
            last = max(last, spans[event.time_zone][1])
        spans[event.time_zone] = (first, last)
    timezones = [
        Timezone.from_tzid(
            tzid,
            first_date=dt.date(first.year - 1, 1, 1),
            last_date=dt.date(last.year + 2, 1, 1),
        )
        for tzid, (first, last) in sorted(spans.items())
    ]
    # VTIMEZONEs come before the events that refer to them.
    cal.subcomponents[0:0] = timezones


def _status(method: str) -> str:
    return "CANCELLED" if method == "CANCEL" else "CONFIRMED"


def invite_calendar(
    *,
    event: SessionEvent,
    method: str,
    uid: str,
    sequence: int,
    dtstamp: dt.datetime,
    recipient_email: str,
    recipient_name: str,
) -> Calendar:
    """An iTIP REQUEST or CANCEL for one session: one UID per message (RFC 5546 1.4)."""
    cal = _new_calendar(method)
    component = _event(event, uid=uid, dtstamp=dtstamp, sequence=sequence, status=_status(method))
    component.add("attendee", attendee_address(email=recipient_email, name=recipient_name))
    cal.add_component(component)
    _add_timezones(cal, [event])
    return cal


def invite_calendar_bytes(
    *,
    event: SessionEvent,
    method: str,
    uid: str,
    sequence: int,
    dtstamp: dt.datetime,
    recipient_email: str,
    recipient_name: str,
) -> bytes:
    """`invite_calendar(...).to_ical()` for a fan-out: the calendar around the recipient's
    UID, DTSTAMP, SEQUENCE and ATTENDEE (VTIMEZONE and the shared event properties) is
    serialised once per event and method, not once per recipient."""
    head, tail = _shared_invite_parts(
        event, method, settings.DEFAULT_FROM_EMAIL, settings.PROGRAM_NAME
    )
    personal = _personal_event(uid=uid, dtstamp=dtstamp, sequence=sequence)
    personal.add("attendee", attendee_address(email=recipient_email, name=recipient_name))
    lines = personal.to_ical()
    return head + lines[len(_BEGIN_EVENT) : -len(_END_EVENT)] + tail


_BEGIN_EVENT = b"BEGIN:VEVENT\r\n"
_END_EVENT = b"END:VEVENT\r\n"


@lru_cache(maxsize=256)
def _shared_invite_parts(
    event: SessionEvent, method: str, from_email: str, program_name: str
) -> tuple[bytes, bytes]:
    """The serialised calendar split right after BEGIN:VEVENT (the organizer comes from the
    two settings in the key)."""
    cal = _new_calendar(method)
    component = Event()
    _add_shared(component, event, status=_status(method))
    cal.add_component(component)
    _add_timezones(cal, [event])
    raw = cal.to_ical()
    split = raw.index(_BEGIN_EVENT) + len(_BEGIN_EVENT)
    return raw[:split], raw[split:]


def publish_calendar(
    *,
    name: str,
    events: Iterable[tuple[SessionEvent, str, dt.datetime, int]],
    refresh: dt.timedelta = FEED_REFRESH,
) -> Calendar:
    """A METHOD:PUBLISH calendar of (event, uid, dtstamp, sequence) for feeds and downloads.

    An event already sent as an invite keeps its UID and sequence, so importing it updates
    the invite instead of duplicating it (a lower sequence would be ignored as stale).
    """
    cal = _new_calendar("PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(refresh))
    events = list(events)
    for event, uid, dtstamp, sequence in events:
        cal.add_component(
            _event(event, uid=uid, dtstamp=dtstamp, sequence=sequence, status="CONFIRMED")
        )
    _add_timezones(cal, [item[0] for item in events])
    return cal
