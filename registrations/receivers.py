"""Registrations follow their workshop: the scheduling service announces the change
(workshops.signals), this app makes it on the registrations in the same transaction."""

from django.dispatch import receiver

from workshops import signals as workshop_signals

from .services import cancel_workshop_registrations, fill_free_seats


@receiver(workshop_signals.workshop_cancelled)
def cancel_registrations_of_cancelled_workshop(sender, workshop, actor, reason, **kwargs):
    cancel_workshop_registrations(workshop_id=workshop.pk, by=actor, reason=reason)


@receiver(workshop_signals.seats_added)
def fill_added_seats(sender, workshop, actor, **kwargs):
    fill_free_seats(workshop_id=workshop.pk, by=actor)
