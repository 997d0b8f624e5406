"""Calendars follow workshops and seats: the lower apps announce a change (signals), this app
queues the sync, after commit."""

from django.dispatch import receiver

from registrations import signals as registration_signals
from workshops import signals as workshop_signals

from .tasks import sync_registration_invites, sync_workshop_invites


@receiver(workshop_signals.calendar_changed)
def sync_workshop_calendars(sender, workshop, **kwargs):
    sync_workshop_invites.delay_on_commit(workshop.pk)


@receiver(registration_signals.seat_changed)
def sync_officer_calendar(sender, registration, **kwargs):
    sync_registration_invites.delay_on_commit(registration.pk)
