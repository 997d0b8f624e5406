"""The contended part of a registration: lock the workshop row, then read its seats.

When registration opens, every officer's request queues on this one row lock, so the time a
request holds it bounds how many registrations per second the site can take. These two reads
are therefore plain SQL, built once per process from the models' metadata: the ORM's query
building cost 2.3 ms of Python per request while the lock was held (bench/registration_rush.py).
The writes that follow under the same lock stay ORM saves.

Two statements, not one: in READ COMMITTED a statement reads the snapshot taken when it
started, so counts read in the statement that waited for the lock could miss registrations
committed while it waited. The counting statement starts after the lock is granted.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection

from attendees.models import Registration, User
from trainingsite.plainsql import PlainSelect
from workshops.models import Workshop

State = Registration.State

# What a registration reads of its workshop under the lock.
LOCKED_FIELDS = (
    "status",
    "starts_at",
    "ends_at",
    "registration_opens_at",
    "registration_closes_at",
    "capacity",
    "agency_seat_cap",
    "requires_approval",
    "requires_nomination",
)


@dataclass(frozen=True)
class Seats:
    confirmed: int
    agency_confirmed: int  # confirmed officers of the registering officer's agency
    waitlisted: int
    # The officer's own registration for this workshop, whatever its state (unique per pair).
    own_pk: int | None
    own_state: str | None
    # Whether the officer is confirmed for any other workshop (then a clash check is needed).
    confirmed_elsewhere: bool


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


_LOCK = PlainSelect(Workshop, where="{id} = %s", fields=LOCKED_FIELDS, for_update=True)


@functools.cache
def _seats_sql(with_agency: bool) -> str:
    r = {name: _column(Registration, name) for name in ("id", "workshop", "officer", "state")}
    agency = (
        f"count(*) FILTER (WHERE u.{_column(User, 'agency')} = %(agency)s)" if with_agency else "0"
    )
    join = (
        f"JOIN {_table(User)} u ON u.{_column(User, 'id')} = r.{r['officer']}"
        if with_agency
        else ""
    )
    # One row per state holding confirmed/waitlisted rows or the officer's own row; the
    # EXISTS is the same on every row. Index scans on (workshop, state, …) and the unique
    # (workshop, officer).
    return (
        f"SELECT r.{r['state']}, count(*), max(r.{r['id']}) FILTER "
        f"(WHERE r.{r['officer']} = %(officer)s), {agency}, "
        f"EXISTS (SELECT 1 FROM {_table(Registration)} o WHERE o.{r['officer']} = %(officer)s "
        f"AND o.{r['state']} = %(confirmed)s AND o.{r['workshop']} <> %(workshop)s) "
        f"FROM {_table(Registration)} r {join} "
        f"WHERE r.{r['workshop']} = %(workshop)s "
        f"AND (r.{r['state']} IN (%(confirmed)s, %(waitlisted)s) "
        f"OR r.{r['officer']} = %(officer)s) "
        f"GROUP BY r.{r['state']}"
    )


def lock_workshop_for_register(workshop_id) -> Workshop | None:
    """Lock the workshop row (inside the caller's transaction) and return the fields a
    registration checks, or None if there is no such workshop."""
    try:
        workshop_id = int(workshop_id)
    except (TypeError, ValueError):
        return None
    if not -(2**63) <= workshop_id < 2**63:  # not a bigint: no such row (PostgreSQL would raise)
        return None
    return _LOCK.get([workshop_id])


def read_seats(workshop: Workshop, officer: User) -> Seats:
    """Seat counts and the officer's own row; the caller holds the workshop's lock."""
    with_agency = workshop.agency_seat_cap is not None
    params = {
        "workshop": workshop.pk,
        "officer": officer.pk,
        "agency": officer.agency_id,
        "confirmed": State.CONFIRMED.value,
        "waitlisted": State.WAITLISTED.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_seats_sql(with_agency), params)
        rows = cursor.fetchall()
    by_state = {state: (n, own, agency) for state, n, own, agency, _elsewhere in rows}
    own = next(((pk, state) for state, (_n, pk, _a) in by_state.items() if pk), (None, None))
    confirmed = by_state.get(State.CONFIRMED, (0, None, 0))
    if rows:
        elsewhere = rows[0][4]
    else:
        # No row at all (an empty workshop): ask the one question on its own.
        elsewhere = Registration.objects.filter(officer=officer, state=State.CONFIRMED).exists()
    return Seats(
        confirmed=confirmed[0],
        agency_confirmed=confirmed[2],
        waitlisted=by_state.get(State.WAITLISTED, (0, None, 0))[0],
        own_pk=own[0],
        own_state=own[1],
        confirmed_elsewhere=elsewhere,
    )
