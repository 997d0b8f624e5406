"""Registrations follow their workshop: the scheduling service announces the change
(workshops.signals), this app makes it on the registrations in the same transaction."""

from django.dispatch import receiver
from django.utils.translation import ngettext

from attendees import signals as officer_signals
from attendees.models import User
from workshops import signals as workshop_signals
from workshops.models import Workshop
from workshops.services.scheduling import SchedulingError

from .services import (
    cancel_workshop_registrations,
    count_clashing_confirmations,
    fill_free_seats,
    fill_seats_waited_by,
    withdraw_registrations,
)


@receiver(workshop_signals.workshop_cancelled)
def cancel_registrations_of_cancelled_workshop(sender, workshop, actor, reason, **kwargs):
    cancel_workshop_registrations(workshop_id=workshop.pk, by=actor, reason=reason)


@receiver(workshop_signals.seats_added)
def fill_added_seats(sender, workshop, actor, **kwargs):
    fill_free_seats(workshop_id=workshop.pk, by=actor)


@receiver(workshop_signals.sessions_moved)
def refuse_double_booking(sender, workshop: Workshop, **kwargs):
    """No reschedule double-books an officer: refused rather than unseating anyone; the count,
    not the names (the other workshop may be another region's)."""
    clashing = count_clashing_confirmations(workshop=workshop)
    if clashing:
        raise SchedulingError(
            ngettext(
                "%(count)d officer confirmed for this workshop is also confirmed for another "
                "workshop at the new times. Choose other times, or have the registration for "
                "one of the two cancelled first.",
                "%(count)d officers confirmed for this workshop are also confirmed for other "
                "workshops at the new times. Choose other times, or have the registration for "
                "one of the two cancelled first.",
                clashing,
            )
            % {"count": clashing}
        )


@receiver(officer_signals.officer_withdrawn)
def withdraw_seats_of_withdrawn_officer(sender, officer: User, by: User, reason: str, **kwargs):
    # A decision, not a lapse: their seats go to the waitlist now, each registration through
    # its usual steps (history, e-mail, calendar cancellation). Reinstating gives none back.
    withdraw_registrations(officer=officer, by=by, reason=reason)


@receiver(officer_signals.access_restored)
def seat_officers_whose_access_returned(sender, officers, **kwargs):
    fill_seats_waited_by(officers=officers)
