"""When a test is open: pre-tests from confirmation to the first session, post-tests from the
last session's start to midnight (the venue's) N days after it."""

import datetime as dt
import zoneinfo

import pytest

from assessments import windows
from assessments.models import WorkshopTest
from assessments.windows import attempt_deadline
from registrations.models import Registration
from tests.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Workshop

from .factories import make_test

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(*args, tz="UTC"):
    return dt.datetime(*args, tzinfo=zoneinfo.ZoneInfo(tz))


def _workshop(tz="Asia/Singapore", **kwargs):
    sessions = kwargs.pop(
        "sessions",
        [
            (at(2026, 12, 8, 9, tz=tz), at(2026, 12, 8, 17, tz=tz)),
            (at(2026, 12, 10, 9, tz=tz), at(2026, 12, 10, 17, tz=tz)),
        ],
    )
    return WorkshopFactory(time_zone=tz, sessions=sessions, **kwargs)


def test_pre_test_opens_at_confirmation_and_closes_when_the_first_session_starts(officer):
    workshop = _workshop()
    reg = RegistrationFactory(workshop=workshop, officer=officer, confirmed_at=at(2026, 11, 20, 8))
    window = windows.test_window(make_test(workshop), reg)
    assert window.opens_at == at(2026, 11, 20, 8)
    assert window.closes_at == at(2026, 12, 8, 9, tz="Asia/Singapore")
    assert not window.is_open(at(2026, 11, 20, 7, 59))
    assert window.is_open(at(2026, 11, 20, 8))
    assert window.is_open(at(2026, 12, 8, 0, 59))  # 08:59 in Singapore
    assert not window.is_open(at(2026, 12, 8, 1))  # 09:00 in Singapore: the first session
    assert window.has_closed(at(2026, 12, 8, 1))


def test_pre_test_is_closed_to_a_registration_not_confirmed(officer):
    workshop = _workshop()
    reg = RegistrationFactory(
        workshop=workshop, officer=officer, state=Registration.State.WAITLISTED, confirmed_at=None
    )
    assert not windows.test_window(make_test(workshop), reg).is_open(at(2026, 11, 25))


def test_no_pre_test_is_offered_to_a_registration_confirmed_once_the_workshop_began(officer):
    """A walk-in admitted during the first session: never a window that closes before it
    opens ("Open 3 Dec – 24 Nov")."""
    workshop = _workshop()
    confirmed = at(2026, 12, 8, 10, tz="Asia/Singapore")
    reg = RegistrationFactory(workshop=workshop, officer=officer, confirmed_at=confirmed)
    window = windows.test_window(make_test(workshop), reg)
    assert window.opens_at is None
    assert window.closes_at == at(2026, 12, 8, 9, tz="Asia/Singapore")
    assert not window.is_open(confirmed)
    assert window.has_closed(confirmed)


def test_post_test_runs_from_the_last_session_to_midnight_at_the_venue_days_later():
    workshop = _workshop()
    test = make_test(workshop, WorkshopTest.Kind.POST, closes_after_days=2)
    window = windows.test_window(test)
    assert window.opens_at == at(2026, 12, 10, 9, tz="Asia/Singapore")
    # The end of 12 December in Singapore, which is 16:00 UTC that day.
    assert window.closes_at == at(2026, 12, 13, 0, tz="Asia/Singapore")
    assert window.closes_at == at(2026, 12, 12, 16)
    assert not window.is_open(at(2026, 12, 10, 0, 59))
    assert window.is_open(at(2026, 12, 10, 1))
    assert window.is_open(at(2026, 12, 12, 15, 59))
    assert not window.is_open(at(2026, 12, 12, 16))


def test_post_test_counts_the_venue_day_not_the_utc_day():
    # 23:30 in Los Angeles is already the next day in UTC: the venue's day counts.
    tz = "America/Los_Angeles"
    workshop = _workshop(
        tz, sessions=[(at(2026, 12, 10, 18, tz=tz), at(2026, 12, 10, 23, 30, tz=tz))]
    )
    window = windows.test_window(make_test(workshop, WorkshopTest.Kind.POST, closes_after_days=0))
    assert window.closes_at == at(2026, 12, 11, 0, tz=tz)
    assert window.closes_at == at(2026, 12, 11, 8)


@pytest.mark.parametrize("status", [Workshop.Status.DRAFT, Workshop.Status.CANCELLED])
def test_nothing_is_open_for_a_draft_or_cancelled_workshop(officer, status):
    workshop = _workshop(status=status)
    reg = RegistrationFactory(workshop=workshop, officer=officer, confirmed_at=at(2026, 11, 20))
    assert not windows.test_window(make_test(workshop), reg).is_open(at(2026, 11, 25))
    assert not windows.test_window(make_test(workshop, WorkshopTest.Kind.POST)).is_open(
        at(2026, 12, 10, 2)
    )


def test_an_attempt_ends_at_its_time_limit_or_the_closing_whichever_first():
    workshop = _workshop()
    test = make_test(workshop, WorkshopTest.Kind.POST, closes_after_days=0, time_limit_minutes=30)
    window = windows.test_window(test)
    assert attempt_deadline(test, window, at(2026, 12, 10, 2)) == at(2026, 12, 10, 2, 30)
    assert attempt_deadline(test, window, at(2026, 12, 10, 15, 50)) == window.closes_at
    test.time_limit_minutes = None
    assert attempt_deadline(test, window, at(2026, 12, 10, 2)) == window.closes_at
