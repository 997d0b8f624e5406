"""E-mails as the outbox stores them: what a Django e-mail message holds, as JSON, and back."""

from __future__ import annotations

import base64
from datetime import datetime
from email import encoders
from email.mime.base import MIMEBase
from email.utils import formatdate

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.utils.module_loading import import_string


class Message(EmailMultiAlternatives):
    """A Django e-mail that may also carry iCalendar parts (iTIP, RFC 6047): each becomes a
    text/calendar alternative with its METHOD, base64-encoded so that its CRLF line ends reach
    the calendar client byte for byte. Calendar parts need an HTML or text alternative beside
    them (the multipart/alternative they join)."""

    def __init__(self, *args, calendars: list[tuple[bytes, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendars = list(calendars or [])

    def attach_calendar(self, calendar: bytes, *, method: str) -> None:
        self.calendars.append((calendar, method))

    def message(self):
        msg = super().message()
        if self.calendars:
            alternative = next(
                (p for p in msg.walk() if p.get_content_type() == "multipart/alternative"), None
            )
            if alternative is None:
                raise ValueError("A calendar part needs another alternative beside it.")
            for calendar, method in self.calendars:
                part = MIMEBase("text", "calendar", method=method, charset="UTF-8")
                part.set_payload(calendar)
                encoders.encode_base64(part)
                alternative.attach(part)
        return msg


def _b64(data: bytes | str) -> str:
    raw = data.encode() if isinstance(data, str) else data
    return base64.b64encode(raw).decode("ascii")


def to_content(message: EmailMessage, *, date: datetime) -> dict:
    """Everything but the subject and recipient, JSON-ready, dated `date` (unless the message
    carries its own Date): every copy sent, first or resent, is then the same message. Refuses
    what the outbox cannot keep (copies to other addresses: one row per recipient; ready-made
    MIME parts)."""
    if message.cc or message.bcc:
        raise ValueError("The outbox sends one message per recipient: no cc or bcc.")
    attachments = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            raise ValueError("Attach files by name, content and type, not as MIME parts.")
        name, data, mimetype = attachment
        attachments.append({"name": name, "mimetype": mimetype, "data": _b64(data)})
    headers = {k: v for k, v in message.extra_headers.items() if k.lower() != "message-id"}
    if not any(k.lower() == "date" for k in headers):
        headers["Date"] = formatdate(date.timestamp(), localtime=settings.EMAIL_USE_LOCALTIME)
    return {
        "from": message.from_email,
        "reply_to": list(message.reply_to),
        "headers": headers,
        "body": message.body,
        "alternatives": [[content, mimetype] for content, mimetype in _alternatives(message)],
        "attachments": attachments,
        "calendars": [[_b64(data), method] for data, method in getattr(message, "calendars", [])],
    }


def _alternatives(message: EmailMessage):
    for content, mimetype in getattr(message, "alternatives", []):
        if not isinstance(content, str):
            raise ValueError("Alternatives are text.")
        yield content, mimetype


def render_queued(content: dict) -> EmailMessage:
    """Render a mail queued to be rendered when sent (see outbox.services.queue_render)."""
    return import_string(content["render"])(*content["args"])


def build_message(*, to: str, subject: str, message_id: str, content: dict) -> Message:
    """The message to send, as it is stored (rendered: see outbox.sending.render_once)."""
    if "render" in content:
        raise ValueError("A mail queued to be rendered is rendered and stored before it is sent.")
    message = Message(
        subject=subject,
        body=content["body"],
        from_email=content["from"],
        to=[to],
        reply_to=content["reply_to"] or None,
        headers={**content["headers"], "Message-ID": message_id},
        calendars=[(base64.b64decode(data), method) for data, method in content["calendars"]],
    )
    for alternative, mimetype in content["alternatives"]:
        message.attach_alternative(alternative, mimetype)
    for attachment in content["attachments"]:
        message.attach(
            attachment["name"], base64.b64decode(attachment["data"]), attachment["mimetype"]
        )
    return message
