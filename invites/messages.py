"""The e-mail that carries one iTIP message (RFC 6047): text, HTML and text/calendar
alternatives plus the same calendar as an invite.ics attachment."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from email.mime.base import MIMEBase
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import formats, translation

from trainingsite.mail import build_templated_email

from .events import SessionEvent
from .ical import invite_calendar

CALENDAR_MIMETYPE = "text/calendar"


class CalendarInviteEmail(EmailMultiAlternatives):
    """Encodes calendar parts in base64: Django rewrites CRLF in 8bit text parts, and
    RFC 5545 requires CRLF line ends."""

    calendar: bytes = b""
    method: str = ""

    def add_calendar(self, calendar: bytes, *, method: str) -> None:
        """The last alternative (most preferred) and an invite.ics attachment."""
        self.calendar = calendar
        self.method = method
        self.attach_alternative(calendar, CALENDAR_MIMETYPE)
        attachment = MIMEBase("application", "ics", name="invite.ics")
        attachment.set_payload(calendar)
        _base64(attachment)
        attachment.add_header("Content-Disposition", "attachment", filename="invite.ics")
        self.attach(attachment)

    def _create_mime_attachment(self, content, mimetype):
        if mimetype != CALENDAR_MIMETYPE:
            return super()._create_mime_attachment(content, mimetype)
        part = MIMEBase("text", "calendar", method=self.method, charset="UTF-8")
        part.set_payload(content)
        _base64(part)
        return part


def _base64(part: MIMEBase) -> None:
    from email import encoders

    encoders.encode_base64(part)


def message_id_for(*, uid: str, sequence: int, method: str) -> str:
    """Deterministic per UID, sequence and method: a resend after an unknown outcome carries
    the same Message-ID, which mail systems de-duplicate."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    local = uid.split("@", 1)[0].replace("-", "")
    return f"<{local}.{sequence}.{method.lower()}@{host}>"


def _when(value: dt.datetime, time_zone: str) -> str:
    local = value.astimezone(zoneinfo.ZoneInfo(time_zone))
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({time_zone})"


def build_invite_email(
    *,
    recipient,
    event: SessionEvent,
    method: str,
    uid: str,
    sequence: int,
    dtstamp: dt.datetime,
    is_update: bool,
) -> CalendarInviteEmail:
    """One session's REQUEST (new or update) or CANCEL, in the recipient's language."""
    language = recipient.language or settings.LANGUAGE_CODE
    calendar = invite_calendar(
        event=event,
        method=method,
        uid=uid,
        sequence=sequence,
        dtstamp=dtstamp,
        recipient_email=recipient.email,
        recipient_name=recipient.full_name,
    ).to_ical()
    with translation.override(language):
        context = {
            "recipient": recipient,
            "event": event,
            "kind": "cancel" if method == "CANCEL" else ("update" if is_update else "new"),
            "starts": _when(event.start, event.time_zone),
            "ends": _when(event.end, event.time_zone),
            "starts_for_recipient": (
                _when(event.start, recipient.time_zone)
                if recipient.time_zone and recipient.time_zone != event.time_zone
                else ""
            ),
        }
    templated = build_templated_email(
        to=recipient.email, template="invites/email/invite", context=context, language=language
    )
    message = CalendarInviteEmail(
        subject=templated.subject,
        body=templated.body,
        to=[recipient.email],
        headers={
            "Message-ID": message_id_for(uid=uid, sequence=sequence, method=method),
            # Automated mail: no out-of-office replies to the program's address.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    for content, mimetype in templated.alternatives:
        message.attach_alternative(content, mimetype)
    message.add_calendar(calendar, method=method)
    return message
