"""Rescheduling through the scheduling service (`set_sessions` / `update_workshop`) updates the
invites already in calendars: one REQUEST per moved session with the same UID and SEQUENCE + 1,
a CANCEL only for a removed session, a new REQUEST only for an added one."""

import datetime as dt
from collections import Counter

import pytest
from django.core import mail

from invites.models import InviteDelivery
from invites.services import sync_invites
from tests.commit import after_commit
from tests.factories import OfficerFactory, RegistrationFactory
from workshops.services.scheduling import SessionInput, set_sessions, update_workshop

from .conftest import local
from .icscheck import parse_outbox, start_by_own_vtimezone

pytestmark = pytest.mark.django_db

OFFICERS = 5
LISBON = "Europe/Lisbon"


def session(day: dt.date, start: int = 9, end: int = 17) -> SessionInput:
    return SessionInput(day=day, start=dt.time(start), end=dt.time(end))


@pytest.fixture
def booked(lisbon_workshop, officer):
    """The Lisbon workshop with OFFICERS confirmed officers holding their invites (SEQUENCE 0).
    Returns (workshop, officers, {(officer id, session id): uid})."""
    officers = [officer] + [OfficerFactory(agency=officer.agency) for _ in range(OFFICERS - 1)]
    for o in officers:
        RegistrationFactory(workshop=lisbon_workshop, officer=o)
    with after_commit():
        sync_invites(workshop_id=lisbon_workshop.pk, user_ids=[o.pk for o in officers])
    mail.outbox.clear()
    uids = {
        (d.user_id, d.session_ref): d.uid
        for d in InviteDelivery.objects.filter(workshop=lisbon_workshop, sequence=0)
    }
    assert len(uids) == OFFICERS * 2
    return lisbon_workshop, officers, uids


def officer_messages(officers) -> dict[str, list]:
    """The outbox parsed and emptied, per officer e-mail (the trainer's are dropped)."""
    emails = {o.email for o in officers}
    by_officer: dict[str, list] = {e: [] for e in emails}
    for invite in parse_outbox(mail.outbox):
        if invite.message["To"] in emails:
            by_officer[invite.message["To"]].append(invite)
    mail.outbox.clear()
    return by_officer


def reschedule(coordinator, workshop, sessions, capture, *, through="set_sessions"):
    # The fan-out runs after commit, and the messages it queues are sent after its own.
    with capture(execute=True):
        if through == "set_sessions":
            set_sessions(actor=coordinator, workshop=workshop, sessions=sessions)
        else:
            update_workshop(actor=coordinator, workshop=workshop, details={}, sessions=sessions)
        assert mail.outbox == []  # nothing before the commit


@pytest.mark.parametrize("through", ["set_sessions", "update_workshop"])
def test_moving_every_session_sends_one_update_per_session_with_the_same_uid(
    booked, coordinator, django_capture_on_commit_callbacks, through
):
    workshop, officers, uids = booked
    before = list(workshop.sessions.values_list("pk", flat=True))

    reschedule(
        coordinator,
        workshop,
        [session(dt.date(2035, 10, 30), 10, 16), session(dt.date(2035, 10, 31), 10, 16)],
        django_capture_on_commit_callbacks,
        through=through,
    )

    assert list(workshop.sessions.values_list("pk", flat=True)) == before  # moved in place
    new_starts = {
        before[0]: local(LISBON, 2035, 10, 30, 10),
        before[1]: local(LISBON, 2035, 10, 31, 10),
    }
    messages = officer_messages(officers)
    assert sum(len(m) for m in messages.values()) == OFFICERS * 2  # not 4 each
    for o in officers:
        invites = messages[o.email]
        assert [i.method for i in invites] == ["REQUEST", "REQUEST"]
        for invite, session_id in zip(invites, before, strict=True):
            assert str(invite.event["UID"]) == uids[(o.pk, session_id)]
            assert invite.event["SEQUENCE"] == 1
            assert invite.event.decoded("DTSTART") == new_starts[session_id]
            assert invite.event.decoded("DTEND") - invite.event.decoded("DTSTART") == (
                dt.timedelta(hours=6)
            )
    officer_rows = InviteDelivery.objects.filter(workshop=workshop, user__in=officers)
    assert set(officer_rows.values_list("method", "sequence")) == {("REQUEST", 1)}
    # Nothing more is owed: a second sync sends nothing.
    with after_commit():
        assert sync_invites(workshop_id=workshop.pk, user_ids=[o.pk for o in officers]) == 0
    assert mail.outbox == []


def test_moving_one_session_updates_only_that_session(
    booked, coordinator, django_capture_on_commit_callbacks
):
    workshop, officers, uids = booked
    first, second = workshop.sessions.all()

    reschedule(
        coordinator,
        workshop,
        [session(dt.date(2035, 10, 26)), session(dt.date(2035, 10, 30), 13, 17)],
        django_capture_on_commit_callbacks,
    )

    messages = officer_messages(officers)
    for o in officers:
        (update,) = messages[o.email]
        assert update.method == "REQUEST"
        assert str(update.event["UID"]) == uids[(o.pk, second.pk)]
        assert update.event["SEQUENCE"] == 1
        assert update.event.decoded("DTSTART") == local(LISBON, 2035, 10, 30, 13)


def test_reschedule_across_the_end_of_dst_keeps_local_nine(
    booked, coordinator, django_capture_on_commit_callbacks
):
    """Both sessions a week earlier: the second (29 Oct, WET +00:00) moves to 22 Oct (WEST
    +01:00) and stays 09:00 local, so its UTC start moves by a week and an hour."""
    workshop, officers, uids = booked
    first, second = workshop.sessions.all()

    reschedule(
        coordinator,
        workshop,
        [session(dt.date(2035, 10, 19)), session(dt.date(2035, 10, 22))],
        django_capture_on_commit_callbacks,
    )

    second.refresh_from_db()
    assert second.starts_at == dt.datetime(2035, 10, 22, 8, tzinfo=dt.UTC)
    messages = officer_messages(officers)
    for o in officers:
        invites = {str(i.event["UID"]): i for i in messages[o.email]}
        assert set(invites) == {uids[(o.pk, first.pk)], uids[(o.pk, second.pk)]}
        moved = invites[uids[(o.pk, second.pk)]]
        assert moved.method == "REQUEST"
        assert moved.event["SEQUENCE"] == 1
        assert moved.event["DTSTART"].params["TZID"] == LISBON
        assert moved.event.decoded("DTSTART") == local(LISBON, 2035, 10, 22, 9)
        assert moved.strict.vevent.dtstart.value.astimezone(dt.UTC) == dt.datetime(
            2035, 10, 22, 8, tzinfo=dt.UTC
        )
        # The VTIMEZONE sent with it resolves the same instant without a zone database.
        assert start_by_own_vtimezone(moved.calendar_raw).astimezone(dt.UTC).hour == 8


@pytest.mark.parametrize("removed", [0, 1])
def test_removing_a_session_cancels_that_session_only(
    booked, coordinator, django_capture_on_commit_callbacks, removed
):
    workshop, officers, uids = booked
    rows = list(workshop.sessions.all())
    kept_row, gone_row = rows[1 - removed], rows[removed]
    kept_day = kept_row.starts_at.astimezone(workshop.tzinfo).date()

    reschedule(coordinator, workshop, [session(kept_day)], django_capture_on_commit_callbacks)

    assert list(workshop.sessions.values_list("pk", flat=True)) == [kept_row.pk]
    gone_start = gone_row.starts_at
    messages = officer_messages(officers)
    for o in officers:
        invites = messages[o.email]
        assert Counter(i.method for i in invites) == {"CANCEL": 1, "REQUEST": 1}
        (cancel,) = [i for i in invites if i.method == "CANCEL"]
        assert str(cancel.event["UID"]) == uids[(o.pk, gone_row.pk)]
        assert cancel.event["SEQUENCE"] == 1
        assert cancel.event.decoded("DTSTART") == gone_start
        # The kept session is only renumbered ("session 1 of 2" → the plain title): an update
        # of the same event, never a new one.
        (update,) = [i for i in invites if i.method == "REQUEST"]
        assert str(update.event["UID"]) == uids[(o.pk, kept_row.pk)]
        assert update.event["SEQUENCE"] == 1
        assert str(update.event["SUMMARY"]) == "Blockchain forensics"


def test_adding_a_session_sends_one_new_invite_and_no_cancel(
    booked, coordinator, django_capture_on_commit_callbacks
):
    workshop, officers, uids = booked
    first, second = workshop.sessions.all()

    reschedule(
        coordinator,
        workshop,
        [
            session(dt.date(2035, 10, 26)),
            session(dt.date(2035, 10, 29)),
            session(dt.date(2035, 10, 30), 9, 12),
        ],
        django_capture_on_commit_callbacks,
    )

    added = workshop.sessions.exclude(pk__in=[first.pk, second.pk]).get()
    messages = officer_messages(officers)
    for o in officers:
        invites = messages[o.email]
        assert {i.method for i in invites} == {"REQUEST"}
        by_sequence = Counter(i.event["SEQUENCE"] for i in invites)
        assert by_sequence == {0: 1, 1: 2}  # the new one, the two renumbered "of 3"
        (new,) = [i for i in invites if i.event["SEQUENCE"] == 0]
        assert str(new.event["UID"]) not in uids.values()
        assert str(new.event["UID"]) == InviteDelivery.objects.get(user=o, session=added).uid
        assert new.event.decoded("DTSTART") == local(LISBON, 2035, 10, 30, 9)
        assert {str(i.event["UID"]) for i in invites if i.event["SEQUENCE"] == 1} == {
            uids[(o.pk, first.pk)],
            uids[(o.pk, second.pk)],
        }


def test_retitling_a_session_updates_it_in_place(
    booked, coordinator, django_capture_on_commit_callbacks
):
    workshop, officers, uids = booked
    first, second = workshop.sessions.all()

    reschedule(
        coordinator,
        workshop,
        [
            session(dt.date(2035, 10, 26)),
            SessionInput(
                day=dt.date(2035, 10, 29), start=dt.time(9), end=dt.time(17), title="Lab day"
            ),
        ],
        django_capture_on_commit_callbacks,
    )

    second.refresh_from_db()
    assert second.title == "Lab day"
    messages = officer_messages(officers)
    for o in officers:
        (update,) = messages[o.email]
        assert str(update.event["UID"]) == uids[(o.pk, second.pk)]
        assert update.event["SEQUENCE"] == 1
        assert "Lab day" in str(update.event["SUMMARY"])
