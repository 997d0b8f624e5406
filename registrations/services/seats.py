"""The contended part of a registration: lock the officer's account and the workshop, then read
the seats.

When registration opens, every officer's request queues on one workshop's row lock, so what a
request does while it holds the lock bounds how many registrations per second the site takes:
a few indexed reads, the clash check (kept in SQL, `locking`) and the inserts.

The seat counts are a statement of their own, after every lock is granted: in READ COMMITTED a
statement reads the snapshot taken when it started, so counts read by the statement that waited
for the lock could miss registrations committed while it waited.

The officer's account row is locked first: an erasure or a vetting decision on it (both lock
the row before anything else) either committed before, and the registration sees the account as
it left it, or waits for the registration to commit, and then sees its seat (an erasure cancels
it). Read without that lock, a registration could commit a seat on an account erased meanwhile.
It is a NO KEY UPDATE lock: rows that merely point at the account (the registration's own
events, another transaction's) never wait for it. Lock order: `locking`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import OperationalError
from django.db.models import Count
from django.utils.translation import gettext as _

from attendees.models import User
from registrations.models import Registration, SeatReservation
from trainingsite.errors import ServiceError
from workshops.models import Workshop

from . import locking

State = Registration.State


class RegistrationError(ServiceError):
    pass


@dataclass(frozen=True)
class OwnRegistration:
    """The officer's own registration for the workshop, whatever its state (unique per pair)."""

    pk: int
    state: str
    # Endorsed by the agency (a nomination): may take the agency's reserved seats.
    endorsed: bool = False


@dataclass(frozen=True)
class Seats:
    # The officer's account, read under its row lock, is active and verified (the rest of
    # program access, agency domain and vetting expiry, is not changed by locking writes).
    account_ok: bool
    confirmed: int
    agency_confirmed: int  # confirmed officers of the registering officer's agency
    waitlisted: int
    own: OwnRegistration | None
    # Unfilled reserved seats of each agency holding some (`held_reserved_seats`).
    reserved: Mapping[int, int] = field(default_factory=dict)


@contextmanager
def _refused_when_busy() -> Iterator[None]:
    """A lock wait past `locking.LOCK_TIMEOUT` refuses the request as busy, not as an error."""
    try:
        yield
    except OperationalError as error:
        if not locking.is_lock_timeout(error):
            raise
        raise RegistrationError(
            _("This workshop is busy right now (many changes at once): please try again.")
        ) from error


def _locked(workshop_id, **conditions) -> Workshop | None:
    with _refused_when_busy():
        try:
            return Workshop.objects.select_for_update().filter(**conditions).get(pk=workshop_id)
        except (Workshop.DoesNotExist, ValueError, TypeError):
            return None


def lock_workshop(workshop_id) -> Workshop | None:
    """The workshop row, locked until the transaction ends; None if there is none."""
    locking.limit_lock_waits()
    return _locked(workshop_id)


def lock_accounts(*, agency_id: int, officer_ids: list[int]) -> list[User]:
    """Lock the account rows of the agency's officers among `officer_ids`, in id order, before
    any workshop (the lock order, `locking`): a nomination then never races a registration,
    an erasure or a vetting decision of the same officer. Other ids are left out."""
    locking.limit_lock_waits()
    with _refused_when_busy():
        return list(
            User.objects.officers()
            .filter(agency_id=agency_id, pk__in=officer_ids)
            .select_for_update(no_key=True)
            .order_by("pk")
        )


def lock_and_read_seats(workshop_id, officer: User) -> tuple[Workshop, Seats] | None:
    """Lock the officer's account row, the workshop row and the officer (inside the caller's
    transaction), then read the seat counts and the officer's own row: None if there is no
    such published workshop. Only a published workshop is locked: nobody can lock a draft
    or another region's row, and the reason for refusing any other is read without a lock."""
    locking.limit_lock_waits()
    with _refused_when_busy():
        account = (
            User.objects.select_for_update(no_key=True)
            .filter(pk=officer.pk)
            .values_list("is_active", "status")
            .first()
        )
    workshop = _locked(workshop_id, status=Workshop.Status.PUBLISHED)
    if workshop is None:
        return None
    with _refused_when_busy():
        locking.lock_officer(officer.pk)
    account_ok = account is not None and account[0] and account[1] == User.Status.VERIFIED
    return workshop, _read_seats(workshop, officer, account_ok=account_ok)


def _read_seats(workshop: Workshop, officer: User, *, account_ok: bool) -> Seats:
    confirmed, waitlisted, own_pk, own_state, endorsed_by, any_held = locking.read_seats(
        workshop_id=workshop.pk, officer_id=officer.pk
    )
    own: OwnRegistration | None = None
    if own_pk is not None and own_state is not None:  # one row's: both None or neither
        own = OwnRegistration(pk=own_pk, state=own_state, endorsed=endorsed_by is not None)
    agency_confirmed = 0
    # Only capped workshops pay for the join to the officers' agencies (an officer without one
    # is refused a seat before this: `seat_refusal`).
    if workshop.agency_seat_cap is not None and officer.agency_id is not None:
        agency_confirmed = Registration.objects.filter(
            workshop_id=workshop.pk, state=State.CONFIRMED, officer__agency_id=officer.agency_id
        ).count()
    return Seats(
        account_ok=account_ok,
        confirmed=confirmed,
        agency_confirmed=agency_confirmed,
        waitlisted=waitlisted,
        own=own,
        # Only workshops with seats held for an agency pay for reading them.
        reserved=held_reserved_seats(workshop.pk) if any_held else {},
    )


# --- the seat rule -------------------------------------------------------------------------
#
# Seats held for an agency (`SeatReservation`) are the agency's to give by nomination: only
# registrations its focal point endorsed (`endorsed_by` set) take them. A held reservation's
# unfilled seats (reserved minus the agency's endorsed officers confirmed) are therefore free
# for nobody else, nor for the agency's own officers registering on their own. A reservation
# past its `until` holds until it is released (`release_due_reservations`, run by beat), which
# then offers the seats to the waitlist first, as any freed seat. Every way to a seat asks
# `free_seats` (registering, approving, endorsing, accepting a nomination, the waitlist moving
# up, a walk-in), under the workshop's lock, where reservations are also made and released.


def held_reserved_seats(workshop_id: int) -> dict[int, int]:
    """The unfilled seats of each held reservation on a workshop, by agency id (one query;
    the caller holds the workshop's lock, under which reservations change)."""
    rows = (
        SeatReservation.objects.filter(workshop_id=workshop_id)
        .held()
        .with_filled()
        .values_list("agency_id", "seats", "filled")
    )
    return {agency_id: max(seats - filled, 0) for agency_id, seats, filled in rows}


def free_seats(
    *,
    capacity: int,
    confirmed: int,
    reserved: Mapping[int, int],
    agency_id: int | None,
    endorsed: bool,
) -> int:
    """Seats free for a registration of an officer of `agency_id` (the seat rule): the
    capacity less the confirmed seats and the unfilled reserved seats of every other agency,
    and of its own unless the agency endorsed it. May be below zero (a capacity lowered)."""
    held_back = sum(
        unfilled for agency, unfilled in reserved.items() if not (endorsed and agency == agency_id)
    )
    return capacity - confirmed - held_back


def takes_seat(
    workshop: Workshop,
    *,
    confirmed: int,
    agency_confirmed: int,
    reserved: Mapping[int, int],
    agency_id: int | None,
    endorsed: bool,
) -> bool:
    """Whether the registration gets a seat now: one is free for it and its agency is under
    the workshop's cap."""
    free = free_seats(
        capacity=workshop.capacity,
        confirmed=confirmed,
        reserved=reserved,
        agency_id=agency_id,
        endorsed=endorsed,
    )
    cap = workshop.agency_seat_cap
    return free > 0 and (cap is None or agency_confirmed < cap)


@dataclass
class SeatPool:
    """A workshop's seats as the rule needs them, read under its lock (two queries) and kept
    up to date by `seat` while one transaction fills several (the waitlist moving up)."""

    workshop: Workshop
    confirmed: int
    by_agency: dict[int | None, int]
    reserved: dict[int, int]

    @classmethod
    def read(cls, workshop: Workshop) -> SeatPool:
        rows = (
            Registration.objects.filter(workshop=workshop, state=State.CONFIRMED)
            .values("officer__agency_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        by_agency: dict[int | None, int] = {row["officer__agency_id"]: row["n"] for row in rows}
        return cls(
            workshop=workshop,
            confirmed=sum(by_agency.values()),
            by_agency=by_agency,
            reserved=held_reserved_seats(workshop.pk),
        )

    @property
    def open_seats(self) -> int:
        """Free for anyone: the capacity less the confirmed and every unfilled reserved seat."""
        return self.workshop.capacity - self.confirmed - sum(self.reserved.values())

    def free_for(self, agency_id: int | None, *, endorsed: bool) -> int:
        return free_seats(
            capacity=self.workshop.capacity,
            confirmed=self.confirmed,
            reserved=self.reserved,
            agency_id=agency_id,
            endorsed=endorsed,
        )

    def takes_seat(self, agency_id: int | None, *, endorsed: bool) -> bool:
        return takes_seat(
            self.workshop,
            confirmed=self.confirmed,
            agency_confirmed=self.by_agency.get(agency_id, 0),
            reserved=self.reserved,
            agency_id=agency_id,
            endorsed=endorsed,
        )

    def seat(self, agency_id: int | None, *, endorsed: bool) -> None:
        """Count a seat just given: an endorsed officer fills their agency's reservation."""
        self.confirmed += 1
        self.by_agency[agency_id] = self.by_agency.get(agency_id, 0) + 1
        if endorsed and agency_id is not None and self.reserved.get(agency_id, 0) > 0:
            self.reserved[agency_id] -= 1


def find_clash(*, officer_id: int, workshop: Workshop, lock: bool = False) -> Workshop | None:
    """Another workshop the officer is confirmed for whose sessions overlap this one's (its
    sessions or, if it has none, its own start and end).

    `lock`: the caller confirms the officer on their behalf (promotion, approval) and holds the
    workshop's row lock. The check then first waits for the confirmation lock and the officer's,
    so a registration of theirs in flight for a clashing workshop is committed, and seen, before
    the check runs."""
    if lock:
        with _refused_when_busy():
            locking.lock_confirmations()
            locking.lock_officer(officer_id)
    clash_id = locking.clashing_workshop_id(officer_id=officer_id, workshop_id=workshop.pk)
    return Workshop.objects.get(pk=clash_id) if clash_id else None
