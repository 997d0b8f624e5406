import pytest
from django.core import mail

from attendees import services
from attendees.models import RegistrationEvent
from attendees.tasks import send_registration_event_email
from invites.messages import CalendarInviteEmail
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(region, officer, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(region=region, title="Bitcoin tracing")
    with django_capture_on_commit_callbacks(execute=False):
        services.register(workshop_id=workshop.pk, officer=officer)
    return RegistrationEvent.objects.get()


def _registration_mails():
    return [m for m in mail.outbox if not isinstance(m, CalendarInviteEmail)]


def test_registration_mail_sent_once_when_task_runs_twice(event, officer):
    assert send_registration_event_email(event.pk) is True
    assert send_registration_event_email(event.pk) is False
    assert len(_registration_mails()) == 1
    message = mail.outbox[0]
    assert message.to == [officer.email]
    assert "Bitcoin tracing" in message.subject
    assert "You are confirmed" in message.body
    html = message.alternatives[0][0]
    assert "<strong>" in html and "Bitcoin tracing" in html


def test_registration_mail_in_officer_language(event, officer):
    officer.language = "fr"
    officer.save(update_fields=["language"])
    send_registration_event_email(event.pk)
    assert "/my-training/" in mail.outbox[0].body


def test_failed_send_releases_the_claim(event, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def boom(self, *args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", boom)
    with pytest.raises(OSError):
        send_registration_event_email(event.pk)
    event.refresh_from_db()
    assert event.notified_at is None


@pytest.fixture
def invite_syncs(monkeypatch):
    from invites import tasks as invite_tasks

    calls = []
    monkeypatch.setattr(invite_tasks.sync_registration_invites, "delay", calls.append)
    return calls


def test_confirmed_change_queues_the_invite_sync_once(event, invite_syncs):
    send_registration_event_email(event.pk)
    send_registration_event_email(event.pk)  # a duplicate run: already claimed, nothing queued
    assert invite_syncs == [event.registration_id]


def test_waitlisting_queues_no_invite_sync(region, agency, invite_syncs):
    from attendees.models import Registration
    from tests.factories import OfficerFactory

    workshop = WorkshopFactory(region=region, capacity=0)
    reg = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert reg.state == Registration.State.WAITLISTED
    send_registration_event_email(reg.events.get().pk)
    assert invite_syncs == []
    assert len(mail.outbox) == 1


def test_failed_mail_still_queues_the_invite_sync(event, invite_syncs, monkeypatch):
    from django.core.mail import EmailMultiAlternatives

    def boom(self, *args, **kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr(EmailMultiAlternatives, "send", boom)
    with pytest.raises(OSError):
        send_registration_event_email(event.pk)
    assert invite_syncs == [event.registration_id]
