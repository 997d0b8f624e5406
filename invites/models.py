from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_feed_token() -> str:
    # 256 bits from the OS CSPRNG, URL-safe: the token is the only credential of a feed URL.
    return secrets.token_urlsafe(32)


def new_invite_uid() -> str:
    """A random UID, stored once per recipient and session: it never changes and reveals no
    ids."""
    from urllib.parse import urlsplit

    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"{uuid.uuid4()}@{host}"


class CalendarFeedQuerySet(models.QuerySet):
    def of_user(self, user) -> CalendarFeedQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class CalendarFeed(models.Model):
    """A user's private calendar subscription: the token in the URL is its only credential."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)
    token_reset_at = models.DateTimeField(null=True, blank=True)
    # Hash of the last body served and when it last changed: exact ETag / Last-Modified even
    # for changes that touch no timestamp (a deleted session).
    content_hash = models.CharField(max_length=64, blank=True)
    content_changed_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class InviteDeliveryQuerySet(models.QuerySet):
    def of_user(self, user) -> InviteDeliveryQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def for_workshop(self, workshop_id: int) -> InviteDeliveryQuerySet:
        return self.filter(workshop_id=workshop_id)

    def live(self) -> InviteDeliveryQuerySet:
        """Rows whose last message put the event into the recipient's calendar."""
        return self.filter(method=InviteDelivery.Method.REQUEST)


class InviteDelivery(models.Model):
    """What one recipient's calendar holds for one session: the last iTIP message queued. A
    queued message may have gone out, so it counts as sent: a REQUEST possibly delivered is
    cancelled with the next sequence, and a CANCEL of an event never received is harmless.

    The row outlives the session (session set to NULL, `session_ref` kept) so that a removed
    session can still be cancelled with the UID, times and sequence last sent.
    """

    class Method(models.TextChoices):
        REQUEST = "REQUEST", _("Invitation")
        CANCEL = "CANCEL", _("Cancellation")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invite_deliveries"
    )
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="invite_deliveries"
    )
    session = models.ForeignKey(
        "workshops.WorkshopSession",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invite_deliveries",
    )
    session_ref = models.PositiveBigIntegerField(help_text="Primary key of the session, kept.")
    uid = models.CharField(max_length=255, unique=True, default=new_invite_uid)
    # Nothing sent yet: method blank and sequence null.
    sequence = models.PositiveIntegerField(null=True, blank=True)
    method = models.CharField(max_length=7, choices=Method, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    # The event as last sent (summary, times, zone, location), to cancel a deleted session.
    sent_event = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = InviteDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "user", "session_ref"]
        verbose_name = _("invite delivery")
        verbose_name_plural = _("invite deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "session_ref"], name="invitedelivery_unique_user_session"
            )
        ]
        indexes = [models.Index(fields=["workshop", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.session_ref}: {self.method or '-'} #{self.sequence}"

    @property
    def next_sequence(self) -> int:
        return 0 if self.sequence is None else self.sequence + 1


class ReminderDelivery(models.Model):
    """One reminder per registration and offset, recorded in the transaction that queues it,
    so a second beat run or a concurrent worker never queues it again."""

    registration = models.ForeignKey(
        "registrations.Registration", on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name = _("workshop reminder")
        verbose_name_plural = _("workshop reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "days_before"], name="reminderdelivery_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} −{self.days_before}d"
