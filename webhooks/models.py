"""Webhooks: endpoints that coordinators and focal points register, the events the site
records for them, and one delivery per event and endpoint.

An `Event` is written in the transaction of the change it reports (nothing reported for a change
that rolled back); after commit it is fanned out to the endpoints whose owners may hear of it
then, one `Delivery` each, sent outside any transaction: claimed by a conditional update, marked
after the answer. At least once: a receiver drops a repeat by its event id.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    REGISTRATION_CHANGED = "registration.changed", _("Registration state changed")
    WORKSHOP_CHANGED = "workshop.changed", _("Workshop changed")
    WORKSHOP_CANCELLED = "workshop.cancelled", _("Workshop cancelled")
    ATTENDANCE_CLOSED = "attendance.closed", _("Attendance closed")
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")
    # A test event an owner sends to their own endpoint; nobody subscribes to it.
    PING = "ping", _("Test event")


SUBSCRIBABLE = [choice for choice in EventType.choices if choice[0] != EventType.PING]


class EndpointQuerySet(models.QuerySet):
    def owned_by(self, user) -> EndpointQuerySet:
        """An endpoint is its owner's only: anyone else (other coordinators, program admins
        included) gets a 404, as its secret and delivery log are theirs."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(owner=user)


class Endpoint(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    # Kept in clear: it signs every delivery. Shown to the owner only when made or rotated.
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def event_type_labels(self) -> list[str]:
        labels = dict(EventType.choices)
        return [str(labels.get(kind, kind)) for kind in self.event_types]


class EventQuerySet(models.QuerySet):
    def not_fanned_out(self) -> EventQuerySet:
        return self.filter(fanned_out_at=None)

    def expired(self, now=None) -> EventQuerySet:
        cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_KEEP_DAYS)
        return self.filter(created_at__lt=cutoff)


class Event(models.Model):
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(max_length=40, choices=EventType)
    # Ids and states only (never a name or an address): the payload's "data".
    data = models.JSONField(default=dict)
    # Whom it concerns: the workshop's region (its coordinators; filled in at fan-out from the
    # data's workshop_id when the receiver did not have it) and the agencies of the officers it
    # is about (their focal points); empty for a ping.
    region_id = models.IntegerField(null=True, blank=True)
    agency_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when its deliveries were made (by the task after commit, or by the sweep).
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="webhooks_event_pending",
                condition=Q(fanned_out_at=None),
            ),
            models.Index(fields=["created_at"], name="webhooks_event_created"),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.event_id}"


class DeliveryQuerySet(models.QuerySet):
    def owned_by(self, user) -> DeliveryQuerySet:
        """Deliveries to the user's own endpoints."""
        return self.filter(endpoint__in=Endpoint.objects.owned_by(user))

    def due(self, now=None) -> DeliveryQuerySet:
        return self.filter(
            status=Delivery.Status.PENDING,
            next_attempt_at__lte=now or timezone.now(),
            endpoint__is_active=True,
        )

    def expired(self, now=None) -> DeliveryQuerySet:
        cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_KEEP_DAYS)
        return self.filter(created_at__lt=cutoff).exclude(status=Delivery.Status.SENDING)


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Given up")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The last attempt's answer: its HTTP status and the start of its body, or why none came.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    last_error = models.TextField(blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # Fanning an event out twice makes no second delivery.
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhooks_one_delivery")
        ]
        indexes = [
            models.Index(
                fields=["status", "next_attempt_at"],
                name="webhooks_delivery_due",
                condition=Q(status__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint}"
