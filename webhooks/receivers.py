"""Receivers of the signals the layers below send: each records one Event (events.py)."""

from django.dispatch import receiver

from attendance.signals import certificate_issued, certificate_revoked, workshop_closed
from registrations.signals import registration_changed
from workshops.models import Workshop
from workshops.signals import calendar_changed, workshop_cancelled

from . import events
from .models import EventType


@receiver(registration_changed, dispatch_uid="webhooks.registration_changed")
def registration_moved(sender, event, **kwargs):
    events.record_registration_change(event)


@receiver(calendar_changed, dispatch_uid="webhooks.workshop_changed")
def workshop_changed(sender, workshop, **kwargs):
    # A cancellation sends this too: `workshop.cancelled` reports it.
    if workshop.status != Workshop.Status.CANCELLED:
        events.record_workshop_event(workshop, EventType.WORKSHOP_CHANGED)


@receiver(workshop_cancelled, dispatch_uid="webhooks.workshop_cancelled")
def workshop_was_cancelled(sender, workshop, **kwargs):
    events.record_workshop_event(workshop, EventType.WORKSHOP_CANCELLED)


@receiver(workshop_closed, dispatch_uid="webhooks.attendance_closed")
def attendance_closed(sender, workshop, **kwargs):
    events.record_workshop_event(workshop, EventType.ATTENDANCE_CLOSED)


@receiver(certificate_issued, dispatch_uid="webhooks.certificate_issued")
def certificate_was_issued(sender, certificate, **kwargs):
    events.record_certificate_event(certificate, EventType.CERTIFICATE_ISSUED)


@receiver(certificate_revoked, dispatch_uid="webhooks.certificate_revoked")
def certificate_was_revoked(sender, certificate, **kwargs):
    events.record_certificate_event(certificate, EventType.CERTIFICATE_REVOKED)
