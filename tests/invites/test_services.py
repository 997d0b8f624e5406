import datetime as dt
import html
import smtplib
import zoneinfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.urls import reverse
from django.utils import timezone

from attendees.models import User
from invites import tasks
from invites.models import InviteDelivery
from invites.services import plan_workshop_batches, sync_invites
from outbox.models import Mail
from outbox.tasks import sweep_outbox
from registrations.models import Registration
from tests.commit import after_commit
from tests.factories import OfficerFactory, RegistrationFactory, TrainerFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopSession

from .conftest import local
from .icscheck import parse_outbox, start_by_own_vtimezone

pytestmark = pytest.mark.django_db

LISBON = zoneinfo.ZoneInfo("Europe/Lisbon")


# The syncs, committed: the messages they queue in the outbox are sent.
def sync_registration_invites(registration_id: int) -> int:
    with after_commit():
        return tasks.sync_registration_invites(registration_id)


def sync_workshop_invites(workshop_id: int) -> int:
    with after_commit():
        return tasks.sync_workshop_invites(workshop_id)


def sync_users(workshop, users) -> int:
    with after_commit():
        return sync_invites(workshop_id=workshop.pk, user_ids=[u.pk for u in users])


def due_now():
    Mail.objects.filter(status=Mail.Status.READY).update(next_attempt_at=timezone.now())


def sent(to=None):
    """Parse and empty the outbox; only the messages to `to` if given."""
    parsed = parse_outbox(mail.outbox)
    mail.outbox.clear()
    if to is not None:
        parsed = [p for p in parsed if p.message["To"] == to.email]
    return parsed


def subject(invite) -> str:
    return " ".join(invite.message["Subject"].split())


def by_uid(invites):
    return {str(i.event["UID"]): i for i in invites}


def test_confirmed_officer_gets_one_request_per_session_with_every_property(
    lisbon_workshop, officer, trainer
):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    booked_at = timezone.now()

    assert sync_registration_invites(registration.pk) == 2

    invites = sent()
    assert len(invites) == 2
    first, second = invites
    for number, invite in enumerate(invites, start=1):
        msg, event, cal = invite.message, invite.event, invite.calendar
        assert msg["To"] == officer.email
        assert msg["From"] == "Crypto Investigations Training Program <training@example.org>"
        delivery = InviteDelivery.objects.get(uid=str(event["UID"]))
        assert msg["Message-ID"].strip() == delivery.message_id
        assert delivery.message_id.endswith(".0.request@training.example.org>")
        assert msg["Auto-Submitted"] == "auto-generated"
        assert invite.method == "REQUEST"
        assert str(cal["VERSION"]) == "2.0"
        assert "trainingsite" in str(cal["PRODID"])
        assert str(cal["METHOD"]) == "REQUEST"
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTAMP").tzinfo is not None
        assert event.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
        assert abs(event.decoded("DTSTAMP") - booked_at) < dt.timedelta(minutes=1)
        assert event["DTSTART"].params["TZID"] == "Europe/Lisbon"
        assert event["DTEND"].params["TZID"] == "Europe/Lisbon"
        assert str(event["SUMMARY"]) == f"Blockchain forensics (session {number} of 2)"
        assert str(event["LOCATION"]) == (
            "Polícia Judiciária, Rua Gomes Freire 174, Lisboa, Portugal, or online"
        )
        description = str(event["DESCRIPTION"])
        assert "Modules:\n- Tracing UTXOs\n- Exchanges & KYC" in description
        assert f"Trainers: {trainer.full_name}" in description
        workshop_page = reverse("workshops:workshop_detail", args=[lisbon_workshop.pk])
        assert f"https://training.example.org{workshop_page}" in description
        assert str(event["URL"]).startswith("https://training.example.org/")
        assert str(event["STATUS"]) == "CONFIRMED"
        organizer = event["ORGANIZER"]
        assert str(organizer) == "mailto:training@example.org"
        assert organizer.params["CN"] == "Crypto Investigations Training Program"
        attendee = event["ATTENDEE"]
        assert str(attendee) == f"mailto:{officer.email}"
        assert attendee.params["CN"] == "Officer Alice"
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "FALSE"
        # The strict parser agrees.
        vevent = invite.strict.vevent
        assert vevent.organizer.value == "mailto:training@example.org"
        assert vevent.attendee.params["RSVP"] == ["FALSE"]
        assert vevent.sequence.value == "0"
        assert vevent.status.value == "CONFIRMED"
        assert "Blockchain forensics" in invite.text
        assert "Blockchain forensics" in invite.html
        assert subject(invite).startswith("Invitation: Blockchain forensics")

    # Same local 09:00 on both days, but DST ended in between (WEST +01:00 → WET +00:00):
    # both parsers resolve the VTIMEZONE to the right instants.
    assert first.event.decoded("DTSTART") == local("Europe/Lisbon", 2035, 10, 26, 9)
    assert first.strict.vevent.dtstart.value.astimezone(dt.UTC) == dt.datetime(
        2035, 10, 26, 8, tzinfo=dt.UTC
    )
    assert second.strict.vevent.dtstart.value.astimezone(dt.UTC) == dt.datetime(
        2035, 10, 29, 9, tzinfo=dt.UTC
    )
    assert second.strict.vevent.dtend.value.astimezone(dt.UTC) == dt.datetime(
        2035, 10, 29, 17, tzinfo=dt.UTC
    )
    # The generated VTIMEZONE alone (no zone database) gives the same instants.
    for invite, expected in [(first, 8), (second, 9)]:
        start = start_by_own_vtimezone(invite.calendar_raw)
        assert start.astimezone(dt.UTC).hour == expected
    # The VTIMEZONE carries both offsets from the zone database.
    vtimezone = second.calendar.walk("VTIMEZONE")[0]
    offsets = {c.decoded("TZOFFSETTO") for c in vtimezone.walk() if "TZOFFSETTO" in c}
    assert {dt.timedelta(0), dt.timedelta(hours=1)} <= offsets
    # The joining link goes to confirmed attendees.
    assert "https://meet.example.org/secret-room" in str(first.event["DESCRIPTION"])


def test_uid_never_changes_and_differs_per_officer_and_session(lisbon_workshop, officer):
    other = OfficerFactory(agency=officer.agency)
    first = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    second = RegistrationFactory(workshop=lisbon_workshop, officer=other)
    sync_registration_invites(first.pk)
    sync_registration_invites(second.pk)
    uids = [str(i.event["UID"]) for i in sent()]
    assert len(set(uids)) == 4
    assert all(uid.endswith("@training.example.org") for uid in uids)

    session = lisbon_workshop.sessions.first()
    session.starts_at += dt.timedelta(hours=1)
    session.save()
    sync_registration_invites(first.pk)
    (update,) = sent()
    assert str(update.event["UID"]) in uids[:2]


def test_running_the_sync_twice_sends_nothing_new(lisbon_workshop, officer):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    assert sync_registration_invites(registration.pk) == 2
    assert sync_registration_invites(registration.pk) == 0
    assert sync_workshop_invites(lisbon_workshop.pk) == 2  # the trainer's two
    assert sync_workshop_invites(lisbon_workshop.pk) == 0
    assert sync_registration_invites(registration.pk) == 0
    assert len(mail.outbox) == 4


def test_reschedule_sends_update_with_sequence_one_higher_and_new_dtstamp(lisbon_workshop, officer):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    original = by_uid(sent())

    session = lisbon_workshop.sessions.order_by("starts_at").last()
    session.starts_at = local("Europe/Lisbon", 2035, 10, 30, 10)
    session.ends_at = local("Europe/Lisbon", 2035, 10, 30, 16)
    session.save()
    assert sync_workshop_invites(lisbon_workshop.pk) == 3  # the officer's update, trainer's 2

    (update,) = sent(to=officer)
    uid = str(update.event["UID"])
    assert uid in original
    assert update.method == "REQUEST"
    assert update.event["SEQUENCE"] == original[uid].event["SEQUENCE"] + 1 == 1
    assert update.event.decoded("DTSTAMP") > original[uid].event.decoded("DTSTAMP") - dt.timedelta(
        seconds=1
    )
    assert update.event.decoded("DTSTART") == local("Europe/Lisbon", 2035, 10, 30, 10)
    assert subject(update).startswith("Updated:")

    # A second reschedule: one higher again, never a jump.
    session.starts_at = local("Europe/Lisbon", 2035, 10, 30, 11)
    session.save()
    sync_workshop_invites(lisbon_workshop.pk)
    (again,) = sent(to=officer)
    assert again.event["SEQUENCE"] == 2
    assert sync_workshop_invites(lisbon_workshop.pk) == 0


def test_dtstamp_of_an_update_is_the_time_it_was_sent(lisbon_workshop, officer, monkeypatch):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    sent()
    later = timezone.now() + dt.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    lisbon_workshop.venue_address = "Avenida da Liberdade 1"
    lisbon_workshop.save()
    sync_workshop_invites(lisbon_workshop.pk)
    updates = sent(to=officer)
    assert len(updates) == 2
    for update in updates:
        assert update.event.decoded("DTSTAMP") == later.replace(microsecond=0)
        assert "Avenida da Liberdade 1" in str(update.event["LOCATION"])


def test_removed_session_gets_a_cancel_with_the_times_last_sent(lisbon_workshop, officer):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    original = by_uid(sent())

    removed = lisbon_workshop.sessions.order_by("starts_at").last()
    removed.delete()
    sync_workshop_invites(lisbon_workshop.pk)

    invites = sent(to=officer)
    cancels = [i for i in invites if i.method == "CANCEL"]
    (cancel,) = cancels
    uid = str(cancel.event["UID"])
    assert str(cancel.calendar["METHOD"]) == "CANCEL"
    assert str(cancel.event["STATUS"]) == "CANCELLED"
    assert cancel.strict.vevent.status.value == "CANCELLED"
    assert cancel.event["SEQUENCE"] == original[uid].event["SEQUENCE"] + 1
    assert cancel.event.decoded("DTSTART") == local("Europe/Lisbon", 2035, 10, 29, 9)
    assert str(cancel.event["ATTENDEE"]) == f"mailto:{officer.email}"
    assert subject(cancel).startswith("Cancelled:")
    # The remaining session is renumbered ("session 1 of 1" → plain title): an update.
    (update,) = [i for i in invites if i.method == "REQUEST"]
    assert str(update.event["SUMMARY"]) == "Blockchain forensics"
    assert update.event["SEQUENCE"] == 1
    assert sync_workshop_invites(lisbon_workshop.pk) == 0


def test_added_session_sends_a_new_invite(lisbon_workshop, officer):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    sent()
    WorkshopSession.objects.create(
        workshop=lisbon_workshop,
        starts_at=local("Europe/Lisbon", 2035, 10, 30, 9),
        ends_at=local("Europe/Lisbon", 2035, 10, 30, 12),
    )
    sync_workshop_invites(lisbon_workshop.pk)
    invites = sent(to=officer)
    new = [i for i in invites if i.event["SEQUENCE"] == 0]
    assert len(new) == 1
    assert str(new[0].event["SUMMARY"]) == "Blockchain forensics (session 3 of 3)"
    # The others now say "of 3": updated once each.
    assert sorted(i.event["SEQUENCE"] for i in invites) == [0, 1, 1]


@pytest.mark.parametrize(
    "state",
    [Registration.State.CANCELLED, Registration.State.REMOVED, Registration.State.DECLINED],
)
def test_leaving_a_workshop_cancels_every_session_once(lisbon_workshop, officer, state):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    original = by_uid(sent())

    registration.state = state
    registration.save()
    assert sync_registration_invites(registration.pk) == 2
    cancels = sent()
    assert {str(c.event["UID"]) for c in cancels} == set(original)
    for cancel in cancels:
        assert cancel.method == "CANCEL"
        assert str(cancel.event["STATUS"]) == "CANCELLED"
        assert cancel.event["SEQUENCE"] == 1
    assert sync_registration_invites(registration.pk) == 0
    assert sync_workshop_invites(lisbon_workshop.pk) == 2  # only the trainer's invites
    assert officer.email not in {m.to[0] for m in mail.outbox}


def test_registering_again_after_cancelling_reinstates_the_same_uids(lisbon_workshop, officer):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    original = by_uid(sent())
    registration.state = Registration.State.CANCELLED
    registration.save()
    sync_registration_invites(registration.pk)
    sent()
    registration.state = Registration.State.CONFIRMED
    registration.save()
    sync_registration_invites(registration.pk)
    again = sent()
    assert {str(i.event["UID"]) for i in again} == set(original)
    assert {i.method for i in again} == {"REQUEST"}
    assert {i.event["SEQUENCE"] for i in again} == {2}


@pytest.mark.parametrize("status", [Workshop.Status.CANCELLED, Workshop.Status.DRAFT])
def test_workshop_cancelled_cancels_for_officers_and_trainers(
    lisbon_workshop, officer, trainer, status
):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_workshop_invites(lisbon_workshop.pk)
    first = sent()
    assert {i.message["To"] for i in first} == {officer.email, trainer.email}
    assert len(first) == 4

    lisbon_workshop.status = status
    lisbon_workshop.save()
    assert sync_workshop_invites(lisbon_workshop.pk) == 4
    cancels = sent()
    assert len(cancels) == 4
    assert {c.method for c in cancels} == {"CANCEL"}
    assert {str(c.event["STATUS"]) for c in cancels} == {"CANCELLED"}
    assert {c.message["To"] for c in cancels} == {officer.email, trainer.email}
    assert sync_workshop_invites(lisbon_workshop.pk) == 0
    assert sync_registration_invites(registration.pk) == 0


@pytest.mark.parametrize(
    "state",
    [
        Registration.State.WAITLISTED,
        Registration.State.PENDING,
        Registration.State.NOMINATION,
    ],
)
def test_waitlisted_and_pending_officers_get_no_invite(lisbon_workshop, officer, state):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer, state=state)
    assert sync_registration_invites(registration.pk) == 0
    sync_workshop_invites(lisbon_workshop.pk)
    assert officer.email not in {m.to[0] for m in mail.outbox}


def test_promotion_from_the_waitlist_sends_the_invites(lisbon_workshop, officer):
    registration = RegistrationFactory(
        workshop=lisbon_workshop, officer=officer, state=Registration.State.WAITLISTED
    )
    sync_registration_invites(registration.pk)
    registration.state = Registration.State.CONFIRMED
    registration.save()
    assert sync_registration_invites(registration.pk) == 2


def test_trainers_receive_invites_for_the_sessions_they_teach(lisbon_workshop, trainer):
    other_trainer = TrainerFactory(full_name="Trainer Zoë")
    lisbon_workshop.trainers.add(other_trainer)
    assert sync_workshop_invites(lisbon_workshop.pk) == 4
    invites = sent()
    assert {i.message["To"] for i in invites} == {trainer.email, other_trainer.email}
    for invite in invites:
        assert str(invite.event["ATTENDEE"]) == f"mailto:{invite.message['To']}"
        assert "https://meet.example.org/secret-room" in str(invite.event["DESCRIPTION"])

    lisbon_workshop.trainers.remove(other_trainer)
    sync_workshop_invites(lisbon_workshop.pk)
    invites = sent()
    cancels = [i for i in invites if i.method == "CANCEL"]
    assert {c.message["To"] for c in cancels} == {other_trainer.email}
    assert len(cancels) == 2
    # The remaining trainer's events now list one trainer: an update, not a cancellation.
    updates = [i for i in invites if i.method == "REQUEST"]
    assert {u.message["To"] for u in updates} == {trainer.email}
    assert {u.event["SEQUENCE"] for u in updates} == {1}


def test_special_characters_survive_both_parsers(region, officer):
    title = 'Forensik; Ação, "analyse" — 区块链取证\nDay'
    workshop = WorkshopFactory(
        title=title,
        region=region,
        time_zone="Asia/Tokyo",
        venue_name="東京国際フォーラム, Hall B; 5F",
        venue_address="3-5-1 Marunouchi\nChiyoda-ku",
        city="Tōkyō",
        country="JP",
        sessions=[(local("Asia/Tokyo", 2035, 5, 1, 10), local("Asia/Tokyo", 2035, 5, 1, 18))],
    )
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    sync_registration_invites(registration.pk)
    (invite,) = sent()
    assert str(invite.event["SUMMARY"]) == title
    assert invite.strict.vevent.summary.value == title
    location = "東京国際フォーラム, Hall B; 5F, 3-5-1 Marunouchi\nChiyoda-ku, Tōkyō, Japan"
    assert str(invite.event["LOCATION"]) == location
    assert invite.strict.vevent.location.value == location
    unfolded = invite.calendar_raw.replace(b"\r\n ", b"").decode()
    assert (
        "LOCATION:東京国際フォーラム\\, Hall B\\; 5F\\, 3-5-1 Marunouchi\\nChiyoda-ku" in unfolded
    )
    assert subject(invite).startswith('Invitation: Forensik; Ação, "analyse" — 区块链取证 Day')


def test_a_multi_day_workshop_sends_each_day_at_its_own_time(region, officer):
    days = [
        (local("America/New_York", 2035, 3, d, 9), local("America/New_York", 2035, 3, d, 17))
        for d in (9, 10, 11, 12)
    ]
    # DST starts in New York on Sun 11 Mar 2035: 9:00 is 14:00Z before and 13:00Z after.
    workshop = WorkshopFactory(region=region, time_zone="America/New_York", sessions=days)
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    assert sync_registration_invites(registration.pk) == 4
    invites = sent()
    starts = [i.strict.vevent.dtstart.value.astimezone(dt.UTC).hour for i in invites]
    assert starts == [14, 14, 13, 13]
    for number, invite in enumerate(invites, start=1):
        assert str(invite.event["SUMMARY"]).endswith(f"(session {number} of 4)")
    assert [i.event.decoded("DTSTART").day for i in invites] == [9, 10, 11, 12]


def test_online_workshop_location_is_online_with_the_link_in_the_description(region, officer):
    workshop = WorkshopFactory(
        region=region,
        format=Workshop.Format.ONLINE,
        online_url="https://meet.example.org/room-42",
        online_details="Passcode: 1234",
        time_zone="UTC",
        sessions=[(local("UTC", 2035, 1, 5, 12), local("UTC", 2035, 1, 5, 14))],
    )
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    sync_registration_invites(registration.pk)
    (invite,) = sent()
    assert str(invite.event["LOCATION"]) == "Online"
    description = str(invite.event["DESCRIPTION"])
    assert "Joining link: https://meet.example.org/room-42" in description
    assert "Passcode: 1234" in description
    # UTC sessions need no VTIMEZONE: times carry Z.
    assert b"DTSTART:20350105T120000Z" in invite.calendar_raw


def test_in_person_workshop_never_shows_a_joining_link(lisbon_workshop, officer):
    lisbon_workshop.format = Workshop.Format.IN_PERSON
    lisbon_workshop.save()
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    for invite in sent():
        assert "meet.example.org" not in invite.calendar_raw.decode()


def test_text_is_in_the_recipients_language(lisbon_workshop, officer):
    officer.language = "pt-br"
    officer.save()
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    invite = sent()[0]
    # CLDR's Portuguese: the month and the zone in Portuguese.
    text = invite.text.lower()
    assert " de out. de " in text and "horário lisboa" in text


def test_officer_without_program_access_gets_cancellations_but_no_new_invites(
    lisbon_workshop, officer
):
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_registration_invites(registration.pk)
    sent()
    officer.status = User.Status.SUSPENDED
    officer.save()
    session = lisbon_workshop.sessions.first()
    session.starts_at += dt.timedelta(hours=1)
    session.save()
    assert sync_registration_invites(registration.pk) == 0

    registration.state = Registration.State.REMOVED
    registration.save()
    assert sync_registration_invites(registration.pk) == 2
    assert {i.method for i in sent()} == {"CANCEL"}


def test_sessions_that_have_ended_are_left_alone(region, officer):
    now = timezone.now()
    workshop = WorkshopFactory(
        region=region,
        sessions=[
            (now - dt.timedelta(days=2), now - dt.timedelta(days=2, hours=-4)),
            (now + dt.timedelta(days=2), now + dt.timedelta(days=2, hours=4)),
        ],
    )
    registration = RegistrationFactory(workshop=workshop, officer=officer)
    assert sync_registration_invites(registration.pk) == 1
    registration.state = Registration.State.CANCELLED
    registration.save()
    assert sync_registration_invites(registration.pk) == 1


class FlakySMTPBackend(LocmemBackend):
    """Accepts `accept` messages, then fails like an SMTP server closing the connection."""

    accept = 1
    opened = 0

    def open(self):
        type(self).opened += 1
        return super().open()

    def send_messages(self, messages):
        if len(mail.outbox) >= type(self).accept:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_an_smtp_failure_keeps_what_was_sent_and_the_retry_sends_the_rest(
    settings, lisbon_workshop, officer
):
    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.FlakySMTPBackend"
    FlakySMTPBackend.accept = 1
    registration = RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    assert sync_users(lisbon_workshop, [officer]) == 2
    assert len(mail.outbox) == 1
    # Both are recorded as sent: the second waits in the outbox for its retry, and a sync
    # queues nothing more (the calendar holds what the outbox will deliver).
    assert InviteDelivery.objects.filter(method="REQUEST").count() == 2
    assert sync_registration_invites(registration.pk) == 0
    assert sweep_outbox() == 0  # not due yet: never retried at once
    assert len(mail.outbox) == 1

    FlakySMTPBackend.accept = 100
    due_now()
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    invites = sent()
    assert len(invites) == 2
    assert len({str(i.event["UID"]) for i in invites}) == 2
    assert {i.event["SEQUENCE"] for i in invites} == {0}


def test_fan_out_batches_hold_at_most_the_batch_size_over_one_connection_each(
    settings, lisbon_workshop, officer
):
    settings.OUTBOX_BATCH_SIZE = 4
    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.FlakySMTPBackend"
    FlakySMTPBackend.accept = 1000
    FlakySMTPBackend.opened = 0
    lisbon_workshop.trainers.clear()
    for _ in range(5):
        RegistrationFactory(workshop=lisbon_workshop, officer=OfficerFactory(agency=officer.agency))
    batches = plan_workshop_batches(workshop_id=lisbon_workshop.pk, batch_size=4)
    assert [count for _ids, count in batches] == [4, 4, 2]
    assert sync_workshop_invites(lisbon_workshop.pk) == 10
    assert len(mail.outbox) == 10
    assert FlakySMTPBackend.opened == 3
    assert plan_workshop_batches(workshop_id=lisbon_workshop.pk, batch_size=4) == []


class SlowBackend(LocmemBackend):
    """Holds each message a moment: the first sync is still sending when the second plans."""

    def send_messages(self, messages):
        import time

        time.sleep(0.3)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_syncs_send_one_set_of_invites(settings, lisbon_workshop, officer):
    import threading

    from django.db import connection

    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.SlowBackend"
    RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            results.append(sync_invites(workshop_id=lisbon_workshop.pk, user_ids=[officer.pk]))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    def race():
        results.clear()
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert errors == []
        return sorted(results)

    # New invites: the second sync waits on the first one's rows, then finds nothing owed.
    assert race() == [0, 2]
    assert len(mail.outbox) == 2
    # An update of existing rows: the row locks serialise the two syncs.
    session = lisbon_workshop.sessions.first()
    session.starts_at += dt.timedelta(hours=1)
    session.save()
    assert race() == [0, 1]
    assert len(mail.outbox) == 3
    assert sorted(
        InviteDelivery.objects.filter(user=officer).values_list("sequence", flat=True)
    ) == [0, 1]


def test_fast_calendar_equals_the_full_build_for_every_property(lisbon_workshop):
    from invites.events import session_events
    from invites.ical import invite_calendar, invite_calendar_bytes

    from .icscheck import parse_calendar

    event = next(
        iter(session_events(lisbon_workshop, language="en", include_joining=True).values())
    )
    for method in ("REQUEST", "CANCEL"):
        kwargs = dict(
            event=event,
            method=method,
            uid="abc@training.example.org",
            sequence=3,
            dtstamp=dt.datetime(2035, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
            recipient_email="a.very.long.address.of.an.officer@agency.example.gov",
            recipient_name='Maria "Mia" da Conceição Albuquerque-Vasconcelos, Inspetora-Chefe',
        )
        fast, _strict = parse_calendar(invite_calendar_bytes(**kwargs))
        full = invite_calendar(**kwargs)
        assert fast["METHOD"] == full["METHOD"]
        assert [c.name for c in fast.subcomponents] == [c.name for c in full.subcomponents]
        (fast_event,) = fast.walk("VEVENT")
        (full_event,) = full.walk("VEVENT")
        assert sorted(fast_event.keys()) == sorted(full_event.keys())
        for key in full_event:
            assert fast_event[key].to_ical() == full_event[key].to_ical(), key
        assert fast_event["ATTENDEE"].params["CN"] == full_event["ATTENDEE"].params["CN"]


def test_texts_rendered_once_per_batch_carry_each_recipients_own_name(lisbon_workshop):
    names = ["Ana Souza", "Sean O'Brien & <Sons>", "李 小龙"]
    officers = [OfficerFactory(full_name=name, language="en") for name in names]
    for officer in officers:
        RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    assert sync_users(lisbon_workshop, officers) == 6
    parsed = sent()
    for officer in officers:
        invites = [i for i in parsed if i.message["To"] == officer.email]
        assert len(invites) == 2
        for invite in invites:
            assert f"Dear {officer.full_name}," in invite.text
            page = html.unescape(invite.html)
            assert f"Dear {officer.full_name}," in page
            others = [n for n in names if n != officer.full_name]
            assert not any(n in invite.text or n in page for n in others)
            assert str(invite.event["ATTENDEE"]) == f"mailto:{officer.email}"


def test_html_escapes_the_recipients_name(lisbon_workshop):
    officer = OfficerFactory(full_name="Eve <script>alert(1)</script>", language="en")
    RegistrationFactory(workshop=lisbon_workshop, officer=officer)
    sync_users(lisbon_workshop, [officer])
    body = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in body and "Eve &lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_access_primed_in_one_query_equals_the_per_user_check(
    region, officer, django_assert_num_queries
):
    from attendees.models import AgencyDomain
    from attendees.models.access import access_state, prime_access_states
    from tests.factories import AgencyFactory

    revoked_agency = AgencyFactory()
    revoked = OfficerFactory(agency=revoked_agency)
    AgencyDomain.objects.filter(agency=revoked_agency).delete()
    inactive_agency = AgencyFactory()
    in_inactive = OfficerFactory(agency=inactive_agency)
    inactive_agency.is_active = False
    inactive_agency.save()
    users = [
        officer,
        OfficerFactory(agency=officer.agency),
        OfficerFactory(status=User.Status.SUSPENDED),
        OfficerFactory(status=User.Status.PENDING),
        OfficerFactory(vetted_at=timezone.now() - dt.timedelta(days=3650)),
        OfficerFactory(vetted_at=None),
        OfficerFactory(is_active=False),
        revoked,
        in_inactive,
        TrainerFactory(),
    ]
    expected = [access_state(User.objects.get(pk=u.pk)) for u in users]
    assert len(set(expected)) >= 5  # the cases differ
    fresh = list(User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"))
    with django_assert_num_queries(1):
        prime_access_states(fresh)
        primed = {u.pk: u.access_state for u in fresh}
    assert [primed[u.pk] for u in users] == expected


class DyingBackend(LocmemBackend):
    """Accepts `accept` messages, then the worker dies (not a mail error: nothing handles it)."""

    accept = 0

    def send_messages(self, messages):
        if len(mail.outbox) >= type(self).accept:
            raise KeyboardInterrupt("worker killed")
        return super().send_messages(messages)


def test_a_worker_dying_mid_fan_out_resends_only_the_message_it_was_sending(settings, region):
    workshop = WorkshopFactory(region=region)
    officers = OfficerFactory.create_batch(10)
    for officer in officers:
        RegistrationFactory(workshop=workshop, officer=officer)

    settings.OUTBOX_EMAIL_BACKEND = f"{__name__}.DyingBackend"
    DyingBackend.accept = 6  # dies during the 7th message
    with pytest.raises(KeyboardInterrupt), after_commit():
        tasks.sync_workshop_invites(workshop.pk)
    assert len(mail.outbox) == 6
    (dying,) = Mail.objects.filter(status=Mail.Status.SENDING)

    settings.OUTBOX_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The sweep sends what was never claimed; the claim of the dead send expires and is retried.
    assert sweep_outbox() == 3
    Mail.objects.filter(pk=dying.pk).update(claimed_at=timezone.now() - dt.timedelta(hours=1))
    sweep_outbox()
    due_now()
    assert sweep_outbox() == 1
    assert sweep_outbox() == 0
    # Every officer got their invite once (the dying one's again, under the same Message-ID,
    # in case it had gone out), and no sync queues it again.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(o.email for o in officers)
    assert mail.outbox[-1].extra_headers["Message-ID"] == dying.message_id
    assert set(Mail.objects.values_list("status", flat=True)) == {Mail.Status.SENT}
    assert sync_workshop_invites(workshop.pk) == 0
