"""The outbox: every e-mail the site sends is a `Mail` row first.

A row is written in the transaction of the change that causes it (nothing sent for a change that
rolled back, nothing lost for one that committed), claimed by a conditional update before the SMTP
conversation (ready → sending, committed), and marked sent after it; no transaction is open while
SMTP talks. A worker that dies mid-send leaves its claim behind, and the sweep sends the message
again once the claim is old: at least once, with the same Message-ID, which mail systems use to
drop the duplicate.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MailQuerySet(models.QuerySet):
    def visible_to(self, user) -> MailQuerySet:
        """Program admins see every mail; coordinators those about their regions' workshops."""
        if not user.is_authenticated or not user.is_coordinator:
            return self.none()
        if user.is_program_admin:
            return self
        return self.filter(workshop__region__in=user.coordinated_region_ids)

    def given_up(self) -> MailQuerySet:
        return self.filter(status=Mail.Status.FAILED)

    def unsent(self) -> MailQuerySet:
        return self.filter(status__in=(Mail.Status.READY, Mail.Status.SENDING))

    def expired(self, now=None) -> MailQuerySet:
        """Sent or given up more than OUTBOX_KEEP_DAYS ago: each holds its recipient's address
        and what it told them, kept only as long as someone may ask what was sent."""
        cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_DAYS)
        done = self.filter(status__in=(Mail.Status.SENT, Mail.Status.FAILED))
        return done.filter(created_at__lt=cutoff)

    def due(self, now=None) -> MailQuerySet:
        return self.filter(status=Mail.Status.READY, next_attempt_at__lte=now or timezone.now())

    def first_in_line(self) -> MailQuerySet:
        """Mails with no older unsent mail to the same address: one person's mails go out in
        the order of the changes they report (a mail given up holds nothing back)."""
        older = Mail.objects.unsent().filter(to=models.OuterRef("to"), pk__lt=models.OuterRef("pk"))
        return self.filter(~models.Exists(older))


class Mail(models.Model):
    class Status(models.TextChoices):
        READY = "ready", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    # What the mail is about, for the failed-deliveries page: "registration", "invite", …
    kind = models.CharField(_("kind"), max_length=40)
    to = models.CharField(_("recipient"), max_length=254)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The object the mail is about ("certificate:12"), so a change that makes it wrong (a
    # revocation) can withdraw it before it goes out.
    topic = models.CharField(max_length=80, blank=True, db_index=True)
    # Kept across every retry, so a resend after an unknown outcome can be recognised.
    message_id = models.CharField(max_length=255, db_index=True)
    subject = models.TextField(_("subject"))
    # The rest of the message (outbox/messages.py), Date included, as rendered when it was
    # queued; one queued to be rendered when sent is stored here at its first claim.
    content = models.JSONField(default=dict)

    status = models.CharField(max_length=8, choices=Status, default=Status.READY)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = MailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        indexes = [
            # The sweep's and the sender's reads: what is due, what waits behind what.
            models.Index(
                fields=["status", "next_attempt_at"],
                name="outbox_mail_due",
                condition=Q(status__in=["ready", "sending"]),
            ),
            models.Index(fields=["to", "id"], name="outbox_mail_to"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}: {self.subject}"
