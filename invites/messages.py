"""The e-mail that carries one iTIP message (RFC 6047): text, HTML and text/calendar
alternatives plus the same calendar as an invite.ics attachment."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from outbox.messages import Message
from trainingsite import when
from trainingsite.mail import build_templated_email

from .events import SessionEvent
from .ical import invite_calendar_bytes


def message_id_for(*, uid: str, sequence: int, method: str) -> str:
    """Deterministic per UID, sequence and method: a resend after an unknown outcome carries
    the same Message-ID, which mail systems de-duplicate."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    local = uid.split("@", 1)[0].replace("-", "")
    return f"<{local}.{sequence}.{method.lower()}@{host}>"


def _when(value: dt.datetime, time_zone: str) -> str:
    return when.datetime(value, time_zone)


# Stands for the recipient's name in texts rendered once for many recipients; a character
# from Unicode's private use area, so no name, translation or escaping produces it.
NAME_SLOT = "\ue000name\ue000"


def build_invite_email(
    *,
    recipient,
    event: SessionEvent,
    method: str,
    uid: str,
    sequence: int,
    dtstamp: dt.datetime,
    is_update: bool,
    texts: dict | None = None,
) -> Message:
    """One session's REQUEST (new or update) or CANCEL, in the recipient's language.

    `texts`, shared by the messages of one batch, keeps the rendered subject and bodies per
    language, event and time zone: a fan-out renders them once, not once per recipient."""
    language = recipient.language or settings.LANGUAGE_CODE
    calendar = invite_calendar_bytes(
        event=event,
        method=method,
        uid=uid,
        sequence=sequence,
        dtstamp=dtstamp,
        recipient_email=recipient.email,
        recipient_name=recipient.full_name,
    )
    kind = "cancel" if method == "CANCEL" else ("update" if is_update else "new")
    own_zone = recipient.time_zone if recipient.time_zone != event.time_zone else ""
    key = (language, kind, event, own_zone)
    if texts is None or key not in texts:
        rendered = _render_texts(language=language, kind=kind, event=event, own_zone=own_zone)
        if texts is not None:
            texts[key] = rendered
    else:
        rendered = texts[key]
    subject, body, alternatives = rendered
    name = recipient.full_name
    message = Message(
        subject=subject,
        body=body.replace(NAME_SLOT, name),
        to=[recipient.email],
        headers={
            "Message-ID": message_id_for(uid=uid, sequence=sequence, method=method),
            # Automated mail: no out-of-office replies to the program's address.
            "Auto-Submitted": "auto-generated",
            "X-Auto-Response-Suppress": "All",
        },
    )
    for content, mimetype in alternatives:
        message.attach_alternative(content.replace(NAME_SLOT, escape(name)), mimetype)
    # Most preferred last: the calendar part; and the same calendar as a file to import.
    message.attach_calendar(calendar, method=method)
    message.attach("invite.ics", calendar, "application/ics")
    return message


def _render_texts(*, language: str, kind: str, event: SessionEvent, own_zone: str):
    """(subject, text body, [(html, "text/html")]) with NAME_SLOT for the name."""
    with translation.override(language):
        context = {
            "recipient_name": NAME_SLOT,
            "event": event,
            "kind": kind,
            "starts": _when(event.start, event.time_zone),
            "ends": _when(event.end, event.time_zone),
            "starts_for_recipient": _when(event.start, own_zone) if own_zone else "",
        }
    templated = build_templated_email(
        to="", template="invites/email/invite", context=context, language=language
    )
    return templated.subject, templated.body, list(templated.alternatives)
