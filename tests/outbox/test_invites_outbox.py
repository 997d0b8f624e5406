"""Calendar invites through the outbox: the work is recorded (InviteRequest) in the transaction
that made it owed, whatever Redis, the worker or the mail server do; the sweep sends what is
left once they are back, in batches; nothing is sent twice; failures show on the
failed-deliveries page and a retry sends them."""

import email
import email.policy
import smtplib
from datetime import timedelta

import icalendar
import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attendees import services
from attendees.models import Registration
from invites.models import InviteDelivery, InviteRequest
from invites.services import requests as invite_requests
from invites.services.delivery import deliver_invites
from invites.tasks import send_invite_batch, sync_registration_invites, sync_workshop_invites
from outbox.models import Delivery
from outbox.services import overdue_ids, sweep
from outbox.tasks import sweep_outbox
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory
from trainingsite.celery import app
from workshops.services.scheduling import update_workshop

Kind = Delivery.Kind


def _use_broker(url):
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


class BrokerDown:
    """Publishing fails like a stopped Redis (nothing listens on port 1)."""

    def __init__(self, settings):
        self.settings = settings

    def __enter__(self):
        app.conf.task_always_eager = False
        _use_broker("redis://127.0.0.1:1/0")

    def __exit__(self, *exc):
        app.conf.task_always_eager = True
        _use_broker(self.settings.CELERY_BROKER_URL)


def _backdate(minutes: int = 10) -> None:
    InviteRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=minutes))
    Delivery.objects.update(last_attempt_at=timezone.now() - timedelta(minutes=minutes))


def _events(messages) -> list[icalendar.Event]:
    """The VEVENT of each invite (outbox messages or raw bytes)."""
    found = []
    for message in messages:
        raw = message if isinstance(message, bytes) else message.message().as_bytes()
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        for part in parsed.walk():
            if part.get_content_type() == "text/calendar":
                cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
                found += list(cal.walk("VEVENT"))
    return found


def _move_venue(workshop, coordinator) -> None:
    update_workshop(actor=coordinator, workshop=workshop, details={"venue_name": "Annex B"})


@pytest.mark.django_db(transaction=True)
def test_registration_with_redis_down_records_the_invite_and_the_sweep_sends_it_once(
    settings, region, officer
):
    workshop = WorkshopFactory(region=region, title="Tracing mixers")
    with BrokerDown(settings), transaction.atomic():
        services.register(workshop_id=workshop.pk, officer=officer)
    assert Registration.objects.get().state == Registration.State.CONFIRMED
    assert mail.outbox == []
    (pending,) = InviteRequest.objects.all()
    assert (pending.workshop_id, pending.user_id) == (workshop.pk, officer.pk)

    assert overdue_ids(kind=Kind.INVITE) == []  # within the grace period: its own task may run
    _backdate()
    assert overdue_ids(kind=Kind.INVITE) == [pending.pk]
    sweep()
    invites = [m for m in mail.outbox if m.to == [officer.email] and _events([m])]
    assert len(invites) == 1
    (event,) = _events(invites)
    assert event["SEQUENCE"] == 0 and "Tracing mixers" in str(event["SUMMARY"])
    assert not InviteRequest.objects.exists()

    # A second sweep, and the task run again, send nothing.
    mail.outbox.clear()
    assert sweep_outbox() == 0
    registration = Registration.objects.get()
    assert sync_registration_invites(registration.pk) == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_workshop_change_with_redis_down_sends_every_update_once_when_it_is_back(
    settings, region, coordinator
):
    workshop = WorkshopFactory(region=region)
    officers = OfficerFactory.create_batch(3)
    for officer in officers:
        RegistrationFactory(workshop=workshop, officer=officer)
    assert sync_workshop_invites(workshop.pk) == 3
    mail.outbox.clear()
    InviteRequest.objects.all().delete()

    with BrokerDown(settings):
        _move_venue(workshop, coordinator)
    # The fan-out itself is recorded: one row for the workshop, none sent.
    assert list(InviteRequest.objects.values_list("workshop_id", "user_id")) == [
        (workshop.pk, None)
    ]
    assert mail.outbox == []

    _backdate()
    assert sweep() == 1  # the fan-out, which enqueues its batches (eager here)
    events = _events(mail.outbox)
    assert sorted(str(e["ATTENDEE"]) for e in events) == sorted(
        f"mailto:{o.email}" for o in officers
    )
    assert {e["SEQUENCE"] for e in events} == {1}
    assert all("Annex B" in str(e["LOCATION"]) for e in events)
    assert not InviteRequest.objects.exists()
    mail.outbox.clear()
    assert sweep() == 0
    assert sync_workshop_invites(workshop.pk) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_fan_out_whose_batches_were_lost_leaves_per_user_work_for_the_sweep(
    settings, region, monkeypatch
):
    """The worker died after planning: the batches never ran. The sweep sends them, in
    batches of INVITE_BATCH_SIZE users."""
    settings.INVITE_BATCH_SIZE = 2
    workshop = WorkshopFactory(region=region)
    officers = OfficerFactory.create_batch(5)
    for officer in officers:
        RegistrationFactory(workshop=workshop, officer=officer)

    def lost(*args, **kwargs):
        raise ConnectionError("worker gone")

    with monkeypatch.context() as patch:
        patch.setattr(send_invite_batch, "delay", lost)
        assert sync_workshop_invites(workshop.pk) == 5
    assert mail.outbox == []
    assert sorted(InviteRequest.objects.values_list("user_id", flat=True)) == sorted(
        o.pk for o in officers
    )

    batches = []
    original = send_invite_batch.delay
    monkeypatch.setattr(send_invite_batch, "delay", lambda *a: batches.append(a[1]) or original(*a))
    _backdate()
    assert sweep() == 3
    assert [len(b) for b in batches] == [2, 2, 1]
    assert len(mail.outbox) == 5
    assert sweep() == 0 and len(mail.outbox) == 5


@pytest.mark.django_db
def test_dead_smtp_counts_failures_per_recipient_gives_up_and_retry_sends_once(
    settings, smtp, region, officer, coordinator, client_for, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    workshop = WorkshopFactory(region=region, title="Tracing mixers")
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    with pytest.raises(OSError):
        deliver_invites(workshop_id=workshop.pk, user_ids=[officer.pk])
    # The work is recorded even though the task was not enqueued through delay_on_commit.
    (pending,) = InviteRequest.objects.all()
    delivery = Delivery.objects.get(kind=Kind.INVITE)
    assert (delivery.object_id, delivery.recipient_id, delivery.workshop_id) == (
        pending.pk,
        officer.pk,
        workshop.pk,
    )
    assert delivery.attempts == 1 and delivery.given_up_at is None
    assert "Connection refused" in delivery.last_error or "111" in delivery.last_error
    assert overdue_ids(kind=Kind.INVITE) == []  # just attempted: the task's backoff owns it

    # A second request for the same officer (another change) adds to the same failure row.
    with django_capture_on_commit_callbacks(execute=True):
        sync_registration_invites.delay_on_commit(registration.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.given_up_at is not None
    assert Delivery.objects.filter(kind=Kind.INVITE).count() == 1
    _backdate()
    assert overdue_ids(kind=Kind.INVITE) == []  # given up: every row of that officer is held

    client = client_for(coordinator)
    body = client.get(reverse("outbox:failed")).content.decode()
    assert "Calendar invite" in body and officer.email in body and "Tracing mixers" in body
    smtp.start()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox:retry", args=[delivery.pk]))
    assert response.status_code == 302
    assert len(smtp.sink.messages) == 1
    (event,) = _events(smtp.sink.messages)
    assert event["SEQUENCE"] == 0
    delivery.refresh_from_db()
    assert delivery.sent_at is not None
    assert not InviteRequest.objects.exists()
    assert sweep() == 0
    assert len(smtp.sink.messages) == 1


@pytest.mark.django_db
def test_a_refused_recipient_fails_alone_and_the_rest_of_the_batch_goes_out(region, monkeypatch):
    workshop = WorkshopFactory(region=region)
    good, bad, also_good = OfficerFactory.create_batch(3)
    for officer in (good, bad, also_good):
        RegistrationFactory(workshop=workshop, officer=officer)
    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def refuse_bad(self, messages):
        if messages[0].to == [bad.email]:
            raise smtplib.SMTPRecipientsRefused({bad.email: (550, b"no such user")})
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_bad)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        deliver_invites(workshop_id=workshop.pk, user_ids=[good.pk, bad.pk, also_good.pk])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([good.email, also_good.email])
    failed = Delivery.objects.get(kind=Kind.INVITE)
    assert failed.recipient_id == bad.pk and "550" in failed.last_error
    assert list(InviteRequest.objects.values_list("user_id", flat=True)) == [bad.pk]


@pytest.mark.django_db
def test_a_change_committed_while_a_sync_runs_keeps_its_request(region, officer, monkeypatch):
    """The sync deletes only the requests it saw before reading the data."""
    workshop = WorkshopFactory(region=region)
    RegistrationFactory(workshop=workshop, officer=officer)
    InviteRequest.objects.create(workshop=workshop, user=officer)
    from invites.services import delivery

    original = delivery.load_workshop

    def load_then_change(workshop_id):
        loaded = original(workshop_id)
        # Another transaction's change and its request, after this sync's snapshot.
        InviteRequest.objects.create(workshop=workshop, user=officer)
        return loaded

    monkeypatch.setattr(delivery, "load_workshop", load_then_change)
    assert deliver_invites(workshop_id=workshop.pk, user_ids=[officer.pk]) == 1
    assert InviteRequest.objects.count() == 1


@pytest.mark.django_db
def test_running_a_batch_twice_and_sweeping_twice_sends_once(region):
    workshop = WorkshopFactory(region=region)
    officers = OfficerFactory.create_batch(4)
    for officer in officers:
        RegistrationFactory(workshop=workshop, officer=officer)
        InviteRequest.objects.create(workshop=workshop, user=officer)
    _backdate()
    ids = [o.pk for o in officers]
    assert send_invite_batch(workshop.pk, ids) == 4
    assert send_invite_batch(workshop.pk, ids) == 0
    assert sweep() == 0 and sweep() == 0
    assert len(mail.outbox) == 4
    assert InviteDelivery.objects.filter(sequence=0, method="REQUEST").count() == 4


@pytest.mark.django_db
def test_registration_records_one_request_in_one_statement(
    region, officer, django_assert_num_queries
):
    workshop = WorkshopFactory(region=region)
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    with django_assert_num_queries(1):
        invite_requests.request_registration_sync(registration.pk)
    assert InviteRequest.objects.filter(workshop=workshop, user=officer).count() == 1
