"""The PostgreSQL health check (trainingsite/postgres/base.py): no `SELECT 1` for a connection
whose socket is quiet, Django's check as soon as the server has said anything, and a request
after a server-side disconnect still gets a working connection."""

import select
import time

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL connections"),
]


@pytest.fixture
def observer():
    """A second connection, to read what ours last sent (pg_stat_activity) and to act on it."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as conn:
        yield conn


def _last_statement(observer, pid: int) -> str:
    row = observer.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row[0] if row else ""


@pytest.fixture(autouse=True)
def kept_connection():
    """`_new_request` keeps the connection between requests as in production (CONN_MAX_AGE;
    the test settings' 0 would close it): closed afterwards, the next test connects afresh."""
    yield
    connection.close()  # the next test connects afresh, with the test settings


def _new_request():
    """What Django does between requests (request_started/finished): the next query checks."""
    connection.close_at = None
    connection.close_if_unusable_or_obsolete()
    assert connection.health_check_enabled and not connection.health_check_done


def _until(condition, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _readable() -> bool:
    poller = select.poll()
    poller.register(connection.connection.pgconn.socket, select.POLLIN)
    return bool(poller.poll(0))


def _our_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), 'marker'")
        return cursor.fetchone()[0]


def test_settings_use_the_backend():
    assert settings.DATABASES["default"]["ENGINE"] == "trainingsite.postgres"
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


def test_a_quiet_connection_is_reused_without_a_round_trip(observer):
    pid = _our_pid()
    _new_request()
    connection.close_if_health_check_failed()
    assert connection.health_check_done
    # Django's own check would have sent `SELECT 1`: the last statement is still ours.
    assert "'marker'" in _last_statement(observer, pid)


def test_anything_from_the_server_gets_djangos_check(observer):
    pid = _our_pid()
    with connection.cursor() as cursor:
        cursor.execute("LISTEN ts_health_check")
    try:
        observer.execute("NOTIFY ts_health_check")
        _until(_readable, "the notification on our socket")
        _new_request()
        connection.close_if_health_check_failed()
        assert _last_statement(observer, pid) == "SELECT 1"
        assert connection.connection is not None  # alive: kept
    finally:
        with connection.cursor() as cursor:
            cursor.execute("UNLISTEN *")


def test_a_connection_ended_by_the_server_is_replaced_before_the_request_uses_it(observer):
    pid = _our_pid()
    observer.execute("SELECT pg_terminate_backend(%s)", [pid])
    _until(_readable, "the server's goodbye on our socket")
    _new_request()
    with connection.cursor() as cursor:  # no OperationalError: a new connection answers
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
