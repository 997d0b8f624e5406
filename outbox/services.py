"""Outbox writes: queue a message in the caller's transaction; retry one that was given up."""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_audit
from trainingsite.errors import ServiceError
from trainingsite.mail import header_text

from .messages import to_content
from .models import Mail
from .tasks import send_mails


class MailNotRetryable(ServiceError):
    pass


def new_message_id() -> str:
    return make_msgid(domain=urlsplit(settings.SITE_URL).hostname or "localhost")


def queue_mail(
    message: EmailMessage, *, kind: str, recipient=None, workshop=None, topic: str = ""
) -> list[Mail]:
    """Write the message to the outbox, one row per recipient, in the caller's transaction;
    it is sent once that commits (and by the sweep if that send is lost)."""
    about = {"kind": kind, "recipient": recipient, "workshop": workshop, "topic": topic}
    return queue_mails([(message, about)])


def queue_mails(items: list[tuple[EmailMessage, dict]]) -> list[Mail]:
    """Several messages, `(message, {"kind": …, "recipient": …, "workshop": …, "topic": …})`
    each, with one send task for all of them."""
    now = timezone.now()
    rows = []
    for message, about in items:
        content = to_content(message, date=now)
        given_id = message.extra_headers.get("Message-ID")
        for address in message.to:
            rows.append(
                Mail(
                    kind=about["kind"],
                    to=address,
                    recipient=about.get("recipient"),
                    workshop=about.get("workshop"),
                    topic=about.get("topic", ""),
                    message_id=given_id or new_message_id(),
                    subject=header_text(str(message.subject)),
                    content=content,
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    mails = Mail.objects.bulk_create(rows)
    ids = [mail.pk for mail in mails]
    if ids:
        send_mails.delay_on_commit(ids)
    return mails


def queue_render(
    *, render: str, args: list, to: str, kind: str, recipient=None, workshop=None
) -> Mail:
    """Queue a mail rendered when it is first sent, by the function at the dotted path `render`
    called with `args` (plain values: ids), in the recipient's language: for a mail queued under
    a lock many requests wait for, where rendering it there would hold them all up. It is
    rendered once, at its first claim, and stored: a retry sends that same message, whatever
    the rows it was rendered from say by then."""
    now = timezone.now()
    mail = Mail.objects.create(
        kind=kind,
        to=to,
        recipient=recipient,
        workshop=workshop,
        message_id=new_message_id(),
        subject="",
        content={"render": render, "args": list(args)},
        created_at=now,
        next_attempt_at=now,
    )
    send_mails.delay_on_commit([mail.pk])
    return mail


def withdraw_mails(*, topic: str) -> int:
    """Drop the mails about `topic` not sent yet (one being sent at this moment still goes);
    in the caller's transaction. Returns how many were withdrawn."""
    deleted, _by_model = Mail.objects.filter(topic=topic, status=Mail.Status.READY).delete()
    return deleted


@transaction.atomic
def retry_mail(*, mail: Mail, actor) -> Mail:
    """A coordinator's retry of a mail given up: its attempts start again."""
    mail = Mail.objects.select_for_update().get(pk=mail.pk)
    if mail.status != Mail.Status.FAILED:
        raise MailNotRetryable(_("This message is not waiting for a retry."))
    mail.status, mail.attempts, mail.next_attempt_at = Mail.Status.READY, 0, timezone.now()
    mail.save(update_fields=["status", "attempts", "next_attempt_at"])
    record_audit(
        actor=actor,
        action="outbox.retry",
        summary=f"Retried e-mail #{mail.pk} ({mail.kind})",
        target=mail,
        kind=mail.kind,
        last_error=mail.last_error[:200],
    )
    send_mails.delay_on_commit([mail.pk])
    return mail
