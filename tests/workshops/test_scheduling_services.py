import datetime as dt
import zoneinfo
from unittest import mock

import pytest
from django.utils import timezone

from registrations.models import Registration
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Workshop
from workshops.services.scheduling import (
    SchedulingError,
    SessionInput,
    cancel_workshop,
    create_workshop,
    duplicate_workshop,
    local_to_utc,
    publish_workshop,
    set_sessions,
    update_workshop,
)

from .scheduling_helpers import details, future_day, published_revision, sessions

pytestmark = pytest.mark.django_db
LISBON = zoneinfo.ZoneInfo("Europe/Lisbon")


def last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def test_create_workshop_stores_utc_and_syncs_starts_and_ends(coordinator, region):
    day = future_day()
    workshop = create_workshop(
        actor=coordinator, details=details(region), sessions=sessions(day, count=2)
    )
    assert workshop.status == Workshop.Status.DRAFT
    first, last = list(workshop.sessions.all())
    assert first.starts_at.astimezone(LISBON).time() == dt.time(9)
    assert workshop.starts_at == first.starts_at
    assert workshop.ends_at == last.ends_at
    assert workshop.created_by == coordinator


def test_session_at_nine_stays_nine_local_across_lisbon_spring_dst(coordinator, region):
    year = timezone.localdate().year + 1
    change = last_sunday(year, 3)
    workshop = create_workshop(
        actor=coordinator,
        details=details(
            region,
            registration_closes_at=dt.datetime(year, 3, 1, tzinfo=dt.UTC),
            cancellation_deadline=None,
        ),
        sessions=[
            SessionInput(day=change - dt.timedelta(days=1), start=dt.time(9), end=dt.time(17)),
            SessionInput(day=change + dt.timedelta(days=1), start=dt.time(9), end=dt.time(17)),
        ],
    )
    before, after = workshop.sessions.all()
    assert before.starts_at.time() == dt.time(9)  # WET = UTC+0
    assert after.starts_at.time() == dt.time(8)  # WEST = UTC+1
    assert after.starts_at.astimezone(LISBON).time() == dt.time(9)


def test_session_at_nine_stays_nine_local_across_new_york_autumn_dst():
    year = timezone.localdate().year + 1
    # First Sunday of November.
    nov1 = dt.date(year, 11, 1)
    change = nov1 + dt.timedelta(days=(6 - nov1.weekday()) % 7)
    saturday = local_to_utc(
        dt.datetime.combine(change - dt.timedelta(days=1), dt.time(9)), "America/New_York"
    )
    monday = local_to_utc(
        dt.datetime.combine(change + dt.timedelta(days=1), dt.time(9)), "America/New_York"
    )
    assert saturday.hour == 13 and monday.hour == 14


def test_time_skipped_by_a_clock_change_is_refused():
    change = last_sunday(timezone.localdate().year + 1, 3)
    with pytest.raises(SchedulingError, match="does not exist"):
        local_to_utc(dt.datetime.combine(change, dt.time(1, 30)), "Europe/Lisbon")


def test_end_before_start_is_refused(coordinator, region):
    with pytest.raises(SchedulingError, match="end after it starts"):
        create_workshop(
            actor=coordinator,
            details=details(region),
            sessions=sessions(start=dt.time(17), end=dt.time(9)),
        )


def test_session_longer_than_twelve_hours_is_refused(coordinator, region):
    with pytest.raises(SchedulingError, match="12 hours"):
        create_workshop(
            actor=coordinator,
            details=details(region),
            sessions=sessions(start=dt.time(6), end=dt.time(19)),
        )


def test_sessions_spread_over_more_than_fourteen_days_are_refused(coordinator, region):
    day = future_day()
    with pytest.raises(SchedulingError, match="14 days"):
        create_workshop(
            actor=coordinator,
            details=details(region),
            sessions=sessions(day) + sessions(day + dt.timedelta(days=15)),
        )


def test_overlapping_sessions_of_one_workshop_are_refused(coordinator, region):
    day = future_day()
    with pytest.raises(SchedulingError, match="overlap"):
        create_workshop(
            actor=coordinator,
            details=details(region),
            sessions=sessions(day) + sessions(day, start=dt.time(12), end=dt.time(13)),
        )


def test_trainer_booked_in_overlapping_session_names_the_other_workshop(
    coordinator, region, trainer
):
    other = create_workshop(
        actor=coordinator, details=details(region, title="Dark web markets"), sessions=sessions()
    )
    other.trainers.set([trainer])
    with pytest.raises(SchedulingError, match="Dark web markets") as err:
        create_workshop(
            actor=coordinator,
            details=details(region),
            sessions=sessions(start=dt.time(10), end=dt.time(12)),
            trainers=[trainer],
        )
    assert err.value.field == "trainers"


def test_trainer_of_a_cancelled_workshop_is_free(coordinator, region, trainer):
    other = create_workshop(actor=coordinator, details=details(region), sessions=sessions())
    other.trainers.set([trainer])
    cancel_workshop(actor=coordinator, workshop=other, reason="Venue closed")
    workshop = create_workshop(
        actor=coordinator, details=details(region), sessions=sessions(), trainers=[trainer]
    )
    assert list(workshop.trainers.all()) == [trainer]


def test_capacity_below_confirmed_seats_is_refused(coordinator, region):
    workshop = WorkshopFactory(region=region, capacity=5)
    RegistrationFactory.create_batch(3, workshop=workshop)
    with pytest.raises(SchedulingError, match="3 seats") as err:
        update_workshop(actor=coordinator, workshop=workshop, details={"capacity": 2})
    assert err.value.field == "capacity"


def test_waitlisted_registrations_do_not_count_against_capacity(coordinator, region):
    workshop = WorkshopFactory(region=region, capacity=5)
    RegistrationFactory(workshop=workshop, state=Registration.State.WAITLISTED)
    update_workshop(actor=coordinator, workshop=workshop, details={"capacity": 1})
    workshop.refresh_from_db()
    assert workshop.capacity == 1


def test_registration_closing_after_start_is_refused(coordinator, region):
    start = timezone.now() + dt.timedelta(days=40)
    with pytest.raises(SchedulingError, match="close before the workshop starts") as err:
        create_workshop(
            actor=coordinator,
            details=details(region, registration_closes_at=start + dt.timedelta(days=5)),
            sessions=sessions(),
        )
    assert err.value.field == "registration_closes_at"


def test_registration_opening_after_it_closes_is_refused(coordinator, region):
    closes = timezone.now() + dt.timedelta(days=10)
    with pytest.raises(SchedulingError, match="open before it closes"):
        create_workshop(
            actor=coordinator,
            details=details(
                region,
                registration_opens_at=closes + dt.timedelta(days=1),
                registration_closes_at=closes,
            ),
            sessions=sessions(),
        )


def test_cancellation_deadline_after_start_is_refused(coordinator, region):
    with pytest.raises(SchedulingError, match="cancellation deadline") as err:
        create_workshop(
            actor=coordinator,
            details=details(region, cancellation_deadline=timezone.now() + dt.timedelta(days=60)),
            sessions=sessions(),
        )
    assert err.value.field == "cancellation_deadline"


def test_coordinator_cannot_schedule_in_another_region(coordinator, other_region):
    with pytest.raises(SchedulingError, match="own regions"):
        create_workshop(actor=coordinator, details=details(other_region), sessions=sessions())
    assert not Workshop.objects.exists()


def test_coordinator_cannot_move_workshop_to_another_region(coordinator, region, other_region):
    workshop = WorkshopFactory(region=region)
    with pytest.raises(SchedulingError, match="own regions"):
        update_workshop(actor=coordinator, workshop=workshop, details={"region": other_region})


def test_program_admin_schedules_in_any_region(program_admin, other_region):
    workshop = create_workshop(
        actor=program_admin, details=details(other_region), sessions=sessions()
    )
    assert workshop.region == other_region


def test_modules_are_pinned_in_order(coordinator, region):
    second, first = published_revision(), published_revision()
    workshop = create_workshop(
        actor=coordinator,
        details=details(region),
        sessions=sessions(),
        revisions=[first, second],
    )
    assert [wm.revision for wm in workshop.workshop_modules.all()] == [first, second]


def test_publish_needs_sessions_and_modules(coordinator, region):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.DRAFT, sessions=[])
    with pytest.raises(SchedulingError, match="session.*module"):
        publish_workshop(actor=coordinator, workshop=workshop)


def test_publish_enqueues_invite_sync_after_commit(
    coordinator, region, django_capture_on_commit_callbacks
):
    workshop = create_workshop(
        actor=coordinator,
        details=details(region),
        sessions=sessions(),
        revisions=[published_revision()],
    )
    with mock.patch("invites.tasks.sync_workshop_invites.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            publish_workshop(actor=coordinator, workshop=workshop)
            delay.assert_not_called()  # not before the commit
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED
    assert len(callbacks) == 1
    delay.assert_called_once_with(workshop.pk)


def test_rescheduling_a_published_workshop_runs_invite_sync_on_commit(
    coordinator, region, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        set_sessions(actor=coordinator, workshop=workshop, sessions=sessions(future_day(41)))
    assert len(callbacks) == 1
    workshop.refresh_from_db()
    assert workshop.starts_at.astimezone(LISBON).date() == future_day(41)


def test_editing_a_draft_enqueues_no_invite_sync(
    coordinator, region, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.DRAFT)
    with django_capture_on_commit_callbacks() as callbacks:
        set_sessions(actor=coordinator, workshop=workshop, sessions=sessions(future_day(41)))
    assert callbacks == []


def test_unchanged_sessions_enqueue_no_invite_sync(
    coordinator, region, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region)
    set_sessions(actor=coordinator, workshop=workshop, sessions=sessions())
    with django_capture_on_commit_callbacks() as callbacks:
        set_sessions(actor=coordinator, workshop=workshop, sessions=sessions())
    assert callbacks == []


def test_cancel_sets_reason_and_enqueues_invite_sync(
    coordinator, region, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region)
    with django_capture_on_commit_callbacks() as callbacks:
        cancel_workshop(actor=coordinator, workshop=workshop, reason="Venue flooded")
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.CANCELLED
    assert workshop.cancel_reason == "Venue flooded"
    assert len(callbacks) == 1


def test_cancel_needs_a_reason(coordinator, region):
    workshop = WorkshopFactory(region=region)
    with pytest.raises(SchedulingError, match="reason"):
        cancel_workshop(actor=coordinator, workshop=workshop, reason="  ")


def test_cancelled_workshop_cannot_be_edited(coordinator, region):
    workshop = WorkshopFactory(region=region, status=Workshop.Status.CANCELLED)
    with pytest.raises(SchedulingError, match="no longer be edited"):
        update_workshop(actor=coordinator, workshop=workshop, details={"title": "x"})


def test_duplicate_shifts_by_weeks_keeping_local_time_across_dst(coordinator, region, trainer):
    year = timezone.localdate().year + 1
    # Last week of October in Lisbon is still summer time; 52 weeks on may fall either side.
    day = last_sunday(year, 10) - dt.timedelta(days=2)
    original = create_workshop(
        actor=coordinator,
        details=details(
            region,
            registration_closes_at=dt.datetime(year, 10, 1, tzinfo=dt.UTC),
            cancellation_deadline=None,
        ),
        sessions=[SessionInput(day=day, start=dt.time(9), end=dt.time(17))],
        revisions=[published_revision()],
        trainers=[trainer],
    )
    copy = duplicate_workshop(actor=coordinator, workshop=original, shift_weeks=1)
    session = copy.sessions.get()
    assert copy.status == Workshop.Status.DRAFT
    assert session.starts_at.astimezone(LISBON).date() == day + dt.timedelta(weeks=1)
    assert session.starts_at.astimezone(LISBON).time() == dt.time(9)
    # Crossed the October change: UTC hour moved from 8 to 9.
    assert session.starts_at.hour == 9 and original.starts_at.hour == 8
    assert list(copy.trainers.all()) == [trainer]
    assert copy.workshop_modules.count() == 1
    assert copy.registration_closes_at.astimezone(LISBON).date() == dt.date(year, 10, 8)


def test_duplicate_to_a_new_start_date_moves_every_session(coordinator, region):
    original = create_workshop(
        actor=coordinator, details=details(region), sessions=sessions(count=3)
    )
    new_start = future_day(40 + 364)
    copy = duplicate_workshop(actor=coordinator, workshop=original, new_start=new_start)
    days = [s.starts_at.astimezone(LISBON).date() for s in copy.sessions.all()]
    assert days == [new_start + dt.timedelta(days=i) for i in range(3)]


def test_venue_change_on_published_workshop_enqueues_invite_sync(
    coordinator, region, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region)
    with django_capture_on_commit_callbacks() as callbacks:
        update_workshop(actor=coordinator, workshop=workshop, details={"venue_name": "Hall B"})
    assert len(callbacks) == 1


def test_capacity_change_enqueues_no_invite_sync(
    coordinator, region, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region)
    with django_capture_on_commit_callbacks() as callbacks:
        update_workshop(actor=coordinator, workshop=workshop, details={"capacity": 40})
    assert callbacks == []


def test_publish_twice_is_refused(coordinator, region):
    workshop = WorkshopFactory(region=region)
    with pytest.raises(SchedulingError, match="Only a draft"):
        publish_workshop(actor=coordinator, workshop=workshop)
