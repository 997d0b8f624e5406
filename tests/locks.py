"""Concurrency tests on PostgreSQL: run one action while another holds its transaction open,
and know the second waited for a lock because PostgreSQL says so (no timing guess)."""

import threading
import time

from django.db import connection, connections, transaction

from trainingsite.errors import ServiceError


def waiting_for_a_lock() -> bool:
    """Whether a connection to this test database waits for a lock (row or advisory)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database())"
        )
        return cursor.fetchone()[0]


def record_outcome(action, into: dict) -> None:
    """Run `action`: its result, its refusal message, or any other error, in `into` (a thread's
    exception would otherwise be lost)."""
    try:
        into["result"] = action()
    except ServiceError as err:
        into["error"] = err.message
    except Exception as err:
        into["exception"] = repr(err)


def second_waits_for_first(first, second):
    """Run `first` in a transaction held open until `second`, in another thread, is seen
    waiting for a lock; then let both finish. Returns (whether `second` waited, first's
    outcome, second's outcome), each outcome {"result": …} or {"error": message}."""
    holding, let_go, one, two = threading.Event(), threading.Event(), {}, {}

    def run_first():
        try:
            with transaction.atomic():
                record_outcome(first, one)
                holding.set()
                assert let_go.wait(timeout=60)
        finally:
            holding.set()
            connections.close_all()

    def run_second():
        try:
            record_outcome(second, two)
        finally:
            connections.close_all()

    t1 = threading.Thread(target=run_first)
    t1.start()
    assert holding.wait(timeout=60)
    t2 = threading.Thread(target=run_second)
    t2.start()
    deadline, waited = time.monotonic() + 60, False
    while t2.is_alive() and not waited and time.monotonic() < deadline:
        waited = waiting_for_a_lock()
        time.sleep(0.01)
    let_go.set()
    t1.join(timeout=60)
    t2.join(timeout=60)
    assert "exception" not in one and "exception" not in two, (one, two)
    return waited, one, two
