"""Two coordinators deciding one agency request at once: the second waits for the first's
row lock, then finds the request decided. One decision, one change, one mail."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from attendees.models import AgencyDomain, AgencyEvent, AgencyRequest
from attendees.services import decide_agency_request, request_agency_change
from outbox.models import Mail
from trainingsite.errors import ServiceError

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _outcome(action, into: dict) -> None:
    try:
        into["result"] = action()
    except ServiceError as err:
        into["error"] = err.message


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE NOT l.granted AND a.datname = current_database())"
        )
        return cursor.fetchone()[0]


def _second_waits_for_first(first, second):
    """Run `first` in a transaction held open until `second`, in another thread, is seen
    waiting for a lock (PostgreSQL says so: no timing guess); then let both finish."""
    holding, let_go, one, two = threading.Event(), threading.Event(), {}, {}

    def run_first():
        try:
            with transaction.atomic():
                _outcome(first, one)
                holding.set()
                assert let_go.wait(timeout=60)
        finally:
            holding.set()
            connections.close_all()

    def run_second():
        try:
            _outcome(second, two)
        finally:
            connections.close_all()

    t1 = threading.Thread(target=run_first)
    t1.start()
    assert holding.wait(timeout=60)
    t2 = threading.Thread(target=run_second)
    t2.start()
    deadline, waited = time.monotonic() + 60, False
    while t2.is_alive() and not waited and time.monotonic() < deadline:
        waited = _waiting_for_a_lock()
        time.sleep(0.01)
    let_go.set()
    t1.join(timeout=60)
    t2.join(timeout=60)
    return waited, one, two


@pytest.mark.parametrize("second_approves", [True, False])
def test_two_coordinators_deciding_at_once_make_one_decision(
    focal_point, coordinator, program_admin, agency, second_approves
):
    asked, _created = request_agency_change(
        by=focal_point, kind=AgencyRequest.Kind.ADD_DOMAIN, value="new.agencya.gov"
    )
    waited, one, two = _second_waits_for_first(
        lambda: decide_agency_request(request_id=asked.pk, by=coordinator, approve=True),
        lambda: decide_agency_request(
            request_id=asked.pk, by=program_admin, approve=second_approves
        ),
    )
    assert waited
    assert "error" not in one, one
    assert two == {"error": "This request was already decided: Approved by Coordinator Cara."}
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by) == (AgencyRequest.Status.APPROVED, coordinator)
    events = AgencyEvent.objects.filter(agency=agency)
    assert events.filter(action=AgencyEvent.Action.REQUEST_DECIDED).count() == 1
    assert events.filter(action=AgencyEvent.Action.DOMAIN_ADDED).count() == 1
    assert AgencyDomain.objects.filter(domain="new.agencya.gov").count() == 1
    assert Mail.objects.filter(kind="agency", to=focal_point.email).count() == 1
