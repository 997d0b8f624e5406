"""When a digest goes out: daily from DIGEST_HOUR in the user's zone, weekly from DIGEST_HOUR on
their Monday (or the first run after it), one a period whatever runs or how many workers."""

import datetime as dt
import threading
import zoneinfo
from unittest import mock

import pytest
from django.db import connection, connections
from django.urls import reverse

from attendees.models import User
from inbox.services import digest_period, latest_period_start, period_start, send_digest
from inbox.tasks import send_digests
from outbox.models import Mail
from tests.attendees.test_profile import PROFILE
from tests.factories import CoordinatorFactory, OfficerFactory, RegistrationFactory, WorkshopFactory

pytestmark = pytest.mark.django_db

WorkMail = User.WorkMail
SGT = zoneinfo.ZoneInfo("Asia/Singapore")
NYC = zoneinfo.ZoneInfo("America/New_York")


def next_monday(hour: int, tz=SGT) -> dt.datetime:
    """A Monday at `hour` in `tz`, in the coming weeks (workshops in tests start in 30 days)."""
    today = dt.datetime.now(tz).date()
    monday = today + dt.timedelta(days=7 - today.weekday())
    return dt.datetime.combine(monday, dt.time(hour), tzinfo=tz)


def digests() -> list[str]:
    return sorted(Mail.objects.filter(kind="digest").values_list("to", flat=True))


def run_beat(now: dt.datetime) -> int:
    with mock.patch("django.utils.timezone.now", return_value=now):
        return send_digests()


@pytest.fixture
def weekly(region):
    return CoordinatorFactory(
        regions=[region], work_mail=WorkMail.WEEKLY, time_zone="Asia/Singapore"
    )


@pytest.fixture
def pending(region, officer):
    # Starts in 30 days: still waiting for approval in every week these tests visit.
    workshop = WorkshopFactory(region=region, requires_approval=True, title="Tracing 101")
    return RegistrationFactory(workshop=workshop, officer=officer, state="pending")


# --- the period rule, as a function of the local time --------------------------------------


@pytest.mark.parametrize(
    ("local", "daily", "weekly"),
    [
        # Monday 2027-01-04
        (dt.datetime(2027, 1, 4, 6, 59), None, None),
        (dt.datetime(2027, 1, 4, 7, 0), dt.date(2027, 1, 4), dt.date(2027, 1, 4)),
        (dt.datetime(2027, 1, 6, 3, 0), None, dt.date(2027, 1, 4)),  # Wednesday night
        (dt.datetime(2027, 1, 10, 23, 59), dt.date(2027, 1, 10), dt.date(2027, 1, 4)),  # Sunday
        (dt.datetime(2027, 1, 11, 6, 0), None, None),  # the next Monday, before the hour
    ],
)
def test_daily_and_weekly_periods_start_at_the_digest_hour(settings, local, daily, weekly):
    settings.DIGEST_HOUR = 7
    assert period_start(WorkMail.DIGEST, local) == daily
    assert period_start(WorkMail.WEEKLY, local) == weekly
    assert period_start(WorkMail.EACH, local) is None
    assert period_start(WorkMail.NONE, local) is None


def test_the_same_moment_is_a_new_week_in_singapore_and_last_week_in_new_york(settings):
    settings.DIGEST_HOUR = 7
    # Monday 00:30 UTC: Monday 08:30 in Singapore, Sunday 19:30 in New York.
    now = dt.datetime(2027, 1, 4, 0, 30, tzinfo=dt.UTC)
    singapore = User(work_mail=WorkMail.WEEKLY, time_zone="Asia/Singapore")
    new_york = User(work_mail=WorkMail.WEEKLY, time_zone="America/New_York")
    assert digest_period(singapore, now) == dt.date(2027, 1, 4)
    assert digest_period(new_york, now) == dt.date(2026, 12, 28)
    # No zone is past the latest start the beat filters on.
    assert latest_period_start(WorkMail.WEEKLY, now) >= dt.date(2027, 1, 4)
    assert latest_period_start(WorkMail.DIGEST, now) == dt.date(2027, 1, 5)


# --- weekly digests -------------------------------------------------------------------------


def test_weekly_digest_goes_out_on_monday_at_the_digest_hour_once_a_week(settings, weekly, pending):
    settings.DIGEST_HOUR = 7
    monday = next_monday(7)
    assert run_beat(monday - dt.timedelta(minutes=1)) == 0
    assert run_beat(monday) == 1
    assert digests() == [weekly.email]
    weekly.refresh_from_db()
    assert weekly.last_digest_on == monday.date()
    # Every later run that week, by the beat or the service directly, finds the week taken.
    for hours in (1, 30, 24 * 6 + 16):
        assert run_beat(monday + dt.timedelta(hours=hours)) == 0
        assert send_digest(user_id=weekly.pk, now=monday + dt.timedelta(hours=hours)) is False
    assert digests() == [weekly.email]
    # The next Monday brings the next one.
    assert run_beat(monday + dt.timedelta(days=7)) == 1
    assert len(digests()) == 2


def test_a_missed_monday_sends_on_the_first_run_after(settings, weekly, pending):
    settings.DIGEST_HOUR = 7
    wednesday = next_monday(7) + dt.timedelta(days=2, hours=5)
    assert run_beat(wednesday) == 1
    weekly.refresh_from_db()
    assert weekly.last_digest_on == next_monday(7).date()  # the week's first day
    assert run_beat(wednesday + dt.timedelta(days=1)) == 0
    assert digests() == [weekly.email]


def test_weekly_follows_the_users_monday_not_utcs(settings, region, pending):
    settings.DIGEST_HOUR = 7
    new_york = CoordinatorFactory(
        regions=[region], work_mail=WorkMail.WEEKLY, time_zone="America/New_York"
    )
    User.objects.filter(pk=new_york.pk).update(last_digest_on=next_monday(7, NYC).date())
    monday_nyc = next_monday(7, NYC) + dt.timedelta(days=7)
    # Monday 07:00 in Singapore is still Sunday evening in New York: nothing yet.
    assert run_beat(monday_nyc - dt.timedelta(hours=12)) == 0
    assert run_beat(monday_nyc) == 1
    assert digests() == [new_york.email]


def test_switching_from_daily_to_weekly_waits_for_the_next_monday(settings, weekly, pending):
    settings.DIGEST_HOUR = 7
    tuesday = next_monday(7) + dt.timedelta(days=1)
    User.objects.filter(pk=weekly.pk).update(last_digest_on=tuesday.date())  # had Tuesday's
    assert run_beat(tuesday + dt.timedelta(days=1)) == 0
    assert run_beat(next_monday(7) + dt.timedelta(days=7)) == 1


def test_the_beat_does_not_read_weekly_users_done_for_the_week(settings, weekly, pending):
    settings.DIGEST_HOUR = 7
    thursday = next_monday(7) + dt.timedelta(days=3)
    User.objects.filter(pk=weekly.pk).update(last_digest_on=next_monday(7).date())
    with mock.patch("inbox.services.digest_period") as period:
        assert run_beat(thursday) == 0
    period.assert_not_called()


def test_daily_and_weekly_users_each_get_theirs(settings, region, weekly, pending):
    settings.DIGEST_HOUR = 7
    daily = CoordinatorFactory(
        regions=[region], work_mail=WorkMail.DIGEST, time_zone="Asia/Singapore"
    )
    monday = next_monday(7)
    assert run_beat(monday) == 2
    assert run_beat(monday + dt.timedelta(days=1)) == 1
    assert digests() == sorted([daily.email, daily.email, weekly.email])


# --- who gets none --------------------------------------------------------------------------


def test_no_digest_for_officers_without_a_staff_role(settings, agency, region):
    settings.DIGEST_HOUR = 7
    plain = OfficerFactory(agency=agency, work_mail=WorkMail.WEEKLY, time_zone="Asia/Singapore")
    RegistrationFactory(
        workshop=WorkshopFactory(region=region, requires_nomination=True),
        officer=OfficerFactory(agency=agency),
        state="nomination",
    )
    monday = next_monday(7)
    assert run_beat(monday) == 0
    assert send_digest(user_id=plain.pk, now=monday) is False
    assert digests() == []


def test_nothing_waiting_or_changed_sends_nothing_but_claims_the_week(settings, weekly):
    settings.DIGEST_HOUR = 7
    assert run_beat(next_monday(7)) == 1  # due, then found empty
    assert digests() == []
    weekly.refresh_from_db()
    assert weekly.last_digest_on == next_monday(7).date()


# --- two workers ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")
def test_two_workers_at_once_send_one_digest(settings, region, officer):
    settings.DIGEST_HOUR = 7
    weekly = CoordinatorFactory(
        regions=[region], work_mail=WorkMail.WEEKLY, time_zone="Asia/Singapore"
    )
    RegistrationFactory(
        workshop=WorkshopFactory(region=region, requires_approval=True),
        officer=officer,
        state="pending",
    )
    monday = next_monday(7)
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(send_digest(user_id=weekly.pk, now=monday))
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    assert digests() == [weekly.email]


# --- the choice -------------------------------------------------------------------------------


def test_a_focal_point_is_offered_the_weekly_digest_and_keeps_it(client_for, focal_point):
    client = client_for(focal_point)
    page = client.get(reverse("profile")).content.decode()
    assert 'name="work_mail" value="weekly"' in page
    assert "One e-mail a week with everything waiting" in page
    assert "the weekly one on Monday morning" in page
    response = client.post(reverse("profile"), {**PROFILE, "work_mail": "weekly"})
    assert response.url == reverse("profile")
    focal_point.refresh_from_db()
    assert focal_point.work_mail == WorkMail.WEEKLY
