"""The e-mail about a registration change: queued in the outbox with the change, sent once after
it commits, in the officer's language, before the calendar invites the change brings; a refused
address or a dead mail server loses nothing and holds up no one else."""

import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from outbox.models import Mail
from outbox.tasks import send_mails, sweep_outbox
from registrations import services
from registrations.models import Registration
from tests.commit import after_commit
from tests.factories import OfficerFactory, WorkshopFactory

pytestmark = pytest.mark.django_db
Status = Mail.Status


class Refusing(LocmemBackend):
    """Refuses the addresses in `refused` for good (550); everything while `down`."""

    refused: set[str] = set()
    down = False

    def send_messages(self, messages):
        if type(self).down:
            raise ConnectionRefusedError(111, "Connection refused")
        for message in messages:
            if message.to[0] in type(self).refused:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"unavailable")})
        return super().send_messages(messages)


@pytest.fixture
def refusing(settings):
    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.Refusing"
    Refusing.refused, Refusing.down = set(), False
    return Refusing


@pytest.fixture
def workshop(region):
    return WorkshopFactory(region=region, title="Bitcoin tracing")


@pytest.fixture
def invite_syncs(monkeypatch):
    from invites import tasks as invite_tasks

    calls = []
    monkeypatch.setattr(invite_tasks.sync_registration_invites, "delay", calls.append)
    return calls


def _register(workshop, officer):
    """A registration, committed."""
    with after_commit():
        return services.register(workshop_id=workshop.pk, officer=officer)


def _registration_mails():
    return [m for m in mail.outbox if not m.calendars]


def _due_now():
    Mail.objects.filter(status=Status.READY).update(next_attempt_at=timezone.now())


def test_registration_mail_sent_once_even_when_sent_twice(workshop, officer, invite_syncs):
    _register(workshop, officer)
    (row,) = Mail.objects.filter(kind="registration")
    assert (row.to, row.recipient, row.workshop) == (officer.email, officer, workshop)
    # A duplicate send task and the sweep find it sent.
    assert send_mails([row.pk]) == 0
    assert sweep_outbox() == 0
    (message,) = _registration_mails()
    assert message.to == [officer.email]
    assert "Bitcoin tracing" in message.subject
    assert "You are confirmed" in message.body
    html = message.alternatives[0][0]
    assert "<strong>" in html and "Bitcoin tracing" in html
    assert message.extra_headers["Message-ID"] == row.message_id


def test_registration_mail_in_officer_language(workshop, officer, invite_syncs):
    officer.language = "fr"
    officer.save(update_fields=["language"])
    _register(workshop, officer)
    (message,) = _registration_mails()
    assert "/my-training/" in message.body
    assert "Voir tous vos ateliers" in message.body


def test_confirmed_change_queues_the_invite_sync_once(workshop, officer, invite_syncs):
    registration = _register(workshop, officer)
    assert invite_syncs == [registration.pk]
    sweep_outbox()  # sending the e-mail again (nothing to send) queues no second sync
    assert invite_syncs == [registration.pk]


def test_waitlisting_queues_no_invite_sync(region, agency, invite_syncs):
    workshop = WorkshopFactory(region=region, capacity=0)
    registration = _register(workshop, OfficerFactory(agency=agency))
    assert registration.state == Registration.State.WAITLISTED
    assert invite_syncs == []
    assert len(mail.outbox) == 1


def test_failed_mail_still_syncs_the_invites_which_follow_it(workshop, officer, refusing):
    refusing.down = True
    _register(workshop, officer)
    registration_mail = Mail.objects.get(kind="registration")
    assert (registration_mail.status, registration_mail.attempts) == (Status.READY, 1)
    # The calendar sync ran all the same; its invites wait behind the e-mail they follow.
    invites = Mail.objects.filter(kind="invite", to=officer.email)
    assert invites.count() == workshop.sessions.count() >= 1
    assert set(invites.values_list("attempts", flat=True)) == {0}
    assert mail.outbox == []

    refusing.down = False
    _due_now()
    sweep_outbox()
    assert sweep_outbox() == 0
    assert [bool(m.calendars) for m in mail.outbox] == [False] + [True] * invites.count()
    assert set(Mail.objects.values_list("status", flat=True)) == {Status.SENT}


def test_a_burst_of_registrations_mails_everyone_once(region, agency, invite_syncs):
    workshop = WorkshopFactory(region=region, capacity=2)
    officers = [OfficerFactory(agency=agency) for _ in range(5)]
    for officer in officers:
        _register(workshop, officer)
    assert sweep_outbox() == 0
    assert sorted(m.to[0] for m in _registration_mails()) == sorted(o.email for o in officers)
    states = Registration.objects.values_list("state", flat=True)
    assert sorted(states) == ["confirmed", "confirmed", "waitlisted", "waitlisted", "waitlisted"]


def test_one_refused_address_does_not_hold_up_the_others(region, agency, refusing, invite_syncs):
    workshop = WorkshopFactory(region=region)
    refused = OfficerFactory(agency=agency)
    others = [OfficerFactory(agency=agency) for _ in range(2)]
    refusing.refused = {refused.email}
    for officer in (refused, *others):
        _register(workshop, officer)
    assert sorted(m.to[0] for m in _registration_mails()) == sorted(o.email for o in others)
    failed = Mail.objects.get(to=refused.email)
    assert failed.status == Status.FAILED and failed.attempts == 1  # a 550 is final
    assert failed.recipient_id == refused.pk and "550" in failed.last_error
    # Given up: neither a later registration's send nor the sweep tries it again.
    _register(workshop, OfficerFactory(agency=agency))
    _due_now()
    assert sweep_outbox() == 0
    assert Mail.objects.get(pk=failed.pk).attempts == 1
    assert len(_registration_mails()) == 3


def test_a_dead_mail_server_costs_each_mail_one_attempt_per_retry(
    region, agency, refusing, invite_syncs
):
    """During an outage, every new registration's send leaves the earlier mails waiting for
    their retry time: a rush of registrations cannot use up their attempts."""
    workshop = WorkshopFactory(region=region)
    refusing.down = True
    for _ in range(5):
        _register(workshop, OfficerFactory(agency=agency))
    assert sweep_outbox() == 0  # none due yet
    rows = Mail.objects.filter(kind="registration")
    assert rows.count() == 5
    assert set(rows.values_list("status", "attempts")) == {(Status.READY, 1)}

    refusing.down = False
    _due_now()
    assert sweep_outbox() == 5
    assert sweep_outbox() == 0
    assert len(_registration_mails()) == 5
    assert set(rows.values_list("status", "attempts")) == {(Status.SENT, 2)}


def test_a_lost_send_of_one_registration_is_sent_by_the_sweep_and_others_go_at_once(
    region, agency, monkeypatch, invite_syncs
):
    workshop = WorkshopFactory(region=region)
    first, second = OfficerFactory(agency=agency), OfficerFactory(agency=agency)

    def broker_down(ids):
        raise ConnectionError("redis down")

    with monkeypatch.context() as patch:
        patch.setattr(send_mails, "delay", broker_down)
        registration = _register(workshop, first)
    assert registration.pk  # committed all the same; the outbox owes the e-mail
    assert mail.outbox == []
    _register(workshop, second)
    assert [m.to[0] for m in mail.outbox] == [second.email]
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([first.email, second.email])
