"""Reminders before a certificate expires (60 and 14 days by default), to the holder and the
focal points of the holder's agency, each once; and the expiry where staff look: the agency's
training record, the focal point's workspace home and their digest."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from attendance.models import Certificate
from attendees.models import User
from credentials import tasks
from credentials.reminders import MAIL_KIND, due_reminder, send_expiry_reminders
from inbox.changes import certificates_expiring, coming_up_for
from inbox.services import digest_mail
from outbox.models import Mail
from privacy.services import erase_officer
from tests.agencies.world import build_record_world
from tests.factories import (
    CoordinatorFactory,
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
)
from trainingsite import when
from workshops.models import WorkshopModule

pytestmark = pytest.mark.django_db

SITE = "https://training.example.net"
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.CERTIFICATE_EXPIRY_REMINDER_DAYS = (60, 14)


@pytest.fixture
def track():
    return TrackFactory(name="Crypto fundamentals", slug="crypto", validity_months=36)


@pytest.fixture
def holder(agency):
    return OfficerFactory(agency=agency, full_name="Hana Holder", time_zone="Asia/Singapore")


@pytest.fixture
def focal(agency):
    return OfficerFactory(agency=agency, is_focal_point=True, full_name="Fred Focal")


def certificate(holder, *, expires_in, track=None, title="Crypto basics", **extra) -> Certificate:
    """A workshop certificate of `holder` expiring `expires_in` days after NOW (None: never)."""
    workshop = WorkshopFactory(title=title, region=holder.agency.region)
    if track is not None:
        revision = ModuleRevisionFactory(module__track=track)
        WorkshopModule.objects.create(workshop=workshop, revision=revision, position=0)
    registration = RegistrationFactory(workshop=workshop, officer=holder)
    expires_at = None if expires_in is None else NOW + dt.timedelta(days=expires_in)
    return Certificate.objects.create(
        registration=registration,
        holder=holder,
        printed={"workshop_title": title, "officer_name": holder.full_name},
        expires_at=expires_at,
        **extra,
    )


def remind(django_capture_on_commit_callbacks, now=NOW) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return send_expiry_reminders(now=now)


def sent_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def topics() -> list[tuple[str, int | None]]:
    return sorted(Mail.objects.filter(kind=MAIL_KIND).values_list("topic", "recipient_id"))


# --- the rule --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "sent", "due"),
    [
        (dt.timedelta(days=61), [], None),
        (dt.timedelta(days=60), [], 60),
        (dt.timedelta(days=15), [], 60),
        (dt.timedelta(days=15), [60], None),
        (dt.timedelta(days=14), [60], 14),
        (dt.timedelta(days=10), [], 14),
        (dt.timedelta(days=10), [14, 60], None),
        # Only a nearer one recorded (never written by us, but read safely): nothing further.
        (dt.timedelta(days=30), [14], None),
        (dt.timedelta(seconds=1), [60], 14),
        (dt.timedelta(0), [], None),
        (-dt.timedelta(days=1), [], None),
    ],
)
def test_the_nearest_reminder_is_due_unless_it_or_a_nearer_one_went_out(left, sent, due):
    assert due_reminder(NOW + left, sent, now=NOW, days=[14, 60]) == due


def test_a_certificate_that_never_expires_is_never_due():
    assert due_reminder(None, [], now=NOW, days=[14, 60]) is None


# --- sending -----------------------------------------------------------------------------------


def test_sixty_and_fourteen_day_reminders_go_out_once_each(
    holder, focal, track, django_capture_on_commit_callbacks
):
    cert = certificate(holder, expires_in=50, track=track)
    assert remind(django_capture_on_commit_callbacks) == 1
    assert remind(django_capture_on_commit_callbacks) == 0
    cert.refresh_from_db()
    assert cert.expiry_reminders == [60]
    assert topics() == sorted(
        [
            (f"certificate-expiry:{cert.pk}:60", holder.pk),
            (f"certificate-expiry:{cert.pk}:60", focal.pk),
        ]
    )
    # Forty days on, ten are left: the 14-day reminder, once.
    later = NOW + dt.timedelta(days=40)
    assert remind(django_capture_on_commit_callbacks, now=later) == 1
    assert remind(django_capture_on_commit_callbacks, now=later) == 0
    assert remind(django_capture_on_commit_callbacks, now=later + dt.timedelta(days=5)) == 0
    cert.refresh_from_db()
    assert cert.expiry_reminders == [14, 60]
    assert len(sent_to(holder)) == 2 and len(sent_to(focal)) == 2
    assert Mail.objects.filter(kind=MAIL_KIND).count() == 4


def test_a_certificate_first_seen_ten_days_before_gets_only_the_fourteen_day_reminder(
    holder, django_capture_on_commit_callbacks
):
    cert = certificate(holder, expires_in=10)
    assert remind(django_capture_on_commit_callbacks) == 1
    cert.refresh_from_db()
    # The 60-day one is recorded as done with it: it never comes after.
    assert cert.expiry_reminders == [14, 60]
    assert topics() == [(f"certificate-expiry:{cert.pk}:14", holder.pk)]
    for days in (1, 5, 9):
        assert remind(django_capture_on_commit_callbacks, now=NOW + dt.timedelta(days=days)) == 0
    assert len(sent_to(holder)) == 1


def test_revoked_never_expiring_expired_and_distant_certificates_are_not_reminded(
    holder, focal, django_capture_on_commit_callbacks
):
    certificate(holder, expires_in=20, revoked_at=NOW - dt.timedelta(days=1), title="Revoked")
    certificate(holder, expires_in=None, title="Forever")
    certificate(holder, expires_in=-1, title="Expired")
    certificate(holder, expires_in=61, title="Distant")
    assert remind(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert not Mail.objects.filter(kind=MAIL_KIND).exists()
    assert all(not r for r in Certificate.objects.values_list("expiry_reminders", flat=True))


def test_the_holder_and_the_focal_points_of_their_agency_only(
    holder, focal, agency, other_agency, region, django_capture_on_commit_callbacks
):
    second = OfficerFactory(agency=agency, is_focal_point=True, full_name="Second Focal")
    # Not told: another agency's focal point, a coordinator of the region, a colleague, a
    # suspended focal point and one whose vetting lapsed (no program access).
    outsiders = [
        OfficerFactory(agency=other_agency, is_focal_point=True, full_name="Other Focal"),
        CoordinatorFactory(regions=[region]),
        OfficerFactory(agency=agency, full_name="Just Colleague"),
        OfficerFactory(agency=agency, is_focal_point=True, status=User.Status.SUSPENDED),
        OfficerFactory(
            agency=agency,
            is_focal_point=True,
            vetted_at=NOW - django_settings.VETTING_VALIDITY - dt.timedelta(days=1),
        ),
    ]
    cert = certificate(holder, expires_in=30)
    assert remind(django_capture_on_commit_callbacks) == 1
    topic = f"certificate-expiry:{cert.pk}:60"
    assert topics() == sorted([(topic, holder.pk), (topic, focal.pk), (topic, second.pk)])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([holder.email, focal.email, second.email])
    # One recipient a mail: nobody sees who else was told.
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    for outsider in outsiders:
        assert sent_to(outsider) == []


def test_a_holder_who_is_a_focal_point_gets_one_mail(
    agency, focal, django_capture_on_commit_callbacks
):
    cert = certificate(focal, expires_in=30)
    assert remind(django_capture_on_commit_callbacks) == 1
    assert topics() == [(f"certificate-expiry:{cert.pk}:60", focal.pk)]
    (message,) = sent_to(focal)
    assert "Your certificate" in message.body


def test_the_holders_mail_says_when_and_what_to_do(
    holder, track, django_capture_on_commit_callbacks
):
    cert = certificate(holder, expires_in=30, track=track, title="Crypto basics")
    remind(django_capture_on_commit_callbacks)
    (message,) = sent_to(holder)
    html = message.alternatives[0][0]
    day = when.date(cert.expires_at, when.UTC, long=True, language="en")
    assert message.subject == f"Your certificate expires on {day}: Crypto basics"
    assert f"Your certificate for “Crypto basics” (number {cert.number}) expires on {day}." in (
        message.body
    )
    assert "refresher workshop of the track “Crypto fundamentals” in the catalog" in message.body
    catalog = f"{SITE}{reverse('workshops:catalog')}?track=crypto"
    record = f"{SITE}{reverse('attendance:training_record')}"
    assert catalog in message.body and f'href="{catalog}"' in html
    assert record in message.body and f'href="{record}"' in html


def test_the_focal_points_mail_names_the_officer_and_links_the_agency_record(
    holder, focal, agency, track, django_capture_on_commit_callbacks
):
    cert = certificate(holder, expires_in=30, track=track)
    remind(django_capture_on_commit_callbacks)
    (message,) = sent_to(focal)
    day = when.date(cert.expires_at, when.UTC, long=True, language="en")
    assert message.subject == f"Certificate of Hana Holder expires on {day}: Crypto basics"
    assert (
        f"The certificate of Hana Holder, an officer of your agency, for “Crypto basics” "
        f"(number {cert.number}) expires on {day}."
    ) in message.body
    record = f"{SITE}{reverse('agencies:record', args=[agency.pk])}?section=certificates"
    assert record in message.body
    assert "Your certificate" not in message.body


def test_a_track_credential_is_reminded_under_its_track(
    holder, track, django_capture_on_commit_callbacks
):
    cert = Certificate.objects.create(
        holder=holder,
        track=track,
        printed={"kind": "track", "track_name": "Crypto fundamentals"},
        expires_at=NOW + dt.timedelta(days=5),
    )
    assert remind(django_capture_on_commit_callbacks) == 1
    (message,) = sent_to(holder)
    assert "Your credential for the track “Crypto fundamentals”" in message.body
    assert f"{reverse('workshops:catalog')}?track=crypto" in message.body
    assert Mail.objects.get(recipient=holder).topic == f"certificate-expiry:{cert.pk}:14"


def test_each_mail_in_its_recipients_language_with_the_day_printed_on_the_certificate(
    holder, focal, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=holder.pk).update(language="es", time_zone="America/Lima")
    User.objects.filter(pk=focal.pk).update(language="zh-hans", time_zone="Asia/Shanghai")
    # 03:00 UTC: the day before in Lima. The certificate prints its UTC day, and so does
    # every mail about it, whatever the reader's zone.
    expires = (NOW + dt.timedelta(days=30)).replace(hour=3, minute=0, second=0)
    cert = certificate(holder, expires_in=None)
    Certificate.objects.filter(pk=cert.pk).update(expires_at=expires)
    remind(django_capture_on_commit_callbacks)
    (to_holder,) = sent_to(holder)
    (to_focal,) = sent_to(focal)
    spanish = when.date(expires, when.UTC, long=True, language="es")
    chinese = when.date(expires, when.UTC, long=True, language="zh-hans")
    assert when.date(expires, "America/Lima", long=True, language="es") != spanish
    assert spanish in to_holder.body and spanish in to_holder.subject
    assert chinese in to_focal.body and chinese in to_focal.subject
    assert '<html lang="es"' in to_holder.alternatives[0][0]
    assert '<html lang="zh-hans"' in to_focal.alternatives[0][0]


def test_an_erased_holder_is_not_mailed(holder, focal, django_capture_on_commit_callbacks):
    certificate(holder, expires_in=30)
    erase_officer(user_id=holder.pk, by=None, reason="Asked by the officer")
    assert remind(django_capture_on_commit_callbacks) == 0
    assert not Mail.objects.filter(kind=MAIL_KIND).exists()


def test_a_closed_account_is_recorded_but_nobody_is_mailed(
    holder, focal, django_capture_on_commit_callbacks
):
    cert = certificate(holder, expires_in=30)
    User.objects.filter(pk=holder.pk).update(is_active=False)
    assert remind(django_capture_on_commit_callbacks) == 1
    assert not Mail.objects.filter(kind=MAIL_KIND).exists()
    cert.refresh_from_db()
    assert cert.expiry_reminders == [60]


def test_many_certificates_take_a_bounded_number_of_queries(
    agency, focal, track, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for i in range(3):
        certificate(OfficerFactory(agency=agency), expires_in=30 + i, track=track)
    with django_assert_max_num_queries(9):
        assert send_expiry_reminders(now=NOW) == 3
    for i in range(20):
        certificate(OfficerFactory(agency=agency), expires_in=30 + i, track=track)
    with django_assert_max_num_queries(9):
        assert send_expiry_reminders(now=NOW) == 20


# --- the job -----------------------------------------------------------------------------------


def test_the_task_sends_what_is_due_and_is_idempotent(holder, settings):
    certificate(holder, expires_in=59)
    assert tasks.send_expiry_reminders.delay().get() == 1
    assert tasks.send_expiry_reminders.delay().get() == 0
    assert Mail.objects.filter(kind=MAIL_KIND, recipient=holder).count() == 1


def test_the_job_is_on_the_beat_schedule_daily():
    from trainingsite.celery import app

    entry = app.conf.beat_schedule["credentials-expiry-reminders"]
    assert entry["task"] == "credentials.tasks.send_expiry_reminders"
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {6} and entry["schedule"].minute == {30}


def test_the_days_come_from_settings():
    assert django_settings.CERTIFICATE_EXPIRY_REMINDER_DAYS == (60, 14)


# --- where staff look --------------------------------------------------------------------------


@pytest.fixture
def record_world(region, other_region, agency, other_agency, focal_point):
    world = build_record_world(region, other_region, agency, other_agency, focal_point)
    now = timezone.now()
    world.a1.certificates.update(expires_at=now + dt.timedelta(days=30))
    world.a2.certificates.update(expires_at=now - dt.timedelta(days=2))
    return world


@pytest.mark.parametrize("viewer", ["focal_point", "coordinator"])
def test_the_agency_record_shows_how_long_each_certificate_is_valid(
    request, client_for, record_world, viewer
):
    client = client_for(request.getfixturevalue(viewer))
    response = client.get(
        reverse("agencies:record", args=[record_world.agency.pk]), {"section": "certificates"}
    )
    assert response.status_code == 200
    states = {c.number: c.expiry_state for c in response.context["page"]}
    soon = record_world.a1.certificates.get()
    assert states[soon.number] == "expiring"
    body = response.content.decode()
    assert "Valid until" in body and "Expires soon" in body
    assert when.date(soon.expires_at, "UTC") in body
    if viewer == "focal_point":
        # Forensics Lisbon is in Europe: outside the APAC coordinator's regions.
        assert states[record_world.a2.certificates.get().number] == "expired"
        assert "Expired" in body


def test_a_certificate_that_never_expires_says_so(client_for, record_world, focal_point):
    record_world.a1.certificates.update(expires_at=None)
    response = client_for(focal_point).get(
        reverse("agencies:record", args=[record_world.agency.pk]), {"section": "certificates"}
    )
    assert "Does not expire" in response.content.decode()


def test_the_workspace_home_counts_certificates_expiring_soon(
    client_for, record_world, focal_point, other_agency
):
    now = timezone.now()
    # Another agency's, a revoked one and one past the notice are not counted.
    certificate(OfficerFactory(agency=other_agency), expires_in=10)
    certificate(OfficerFactory(agency=record_world.agency), expires_in=10, revoked_at=now)
    certificate(OfficerFactory(agency=record_world.agency), expires_in=90)
    certificate(OfficerFactory(agency=record_world.agency), expires_in=59)
    response = client_for(focal_point).get(reverse("agencies:home"))
    assert response.context["overview"].certificates_expiring == 2
    body = response.content.decode()
    assert "2 certificates expire in the next 60 days" in body
    link = f"{reverse('agencies:record', args=[record_world.agency.pk])}?section=certificates"
    assert link in body


def test_the_workspace_home_says_nothing_when_none_expire(client_for, focal_point):
    response = client_for(focal_point).get(reverse("agencies:home"))
    assert response.context["overview"].certificates_expiring == 0
    assert "certificates expire" not in response.content.decode()


def test_the_focal_points_digest_lists_certificates_expiring_within_two_weeks(
    holder, focal, other_agency, track
):
    soon = certificate(holder, expires_in=10, track=track, title="Crypto basics")
    certificate(holder, expires_in=20, title="Later")
    certificate(OfficerFactory(agency=other_agency, full_name="Other Officer"), expires_in=5)
    rows, more = certificates_expiring(focal, now=NOW)
    assert (rows, more) == ([soon], False)
    assert certificates_expiring(holder, now=NOW) == ([], False)
    blocks = coming_up_for(focal, now=NOW, days=7)
    (block,) = [b for b in blocks if b.key == "certificates"]
    message = digest_mail(user=focal, sections=[], day=NOW.date(), coming_up=blocks)
    day = when.date(soon.expires_at, focal.time_zone)
    assert "- Hana Holder · Crypto basics" in message.body
    assert f"Certificate expires on {day} · {soon.number}" in message.body
    assert block.url in message.body
    assert "Other Officer" not in message.body and "Later" not in message.body


# --- two workers at once -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_workers_at_once_send_each_reminder_once(agency):
    focal = OfficerFactory(agency=agency, is_focal_point=True)
    certificates = [
        certificate(OfficerFactory(agency=agency), expires_in=days) for days in range(5, 55, 5)
    ]
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def run():
        try:
            barrier.wait()
            counts.append(send_expiry_reminders(now=NOW))
        except Exception as err:
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(counts) == len(certificates)
    rows = list(Mail.objects.filter(kind=MAIL_KIND).values_list("topic", "recipient_id"))
    assert len(rows) == len(set(rows)) == 2 * len(certificates)
    assert {r for _t, r in rows} == {focal.pk} | {c.holder_id for c in certificates}
