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

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import OperationalError
from django.utils.translation import gettext as _

from attendees.models import User
from registrations.models import Registration
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


@dataclass(frozen=True)
class Seats:
    # The officer's account, read under its row lock, is active and verified (the rest of
    # program access, agency domain and vetting expiry, is not changed by locking writes).
    account_ok: bool
    confirmed: int
    agency_confirmed: int  # confirmed officers of the registering officer's agency
    waitlisted: int
    own: OwnRegistration | None


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
    confirmed, waitlisted, own_pk, own_state = locking.read_seats(
        workshop_id=workshop.pk, officer_id=officer.pk
    )
    own: OwnRegistration | None = None
    if own_pk is not None and own_state is not None:  # one row's: both None or neither
        own = OwnRegistration(pk=own_pk, state=own_state)
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
    )


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
