"""Marks taken on a device without a network: applied once each, by their device time, through
the rules of marking on the page."""

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceChange, AttendanceMark
from attendance.models.marks import MarkSource
from attendance.services.offline import MAX_MARKS_PER_SYNC, SyncError, sync_marks
from audit.models import AuditEntry
from registrations.models import Registration
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(past_workshop):
    return past_workshop.sessions.first()


def _mark(session, registration, status="present", *, at=None, minutes=60, kind="mark", cid=None):
    at = at or session.starts_at + dt.timedelta(minutes=minutes)
    return {
        "client_id": str(cid or uuid.uuid4()),
        "session_id": session.pk,
        "registration_id": registration.pk,
        "status": status,
        "marked_at": at.isoformat(),
        "kind": kind,
    }


def test_a_mark_is_applied_with_its_device_time_source_and_author(trainer, registration, session):
    mark = _mark(session, registration, "late", minutes=20)
    [result] = sync_marks(by=trainer, marks=[mark])
    assert result == {"client_id": mark["client_id"], "result": "applied", "message": ""}
    current = AttendanceMark.objects.get(registration=registration, session=session)
    assert (current.status, current.source, current.marked_by) == ("late", "offline", trainer)
    assert current.marked_at == session.starts_at + dt.timedelta(minutes=20)
    change = AttendanceChange.objects.get()
    assert change.changed_at == session.starts_at + dt.timedelta(minutes=20)
    assert (change.source, change.changed_by, change.new_status) == (
        MarkSource.OFFLINE,
        trainer,
        "late",
    )
    assert str(change.client_id) == mark["client_id"]
    assert change.synced_at is not None


def test_device_time_with_an_offset_is_kept_as_the_same_instant(trainer, registration, session):
    at = (session.starts_at + dt.timedelta(minutes=5)).astimezone(
        dt.timezone(dt.timedelta(hours=-7))
    )
    sync_marks(by=trainer, marks=[_mark(session, registration, at=at)])
    assert AttendanceChange.objects.get().changed_at == session.starts_at + dt.timedelta(minutes=5)


def test_a_mark_sent_twice_is_applied_once(trainer, registration, session):
    mark = _mark(session, registration)
    sync_marks(by=trainer, marks=[mark])
    [again] = sync_marks(by=trainer, marks=[mark])
    assert again["result"] == "duplicate"
    assert AttendanceChange.objects.count() == 1


def test_the_same_mark_twice_in_one_sync_is_applied_once(trainer, registration, session):
    mark = _mark(session, registration)
    results = sync_marks(by=trainer, marks=[mark, dict(mark)])
    assert [r["result"] for r in results] == ["applied", "duplicate"]
    assert AttendanceChange.objects.count() == 1


def test_marks_are_applied_in_device_time_order_and_results_in_sent_order(
    trainer, registration, session
):
    later = _mark(session, registration, "absent", minutes=30)
    earlier = _mark(session, registration, "present", minutes=10)
    results = sync_marks(by=trainer, marks=[later, earlier])
    assert [r["client_id"] for r in results] == [later["client_id"], earlier["client_id"]]
    assert AttendanceMark.objects.get().status == "absent"
    history = list(AttendanceChange.objects.order_by("pk").values_list("old_status", "new_status"))
    assert history == [("", "present"), ("present", "absent")]


def test_two_trainers_conflict_the_latest_device_time_wins(
    trainer, other_trainer, registration, session
):
    session.workshop.trainers.add(other_trainer)
    # Trainer A marked absent at 10:30 and syncs first; trainer B marked present at 10:10
    # and syncs later: B's older mark is kept in the history only.
    sync_marks(by=trainer, marks=[_mark(session, registration, "absent", minutes=30)])
    [result] = sync_marks(
        by=other_trainer, marks=[_mark(session, registration, "present", minutes=10)]
    )
    assert result["result"] == "applied"
    current = AttendanceMark.objects.get()
    assert (current.status, current.marked_by) == ("absent", trainer)
    older = AttendanceChange.objects.get(changed_by=other_trainer, new_status="present")
    assert older.superseded
    assert not AttendanceChange.objects.get(changed_by=trainer).superseded


def test_the_session_history_shows_synced_marks_and_the_one_not_applied(
    client_for, trainer, other_trainer, registration, session
):
    session.workshop.trainers.add(other_trainer)
    sync_marks(by=trainer, marks=[_mark(session, registration, "absent", minutes=30)])
    sync_marks(by=other_trainer, marks=[_mark(session, registration, "present", minutes=10)])
    page = client_for(trainer).get(reverse("attendance:session", args=[session.pk]))
    history = page.content.decode().split("Change history")[1]
    assert history.count("synced offline at") == 2
    assert history.count("not applied: a later mark was made on another device") == 1
    # Newest first by device time: the older mark, not applied, is listed last, with no
    # "from → to" (it changed nothing).
    assert history.index("not applied") > history.index(trainer.full_name)
    older = [line for line in history.split("<li") if "not applied" in line][0]
    assert "→" not in older


def test_two_trainers_conflict_a_newer_mark_arriving_later_replaces(
    trainer, other_trainer, registration, session
):
    session.workshop.trainers.add(other_trainer)
    sync_marks(by=trainer, marks=[_mark(session, registration, "absent", minutes=10)])
    sync_marks(by=other_trainer, marks=[_mark(session, registration, "present", minutes=30)])
    current = AttendanceMark.objects.get()
    assert (current.status, current.marked_by) == ("present", other_trainer)
    assert not AttendanceChange.objects.filter(superseded=True).exists()


def test_an_offline_mark_older_than_an_online_one_does_not_replace_it(
    trainer, registration, session
):
    services.record_marks(session_id=session.pk, by=trainer, marks={registration.pk: "excused"})
    sync_marks(by=trainer, marks=[_mark(session, registration, "absent", minutes=10)])
    assert AttendanceMark.objects.get().status == "excused"
    assert AttendanceChange.objects.count() == 2
    assert AttendanceChange.objects.get(source="offline").superseded


def test_a_closed_workshop_refuses_late_marks_with_a_message(trainer, registration, session):
    services.close_workshop(workshop_id=session.workshop_id, by=trainer)
    marks_before = AttendanceChange.objects.count()
    [result] = sync_marks(by=trainer, marks=[_mark(session, registration)])
    assert result["result"] == "refused"
    assert "closed" in result["message"]
    assert AttendanceChange.objects.count() == marks_before


def test_a_trainer_of_another_workshop_is_refused(other_trainer, registration, session):
    [result] = sync_marks(by=other_trainer, marks=[_mark(session, registration)])
    assert (result["result"], result["message"]) == ("refused", "You do not run this workshop.")
    assert not AttendanceMark.objects.exists()


def test_an_officer_cannot_sync_marks(officer, registration, session):
    [result] = sync_marks(by=officer, marks=[_mark(session, registration)])
    assert result["result"] == "refused"
    assert not AttendanceMark.objects.exists()


def test_the_coordinator_of_the_region_may_sync(coordinator, registration, session):
    [result] = sync_marks(by=coordinator, marks=[_mark(session, registration)])
    assert result["result"] == "applied"


def test_an_officer_not_on_the_roster_is_refused(trainer, registration, session, agency):
    elsewhere = RegistrationFactory(
        workshop=WorkshopFactory(), officer=OfficerFactory(agency=agency)
    )
    cancelled = RegistrationFactory(
        workshop=session.workshop,
        officer=OfficerFactory(agency=agency),
        state=Registration.State.CANCELLED,
    )
    results = sync_marks(by=trainer, marks=[_mark(session, elsewhere), _mark(session, cancelled)])
    assert [r["result"] for r in results] == ["refused", "refused"]
    assert "roster" in results[0]["message"]
    assert not AttendanceMark.objects.exists()


def test_a_future_time_is_refused(trainer, current_workshop, officer):
    registration = RegistrationFactory(workshop=current_workshop, officer=officer)
    session = current_workshop.sessions.first()
    at = timezone.now() + dt.timedelta(hours=1)
    [result] = sync_marks(by=trainer, marks=[_mark(session, registration, at=at)])
    assert result["result"] == "refused"
    assert "future" in result["message"]


def test_a_time_before_the_sessions_day_is_refused(trainer, registration, session):
    at = session.starts_at - dt.timedelta(days=2)
    [result] = sync_marks(by=trainer, marks=[_mark(session, registration, at=at)])
    assert result["result"] == "refused"
    assert "before the session's day" in result["message"]


@pytest.mark.parametrize(
    "change",
    [
        {"client_id": "not-a-uuid"},
        {"session_id": "1"},
        {"registration_id": None},
        {"registration_id": True},
        {"registration_id": 2**70},
        {"status": "asleep"},
        {"kind": "wave"},
        {"marked_at": "yesterday"},
        {"marked_at": "2026-01-01T10:00:00"},  # no offset: ambiguous
    ],
)
def test_malformed_marks_are_refused_one_by_one(trainer, registration, session, change):
    good = _mark(session, registration)
    bad = {**_mark(session, registration), **change}
    results = sync_marks(by=trainer, marks=[bad, good, "junk"])
    assert [r["result"] for r in results] == ["refused", "applied", "refused"]
    assert all(r["message"] for r in (results[0], results[2]))


def test_a_sync_that_is_not_a_list_or_too_large_is_refused(trainer):
    with pytest.raises(SyncError):
        sync_marks(by=trainer, marks={"a": 1})  # type: ignore[arg-type]
    with pytest.raises(SyncError):
        sync_marks(by=trainer, marks=[{}] * (MAX_MARKS_PER_SYNC + 1))


def test_an_offline_check_in_is_present_or_late_by_its_time(
    trainer, current_workshop, officer, agency, settings
):
    settings.ATTENDANCE_LATE_AFTER_MINUTES = 5
    on_time = RegistrationFactory(workshop=current_workshop, officer=officer)
    late = RegistrationFactory(workshop=current_workshop, officer=OfficerFactory(agency=agency))
    session = current_workshop.sessions.first()
    results = sync_marks(
        by=trainer,
        marks=[
            _mark(session, on_time, "", minutes=1, kind="check_in"),
            _mark(session, late, "", minutes=8, kind="check_in"),
        ],
    )
    assert [r["result"] for r in results] == ["applied", "applied"]
    statuses = dict(AttendanceMark.objects.values_list("registration_id", "status"))
    assert statuses == {on_time.pk: "present", late.pk: "late"}
    assert set(AttendanceChange.objects.values_list("source", flat=True)) == {"offline"}


def test_an_offline_check_in_outside_the_check_in_time_is_refused(trainer, registration, session):
    at = session.ends_at + dt.timedelta(hours=1)
    [result] = sync_marks(by=trainer, marks=[_mark(session, registration, at=at, kind="check_in")])
    assert result["result"] == "refused"


def test_one_audit_entry_per_sync_and_none_when_nothing_applied(
    trainer, registration, session, agency
):
    other = RegistrationFactory(workshop=session.workshop, officer=OfficerFactory(agency=agency))
    marks = [_mark(session, registration), _mark(session, other, "absent")]
    sync_marks(by=trainer, marks=marks)
    entry = AuditEntry.objects.get(action="attendance.synced")
    assert entry.actor == trainer
    assert entry.data["applied"] == 2
    sync_marks(by=trainer, marks=marks)
    assert AuditEntry.objects.filter(action="attendance.synced").count() == 1


def test_marks_for_several_sessions_in_one_sync(trainer, registration, past_workshop):
    first, second = past_workshop.sessions.all()
    results = sync_marks(
        by=trainer,
        marks=[_mark(first, registration, "present"), _mark(second, registration, "absent")],
    )
    assert [r["result"] for r in results] == ["applied", "applied"]
    assert AttendanceMark.objects.count() == 2


def test_sync_queries_do_not_grow_with_the_marks(
    trainer, past_workshop, agency, django_assert_max_num_queries
):
    session = past_workshop.sessions.first()
    registrations = [
        RegistrationFactory(workshop=past_workshop, officer=OfficerFactory(agency=agency))
        for _ in range(20)
    ]
    marks = [_mark(session, r) for r in registrations]
    # Per mark: its current row, the history row, the current row written.
    with django_assert_max_num_queries(20 + 3 * len(marks)):
        sync_marks(by=trainer, marks=marks)


# --- the endpoint -------------------------------------------------------------------------


def _post(client, payload, content_type="application/json"):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
    return client.post(reverse("attendance:sync"), body, content_type=content_type)


def test_endpoint_returns_a_result_per_mark(client_for, trainer, registration, session):
    mark = _mark(session, registration)
    response = _post(client_for(trainer), {"marks": [mark]})
    assert response.status_code == 200
    assert response.json() == {
        "results": [{"client_id": mark["client_id"], "result": "applied", "message": ""}]
    }
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "body,content_type,status",
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ('{"marks": 3}', "application/json", 400),
        ("marks=1", "application/x-www-form-urlencoded", 415),
    ],
)
def test_endpoint_refuses_bad_bodies(client_for, trainer, body, content_type, status):
    response = _post(client_for(trainer), body, content_type)
    assert response.status_code == status
    assert not AttendanceChange.objects.exists()


def test_endpoint_is_closed_to_officers(client_for, officer, registration, session):
    response = _post(client_for(officer), {"marks": [_mark(session, registration)]})
    assert response.status_code == 403
    assert not AttendanceMark.objects.exists()


def test_endpoint_needs_the_csrf_token(trainer, registration, session):
    from django.test import Client

    from tests.signin import sign_in

    client = Client(enforce_csrf_checks=True)
    sign_in(client, trainer)
    response = _post(client, {"marks": [_mark(session, registration)]})
    assert response.status_code == 403
    assert not AttendanceMark.objects.exists()
