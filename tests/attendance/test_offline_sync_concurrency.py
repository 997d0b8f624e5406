"""The same queue sent twice at once (the `online` event and "Send now", two tabs) applies
each mark once: the second sync waits for the first's workshop lock, then finds the marks'
ids taken (PostgreSQL shows it waiting: no timing guess)."""

import datetime as dt
import uuid

import pytest
from django.db import connection

from attendance.models import AttendanceChange, AttendanceMark
from attendance.services.offline import sync_marks
from tests.locks import second_waits_for_first

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _mark(session, registration, status, minutes):
    return {
        "client_id": str(uuid.uuid4()),
        "session_id": session.pk,
        "registration_id": registration.pk,
        "status": status,
        "marked_at": (session.starts_at + dt.timedelta(minutes=minutes)).isoformat(),
        "kind": "mark",
    }


def test_the_same_queue_sent_twice_at_once_is_applied_once(trainer, registration):
    session = registration.workshop.sessions.first()
    marks = [_mark(session, registration, "present", 5), _mark(session, registration, "late", 9)]

    def send():
        return [r["result"] for r in sync_marks(by=trainer, marks=marks)]

    waited, one, two = second_waits_for_first(send, send)
    assert waited
    assert one["result"] == ["applied", "applied"]
    assert two["result"] == ["duplicate", "duplicate"]
    assert AttendanceChange.objects.count() == 2
    assert AttendanceMark.objects.get().status == "late"


def test_two_trainers_syncing_at_once_keep_the_latest_mark(trainer, other_trainer, registration):
    session = registration.workshop.sessions.first()
    session.workshop.trainers.add(other_trainer)
    newer = [_mark(session, registration, "absent", 30)]
    older = [_mark(session, registration, "present", 10)]

    waited, one, two = second_waits_for_first(
        lambda: sync_marks(by=trainer, marks=newer),
        lambda: sync_marks(by=other_trainer, marks=older),
    )
    assert waited
    assert (one["result"][0]["result"], two["result"][0]["result"]) == ("applied", "applied")
    current = AttendanceMark.objects.get()
    assert (current.status, current.marked_by) == ("absent", trainer)
    assert AttendanceChange.objects.count() == 2
