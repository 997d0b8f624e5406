import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from attendees.models import Registration
from invites import tasks
from invites.models import ReminderDelivery
from tests.factories import RegistrationFactory, WorkshopFactory
from trainingsite.celery import app

from .icscheck import parse_outbox

pytestmark = pytest.mark.django_db


def test_invites_are_enqueued_only_after_commit(
    lisbon_workshop, officer, django_capture_on_commit_callbacks
):
    registration = RegistrationFactory(
        workshop=lisbon_workshop, officer=officer, state=Registration.State.WAITLISTED
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            registration.state = Registration.State.CONFIRMED
            registration.save()
            tasks.sync_registration_invites.delay_on_commit(registration.pk)
            assert mail.outbox == []
    assert len(callbacks) == 1
    assert len(mail.outbox) == 2


def test_workshop_sync_enqueued_on_commit_runs_twice_without_duplicates(
    lisbon_workshop, officer, trainer, django_capture_on_commit_callbacks
):
    RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.sync_workshop_invites.delay_on_commit(lisbon_workshop.pk)
    assert len(mail.outbox) == 4
    assert {m.to[0] for m in mail.outbox} == {officer.email, trainer.email}
    parse_outbox(mail.outbox)


def test_tasks_for_missing_rows_do_nothing():
    assert tasks.sync_registration_invites(987654) == 0
    assert tasks.sync_workshop_invites(987654) == 0
    assert tasks.send_invite_batch(987654, [1]) == 0


def test_mail_tasks_retry_transient_errors_with_exponential_backoff():
    for task in (
        tasks.sync_registration_invites,
        tasks.send_invite_batch,
        tasks.send_reminder_batch,
    ):
        assert smtplib.SMTPException in task.autoretry_for
        assert OSError in task.autoretry_for
        assert task.retry_backoff is True
        assert task.max_retries == 8


def test_beat_runs_the_reminder_job_hourly():
    entry = app.conf.beat_schedule["invites-send-due-reminders"]
    assert entry["task"] == "invites.tasks.send_due_reminders"
    assert tasks.send_due_reminders.name == entry["task"]


def _workshop_starting_in(region, delta):
    start = timezone.now() + delta
    return WorkshopFactory(region=region, sessions=[(start, start + dt.timedelta(hours=8))])


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (dt.timedelta(days=6, hours=20), 7),
        (dt.timedelta(hours=20), 1),
        (dt.timedelta(days=8), None),
    ],
)
def test_reminder_goes_out_once_for_the_offset_due(region, officer, delta, expected):
    workshop = _workshop_starting_in(region, delta)
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    tasks.send_due_reminders()
    tasks.send_due_reminders()
    reminders = list(ReminderDelivery.objects.filter(registration=registration))
    if expected is None:
        assert reminders == [] and mail.outbox == []
        return
    assert [(r.days_before, r.sent_at is not None) for r in reminders] == [(expected, True)]
    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert message.subject.startswith(f"Reminder: {workshop.title}")
    assert "starts soon" in message.body


def test_no_reminder_for_waitlisted_or_cancelled_workshops(region, officer, other_agency_officer):
    workshop = _workshop_starting_in(region, dt.timedelta(hours=20))
    RegistrationFactory(workshop=workshop, officer=officer, state=Registration.State.WAITLISTED)
    cancelled = _workshop_starting_in(region, dt.timedelta(hours=20))
    cancelled.status = cancelled.Status.CANCELLED
    cancelled.save()
    RegistrationFactory(workshop=cancelled, officer=other_agency_officer)
    assert tasks.send_due_reminders() == 0
    assert mail.outbox == []


def test_reminder_offsets_come_from_settings(settings, region, officer):
    settings.INVITE_REMINDER_DAYS = [3]
    workshop = _workshop_starting_in(region, dt.timedelta(days=2))
    RegistrationFactory(workshop=workshop, officer=officer)
    assert tasks.send_due_reminders() == 1
    assert ReminderDelivery.objects.get().days_before == 3


def test_failed_reminder_releases_its_claim_for_the_retry(settings, region, officer):
    workshop = _workshop_starting_in(region, dt.timedelta(hours=20))
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    settings.EMAIL_BACKEND = "tests.invites.test_services.FlakySMTPBackend"
    from .test_services import FlakySMTPBackend

    FlakySMTPBackend.accept = 0
    with pytest.raises(smtplib.SMTPException):
        tasks.send_reminder_batch.run([registration.pk], 1)
    assert not ReminderDelivery.objects.exists()
    FlakySMTPBackend.accept = 10
    assert tasks.send_reminder_batch.run([registration.pk], 1) == 1
    assert tasks.send_reminder_batch.run([registration.pk], 1) == 0
    assert len(mail.outbox) == 1
