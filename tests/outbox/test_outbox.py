"""The outbox: every mail is a row written with the change that causes it; it is sent once that
commits, whatever Redis, the worker or the mail server do meanwhile; nothing is sent twice from
one claim, a crash mid-send is resent with the same Message-ID, one person's mails keep their
order, failures are retried with one policy and given up visibly, and a coordinator can retry."""

import smtplib
from datetime import timedelta
from email.utils import formatdate

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from outbox import sending
from outbox.models import Mail
from outbox.services import queue_mail
from outbox.tasks import sweep_outbox
from registrations import services
from registrations.models import Registration
from tests.commit import after_commit
from tests.factories import RegistrationFactory, WorkshopFactory
from trainingsite.celery import app

Status = Mail.Status


def _use_broker(url):
    # Drop the cached connection and producer pools so the next publish uses `url`.
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def _due_now():
    Mail.objects.filter(status=Status.READY).update(next_attempt_at=timezone.now())


def _plain(to, subject):
    from django.core.mail import EmailMultiAlternatives

    return EmailMultiAlternatives(subject=subject, body=f"Body of {subject}", to=[to])


class Recording(LocmemBackend):
    """Locmem, also noting whether a database transaction was open during each send."""

    in_transaction: list[bool] = []

    def send_messages(self, messages):
        type(self).in_transaction.append(connection.in_atomic_block)
        return super().send_messages(messages)


class Failing(LocmemBackend):
    """Refuses everything with `error` (or passes once `error` is None)."""

    error: BaseException | None = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    seen: list[str] = []

    def send_messages(self, messages):
        type(self).seen.extend(m.extra_headers["Message-ID"] for m in messages)
        if type(self).error is not None:
            raise type(self).error
        return super().send_messages(messages)


@pytest.fixture
def failing(settings):
    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.Failing"
    Failing.error = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    Failing.seen = []
    return Failing


# --- written with the change, sent after it -------------------------------------------------


@pytest.mark.django_db
def test_a_rolled_back_change_queues_nothing(region, officer):
    workshop = WorkshopFactory(region=region)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.register(workshop_id=workshop.pk, officer=officer)
        assert Mail.objects.filter(to=officer.email, kind="registration").exists()
        raise RuntimeError("the request failed after the registration")
    assert not Mail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_mail_server_talks(settings, officer):
    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.Recording"
    Recording.in_transaction = []
    with transaction.atomic():
        queue_mail(_plain(officer.email, "One"), kind="test")
        queue_mail(_plain(officer.email, "Two"), kind="test")
    assert Recording.in_transaction == [False, False]
    assert [m.subject for m in mail.outbox] == ["One", "Two"]
    assert set(Mail.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_smtp_is_asked(settings, officer):
    """While the message goes out, another connection sees it claimed (sending)."""
    import threading

    from django.db import connections

    seen = {}

    class Peeking(LocmemBackend):
        def send_messages(self, messages):
            def peek():
                seen["status"] = Mail.objects.get().status
                connections.close_all()

            thread = threading.Thread(target=peek)
            thread.start()
            thread.join(10)
            return super().send_messages(messages)

    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.Peeking"
    globals()["Peeking"] = Peeking
    (row,) = queue_mail(_plain(officer.email, "Hi"), kind="test")
    assert seen == {"status": Status.SENDING}
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_registration_commits_with_the_broker_down_and_the_sweep_sends_it_once_back(
    settings, region, officer
):
    from invites.tasks import reconcile_invites

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
    assert Mail.objects.get().status == Status.READY

    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    assert reconcile_invites() >= 1  # the calendar sync was lost with the broker too
    assert reconcile_invites() >= 1
    subjects = [m.subject for m in mail.outbox]
    assert "Tracing mixers" in subjects[0]
    invites = [m for m in mail.outbox if m.calendars]
    assert len(invites) == len(workshop.sessions.all()) and len(mail.outbox) == 1 + len(invites)


@pytest.mark.django_db(transaction=True)
def test_dead_smtp_records_the_failure_then_the_sweep_sends_exactly_once(smtp, region, officer):
    workshop = WorkshopFactory(region=region)
    with transaction.atomic():
        services.register(workshop_id=workshop.pk, officer=officer)
    assert Registration.objects.get().state == Registration.State.CONFIRMED  # despite SMTP
    first = Mail.objects.get(kind="registration")
    assert first.status == Status.READY and first.attempts == 1
    assert "Connection refused" in first.last_error or "111" in first.last_error
    assert first.next_attempt_at > timezone.now()  # never retried at once
    assert first.workshop_id == workshop.pk and first.recipient_id == officer.pk
    assert sweep_outbox() == 0  # not due yet

    smtp.start()
    _due_now()
    assert sweep_outbox() >= 1
    assert sweep_outbox() == 0
    # The e-mail, then the calendar invites (refused by the dead server the first time too).
    assert len(smtp.sink.messages) == Mail.objects.count() >= 2
    assert b"text/calendar" not in smtp.sink.messages[0]
    assert b"text/calendar" in smtp.sink.messages[1]
    assert set(Mail.objects.values_list("status", flat=True)) == {Status.SENT}


# --- one retry policy -------------------------------------------------------------------------


def test_retry_delays_grow_are_never_zero_and_are_capped(settings):
    settings.OUTBOX_RETRY_SECONDS = 60
    delays = [sending.retry_delay(n).total_seconds() for n in range(1, 12)]
    assert all(d >= 60 for d in delays)
    assert delays[1] >= 120 and delays[3] >= 480
    assert max(delays) <= sending.MAX_DELAY * 1.25


@pytest.mark.django_db
def test_a_message_keeps_its_message_id_across_retries(failing, officer):
    with after_commit():
        (row,) = queue_mail(_plain(officer.email, "Hi"), kind="test")
    for _ in range(2):
        _due_now()
        with after_commit():
            sweep_outbox()
    failing.error = None
    _due_now()
    with after_commit():
        sweep_outbox()
    assert len(failing.seen) == 4 and set(failing.seen) == {row.message_id}
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 4)


@pytest.mark.django_db
def test_given_up_after_max_attempts_and_then_left_alone(settings, failing, officer):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    with after_commit():
        (row,) = queue_mail(_plain(officer.email, "Hi"), kind="test")
    _due_now()
    with after_commit():
        sweep_outbox()
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.attempts == 2
    failing.error = None
    Mail.objects.update(next_attempt_at=timezone.now() - timedelta(days=1))
    with after_commit():
        assert sweep_outbox() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_permanent_refusal_is_given_up_at_once(failing, officer):
    failing.error = smtplib.SMTPRecipientsRefused({officer.email: (550, b"no such user")})
    with after_commit():
        (row,) = queue_mail(_plain(officer.email, "Hi"), kind="test")
    row.refresh_from_db()
    assert row.status == Status.FAILED and row.attempts == 1
    assert "550" in row.last_error


# --- order, and what a crash leaves -----------------------------------------------------------


@pytest.mark.django_db
def test_one_persons_mails_go_out_in_the_order_of_the_changes(
    failing, officer, other_agency_officer
):
    with after_commit():
        queue_mail(_plain(officer.email, "1 confirmed"), kind="test")
        queue_mail(_plain(officer.email, "2 cancelled"), kind="test")
        queue_mail(_plain(other_agency_officer.email, "other"), kind="test")
    # The first failed; the second waits behind it, and is not sent before it.
    failing.error = None
    Mail.objects.filter(subject="2 cancelled").update(next_attempt_at=timezone.now())
    with after_commit():
        sweep_outbox()
    assert [m.subject for m in mail.outbox if m.to == [officer.email]] == []
    _due_now()
    with after_commit():
        sweep_outbox()
    assert [m.subject for m in mail.outbox if m.to == [officer.email]] == [
        "1 confirmed",
        "2 cancelled",
    ]


@pytest.mark.django_db
def test_a_mail_given_up_holds_nothing_back(settings, failing, officer):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    with after_commit():
        queue_mail(_plain(officer.email, "refused"), kind="test")
    failing.error = None
    with after_commit():
        queue_mail(_plain(officer.email, "later"), kind="test")
    assert [m.subject for m in mail.outbox] == ["later"]


@pytest.mark.django_db
def test_a_sender_that_died_mid_send_is_resent_with_the_same_message_id(settings, officer):
    (row,) = queue_mail(_plain(officer.email, "Hi"), kind="test")  # not yet committed: not sent
    assert sending.claim(row.pk) is not None  # the worker took it, then died before marking
    row.refresh_from_db()
    assert row.status == Status.SENDING
    assert sweep_outbox() == 0  # the claim is recent: that sender may still be at work
    Mail.objects.update(
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT + 1)
    )
    sweep_outbox()  # the claim is old: counted as a failed attempt
    _due_now()
    with after_commit():
        sweep_outbox()
    (sent,) = mail.outbox
    assert sent.extra_headers["Message-ID"] == row.message_id
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 2)


@pytest.mark.django_db
def test_a_resend_is_the_first_copy_whatever_changed_since(settings, monkeypatch, region, officer):
    """The registration mail reached the mail server, then the worker lost its database before
    marking it sent. The workshop moves and is renamed, the officer's name and language change;
    the sweep takes the claim back: the resend is the message the officer already has."""
    from attendees.models import User
    from workshops.models import Workshop

    workshop = WorkshopFactory(region=region, title="Ledgers")
    services.register(workshop_id=workshop.pk, officer=officer)  # not committed: not sent
    row = Mail.objects.get(kind="registration")

    def database_gone(*_args):
        raise OperationalError("terminating connection due to administrator command")

    with monkeypatch.context() as patch:
        patch.setattr(sending, "mark_sent", database_gone)
        with pytest.raises(OperationalError):
            sending.send_mails([row.pk])
    hour = timedelta(hours=1)
    Workshop.objects.filter(pk=workshop.pk).update(
        title="Ledgers II", starts_at=F("starts_at") + hour, ends_at=F("ends_at") + hour
    )
    User.objects.filter(pk=officer.pk).update(full_name="Someone Else", language="fr")
    Mail.objects.update(
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT + 1)
    )
    sweep_outbox()  # the claim is taken back: a failed attempt
    _due_now()
    with after_commit():
        sweep_outbox()

    first, resent = mail.outbox
    assert first.extra_headers["Message-ID"] == row.message_id
    assert first.subject == "Ledgers: Confirmed"
    assert (resent.subject, resent.body, resent.alternatives, resent.extra_headers) == (
        first.subject,
        first.body,
        first.alternatives,
        first.extra_headers,
    )
    row.refresh_from_db()
    assert (row.status, row.attempts, row.subject) == (Status.SENT, 2, "Ledgers: Confirmed")


@pytest.mark.django_db
def test_a_mail_is_dated_when_it_was_queued_not_at_each_attempt(monkeypatch, officer):
    queued = timezone.now() - timedelta(hours=1)
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: queued)
        (row,) = queue_mail(_plain(officer.email, "Hi"), kind="test")
    with after_commit():
        sweep_outbox()  # an hour later: the mail server was down, say
    (sent,) = mail.outbox
    assert sent.message()["Date"] == formatdate(queued.timestamp())


@pytest.mark.django_db
def test_two_senders_of_one_mail_send_it_once(officer):
    (row,) = queue_mail(_plain(officer.email, "Hi"), kind="test")
    assert sending.send_mails([row.pk]) == 1
    assert sending.send_mails([row.pk]) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_allauths_mails_go_through_the_outbox(client, officer):
    with after_commit():
        client.post(reverse("account_reset_password"), {"email": officer.email})
    row = Mail.objects.get(kind="account")
    assert row.to == officer.email and row.status == Status.SENT
    assert mail.outbox[0].subject == row.subject


# --- the failed-deliveries page ---------------------------------------------------------------


def _given_up(workshop, officer, error="SMTPRecipientsRefused: 550 no such user"):
    RegistrationFactory(workshop=workshop, officer=officer)
    (row,) = queue_mail(
        _plain(officer.email, f"About {workshop.title}"),
        kind="registration",
        recipient=officer,
        workshop=workshop,
    )
    Mail.objects.filter(pk=row.pk).update(
        status=Status.FAILED, attempts=10, last_error=error, claimed_at=timezone.now()
    )
    row.refresh_from_db()
    return row


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
    row = _given_up(WorkshopFactory(region=region), RegistrationFactory().officer)
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("outbox:failed")).status_code == 403
    assert client.post(reverse("outbox:retry", args=[row.pk])).status_code == 403
    row.refresh_from_db()
    assert row.status == Status.FAILED


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
def test_retry_requeues_sends_once_and_is_audited(client_for, coordinator, region, officer):
    row = _given_up(WorkshopFactory(region=region), officer)
    client = client_for(coordinator)
    assert client.get(reverse("outbox:retry", args=[row.pk])).status_code == 405
    with after_commit():
        response = client.post(reverse("outbox:retry", args=[row.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[officer.email]]
    row.refresh_from_db()
    assert row.status == Status.SENT and row.attempts == 1
    entry = AuditEntry.objects.get(action="outbox.retry")
    assert entry.actor == coordinator and entry.target_id == str(row.pk)
    # A second POST (double click): nothing more is sent.
    with after_commit():
        client.post(reverse("outbox:retry", args=[row.pk]))
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_retry_of_another_regions_mail_is_404(
    client_for, coordinator, other_region, other_agency_officer
):
    row = _given_up(WorkshopFactory(region=other_region), other_agency_officer)
    response = client_for(coordinator).post(reverse("outbox:retry", args=[row.pk]))
    assert response.status_code == 404
    row.refresh_from_db()
    assert row.status == Status.FAILED


# --- what an independent crash test found ----------------------------------------------------


@pytest.mark.django_db
def test_mails_about_one_registration_say_what_each_change_did_in_order(failing, region, officer):
    workshop = WorkshopFactory(region=region, title="Ledgers")
    with after_commit():
        registration = services.register(workshop_id=workshop.pk, officer=officer)
        services.cancel_registration(registration_id=registration.pk, officer=officer)
    failing.error = None  # the mail server is back
    _due_now()
    with after_commit():
        sweep_outbox()
    told = [m for m in mail.outbox if not m.calendars]
    assert [m.subject for m in told] == ["Ledgers: Confirmed", "Ledgers: Cancelled"]
    assert "You are confirmed" in told[0].body and "is cancelled" in told[1].body


@pytest.mark.django_db
def test_an_invite_that_may_have_gone_out_is_cancelled_when_the_seat_is_given_up(
    settings, region, officer
):
    """The mail server took the invite, then the worker died before recording it. The seat is
    given up: the officer's calendar still gets its CANCEL (with the next SEQUENCE)."""
    from invites.models import InviteDelivery
    from tests.invites.icscheck import parse_outbox

    workshop = WorkshopFactory(region=region)
    registration = services.register(workshop_id=workshop.pk, officer=officer)
    from invites.tasks import sync_registration_invites

    sync_registration_invites(registration.pk)
    told = Mail.objects.get(kind="registration")
    sending.mark_sent(sending.claim(told.pk))
    for row in Mail.objects.filter(kind="invite"):
        assert sending.claim(row.pk) is not None  # taken; SMTP accepts; the worker dies
        sending.build_message(
            to=row.to, subject=row.subject, message_id=row.message_id, content=row.content
        ).send()
    assert {d.method for d in InviteDelivery.objects.filter(user=officer)} == {"REQUEST"}

    with after_commit():
        services.cancel_registration(registration_id=registration.pk, officer=officer)
    Mail.objects.update(claimed_at=timezone.now() - timedelta(hours=1))
    for _ in range(3):
        _due_now()
        with after_commit():
            sweep_outbox()
    invites = parse_outbox([m for m in mail.outbox if m.calendars])
    by_uid = {}
    for invite in invites:
        by_uid.setdefault(str(invite.event["UID"]), []).append(
            (invite.method, int(invite.event["SEQUENCE"]))
        )
    # Each session: the REQUEST (once more: it may not have arrived), then its CANCEL.
    assert by_uid and all(v[-1] == ("CANCEL", 1) for v in by_uid.values())
    assert all(("REQUEST", 0) in v for v in by_uid.values())
    assert not Mail.objects.unsent().exists()


@pytest.mark.django_db
def test_a_sender_whose_claim_was_taken_back_cannot_mark_the_row(settings, officer):
    (row,) = queue_mail(_plain(officer.email, "Hi"), kind="test")
    stalled = sending.claim(row.pk)
    Mail.objects.update(
        claimed_at=timezone.now() - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT + 1)
    )
    sending.release_stale_claims()
    _due_now()
    second = sending.claim(row.pk)
    assert second is not None
    sending.mark_failed(stalled, "late news from the stalled sender")
    sending.mark_sent(stalled)
    row.refresh_from_db()
    assert row.status == Status.SENDING and row.claimed_at == second.claimed_at
    sending.mark_sent(second)
    row.refresh_from_db()
    assert row.status == Status.SENT
