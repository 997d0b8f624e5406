"""Rescheduling keeps session rows: what hangs on a session (invite UIDs, attendance marks and
their history, the check-in code) stays with it when it moves; a change that would drop
recorded attendance or carry it to another time slot is refused."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from attendance.models import AttendanceChange, AttendanceMark, CheckInCode
from attendance.services import check_in, get_or_create_checkin_code
from attendance.services.marking import apply_marks
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import WorkshopSession
from workshops.services.scheduling import SchedulingError, SessionInput, set_sessions

from .scheduling_helpers import form_data, future_day

pytestmark = pytest.mark.django_db
LISBON = zoneinfo.ZoneInfo("Europe/Lisbon")


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LISBON)


def inputs(*spans) -> list[SessionInput]:
    """(day, start hour, end hour) → SessionInput."""
    return [SessionInput(day=d, start=dt.time(s), end=dt.time(e)) for d, s, e in spans]


@pytest.fixture
def days():
    return [future_day(40 + i) for i in range(3)]


@pytest.fixture
def workshop(region, trainer, days):
    return WorkshopFactory(
        region=region,
        time_zone="Europe/Lisbon",
        trainers=[trainer],
        sessions=[(at(d, 9), at(d, 17)) for d in days],
    )


@pytest.fixture
def marked(workshop, officer, trainer):
    """The first session with an 'excused' mark recorded ahead (marks can be taken any time)."""
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    first = workshop.sessions.first()
    apply_marks(session=first, statuses={registration.pk: "excused"}, by=trainer, source="trainer")
    return first


def ids(workshop) -> list[int]:
    return list(workshop.sessions.values_list("pk", flat=True))


def test_moving_sessions_updates_the_rows_in_start_order(workshop, coordinator, days):
    before = ids(workshop)
    later = [d + dt.timedelta(days=7) for d in days]
    set_sessions(
        actor=coordinator, workshop=workshop, sessions=inputs(*[(d, 10, 16) for d in later])
    )
    rows = list(workshop.sessions.all())
    assert [r.pk for r in rows] == before
    assert [(r.starts_at, r.ends_at) for r in rows] == [(at(d, 10), at(d, 16)) for d in later]
    workshop.refresh_from_db()
    assert (workshop.starts_at, workshop.ends_at) == (at(later[0], 10), at(later[2], 16))


def test_removing_a_middle_session_deletes_that_row_only(workshop, coordinator, days):
    first, middle, last = ids(workshop)
    set_sessions(
        actor=coordinator,
        workshop=workshop,
        sessions=inputs((days[0], 9, 17), (days[2], 9, 17)),
    )
    assert ids(workshop) == [first, last]
    assert not WorkshopSession.objects.filter(pk=middle).exists()


def test_adding_a_session_creates_one_row_and_keeps_the_others(workshop, coordinator, days):
    before = ids(workshop)
    extra = days[2] + dt.timedelta(days=1)
    set_sessions(
        actor=coordinator,
        workshop=workshop,
        sessions=inputs(*[(d, 9, 17) for d in days], (extra, 9, 12)),
    )
    after = ids(workshop)
    assert after[:3] == before and len(after) == 4
    assert workshop.sessions.get(pk=after[3]).starts_at == at(extra, 9)


def test_a_moved_session_keeps_its_check_in_code_valid_around_its_new_time(
    workshop, coordinator, officer, trainer, days
):
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    last = workshop.sessions.last()
    code = get_or_create_checkin_code(session_id=last.pk, by=trainer)
    moved_day = days[2] + dt.timedelta(days=2)
    set_sessions(
        actor=coordinator,
        workshop=workshop,
        sessions=inputs((days[0], 9, 17), (days[1], 9, 17), (moved_day, 13, 17)),
    )
    assert CheckInCode.objects.get(session=last).code == code.code
    mark = check_in(officer=officer, code=code.code, now=at(moved_day, 13))
    assert (mark.session_id, mark.registration_id, mark.status) == (
        last.pk,
        registration.pk,
        "present",
    )


def test_correcting_the_times_of_a_marked_session_keeps_its_marks(
    workshop, coordinator, marked, days
):
    set_sessions(
        actor=coordinator,
        workshop=workshop,
        sessions=inputs((days[0], 9, 18), (days[1], 9, 17), (days[2], 9, 17)),
    )
    marked.refresh_from_db()
    assert marked.ends_at == at(days[0], 18)
    assert AttendanceMark.objects.get(session=marked).status == "excused"
    assert AttendanceChange.objects.filter(session=marked).count() == 1


def test_removing_another_session_leaves_the_marked_one_alone(workshop, coordinator, marked, days):
    set_sessions(
        actor=coordinator,
        workshop=workshop,
        sessions=inputs((days[0], 9, 17), (days[2], 9, 17)),
    )
    assert ids(workshop)[0] == marked.pk
    assert AttendanceMark.objects.filter(session=marked).count() == 1


@pytest.mark.parametrize(
    "change",
    ["remove", "move_to_another_day", "replace_by_a_later_session"],
)
def test_a_change_that_would_drop_or_move_recorded_attendance_is_refused(
    workshop, coordinator, marked, days, django_capture_on_commit_callbacks, change
):
    later = days[2] + dt.timedelta(days=1)
    new = {
        "remove": [(days[1], 9, 17), (days[2], 9, 17)],
        "move_to_another_day": [(later, 9, 17), (days[1], 9, 17), (days[2], 9, 17)],
        # Drop the first day and add one at the end: pairing the freed row with the new day
        # would carry the first day's marks to it.
        "replace_by_a_later_session": [(days[1], 9, 17), (days[2], 9, 17), (later, 9, 17)],
    }[change]
    before = list(workshop.sessions.values_list("pk", "starts_at", "ends_at"))
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(SchedulingError, match="Attendance has been recorded"):
            set_sessions(actor=coordinator, workshop=workshop, sessions=inputs(*new))
    assert callbacks == []
    assert list(workshop.sessions.values_list("pk", "starts_at", "ends_at")) == before
    assert AttendanceMark.objects.filter(session=marked).count() == 1


def test_the_editor_shows_the_refusal_as_a_form_error(
    client_for, workshop, coordinator, marked, days
):
    rows = [(d.isoformat(), "09:00", "17:00") for d in days[1:]]  # the marked first day removed
    data = form_data(workshop.region, rows=rows, time_zone="Europe/Lisbon")
    response = client_for(coordinator).post(
        reverse("workshops:workshop_edit", args=[workshop.pk]), data
    )
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert any("Attendance has been recorded" in e for e in errors)
    assert ids(workshop)[0] == marked.pk
