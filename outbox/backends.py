"""The site's EMAIL_BACKEND: every `message.send()` (allauth's mails, Django's, ours) lands in the
outbox in the caller's transaction; the outbox sends it with OUTBOX_EMAIL_BACKEND."""

from django.core.mail.backends.base import BaseEmailBackend

from .services import queue_mail


class OutboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            queue_mail(message, kind="account")
        return len(email_messages)
