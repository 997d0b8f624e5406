"""Seats of a workshop held for an agency (`SeatReservation`): a coordinator of the workshop's
region holds them, changes them or gives them back; beat gives them back at their date.

Any active agency may be given seats, whatever its region: officers of every region attend
every workshop, and the seats are the workshop's, so its coordinators decide. Reservations are
read and changed only under the workshop's row lock, as the seats they hold back (the seat
rule, `seats.free_seats`); seats returned to the pool go to the waitlist first (`_promote`), as
any freed seat. A reservation past its date holds until it is released: the seats stay the
agency's for the few minutes until the release job runs, and never pass to whoever registers
first in between.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from attendees.models import Agency, User
from audit.services import record_audit
from registrations.models import Registration, SeatReservation
from trainingsite import when
from workshops.models import Workshop

from .registration import _lock_workshop, _promote
from .seats import RegistrationError, SeatPool, lock_workshop

State = Registration.State


def _lock_managed_workshop(workshop_id: int, by: User) -> Workshop:
    try:
        managed = Workshop.objects.editable_by(by).filter(pk=workshop_id).exists()
    except (ValueError, TypeError):
        managed = False
    if not by.is_coordinator or not managed:
        raise RegistrationError(_("You cannot manage this workshop."))
    return _lock_workshop(workshop_id)


def _check_until(workshop: Workshop, until: dt.datetime, now: dt.datetime) -> None:
    if until <= now:
        raise RegistrationError(_("Hold the seats until a date in the future."))
    if workshop.starts_at is not None and until > workshop.starts_at:
        raise RegistrationError(
            _("Seats can be held until the workshop starts (%(when)s) at the latest.")
            % {"when": when.datetime(workshop.starts_at, workshop.time_zone)}
        )


def _filled(workshop: Workshop, agency_id: int) -> int:
    """The agency's endorsed officers confirmed on the workshop (`SeatReservation.filled`)."""
    return Registration.objects.filter(
        workshop=workshop,
        state=State.CONFIRMED,
        endorsed_by__isnull=False,
        officer__agency_id=agency_id,
    ).count()


def _audit(reservation: SeatReservation, *, by: User | None, verb: str, **data) -> None:
    record_audit(
        actor=by,
        action=f"seat_reservation.{verb}",
        summary=(
            f"Seat reservation #{reservation.pk} {verb}: {reservation.seats} seats of workshop "
            f"#{reservation.workshop_id} for agency #{reservation.agency_id}"
        ),
        target=reservation,
        seats=reservation.seats,
        until=reservation.until.isoformat(),
        **data,
    )


@transaction.atomic
def reserve_seats(
    *,
    workshop_id: int,
    agency_id: int,
    seats: int,
    until: dt.datetime,
    by: User,
    note: str = "",
) -> SeatReservation:
    """Hold `seats` of a workshop for an agency until `until`, or change the agency's held
    reservation (one per agency and workshop). Refused: a workshop over, cancelled or started;
    an agency not active, or the coordinator's own; fewer than one seat, more than the agency's
    cap, or more than are free for it now (the open seats and its own unfilled reserved ones;
    its endorsed officers already confirmed count towards the reservation); a date past or
    after the start. Fewer
    seats held than before return to the pool, and the waitlist moves up."""
    workshop = _lock_managed_workshop(workshop_id, by)
    now = timezone.now()
    if workshop.status not in (Workshop.Status.DRAFT, Workshop.Status.PUBLISHED):
        raise RegistrationError(_("Seats are held only on a draft or published workshop."))
    if workshop.starts_at is not None and workshop.starts_at <= now:
        raise RegistrationError(_("This workshop has already started."))
    try:
        agency = Agency.objects.active().filter(pk=agency_id).first()
    except (ValueError, TypeError):
        agency = None
    if agency is None:
        raise RegistrationError(_("Choose an active agency."))
    if agency.pk == by.agency_id:
        # As with the agency's own requests: seats for one's own agency are another's call.
        raise RegistrationError(
            _("Seats for your own agency are held by another coordinator of the region.")
        )
    if seats < 1:
        raise RegistrationError(_("Hold at least one seat."))
    cap = workshop.agency_seat_cap
    if cap is not None and seats > cap:
        raise RegistrationError(
            ngettext(
                "This workshop takes at most %(cap)s officer of each agency: hold no more.",
                "This workshop takes at most %(cap)s officers of each agency: hold no more.",
                cap,
            )
            % {"cap": cap}
        )
    _check_until(workshop, until, now)
    pool = SeatPool.read(workshop)
    filled = _filled(workshop, agency.pk)
    held = SeatReservation.objects.held().filter(workshop=workshop, agency=agency).first()
    free = max(pool.open_seats, 0) + pool.reserved.get(agency.pk, 0)
    if seats - filled > free:
        raise RegistrationError(
            _(
                "Only %(most)s seats can be held for %(agency)s now: %(free)s free and "
                "%(filled)s taken by officers it endorsed."
            )
            % {"most": free + filled, "agency": agency.name, "free": free, "filled": filled}
        )
    note = note.strip()[:300]
    if held is None:
        reservation = SeatReservation.objects.create(
            workshop=workshop, agency=agency, seats=seats, until=until, note=note, created_by=by
        )
        _audit(reservation, by=by, verb="reserved", message=note)
        return reservation
    before = {"seats": held.seats, "until": held.until.isoformat(), "note": held.note}
    held.seats, held.until, held.note = seats, until, note
    held.save(update_fields=["seats", "until", "note"])
    _audit(held, by=by, verb="changed", message=note, before=before)
    if seats < before["seats"]:
        _promote(workshop, actor=None)
    return held


def _release(
    reservation: SeatReservation, *, by: User | None, due_at: dt.datetime | None = None
) -> bool:
    """Mark the reservation released unless it already is (or, `due_at`, its date moved past
    it): a conditional update, so two releases never both count. Caller holds the workshop
    lock; the time recorded is taken under it (seats confirmed before it were still held)."""
    rows = SeatReservation.objects.filter(pk=reservation.pk, released_at__isnull=True)
    if due_at is not None:
        rows = rows.filter(until__lte=due_at)
    now = timezone.now()
    if rows.update(released_at=now, released_by=by) == 0:
        return False
    reservation.released_at, reservation.released_by = now, by
    _audit(reservation, by=by, verb="released", by_the_system=by is None)
    return True


@transaction.atomic
def release_reservation(*, reservation_id: int, by: User) -> SeatReservation:
    """A coordinator returns a reservation's unfilled seats to the pool now; the waitlist moves
    up into them."""
    try:
        reservation = SeatReservation.objects.managed_by(by).filter(pk=reservation_id).first()
    except (ValueError, TypeError):
        reservation = None
    if reservation is None or not by.is_coordinator or not by.has_program_access:
        raise RegistrationError(_("You cannot manage this reservation."))
    workshop = _lock_workshop(reservation.workshop_id)
    if not _release(reservation, by=by):
        raise RegistrationError(_("These seats were already returned to the pool."))
    _promote(workshop, actor=None)
    return reservation


def release_due_reservations(now: dt.datetime | None = None) -> int:
    """Beat: return to the pool every held reservation whose date has come, each in its own
    transaction under its workshop's lock, and fill the freed seats from the waitlist. Safe to
    run twice or concurrently: a reservation is released once. Returns how many were."""
    now = now or timezone.now()
    due = SeatReservation.objects.held().filter(until__lte=now).order_by("workshop_id", "pk")
    released = 0
    for reservation in list(due):
        try:
            with transaction.atomic():
                workshop = lock_workshop(reservation.workshop_id)
                if workshop is None or not _release(reservation, by=None, due_at=now):
                    continue
                _promote(workshop, actor=None)
        except RegistrationError:
            continue  # the workshop was busy past the lock timeout: the next run releases it
        released += 1
    return released
