"""Delivery tracking for the outbox. The work itself lives in the rows the tasks claim
(`RegistrationEvent.notified_at`, `Certificate.emailed_at`, pending `InviteRequest`s); a
`Delivery` row exists only once a send has failed: it counts the attempts, keeps the last error
and marks the work given up, so a coordinator can see it and retry it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user) -> DeliveryQuerySet:
        """Coordinators see the deliveries of the workshops of their regions."""
        from workshops.models import Workshop

        if not user.is_authenticated or not user.has_program_access or not user.is_coordinator:
            return self.none()
        if user.is_program_admin:
            return self
        return self.filter(workshop__in=Workshop.objects.editable_by(user).values("pk"))

    def given_up(self) -> DeliveryQuerySet:
        return self.filter(given_up_at__isnull=False, sent_at=None)

    def pending(self) -> DeliveryQuerySet:
        return self.filter(given_up_at=None, sent_at=None)


class Delivery(models.Model):
    class Kind(models.TextChoices):
        REGISTRATION_EVENT = "registration_event", _("Registration e-mail")
        CERTIFICATE = "certificate", _("Certificate e-mail")
        INVITE = "invite", _("Calendar invite")

    kind = models.CharField(max_length=32, choices=Kind)
    object_id = models.PositiveBigIntegerField()
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, null=True, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    last_attempt_at = models.DateTimeField(default=timezone.now)
    given_up_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-last_attempt_at", "-pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="outbox_delivery_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id}"
