"""Parse generated invites back and check them strictly: the e-mail with `email`, the
calendar with icalendar AND vobject (validating), and the raw bytes."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass

import icalendar
import vobject


def check_raw_calendar(raw: bytes) -> None:
    """CRLF everywhere, no line over 75 octets, UTC DTSTAMP, a VTIMEZONE for every TZID."""
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b""), "bare LF in calendar"
    assert b"\r" not in raw.replace(b"\r\n", b""), "bare CR in calendar"
    lines = raw.split(b"\r\n")[:-1]
    for line in lines:
        assert len(line) <= 75, f"line of {len(line)} octets: {line!r}"
    unfolded = raw.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8")
    logical = unfolded.split("\r\n")
    stamps = [line for line in logical if line.startswith("DTSTAMP")]
    assert stamps, "no DTSTAMP"
    for line in stamps:
        assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", line), line
    used = set(re.findall(r";TZID=([^;:]+)[;:]", unfolded))
    defined = {line[len("TZID:") :] for line in logical if line.startswith("TZID:")}
    assert used <= defined, f"TZIDs without VTIMEZONE: {used - defined}"
    assert defined <= used | set(), f"unused VTIMEZONE: {defined - used}"


def parse_calendar(raw: bytes):
    """(icalendar.Calendar, vobject component); vobject validates the whole object."""
    check_raw_calendar(raw)
    cal = icalendar.Calendar.from_ical(raw)
    strict = vobject.readOne(raw.decode("utf-8"), validate=True)
    return cal, strict


@dataclass
class ParsedInvite:
    message: email.message.EmailMessage
    calendar_raw: bytes
    attachment_raw: bytes
    calendar: icalendar.Calendar
    strict: object
    method: str

    @property
    def event(self) -> icalendar.Event:
        events = self.calendar.walk("VEVENT")
        assert len(events) == 1, "one UID per iTIP message"
        return events[0]

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


def parse_invite(message_bytes: bytes) -> ParsedInvite:
    """A sent invite: multipart/mixed( multipart/alternative(text, html, text/calendar),
    invite.ics ), both calendar parts base64 so CRLF survive."""
    msg = email.message_from_bytes(message_bytes, policy=email.policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    alternative, attachment = msg.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, calendar_part = alternative.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert calendar_part.get_content_type() == "text/calendar"
    method = calendar_part.get_param("method")
    assert calendar_part.get_param("charset").upper() == "UTF-8"
    assert calendar_part["Content-Transfer-Encoding"] == "base64"
    calendar_raw = calendar_part.get_payload(decode=True)
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment["Content-Transfer-Encoding"] == "base64"
    attachment_raw = attachment.get_payload(decode=True)
    assert attachment_raw == calendar_raw
    cal, strict = parse_calendar(calendar_raw)
    assert str(cal["METHOD"]) == method
    assert strict.method.value == method
    return ParsedInvite(msg, calendar_raw, attachment_raw, cal, strict, method)


def parse_outbox(outbox) -> list[ParsedInvite]:
    """Django's locmem outbox, serialised as the SMTP backend would (CRLF line ends)."""
    return [parse_invite(m.message().as_bytes(linesep="\r\n")) for m in outbox]


def start_by_own_vtimezone(raw: bytes):
    """DTSTART of the single event as an aware datetime, resolved with only the VTIMEZONE we
    generated (vobject + dateutil): every TZID is renamed to a name no zone database knows
    (same length, so the folding stays valid)."""
    text = raw.decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    for tzid in set(re.findall(r"TZID[:=]([^;:\r\n]+)", unfolded)):
        text = text.replace(tzid, "Q" * (len(tzid) - 1) + "Z")
    parsed = vobject.readOne(text, validate=True)
    tz = parsed.vtimezone.gettzinfo()
    start = parsed.vevent.dtstart.value
    return start.replace(tzinfo=tz) if start.tzinfo is None else start
