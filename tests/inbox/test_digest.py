"""The daily digest: once a day for each staff member who chose it, in the morning of their
time zone, listing exactly their inbox (its sections, counts and pages), and nothing on a day
when the inbox is empty."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from attendees.models import User
from inbox.items import counts_for, items_for
from inbox.services import send_digest
from inbox.tasks import send_digests
from outbox.models import Mail
from tests.factories import (
    AgencyFactory,
    CoordinatorFactory,
    ModuleFactory,
    OfficerFactory,
    RegistrationFactory,
    WorkshopFactory,
)
from trainingsite.when_tags import local_date
from workshops.models import Module

pytestmark = pytest.mark.django_db

# Tomorrow 01:00 UTC: 09:00 in Singapore, 01:00 or 02:00 in Lisbon (before the workshops).
MORNING_IN_SINGAPORE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).replace(
    hour=1, minute=0, second=0, microsecond=0
)
DAY = MORNING_IN_SINGAPORE.date()


def digests() -> list[str]:
    return sorted(Mail.objects.filter(kind="digest").values_list("to", flat=True))


def at(now: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=now)


def run_beat(now: dt.datetime = MORNING_IN_SINGAPORE) -> int:
    with at(now):
        return send_digests()


def sections_of(user, now: dt.datetime = MORNING_IN_SINGAPORE) -> dict:
    with at(now):
        return {s.kind: s for s in items_for(user)}


@pytest.fixture
def digest_coordinator(region):
    return CoordinatorFactory(
        regions=[region], work_mail=User.WorkMail.DIGEST, time_zone="Asia/Singapore"
    )


@pytest.fixture
def pending(region, officer):
    workshop = WorkshopFactory(region=region, requires_approval=True, title="Tracing 101")
    return RegistrationFactory(workshop=workshop, officer=officer, state="pending")


def test_digest_lists_the_inbox_and_links_to_it(
    settings, digest_coordinator, pending, agency, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://training.example.net"
    newcomer = OfficerFactory(
        agency=agency, full_name="New Nina", status=User.Status.PENDING, vetted_at=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE)
    assert digests() == [digest_coordinator.email]
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    assert message.subject == f"Waiting for you on {local_date(DAY)}"
    # The inbox's own sections, with its counts.
    assert counts_for(digest_coordinator) == {
        "registrations": 1,
        "officers": 1,
        "name_changes": 0,
        "agency_requests": 0,
        "modules": 0,
        "sent_back": 0,
        "workshops": 0,
        "deliveries": 0,
    }
    assert "Registrations to approve (1)" in message.body
    assert "Officers to vet (1)" in message.body
    assert "Modules to review" not in message.body
    assert "Tracing 101 · " in message.body and "1 to approve" in message.body
    assert "New Nina (Agency A) · signed up" in message.body
    # Each row links where it is acted on, each section to its page, the mail to the inbox.
    site = "https://training.example.net"
    for link in (
        f"{site}/manage/workshops/{pending.workshop_id}/registrations/",
        f"{site}{reverse('vetting_detail', args=[newcomer.pk])}",
        f"{site}/inbox/",
    ):
        assert link in message.body and f'href="{link}"' in html
    for section in items_for(digest_coordinator):
        assert f'href="{site}{section.url}"' in html
    assert "one e-mail a day" in html


def test_digest_is_in_the_recipients_language(digest_coordinator, pending):
    User.objects.filter(pk=digest_coordinator.pk).update(language="fr")
    send_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE)
    (row,) = Mail.objects.filter(kind="digest")
    with translation.override("fr"):
        assert row.subject.endswith(local_date(DAY))
    assert not row.subject.endswith(local_date(DAY))


def test_digest_runs_twice_one_mail(digest_coordinator, pending):
    run_beat()
    run_beat(MORNING_IN_SINGAPORE + dt.timedelta(hours=3))
    assert send_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE) is False
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
    with mock.patch("inbox.services.queue_mail", side_effect=RuntimeError):
        with pytest.raises(RuntimeError):
            send_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE)
    digest_coordinator.refresh_from_db()
    assert digest_coordinator.last_digest_on is None and digests() == []
    send_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE)
    assert digests() == [digest_coordinator.email]


# --- what waits: the inbox's scoping ------------------------------------------------------------


def test_coordinator_sees_their_regions_registrations_only(
    digest_coordinator, other_coordinator, pending, other_region, other_agency_officer
):
    other = RegistrationFactory(
        workshop=WorkshopFactory(region=other_region, requires_approval=True),
        officer=other_agency_officer,
        state="pending",
    )
    assert sections_of(digest_coordinator)["registrations"].rows == [pending.workshop]
    assert sections_of(other_coordinator)["registrations"].rows == [other.workshop]


def test_started_or_decided_registrations_do_not_wait(
    settings, digest_coordinator, pending, region, officer
):
    RegistrationFactory(workshop=WorkshopFactory(region=region), officer=officer)
    after_start = pending.workshop.starts_at + dt.timedelta(minutes=1)
    assert sections_of(digest_coordinator, after_start) == {}
    settings.DIGEST_HOUR = 0
    with at(after_start):
        assert send_digest(user_id=digest_coordinator.pk, now=after_start) is False
    assert digests() == []


def test_focal_point_sees_their_agencys_nominations_and_newcomers(
    region, agency, other_agency, officer, other_agency_officer
):
    focal_point = OfficerFactory(agency=agency, is_focal_point=True)
    workshop = WorkshopFactory(region=region, requires_nomination=True)
    mine = RegistrationFactory(workshop=workshop, officer=officer, state="nomination")
    RegistrationFactory(workshop=workshop, officer=other_agency_officer, state="nomination")
    newcomer = OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    OfficerFactory(agency=other_agency, status=User.Status.PENDING, vetted_at=None)
    sections = sections_of(focal_point)
    assert sections["nominations"].rows == [mine]
    assert sections["officers"].rows == [newcomer]
    assert set(sections) == {"nominations", "officers"}


def test_coordinator_gets_the_vetting_queue_of_their_regions(digest_coordinator, region, agency):
    # As the vetting queue: every newcomer of the region's agencies, focal point or not.
    OfficerFactory(agency=agency, is_focal_point=True)
    with_focal_point = OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    lone = AgencyFactory(name="Lone", region=region)
    newcomer = OfficerFactory(agency=lone, status=User.Status.PENDING, vetted_at=None)
    OfficerFactory(
        agency=AgencyFactory(name="Elsewhere"), status=User.Status.PENDING, vetted_at=None
    )
    rows = sections_of(digest_coordinator)["officers"].rows
    assert {u.pk for u in rows} == {with_focal_point.pk, newcomer.pk}


def test_authors_see_modules_sent_back_and_reviewers_modules_in_review(digest_coordinator, trainer):
    sent_back = ModuleFactory(
        authors=[trainer], status=Module.Status.DRAFT, review_comment="More sources."
    )
    ModuleFactory(authors=[trainer], status=Module.Status.DRAFT)  # a draft not yet reviewed
    ModuleFactory(status=Module.Status.DRAFT, review_comment="Not theirs.")
    in_review = ModuleFactory(status=Module.Status.IN_REVIEW)
    mine = sections_of(trainer)
    assert [m.review_comment for m in mine["sent_back"].rows] == ["More sources."]
    assert mine["sent_back"].rows[0].inbox_url == reverse(
        "workshops:module_detail", args=[sent_back.pk]
    )
    assert "modules" not in mine
    assert sections_of(digest_coordinator)["modules"].rows == [in_review]
    assert "sent_back" not in sections_of(digest_coordinator)


def test_digest_tells_authors_their_module_was_sent_back(
    trainer, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=trainer.pk).update(
        work_mail=User.WorkMail.DIGEST, time_zone="Asia/Singapore"
    )
    ModuleFactory(
        authors=[trainer], title="Wallets", status=Module.Status.DRAFT, review_comment="Sources?"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digest(user_id=trainer.pk, now=MORNING_IN_SINGAPORE)
    (message,) = mail.outbox
    assert "Modules sent back to you (1)" in message.body
    assert "Wallets · Sources?" in message.body


def test_a_long_list_shows_the_first_rows_and_the_count(
    digest_coordinator, agency, django_capture_on_commit_callbacks
):
    for _ in range(12):
        OfficerFactory(agency=agency, status=User.Status.PENDING, vetted_at=None)
    section = sections_of(digest_coordinator)["officers"]
    assert (len(section.rows), section.count) == (10, 12)
    with django_capture_on_commit_callbacks(execute=True):
        send_digest(user_id=digest_coordinator.pk, now=MORNING_IN_SINGAPORE)
    (message,) = mail.outbox
    assert message.body.count("signed up") == 10
    assert "See all 12 (the first 10 are listed)" in message.body
