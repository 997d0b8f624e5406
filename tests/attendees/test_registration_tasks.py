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


# --- the workshop's mail drain: one task per burst of changes ---------------------------------


@pytest.fixture
def drains(monkeypatch):
    """Publishes of the drain task, recorded instead of run (as if the worker were busy)."""
    from attendees import tasks

    calls = []
    monkeypatch.setattr(tasks.send_registration_emails, "delay", calls.append)
    return calls


def _register_committed(workshop, officer, capture):
    with capture(execute=True):
        return services.register(workshop_id=workshop.pk, officer=officer)


def test_a_burst_of_registrations_queues_one_drain_that_mails_everyone(
    region, agency, drains, django_capture_on_commit_callbacks
):
    from attendees.tasks import send_registration_emails
    from tests.factories import OfficerFactory

    workshop = WorkshopFactory(region=region, capacity=2)
    officers = [OfficerFactory(agency=agency) for _ in range(5)]
    for officer in officers:
        _register_committed(workshop, officer, django_capture_on_commit_callbacks)
    assert drains == [workshop.pk]  # four changes saw the pending drain and published nothing
    assert _registration_mails() == []

    assert send_registration_emails(workshop.pk) == 5
    assert sorted(m.to[0] for m in _registration_mails()) == sorted(o.email for o in officers)
    assert send_registration_emails(workshop.pk) == 0  # run twice: nothing sent twice
    assert len(_registration_mails()) == 5

    # The drain cleared the wake-up: the next change publishes again.
    _register_committed(workshop, OfficerFactory(agency=agency), django_capture_on_commit_callbacks)
    assert drains == [workshop.pk, workshop.pk]


def test_each_workshop_has_its_own_drain(
    region, agency, drains, django_capture_on_commit_callbacks
):
    from tests.factories import OfficerFactory

    first, second = WorkshopFactory(region=region), WorkshopFactory(region=region)
    _register_committed(first, OfficerFactory(agency=agency), django_capture_on_commit_callbacks)
    _register_committed(second, OfficerFactory(agency=agency), django_capture_on_commit_callbacks)
    assert drains == [first.pk, second.pk]


def test_a_failed_publish_lets_the_next_change_publish(
    region, agency, monkeypatch, django_capture_on_commit_callbacks
):
    from attendees import tasks
    from tests.factories import OfficerFactory

    workshop = WorkshopFactory(region=region)
    published = []

    def broker_down(workshop_id):
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks.send_registration_emails, "delay", broker_down)
    reg = _register_committed(
        workshop, OfficerFactory(agency=agency), django_capture_on_commit_callbacks
    )
    assert reg.pk  # committed all the same; the outbox sweep owes the e-mail
    monkeypatch.setattr(tasks.send_registration_emails, "delay", published.append)
    _register_committed(workshop, OfficerFactory(agency=agency), django_capture_on_commit_callbacks)
    assert published == [workshop.pk]


def test_one_refused_address_does_not_hold_up_the_others(
    region, agency, drains, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMultiAlternatives

    from attendees.tasks import send_registration_emails
    from outbox.models import Delivery
    from tests.factories import OfficerFactory

    workshop = WorkshopFactory(region=region)
    refused = OfficerFactory(agency=agency)
    others = [OfficerFactory(agency=agency) for _ in range(2)]
    for officer in (refused, *others):
        _register_committed(workshop, officer, django_capture_on_commit_callbacks)
    real_send = EmailMultiAlternatives.send

    def send(self, *args, **kwargs):
        if self.to == [refused.email]:
            raise OSError("550 mailbox unavailable")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    assert send_registration_emails.run(workshop.pk) == 2
    assert sorted(m.to[0] for m in _registration_mails()) == sorted(o.email for o in others)
    failed = Delivery.objects.get(kind=Delivery.Kind.REGISTRATION_EVENT)
    assert failed.recipient_id == refused.pk and failed.attempts == 1


def test_a_dead_mail_server_stops_the_drain_after_three_failures(
    region, agency, drains, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import EmailMultiAlternatives

    from attendees.tasks import send_registration_emails
    from outbox.models import Delivery
    from tests.factories import OfficerFactory

    workshop = WorkshopFactory(region=region)
    for _ in range(5):
        _register_committed(
            workshop, OfficerFactory(agency=agency), django_capture_on_commit_callbacks
        )

    def down(self, *args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(EmailMultiAlternatives, "send", down)
    assert send_registration_emails.run(workshop.pk) == 0
    assert Delivery.objects.filter(kind=Delivery.Kind.REGISTRATION_EVENT).count() == 3
    assert RegistrationEvent.objects.filter(notified_at=None).count() == 5
    # Woken again at once (the rush goes on): the three just attempted wait for the sweep's
    # grace period, so a wake-up storm cannot use up an e-mail's attempts.
    send_registration_emails.run(workshop.pk)
    attempts = Delivery.objects.filter(kind=Delivery.Kind.REGISTRATION_EVENT)
    assert attempts.count() == 5
    assert max(attempts.values_list("attempts", flat=True)) == 1


def test_the_drain_leaves_what_the_sweep_leaves(
    region, agency, drains, django_capture_on_commit_callbacks
):
    """Events older than OUTBOX_MAX_AGE_HOURS and given-up e-mails are not sent by a drain
    woken by a new registration (no flood of stale mail)."""
    import datetime as dt

    from django.utils import timezone

    from attendees.tasks import send_registration_emails
    from outbox.models import Delivery
    from tests.factories import OfficerFactory

    workshop = WorkshopFactory(region=region)
    old, given_up, new = (OfficerFactory(agency=agency) for _ in range(3))
    for officer in (old, given_up, new):
        _register_committed(workshop, officer, django_capture_on_commit_callbacks)
    RegistrationEvent.objects.filter(registration__officer=old).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    stuck = RegistrationEvent.objects.get(registration__officer=given_up)
    Delivery.objects.create(
        kind=Delivery.Kind.REGISTRATION_EVENT,
        object_id=stuck.pk,
        attempts=12,
        given_up_at=timezone.now(),
    )
    assert send_registration_emails(workshop.pk) == 1
    assert [m.to[0] for m in _registration_mails()] == [new.email]
