"""End to end: a real Celery worker consuming from Redis, sending over SMTP to a local sink.

Service-backed (marker `services`): Redis at REDIS_URL must be up; if not, these tests fail.
"""

import socket
import threading
import time
import uuid

import pytest
from aiosmtpd.controller import Controller
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from django.db import transaction

from invites.models import InviteDelivery
from invites.tasks import reconcile_invites, sync_registration_invites, sync_workshop_invites
from outbox.models import Mail
from outbox.tasks import sweep_outbox
from registrations.models import Registration
from tests.factories import RegistrationFactory
from trainingsite.celery import app

from .icscheck import parse_invite

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class Sink:
    """aiosmtpd handler keeping every accepted message; can refuse the next `fail` DATA."""

    def __init__(self):
        self.messages: list[bytes] = []
        self.refused = 0
        self.fail = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail:
                self.fail -= 1
                self.refused += 1
                return "451 4.3.0 Temporary failure, try again later"
            self.messages.append(envelope.content)
        return "250 2.0.0 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.OUTBOX_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield sink
    controller.stop()


@pytest.fixture
def worker(settings):
    """A worker thread on a queue of its own (parallel test processes share Redis)."""
    if not settings.REDIS_URL:
        pytest.fail("REDIS_URL is not set: the end-to-end invite tests need Redis.")
    with app.connection() as conn:
        # Fails (never skips) when Redis is down.
        conn.ensure_connection(max_retries=2)
    queue = f"invites-e2e-{uuid.uuid4().hex}"
    saved = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=30
        ) as w:
            yield w
    finally:
        app.conf.update(saved)
        with app.connection() as conn:
            conn.default_channel.queue_delete(queue)


def wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_confirmation_enqueued_on_commit_arrives_over_smtp_once(
    lisbon_workshop, officer, smtp_sink, worker
):
    registration = RegistrationFactory(
        workshop=lisbon_workshop, officer=officer, state=Registration.State.WAITLISTED
    )
    with transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(state=Registration.State.CONFIRMED)
        sync_registration_invites.delay_on_commit(registration.pk)
        # Nothing leaves before the commit.
        time.sleep(0.5)
        assert smtp_sink.messages == []
    assert wait_for(lambda: len(smtp_sink.messages) == 2)

    invites = [parse_invite(raw) for raw in smtp_sink.messages]
    assert {i.message["To"] for i in invites} == {officer.email}
    assert {i.method for i in invites} == {"REQUEST"}
    assert len({str(i.event["UID"]) for i in invites}) == 2
    # The bytes as delivered by SMTP keep CRLF in the calendar (base64 parts).
    assert all(b"\r\nEND:VCALENDAR\r\n" in i.calendar_raw for i in invites)

    # Running the task again (a duplicate delivery) sends nothing new.
    sync_registration_invites.delay(registration.pk)
    sync_workshop_invites.delay(lisbon_workshop.pk)
    assert wait_for(lambda: len(smtp_sink.messages) == 4)  # the trainer's two
    time.sleep(1.5)
    assert len(smtp_sink.messages) == 4
    assert InviteDelivery.objects.filter(method="REQUEST").count() == 4


def test_a_retry_after_an_smtp_failure_sends_each_invite_once(
    settings, lisbon_workshop, officer, smtp_sink, worker
):
    settings.OUTBOX_RETRY_SECONDS = 0.2
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    # The server accepts the first message, then refuses the second once (451).
    smtp_sink.fail = 0
    original = smtp_sink.handle_DATA
    calls = {"n": 0}

    async def first_ok_then_refuse_once(server, session, envelope):
        calls["n"] += 1
        if calls["n"] == 2:
            smtp_sink.fail = 1
        return await original(server, session, envelope)

    smtp_sink.handle_DATA = first_ok_then_refuse_once
    result = sync_registration_invites.delay(registration.pk)
    assert not isinstance(result, EagerResult)  # through Redis to the worker

    assert wait_for(lambda: smtp_sink.refused == 1 and len(smtp_sink.messages) == 1)
    assert wait_for(lambda: Mail.objects.filter(status=Mail.Status.READY, attempts=1).exists())
    time.sleep(0.5)  # past the retry delay
    # Beat's sweep, through the worker: the refused one goes out, once.
    sweep_outbox.delay()
    assert wait_for(lambda: len(smtp_sink.messages) == 2)
    sweep_outbox.delay()
    time.sleep(1.5)
    assert smtp_sink.refused == 1
    assert len(smtp_sink.messages) == 2
    invites = [parse_invite(raw) for raw in smtp_sink.messages]
    assert len({str(i.event["UID"]) for i in invites}) == 2
    assert {i.event["SEQUENCE"] for i in invites} == {0}
    rows = InviteDelivery.objects.filter(user=officer)
    assert {(r.method, r.sequence) for r in rows} == {("REQUEST", 0)}
    assert set(Mail.objects.values_list("status", flat=True)) == {Mail.Status.SENT}


def test_reschedule_with_redis_down_is_sent_once_by_the_worker_after_the_reconcile(
    settings, lisbon_workshop, officer, smtp_sink, worker
):
    """Redis stopped at commit: the reschedule is committed but its sync is lost; once Redis is
    back, beat's reconcile enqueues the sync and the real worker sends each update once."""
    import datetime as dt

    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites.delay(registration.pk)
    assert wait_for(lambda: len(smtp_sink.messages) == 2)
    sync_workshop_invites.delay(lisbon_workshop.pk)
    assert wait_for(lambda: len(smtp_sink.messages) == 4)  # the trainer's two
    smtp_sink.messages.clear()

    def use_broker(url):
        app.conf.broker_url = url
        app._pool = None
        app.amqp._producer_pool = None

    session = lisbon_workshop.sessions.order_by("starts_at").first()
    use_broker("redis://127.0.0.1:1/0")  # nothing listens there: Redis is down
    try:
        with transaction.atomic():
            session.starts_at += dt.timedelta(hours=1)
            session.save()
            sync_workshop_invites.delay_on_commit(lisbon_workshop.pk)
    finally:
        use_broker(settings.CELERY_BROKER_URL)
    time.sleep(1.0)
    assert smtp_sink.messages == []

    assert reconcile_invites() == 1  # beat, with Redis back
    assert wait_for(lambda: len(smtp_sink.messages) == 2)  # the officer's and trainer's update
    assert reconcile_invites() == 1  # the next beat run finds the calendars in line
    sweep_outbox.delay()
    time.sleep(1.5)
    assert len(smtp_sink.messages) == 2
    invites = [parse_invite(raw) for raw in smtp_sink.messages]
    assert {i.event["SEQUENCE"] for i in invites} == {1}
    assert sorted(i.message["To"] for i in invites) == sorted(
        [officer.email, lisbon_workshop.trainers.get().email]
    )
