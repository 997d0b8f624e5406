import pytest
from django.core import mail

from attendees import services
from attendees.models import RegistrationEvent
from attendees.tasks import send_registration_event_email
from tests.factories import WorkshopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(region, officer, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(region=region, title="Bitcoin tracing")
    with django_capture_on_commit_callbacks(execute=False):
        services.register(workshop_id=workshop.pk, officer=officer)
    return RegistrationEvent.objects.get()


def test_registration_mail_sent_once_when_task_runs_twice(event, officer):
    assert send_registration_event_email(event.pk) is True
    assert send_registration_event_email(event.pk) is False
    assert len(mail.outbox) == 1
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
