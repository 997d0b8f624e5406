import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from invites import tasks
from invites.models import ReminderDelivery
from invites.services import send_reminders
from outbox.models import Mail
from outbox.tasks import sweep_outbox
from registrations.models import Registration
from tests.commit import after_commit
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
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            registration.state = Registration.State.CONFIRMED
            registration.save()
            tasks.sync_registration_invites.delay_on_commit(registration.pk)
            assert mail.outbox == []
            assert not Mail.objects.exists()
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
    assert not Mail.objects.exists()


def test_reconcile_sends_what_a_lost_sync_owed_once_and_leaves_past_workshops_alone(
    lisbon_workshop, officer, trainer, region
):
    # Registered and published without their syncs (the broker was down at commit).
    RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    now = timezone.now()
    past = WorkshopFactory(
        region=region, sessions=[(now - dt.timedelta(days=3), now - dt.timedelta(days=3, hours=-2))]
    )
    RegistrationFactory(workshop=past, officer=officer)
    with after_commit():
        assert tasks.reconcile_invites() == 1  # the workshop still to come
        assert tasks.reconcile_invites() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([officer.email] * 2 + [trainer.email] * 2)
    assert Mail.objects.filter(workshop=past).count() == 0


def test_beat_runs_the_reminder_job_hourly_and_reconciles_calendars(settings):
    entry = app.conf.beat_schedule["invites-send-due-reminders"]
    assert entry["task"] == "invites.tasks.send_due_reminders"
    assert tasks.send_due_reminders.name == entry["task"]
    reconcile = app.conf.beat_schedule["invites-reconcile"]
    assert reconcile["task"] == tasks.reconcile_invites.name
    assert reconcile["schedule"] == settings.RECOVERY_SWEEP_SECONDS


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
    with after_commit():
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
    with after_commit():
        assert tasks.send_due_reminders() == 0
    assert mail.outbox == []


def test_reminder_offsets_come_from_settings(settings, region, officer):
    settings.INVITE_REMINDER_DAYS = [3]
    workshop = _workshop_starting_in(region, dt.timedelta(days=2))
    RegistrationFactory(workshop=workshop, officer=officer)
    assert tasks.send_due_reminders() == 1
    assert ReminderDelivery.objects.get().days_before == 3


def test_a_reminder_whose_send_failed_is_sent_once_by_the_outbox_retry(settings, region, officer):
    workshop = _workshop_starting_in(region, dt.timedelta(hours=20))
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    settings.OUTBOX_EMAIL_BACKEND = "tests.invites.test_services.FlakySMTPBackend"
    from .test_services import FlakySMTPBackend

    FlakySMTPBackend.accept = 0
    with after_commit():
        assert send_reminders(registration_ids=[registration.pk], days_before=1) == 1
    assert mail.outbox == []
    # Recorded with the queued mail: another run queues nothing, the outbox owes it.
    assert ReminderDelivery.objects.get().days_before == 1
    with after_commit():
        assert send_reminders(registration_ids=[registration.pk], days_before=1) == 0
        assert tasks.send_due_reminders() == 0

    FlakySMTPBackend.accept = 10
    Mail.objects.update(next_attempt_at=timezone.now())
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    (message,) = mail.outbox
    assert message.to == [officer.email]
    assert message.subject.startswith(f"Reminder: {workshop.title}")
