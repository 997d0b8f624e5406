"""The daily digest: once a day for each staff member who chose it, in the morning of their
time zone, with what waits for them and nothing else, and nothing on a day when nothing waits."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail

from attendees.models import User
from digest.services import send_daily_digest
from digest.tasks import send_daily_digests
from digest.waiting import what_waits
from outbox.models import Mail
from registrations.models import Registration
from tests.factories import (
    AgencyFactory,
    CoordinatorFactory,
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from trainingsite import when
from workshops.models import Module

pytestmark = pytest.mark.django_db

# Tomorrow 01:00 UTC: 09:00 in Singapore, 01:00 or 02:00 in Lisbon (before the workshops).
MORNING_IN_SINGAPORE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(
    hour=1, minute=0, second=0, microsecond=0
)
DAY = MORNING_IN_SINGAPORE.date()


def digests() -> list[str]:
    return sorted(Mail.objects.filter(kind="digest").values_list("to", flat=True))


def run_beat(now: dt.datetime = MORNING_IN_SINGAPORE) -> int:
    with mock.patch("django.utils.timezone.now", return_value=now):
        return send_daily_digests()


@pytest.fixture
def digest_coordinator(region):
    return CoordinatorFactory(
        regions=[region], work_mail=User.WorkMail.DIGEST, time_zone="Asia/Singapore"
    )


@pytest.fixture
def pending(region, officer):
    workshop = WorkshopFactory(region=region, requires_approval=True, title="Tracing 101")
    return RegistrationFactory(workshop=workshop, officer=officer, state="pending")


def test_digest_lists_what_waits_and_links_to_it(
    settings, digest_coordinator, pending, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://training.example.net"
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE)
    assert digests() == [digest_coordinator.email]
    (message,) = mail.outbox
    assert message.subject == f"Waiting for you on {when.date(DAY)}"
    assert "1 registration to approve" in message.body
    assert "Officer Alice (Agency A) · Tracing 101" in message.body
    html = message.alternatives[0][0]
    link = f"https://training.example.net/manage/workshops/{pending.workshop_id}/registrations/"
    assert f'href="{link}"' in html and link in message.body
    assert "one e-mail a day" in html


def test_digest_runs_twice_one_mail(digest_coordinator, pending):
    run_beat()
    run_beat(MORNING_IN_SINGAPORE + dt.timedelta(hours=3))
    assert send_daily_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE) is False
    assert digests() == [digest_coordinator.email]
    digest_coordinator.refresh_from_db()
    assert digest_coordinator.last_digest_on == DAY
    # The next day brings the next one.
    run_beat(MORNING_IN_SINGAPORE + dt.timedelta(days=1))
    assert len(digests()) == 2


def test_digest_waits_for_the_morning_of_the_users_zone(region, pending):
    lisbon = CoordinatorFactory(
        regions=[region], work_mail=User.WorkMail.DIGEST, time_zone="Europe/Lisbon"
    )
    assert run_beat() == 0  # 01:00 or 02:00 in Lisbon
    assert run_beat(MORNING_IN_SINGAPORE + dt.timedelta(hours=7)) == 1  # 07:00 or 08:00
    assert digests() == [lisbon.email]


def test_digest_skips_those_with_nothing_waiting(digest_coordinator):
    run_beat()
    assert digests() == []
    # The day is done: something arriving later waits for tomorrow's digest.
    digest_coordinator.refresh_from_db()
    assert digest_coordinator.last_digest_on == DAY


def test_digest_only_for_those_who_chose_it(region, pending):
    CoordinatorFactory(regions=[region], work_mail=User.WorkMail.EACH)
    CoordinatorFactory(regions=[region], work_mail=User.WorkMail.NONE)
    run_beat()
    assert digests() == []


def test_digest_rolls_back_with_its_claim(digest_coordinator, pending):
    with mock.patch("digest.services.queue_mail", side_effect=RuntimeError):
        with pytest.raises(RuntimeError):
            send_daily_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE)
    digest_coordinator.refresh_from_db()
    assert digest_coordinator.last_digest_on is None and digests() == []
    send_daily_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE)
    assert digests() == [digest_coordinator.email]


# --- what waits, scoped as the permission rules ------------------------------------------------


def test_coordinator_sees_their_regions_registrations_only(
    digest_coordinator, other_coordinator, pending, other_region, other_agency_officer
):
    other = RegistrationFactory(
        workshop=WorkshopFactory(region=other_region, requires_approval=True),
        officer=other_agency_officer,
        state="pending",
    )
    now = MORNING_IN_SINGAPORE
    assert what_waits(digest_coordinator, now=now).registrations.rows == [pending]
    assert what_waits(other_coordinator, now=now).registrations.rows == [other]


def test_started_or_decided_registrations_do_not_wait(digest_coordinator, pending, region, officer):
    RegistrationFactory(workshop=WorkshopFactory(region=region), officer=officer)
    after_start = pending.workshop.starts_at + dt.timedelta(hours=1)
    assert what_waits(digest_coordinator, now=after_start).is_empty


def test_focal_point_sees_their_agencys_nominations_and_newcomers(
    region, agency, other_agency, officer, other_agency_officer
):
    focal_point = OfficerFactory(agency=agency, is_focal_point=True)
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    mine = RegistrationFactory(workshop=workshop, officer=officer, state="nomination")
    RegistrationFactory(workshop=workshop, officer=other_agency_officer, state="nomination")
    newcomer = OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    OfficerFactory(agency=other_agency, status=User.Status.PENDING, vetted_at=None)
    waiting = what_waits(focal_point, now=MORNING_IN_SINGAPORE)
    assert waiting.nominations.rows == [mine]
    assert waiting.officers.rows == [newcomer]
    assert not waiting.registrations.count and not waiting.reviews.count


def test_coordinator_vets_only_for_agencies_without_a_focal_point(
    digest_coordinator, region, agency
):
    OfficerFactory(agency=agency, is_focal_point=True)
    OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    lone = AgencyFactory(name="Lone", region=region)
    newcomer = OfficerFactory(agency=lone, status=User.Status.PENDING, vetted_at=None)
    assert what_waits(digest_coordinator, now=MORNING_IN_SINGAPORE).officers.rows == [newcomer]


def test_authors_see_modules_sent_back_and_reviewers_modules_in_review(digest_coordinator, trainer):
    ModuleFactory(authors=[trainer], status=Module.Status.DRAFT, review_comment="More sources.")
    in_review = ModuleFactory(status=Module.Status.IN_REVIEW)
    assert [
        m.review_comment for m in what_waits(trainer, now=MORNING_IN_SINGAPORE).sent_back.rows
    ] == ["More sources."]
    assert what_waits(trainer, now=MORNING_IN_SINGAPORE).reviews.count == 0
    assert what_waits(digest_coordinator, now=MORNING_IN_SINGAPORE).reviews.rows == [in_review]


def test_a_long_list_shows_the_first_rows_and_the_count(digest_coordinator, region):
    workshop = WorkshopFactory(region=region, requires_approval=True)
    for _ in range(12):
        RegistrationFactory(workshop=workshop, officer=OfficerFactory(), state="pending")
    part = what_waits(digest_coordinator, now=MORNING_IN_SINGAPORE).registrations
    assert (len(part.rows), part.count) == (10, 12)
    assert Registration.objects.filter(state="pending").count() == 12
