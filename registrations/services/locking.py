"""The registration path's raw SQL: what the ORM cannot say (advisory locks, a lock timeout)
and the clash check, which runs under the workshop's lock for every registration and costs
several times more as an ORM query. Each statement is tested against its ORM twin
(tests/registrations/test_locking.py, tests/registrations/test_clashes.py).

Lock order, so that no two transactions wait for each other: the officer's account row first
(a registration locks it before the workshop; an erasure, a vetting decision or a renewal locks
it before anything else, with NO KEY UPDATE so that rows merely pointing at the account never
wait), then workshop rows (several only when an account is erased, suspended, rejected or
renewed, or an agency reactivated: then in id order), then officers' advisory locks. Nothing
locks an account row while it holds a workshop's. A registration locks one officer. A
promotion, approval or reschedule may lock several, in an order which differs between
workshops: it takes the confirmation lock first, so such transactions take turns.

SQLite (the embedded default) has no row or advisory locks and serialises writers anyway:
there every function here but the clash check does nothing.
"""

from __future__ import annotations

from django.db import OperationalError, connection
from psycopg.errors import LockNotAvailable

from registrations.models import Registration
from workshops.models import Workshop

# How long a statement waits for a lock before the request is refused as busy: a request never
# queues behind a stuck transaction for longer than a person would wait for a page.
LOCK_TIMEOUT = "5s"

# `SET LOCAL` takes no bind parameter; set_config(..., true) is the same, for this transaction.
SET_LOCK_TIMEOUT_SQL = "SELECT set_config('lock_timeout', %s, true)"

# A transaction-scoped advisory lock per officer, taken after the workshop's row lock by
# everything that confirms an officer and checks clashes: two registrations of one officer (two
# tabs, two clashing workshops), or a registration and a promotion or approval of the same
# officer elsewhere, run one after the other, so the second sees the first's seat in its clash
# check. The key is (this lock's class, the officer's id folded into an int4): a collision only
# makes two officers wait for each other.
OFFICER_LOCK_CLASS = 0x5EA7
CONFIRMATION_LOCK_CLASS = 0x5EA8
ADVISORY_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s, %s)"

# The first (by start) session of another non-cancelled workshop the officer is confirmed for
# that overlaps this workshop's sessions or, if it has none, its own start and end. It starts
# from the officer's confirmed rows, so it costs one index probe for most officers.
# Parameters: officer, confirmed state, this workshop, cancelled status, this workshop (x3).
CLASH_SQL = """
SELECT s.workshop_id FROM workshops_workshopsession s
JOIN attendees_registration o ON o.workshop_id = s.workshop_id
JOIN workshops_workshop ow ON ow.id = s.workshop_id
WHERE o.officer_id = %s AND o.state = %s AND o.workshop_id <> %s AND ow.status <> %s
AND (
    EXISTS (SELECT 1 FROM workshops_workshopsession m WHERE m.workshop_id = %s
            AND m.starts_at < s.ends_at AND m.ends_at > s.starts_at)
    OR (NOT EXISTS (SELECT 1 FROM workshops_workshopsession m WHERE m.workshop_id = %s)
        AND EXISTS (SELECT 1 FROM workshops_workshop w WHERE w.id = %s
                    AND w.starts_at < s.ends_at AND w.ends_at > s.starts_at))
)
ORDER BY s.starts_at, s.id LIMIT 1
"""


# The seat counts of a workshop, the officer's own row for it (the pair is unique) and whether
# any agency holds seats on it (`SeatReservation.held`, probed on its partial unique index), in
# one index read; under the workshop's lock, where its ORM twin's query building cost a
# registration about as much as everything else it does there. Parameters: confirmed,
# waitlisted, officer (x3), workshop, workshop, confirmed, waitlisted, officer.
SEATS_SQL = """
SELECT count(*) FILTER (WHERE state = %s), count(*) FILTER (WHERE state = %s),
       max(id) FILTER (WHERE officer_id = %s), max(state) FILTER (WHERE officer_id = %s),
       max(endorsed_by_id) FILTER (WHERE officer_id = %s),
       EXISTS (SELECT 1 FROM registrations_seatreservation
               WHERE workshop_id = %s AND released_at IS NULL)
FROM attendees_registration
WHERE workshop_id = %s AND (state IN (%s, %s) OR officer_id = %s)
"""


def read_seats(
    *, workshop_id: int, officer_id: int
) -> tuple[int, int, int | None, str | None, int | None, bool]:
    """SEATS_SQL's answer: (confirmed, waitlisted, own registration id, own state, who endorsed
    it, whether seats are held for an agency)."""
    confirmed, waitlisted = Registration.State.CONFIRMED.value, Registration.State.WAITLISTED.value
    params: list[str | int] = [confirmed, waitlisted, officer_id, officer_id, officer_id]
    params += [workshop_id, workshop_id, confirmed, waitlisted, officer_id]
    with connection.cursor() as cursor:
        cursor.execute(SEATS_SQL, params)
        row = cursor.fetchone()
    return (*row[:5], bool(row[5]))


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def limit_lock_waits() -> None:
    """From here to the end of the transaction, a lock wait longer than LOCK_TIMEOUT fails
    (`is_lock_timeout`) instead of waiting on."""
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute(SET_LOCK_TIMEOUT_SQL, [LOCK_TIMEOUT])


def is_lock_timeout(error: OperationalError) -> bool:
    return isinstance(error.__cause__, LockNotAvailable)


def lock_officer(officer_id: int) -> None:
    """The officer's advisory lock, until the transaction ends."""
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute(ADVISORY_LOCK_SQL, [OFFICER_LOCK_CLASS, officer_id % 2**31])


def lock_confirmations() -> None:
    """The one lock taken before locking officers on their behalf (promotions, approvals,
    reschedules)."""
    if _postgresql():
        with connection.cursor() as cursor:
            cursor.execute(ADVISORY_LOCK_SQL, [CONFIRMATION_LOCK_CLASS, 0])


def clashing_workshop_id(*, officer_id: int, workshop_id: int) -> int | None:
    """CLASH_SQL's answer: the clashing workshop's id, or None."""
    confirmed, cancelled = Registration.State.CONFIRMED.value, Workshop.Status.CANCELLED.value
    params = (officer_id, confirmed, workshop_id, cancelled, workshop_id, workshop_id, workshop_id)
    with connection.cursor() as cursor:
        cursor.execute(CLASH_SQL, params)
        row = cursor.fetchone()
    return row[0] if row else None
