"""Sending what the outbox holds: claim, talk to SMTP outside any transaction, mark.

One retry policy for every mail: a failed attempt waits OUTBOX_RETRY_SECONDS, doubling each
time up to an hour, jittered (never 0 s); a refusal the server calls permanent (5xx), an error in
the message itself, or OUTBOX_MAX_ATTEMPTS attempts give it up. Given-up mails show on the
failed-deliveries page and never hold back later mails to the same address.
"""

from __future__ import annotations

import logging
import random
import smtplib
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db.models import F
from django.utils import timezone

from trainingsite.mail import header_text

from .messages import build_message, render_queued, to_content
from .models import Mail

logger = logging.getLogger(__name__)
Status = Mail.Status

# Errors after which the connection is gone: the rest of a batch waits for the next attempt.
CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError)
MAX_DELAY = 3600


def retry_delay(attempts: int, first: int | None = None) -> timedelta:
    """The wait after `attempts` failed attempts: `first` seconds (OUTBOX_RETRY_SECONDS),
    doubling each time up to an hour, jittered. Webhook deliveries wait the same way."""
    base = (first or settings.OUTBOX_RETRY_SECONDS) * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(base, MAX_DELAY) * random.uniform(1, 1.25))


def is_permanent(error: BaseException) -> bool:
    """A 5xx answer, or anything that is not a mail or network error (the message itself is
    broken: sending it again changes nothing)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return not isinstance(error, smtplib.SMTPException | OSError)


def claim(pk: int) -> Mail | None:
    """Take the mail for sending if it is due and first in line for its address; committed
    before SMTP is asked, so a second worker finds nothing to take."""
    now = timezone.now()
    taken = (
        Mail.objects.due(now)
        .first_in_line()
        .filter(pk=pk)
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    return Mail.objects.get(pk=pk) if taken else None


def mine(mail: Mail):
    """The row while it is still this sender's claim: one taken back (its sender stalled past
    the claim timeout) and claimed again is the new sender's to mark."""
    return Mail.objects.filter(pk=mail.pk, status=Status.SENDING, claimed_at=mail.claimed_at)


def render_once(mail: Mail) -> bool:
    """Render a mail queued to be rendered when sent and store it, before SMTP is asked: a
    retry after an unknown outcome sends what this attempt sends, not what the rows it reads
    (workshop times, the officer's name or language) say by then. False if the claim was taken
    back meanwhile: the new sender renders it."""
    rendered = render_queued(mail.content)
    mail.subject = header_text(str(rendered.subject))
    mail.content = to_content(rendered, date=mail.created_at)
    return mine(mail).update(subject=mail.subject, content=mail.content) == 1


def mark_sent(mail: Mail) -> None:
    mine(mail).update(status=Status.SENT, sent_at=timezone.now(), last_error="")


def mark_failed(mail: Mail, error: BaseException | str) -> None:
    """Count a failed attempt: the mail is retried later or given up."""
    text = (f"{type(error).__name__}: {error}" if isinstance(error, BaseException) else error)[
        :2000
    ]
    permanent = isinstance(error, BaseException) and is_permanent(error)
    if permanent or mail.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        logger.error("Gave up e-mail #%s to %s: %s", mail.pk, mail.to, text)
        changes: dict[str, object] = {"status": Status.FAILED}
    else:
        changes = {
            "status": Status.READY,
            "next_attempt_at": timezone.now() + retry_delay(mail.attempts),
        }
    mine(mail).update(last_error=text, **changes)


def next_in_line(mail: Mail) -> int | None:
    """The oldest mail that was waiting behind this one, if it is due."""
    return (
        Mail.objects.due()
        .filter(to=mail.to, pk__gt=mail.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def send_mails(ids: Iterable[int]) -> int:
    """Send these mails, and then the ones to the same addresses that waited behind them, over
    one connection; returns how many went out. Safe to run twice, or beside another sender."""
    queue = sorted(set(ids))
    connection = None
    sent = 0
    try:
        while queue:
            mail = claim(queue.pop(0))
            if mail is None:
                continue
            message = None
            try:
                if "render" in mail.content and not render_once(mail):
                    continue
                message = build_message(
                    to=mail.to,
                    subject=mail.subject,
                    message_id=mail.message_id,
                    content=mail.content,
                )
                if connection is None:
                    connection = get_connection(settings.OUTBOX_EMAIL_BACKEND)
                    connection.open()
                if connection.send_messages([message]) != 1:
                    raise smtplib.SMTPException("The mail backend did not take the message.")
            except Exception as exc:
                mark_failed(mail, exc)
                if isinstance(exc, CONNECTION_ERRORS):
                    break  # the server is gone: the rest waits for the next attempt
                if message is None or not isinstance(exc, smtplib.SMTPException | OSError):
                    logger.exception("E-mail #%s could not be built or sent", mail.pk)
                continue
            mark_sent(mail)
            sent += 1
            following = next_in_line(mail)
            if following is not None and following not in queue:
                queue.insert(0, following)
    finally:
        if connection is not None:
            try:
                connection.close()
            except CONNECTION_ERRORS:
                pass
    return sent


def release_stale_claims(now=None) -> int:
    """Claims older than OUTBOX_CLAIM_TIMEOUT: the sender died mid-send (the message may have
    gone out). Counted as a failed attempt, so they are sent again or given up."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    stale = list(Mail.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff))
    for mail in stale:
        mark_failed(mail, "The sender stopped during the send (claim expired).")
    return len(stale)


def due_ids(now=None, limit: int = 1000) -> list[int]:
    """Mails the sweep sends: due, and first in line for their address."""
    return list(
        Mail.objects.due(now).first_in_line().order_by("pk").values_list("pk", flat=True)[:limit]
    )
