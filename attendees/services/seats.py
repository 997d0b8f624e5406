"""The contended part of a registration: lock the workshop row, then read its seats.

When registration opens, every officer's request queues on this one row lock, so the time a
request holds it bounds how many registrations per second the site can take. The lock and the
seat read after it travel in one round trip, and they and the clash check (run only for
officers confirmed for another workshop) are plain SQL, built once per process from the models'
metadata: the ORM's query building cost 2.3 ms of Python per request while the lock was held,
and its clash check 5.5 ms (0.2 ms as SQL), bench/registration_rush.py. The clash check stays
out of the seat read: planning it for every officer cost more than it saved.

Separate statements, not one: in READ COMMITTED a statement reads the snapshot taken when it
started, so counts read in the statement that waited for a lock could miss registrations
committed while it waited. The counting statement starts after every lock (account, workshop,
officer) is granted.

The officer's account row is read FOR SHARE first: an erasure or a vetting decision on it (both
lock the row for update before anything else) either committed before, and the registration
sees the account as it left it, or waits for the registration to commit, and then sees its seat
(an erasure cancels it). Read without that lock, a registration could commit a seat on an
account erased meanwhile.
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
    "time_zone",  # a walk-in's day is the workshop's
)


@dataclass(frozen=True)
class Seats:
    # The officer's account, read under its row lock, is active and verified (the rest of
    # program access, agency domain and vetting expiry, is not changed by locking writes).
    account_ok: bool
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


def find_clash(*, officer_id: int, workshop: Workshop, lock: bool = False) -> Workshop | None:
    """Another workshop the officer is confirmed for whose sessions overlap this one's (its
    sessions or, if it has none, its own start and end).

    `lock`: the caller confirms the officer on their behalf (promotion, approval) and holds the
    workshop's row lock. The check then first waits for the confirmation lock and the officer's,
    so a registration of theirs in flight for a clashing workshop is committed, and seen, before
    the check runs."""
    params = _clash_params(officer_id, workshop.pk)
    with connection.cursor() as cursor:
        if lock and connection.vendor == "postgresql":
            cursor.execute(
                f"{_CONFIRM_LOCK_SQL}; {_clash_sql()}",
                [CONFIRMATION_LOCK_CLASS, *_officer_key(officer_id), *params],
            )
            cursor.nextset()
            cursor.nextset()
        else:
            cursor.execute(_clash_sql(), params)
        row = cursor.fetchone()
    return Workshop.objects.get(pk=row[0]) if row else None


@functools.cache
def _seats_sql() -> str:
    r = {name: _column(Registration, name) for name in ("id", "workshop", "officer", "state")}
    # One row per state holding confirmed/waitlisted rows or the officer's own row; the
    # EXISTS is the same on every row. Index scans on (workshop, state, …) and the unique
    # (workshop, officer). Parameters: see _seats_params.
    return (
        f"SELECT r.{r['state']}, count(*), max(r.{r['id']}) FILTER (WHERE r.{r['officer']} = %s), "
        f"EXISTS (SELECT 1 FROM {_table(Registration)} o WHERE o.{r['officer']} = %s "
        f"AND o.{r['state']} = %s AND o.{r['workshop']} <> %s) "
        f"FROM {_table(Registration)} r WHERE r.{r['workshop']} = %s "
        f"AND (r.{r['state']} IN (%s, %s) OR r.{r['officer']} = %s) "
        f"GROUP BY r.{r['state']}"
    )


def _seats_params(workshop_id: int, officer: User) -> list:
    confirmed, waitlisted = State.CONFIRMED.value, State.WAITLISTED.value
    return [
        officer.pk,
        officer.pk,
        confirmed,
        workshop_id,
        workshop_id,
        confirmed,
        waitlisted,
        officer.pk,
    ]


@functools.cache
def _account_sql() -> str:
    u = {f: _column(User, f) for f in ("id", "is_active", "status")}
    return f"SELECT {u['is_active']}, {u['status']} FROM {_table(User)} WHERE {u['id']} = %s"


def _account_ok(row) -> bool:
    return row is not None and bool(row[0]) and row[1] == User.Status.VERIFIED


# A transaction-scoped advisory lock per officer, taken after the workshop's row lock by
# everything that confirms an officer and checks clashes: two registrations of one officer (two
# tabs, two clashing workshops), or a registration and a promotion or approval of the same
# officer elsewhere, run one after the other, so the second sees the first's seat in its clash
# check. The key is (this lock's class, the officer's id folded into an int4): a collision only
# makes two officers wait for each other.
#
# Lock order, so that no two transactions wait for each other: the officer's account row
# first (a registration shares it; an erasure or a vetting decision locks it for update), then
# workshop rows (several only when erasing an account, then in id order), then officers.
# Nothing locks an account row while it holds a workshop's. A registration locks one officer.
# A promotion or approval may lock several, in its waitlist's order, which differs between
# workshops: it takes the confirmation lock first, so such transactions take turns.
OFFICER_LOCK_CLASS = 0x5EA7
CONFIRMATION_LOCK_CLASS = 0x5EA8


def _officer_key(officer_id: int) -> list[int]:
    return [OFFICER_LOCK_CLASS, officer_id % 2**31]


# Two statements: the confirmation lock is granted before the officer's is asked for.
_CONFIRM_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, 0); SELECT pg_advisory_xact_lock(%s, %s)"


@functools.cache
def _officer_lock_sql() -> str:
    # Taken only where the workshop row was just locked (no published row, no lock).
    return (
        f"SELECT pg_advisory_xact_lock(%s, %s) FROM {_table(Workshop)} "
        f"WHERE {_column(Workshop, 'id')} = %s AND {_column(Workshop, 'status')} = %s"
    )


def lock_and_read_seats(workshop_id, officer: User) -> tuple[Workshop | None, Seats | None]:
    """Share the officer's account row, lock the workshop row and the officer (inside the
    caller's transaction), then read the seat counts and the officer's own row: (None, None) if
    there is no such published workshop.

    On PostgreSQL the four statements go in one round trip: the server runs each when the one
    before has its lock, and the read gets a snapshot of its own. Every round trip taken while
    the lock is held is paid by every registration queued behind it."""
    workshop_id = primary_key(Workshop, workshop_id)
    if workshop_id is None:
        return None, None
    params = _seats_params(workshop_id, officer)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            lock = [workshop_id, PUBLISHED]
            officer_key = _officer_key(officer.pk)
            cursor.execute(
                f"{_account_sql()} FOR SHARE; {_LOCK.sql(connection)}; {_officer_lock_sql()}; "
                f"{_seats_sql()}",
                [officer.pk, *lock, *officer_key, *lock, *params],
            )
            account = cursor.fetchone()
            cursor.nextset()
            workshop = _LOCK.from_row(cursor.fetchone(), connection)
            cursor.nextset()
            cursor.nextset()
        else:  # SQLite, the embedded default: one statement per call, no row or advisory locks
            cursor.execute(_account_sql(), [officer.pk])
            account = cursor.fetchone()
            cursor.execute(_LOCK.sql(connection), [workshop_id, PUBLISHED])
            workshop = _LOCK.from_row(cursor.fetchone(), connection)
            cursor.execute(_seats_sql(), params)
        rows = cursor.fetchall()
    if workshop is None:
        return None, None
    return workshop, _seats(workshop, officer, rows, account_ok=_account_ok(account))


def _seats(workshop: Workshop, officer: User, rows: list, *, account_ok: bool) -> Seats:
    by_state = {state: (n, own) for state, n, own, _elsewhere in rows}
    own = next(((pk, state) for state, (_n, pk) in by_state.items() if pk), (None, None))
    if rows:
        elsewhere = rows[0][3]
    else:
        # No row at all (an empty workshop): ask the one question on its own.
        elsewhere = Registration.objects.filter(officer=officer, state=State.CONFIRMED).exists()
    agency_confirmed = 0
    if workshop.agency_seat_cap is not None:
        # Only capped workshops pay for the join to the officers' agencies.
        agency_confirmed = Registration.objects.filter(
            workshop=workshop, state=State.CONFIRMED, officer__agency_id=officer.agency_id
        ).count()
    return Seats(
        account_ok=account_ok,
        confirmed=by_state.get(State.CONFIRMED, (0, None))[0],
        agency_confirmed=agency_confirmed,
        waitlisted=by_state.get(State.WAITLISTED, (0, None))[0],
        own_pk=own[0],
        own_state=own[1],
        confirmed_elsewhere=elsewhere,
    )
