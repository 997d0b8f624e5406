"""The outbox: a registration commits whatever Redis, the worker or the mail server do; the
sweep sends what is overdue once they are back; nothing is sent twice; failures are counted and
given up visibly, and a coordinator can retry them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from attendance.models import Certificate
from attendees import services
from attendees.models import Registration, RegistrationEvent
from audit.models import AuditEntry
from invites.messages import CalendarInviteEmail
from invites.models import InviteRequest
from outbox.models import Delivery
from outbox.services import overdue_ids, sweep
from outbox.tasks import sweep_outbox
from tests.factories import RegistrationFactory, WorkshopFactory
from trainingsite.celery import app

Kind = Delivery.Kind


def _backdate_events(minutes: int = 10) -> None:
    RegistrationEvent.objects.update(created_at=timezone.now() - timedelta(minutes=minutes))


def _use_broker(url):
    # Drop the cached connection and producer pools so the next publish uses `url`.
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_registration_commits_with_broker_down_and_sweep_sends_it_once_broker_is_back(
    settings, region, officer
):
    workshop = WorkshopFactory(region=region, title="Tracing mixers")
    app.conf.task_always_eager = False
    _use_broker("redis://127.0.0.1:1/0")  # nothing listens there: like a stopped Redis
    try:
        with transaction.atomic():
            services.register(workshop_id=workshop.pk, officer=officer)
    finally:
        app.conf.task_always_eager = True
        _use_broker(settings.CELERY_BROKER_URL)
    assert Registration.objects.filter(officer=officer, workshop=workshop).exists()
    assert mail.outbox == []
    event = RegistrationEvent.objects.get()
    assert event.notified_at is None

    assert sweep_outbox() == 0  # still within the grace period: its own task may yet run
    _backdate_events()
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    # The e-mail, and the calendar invite whose sync was lost with the broker too.
    assert len(mail.outbox) == 2
    assert "Tracing mixers" in mail.outbox[0].subject
    assert isinstance(mail.outbox[1], CalendarInviteEmail)
    assert mail.outbox[1].to == [officer.email]
    event.refresh_from_db()
    assert event.notified_at is not None


@pytest.mark.django_db(transaction=True)
def test_dead_smtp_fails_records_retries_then_sweep_sends_exactly_once(smtp, region, officer):
    workshop = WorkshopFactory(region=region)
    with transaction.atomic():
        services.register(workshop_id=workshop.pk, officer=officer)
    registration = Registration.objects.get()
    assert registration.state == Registration.State.CONFIRMED  # committed despite SMTP
    event = RegistrationEvent.objects.get()
    assert event.notified_at is None
    delivery = Delivery.objects.get(kind=Kind.REGISTRATION_EVENT, object_id=event.pk)
    # Eager mode stops at the first Retry; a worker would retry with backoff (policy test below).
    assert delivery.attempts == 1
    assert "Connection refused" in delivery.last_error or "111" in delivery.last_error
    assert delivery.given_up_at is None and delivery.sent_at is None
    assert delivery.workshop_id == workshop.pk and delivery.recipient_id == officer.pk

    smtp.start()
    _backdate_events()
    Delivery.objects.update(last_attempt_at=timezone.now() - timedelta(minutes=10))
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    # The e-mail, then the calendar invite (refused by the dead server the first time too).
    assert len(smtp.sink.messages) == 2
    assert b"text/calendar" in smtp.sink.messages[1]
    delivery.refresh_from_db()
    assert delivery.sent_at is not None


@pytest.mark.django_db
def test_failure_recorded_and_send_retried_with_backoff_policy():
    from attendance.tasks import send_certificate_email

    from attendees.tasks import send_registration_event_email

    for task in (send_registration_event_email, send_certificate_email):
        assert OSError in task.autoretry_for
        assert task.retry_backoff is True and task.max_retries == 5


@pytest.mark.django_db
def test_work_in_backoff_is_left_to_its_retry(
    smtp, region, officer, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(region=region)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(workshop_id=workshop.pk, officer=officer)
    assert Delivery.objects.get(kind=Kind.REGISTRATION_EVENT).attempts == 1
    _backdate_events()
    # Just failed (last attempt now): the task's own backoff retry owns it.
    assert overdue_ids(kind=Kind.REGISTRATION_EVENT) == []


@pytest.mark.django_db
def test_gives_up_after_max_attempts_and_sweep_leaves_it(
    settings, smtp, region, officer, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    workshop = WorkshopFactory(region=region)
    with django_capture_on_commit_callbacks(execute=True):
        services.register(workshop_id=workshop.pk, officer=officer)
    # The e-mail and the calendar invites both failed once and were given up.
    assert {d.kind for d in Delivery.objects.given_up()} == {Kind.REGISTRATION_EVENT, Kind.INVITE}
    smtp.start()
    _backdate_events()
    InviteRequest.objects.update(requested_at=timezone.now() - timedelta(minutes=10))
    Delivery.objects.update(last_attempt_at=timezone.now() - timedelta(minutes=10))
    assert sweep() == 0
    assert smtp.sink.messages == []


@pytest.mark.django_db
def test_sweep_ignores_recent_old_and_already_sent_work(region, officer):
    workshop = WorkshopFactory(region=region)
    reg = RegistrationFactory(workshop=workshop, officer=officer)
    now = timezone.now()
    recent = RegistrationEvent.objects.create(registration=reg, to_state="confirmed")
    ancient = RegistrationEvent.objects.create(
        registration=reg, to_state="confirmed", created_at=now - timedelta(days=30)
    )
    sent = RegistrationEvent.objects.create(
        registration=reg,
        to_state="confirmed",
        created_at=now - timedelta(minutes=30),
        notified_at=now,
    )
    due = RegistrationEvent.objects.create(
        registration=reg, to_state="confirmed", created_at=now - timedelta(minutes=30)
    )
    ids = overdue_ids(kind=Kind.REGISTRATION_EVENT)
    assert ids == [due.pk]
    assert recent.pk not in ids and ancient.pk not in ids and sent.pk not in ids


@pytest.mark.django_db
def test_unsent_certificate_email_is_swept_once(region, officer):
    reg = RegistrationFactory(workshop=WorkshopFactory(region=region), officer=officer)
    certificate = Certificate.objects.create(
        registration=reg,
        printed={"name": "Officer", "workshop": "W"},
        issued_at=timezone.now() - timedelta(minutes=20),
    )
    revoked = Certificate.objects.create(
        registration=RegistrationFactory(workshop=reg.workshop),
        issued_at=timezone.now() - timedelta(minutes=20),
        revoked_at=timezone.now(),
    )
    assert overdue_ids(kind=Kind.CERTIFICATE) == [certificate.pk]
    assert revoked.pk not in overdue_ids(kind=Kind.CERTIFICATE)
    assert sweep() == 1
    assert sweep() == 0
    certificate.refresh_from_db()
    assert certificate.emailed_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][0] == f"certificate-{certificate.number}.pdf"


# --- the failed-deliveries page ---------------------------------------------------------------


def _given_up(workshop, officer, error="SMTPRecipientsRefused: 550 no such user"):
    reg = RegistrationFactory(workshop=workshop, officer=officer)
    event = RegistrationEvent.objects.create(registration=reg, to_state="confirmed")
    return Delivery.objects.create(
        kind=Kind.REGISTRATION_EVENT,
        object_id=event.pk,
        workshop=workshop,
        recipient=officer,
        attempts=12,
        last_error=error,
        given_up_at=timezone.now(),
    )


@pytest.mark.django_db
def test_failed_deliveries_page_lists_only_own_regions(
    client_for, coordinator, region, other_region, officer, other_agency_officer
):
    mine = _given_up(WorkshopFactory(region=region, title="Mine"), officer)
    theirs = _given_up(WorkshopFactory(region=other_region, title="Theirs"), other_agency_officer)
    response = client_for(coordinator).get(reverse("outbox:failed"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mine" in body and officer.email in body and "550 no such user" in body
    assert "Theirs" not in body and other_agency_officer.email not in body
    assert reverse("outbox:retry", args=[mine.pk]) in body
    assert reverse("outbox:retry", args=[theirs.pk]) not in body


@pytest.mark.django_db
def test_program_admin_sees_every_region(client_for, program_admin, region, other_region):
    _given_up(WorkshopFactory(region=region, title="Mine"), RegistrationFactory().officer)
    _given_up(WorkshopFactory(region=other_region, title="Theirs"), RegistrationFactory().officer)
    body = client_for(program_admin).get(reverse("outbox:failed")).content.decode()
    assert "Mine" in body and "Theirs" in body


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "trainer", "focal_point"])
def test_failed_deliveries_page_forbidden_to_non_coordinators(request, client_for, who, region):
    delivery = _given_up(WorkshopFactory(region=region), RegistrationFactory().officer)
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("outbox:failed")).status_code == 403
    assert client.post(reverse("outbox:retry", args=[delivery.pk])).status_code == 403
    delivery.refresh_from_db()
    assert delivery.given_up_at is not None


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("outbox:failed"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_list_query_count_does_not_grow_with_rows(
    client_for, coordinator, region, django_assert_max_num_queries
):
    client = client_for(coordinator)
    workshop = WorkshopFactory(region=region)
    _given_up(workshop, RegistrationFactory().officer)
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("outbox:failed"))
    for _ in range(19):
        _given_up(workshop, RegistrationFactory().officer)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("outbox:failed"))
    assert response.content.decode().count("btn-outline-primary") == 20


@pytest.mark.django_db
def test_retry_requeues_sends_once_and_is_audited(
    client_for, coordinator, region, officer, django_capture_on_commit_callbacks
):
    delivery = _given_up(WorkshopFactory(region=region), officer)
    client = client_for(coordinator)
    assert client.get(reverse("outbox:retry", args=[delivery.pk])).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("outbox:retry", args=[delivery.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[officer.email]] * 2  # the e-mail and the invite
    assert isinstance(mail.outbox[1], CalendarInviteEmail)
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.attempts == 0
    entry = AuditEntry.objects.get(action="outbox.retry")
    assert entry.actor == coordinator and entry.target_id == str(delivery.pk)
    # A second POST (double click): nothing more is sent.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outbox:retry", args=[delivery.pk]))
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_retry_of_another_regions_delivery_is_404(
    client_for, coordinator, other_region, other_agency_officer
):
    delivery = _given_up(WorkshopFactory(region=other_region), other_agency_officer)
    response = client_for(coordinator).post(reverse("outbox:retry", args=[delivery.pk]))
    assert response.status_code == 404
    delivery.refresh_from_db()
    assert delivery.given_up_at is not None
    assert not AuditEntry.objects.filter(action="outbox.retry").exists()
