"""The contended part of a registration: lock the workshop row, then read its seats.

When registration opens, every officer's request queues on this one row lock, so the time a
request holds it bounds how many registrations per second the site can take. The lock and the
read after it (seat counts, the officer's own row, a clash with another workshop the officer is
confirmed for) are therefore plain SQL, built once per process from the models' metadata, and
travel in one round trip. The ORM's query building cost 2.3 ms of Python per request while the
lock was held, and its clash check 5.5 ms (0.2 ms as SQL), bench/registration_rush.py.

Two statements, not one: in READ COMMITTED a statement reads the snapshot taken when it
started, so counts read in the statement that waited for the lock could miss registrations
committed while it waited. The counting statement starts after the lock is granted.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.db import connection

from attendees.models import Registration, User
from trainingsite.plainsql import PlainSelect, primary_key
from workshops.models import Workshop, WorkshopSession

State = Registration.State
PUBLISHED = Workshop.Status.PUBLISHED.value

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
    # Another workshop the officer is confirmed for whose sessions overlap this one's.
    clash_id: int | None


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Only a published workshop is locked: nobody can lock a draft or another region's row, and
# the reason for refusing any other is read without a lock (`register`).
_LOCK = PlainSelect(
    Workshop, where="{id} = %s AND {status} = %s", fields=LOCKED_FIELDS, for_update=True
)


@functools.cache
def _clash_sql() -> str:
    """The first (by start) session of another non-cancelled workshop the officer is confirmed
    for that overlaps this workshop's sessions or, if it has none, its own start and end.
    Starts from the officer's confirmed rows, so it costs one index probe for most officers.
    Parameters: see _clash_params."""
    sessions, regs, shops = _table(WorkshopSession), _table(Registration), _table(Workshop)
    s = {f: _column(WorkshopSession, f) for f in ("id", "workshop", "starts_at", "ends_at")}
    r = {f: _column(Registration, f) for f in ("workshop", "officer", "state")}
    w = {f: _column(Workshop, f) for f in ("id", "status", "starts_at", "ends_at")}
    # s (the other workshop's session) against this workshop's sessions m, or its own times w.
    own = f"m.{s['starts_at']} < s.{s['ends_at']} AND m.{s['ends_at']} > s.{s['starts_at']}"
    whole = f"w.{w['starts_at']} < s.{s['ends_at']} AND w.{w['ends_at']} > s.{s['starts_at']}"
    return (
        f"SELECT s.{s['workshop']} FROM {sessions} s "
        f"JOIN {regs} o ON o.{r['workshop']} = s.{s['workshop']} "
        f"JOIN {shops} ow ON ow.{w['id']} = s.{s['workshop']} "
        f"WHERE o.{r['officer']} = %s AND o.{r['state']} = %s AND o.{r['workshop']} <> %s "
        f"AND ow.{w['status']} <> %s "
        f"AND (EXISTS (SELECT 1 FROM {sessions} m WHERE m.{s['workshop']} = %s AND {own}) "
        f"OR (NOT EXISTS (SELECT 1 FROM {sessions} m WHERE m.{s['workshop']} = %s) "
        f"AND EXISTS (SELECT 1 FROM {shops} w WHERE w.{w['id']} = %s AND {whole}))) "
        f"ORDER BY s.{s['starts_at']}, s.{s['id']} LIMIT 1"
    )


def _clash_params(officer_id: int, workshop_id: int) -> list:
    cancelled = Workshop.Status.CANCELLED.value
    return [officer_id, State.CONFIRMED.value, workshop_id, cancelled, *[workshop_id] * 3]


def find_clash(*, officer_id: int, workshop: Workshop) -> Workshop | None:
    """Another workshop the officer is confirmed for whose sessions overlap this one's (its
    sessions or, if it has none, its own start and end)."""
    with connection.cursor() as cursor:
        cursor.execute(_clash_sql(), _clash_params(officer_id, workshop.pk))
        row = cursor.fetchone()
    return Workshop.objects.get(pk=row[0]) if row else None


@functools.cache
def _seats_sql() -> str:
    r = {name: _column(Registration, name) for name in ("id", "workshop", "officer", "state")}
    table = _table(Registration)
    count = f"(SELECT count(*) FROM {table} WHERE {r['workshop']} = %s AND {r['state']} = %s)"
    own = f"FROM {table} WHERE {r['workshop']} = %s AND {r['officer']} = %s"
    # Exactly one row. Index scans on (workshop, state, …) and the unique (workshop, officer).
    # Parameters: see _seats_params.
    return (
        f"SELECT {count}, {count}, (SELECT {r['id']} {own}), (SELECT {r['state']} {own}), "
        f"({_clash_sql()})"
    )


def _seats_params(workshop_id: int, officer: User) -> list:
    confirmed, waitlisted = State.CONFIRMED.value, State.WAITLISTED.value
    return [
        workshop_id,
        confirmed,
        workshop_id,
        waitlisted,
        *[workshop_id, officer.pk] * 2,
        *_clash_params(officer.pk, workshop_id),
    ]


def lock_and_read_seats(workshop_id, officer: User) -> tuple[Workshop | None, Seats | None]:
    """Lock the workshop row (inside the caller's transaction), then read its seat counts and
    the officer's own row: (None, None) if there is no such published workshop.

    On PostgreSQL both statements go in one round trip: the server runs the second when the
    first has its lock, with a snapshot of its own. Every round trip taken while the lock is
    held is paid by every registration queued behind it."""
    workshop_id = primary_key(Workshop, workshop_id)
    if workshop_id is None:
        return None, None
    params = _seats_params(workshop_id, officer)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"{_LOCK.sql(connection)}; {_seats_sql()}", [workshop_id, PUBLISHED, *params]
            )
            workshop = _LOCK.from_row(cursor.fetchone(), connection)
            cursor.nextset()
        else:  # SQLite runs one statement per call
            cursor.execute(_LOCK.sql(connection), [workshop_id, PUBLISHED])
            workshop = _LOCK.from_row(cursor.fetchone(), connection)
            cursor.execute(_seats_sql(), params)
        row = cursor.fetchone()
    if workshop is None:
        return None, None
    return workshop, _seats(workshop, officer, row)


def _seats(workshop: Workshop, officer: User, row: tuple) -> Seats:
    confirmed, waitlisted, own_pk, own_state, clash_id = row
    agency_confirmed = 0
    if workshop.agency_seat_cap is not None:
        # Only capped workshops pay for the join to the officers' agencies.
        agency_confirmed = Registration.objects.filter(
            workshop=workshop, state=State.CONFIRMED, officer__agency_id=officer.agency_id
        ).count()
    return Seats(
        confirmed=confirmed,
        agency_confirmed=agency_confirmed,
        waitlisted=waitlisted,
        own_pk=own_pk,
        own_state=own_state,
        clash_id=clash_id,
    )
