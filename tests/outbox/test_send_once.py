"""An e-mail is marked sent only in the transaction that sent it: a worker killed while sending
leaves the row for the sweep (never lost), and a second worker meanwhile sends nothing."""

import threading

import psycopg
import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction

from attendees import services
from attendees.models import RegistrationEvent
from attendees.tasks import send_registration_event_email
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an Exception, so no handler in the task can catch it."""


def _unsent_seen_by_another_connection(event_id: int) -> bool:
    params = connection.get_connection_params()
    dsn = {k: v for k, v in params.items() if k in {"dbname", "user", "host", "port", "password"}}
    with psycopg.connect(**dsn, autocommit=True) as other:
        row = other.execute(
            "SELECT notified_at IS NULL FROM attendees_registrationevent WHERE id = %s",
            [event_id],
        ).fetchone()
    return row[0]


def _register(region, officer) -> RegistrationEvent:
    workshop = WorkshopFactory(region=region)
    with transaction.atomic():
        services.register(workshop_id=workshop.pk, officer=officer)
    mail.outbox.clear()
    event = RegistrationEvent.objects.get()
    RegistrationEvent.objects.filter(pk=event.pk).update(notified_at=None)
    return event


@pytest.mark.django_db(transaction=True)
def test_row_is_not_marked_sent_while_the_message_is_going_out(monkeypatch, region, officer):
    event = _register(region, officer)
    seen = {}
    real_send = EmailMultiAlternatives.send

    def send(message, *args, **kwargs):
        if seen:  # the second worker's own send, if it wrongly got that far
            return real_send(message, *args, **kwargs)
        # Seen from outside while the SMTP conversation is on: still unsent, and a second
        # worker running the same task now skips the locked row instead of sending again.
        seen["unsent"] = _unsent_seen_by_another_connection(event.pk)
        result = {}
        thread = threading.Thread(
            target=lambda: result.update(second=send_registration_event_email.run(event.pk))
        )
        thread.start()
        thread.join(timeout=10)
        seen["second_worker_sent"] = result.get("second", "blocked")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert send_registration_event_email.run(event.pk) is True
    assert seen == {"unsent": True, "second_worker_sent": False}
    assert len(mail.outbox) == 1
    assert not _unsent_seen_by_another_connection(event.pk)
    assert send_registration_event_email.run(event.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_send_leaves_the_row_for_the_sweep(monkeypatch, region, officer):
    event = _register(region, officer)

    def killed(message, *args, **kwargs):
        raise WorkerKilled

    monkeypatch.setattr(EmailMultiAlternatives, "send", killed)
    with pytest.raises(WorkerKilled):
        send_registration_event_email.run(event.pk)
    assert _unsent_seen_by_another_connection(event.pk)

    monkeypatch.undo()
    assert send_registration_event_email.run(event.pk) is True
    assert len(mail.outbox) == 1
