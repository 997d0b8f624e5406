"""Seats are never oversold under real concurrency: threads, each with its own PostgreSQL
connection, racing on one workshop."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections

from attendees.services import suspend_officer
from registrations import services
from registrations.models import Registration
from registrations.services import locking
from registrations.services.seats import lock_workshop
from tests.factories import OfficerFactory, WorkshopFactory
from tests.locks import record_outcome, second_waits_for_first, waiting_for_a_lock
from workshops.models import Workshop

State = Registration.State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def _race(targets):
    """Run each callable in its own thread, released together; return the errors."""
    barrier = threading.Barrier(len(targets))
    errors = []

    def run(target):
        try:
            barrier.wait()
            target()
        except Exception as err:
            errors.append(err)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_forty_concurrent_registrations_fill_exactly_ten_seats(region, agency, monkeypatch):
    # Forty waiters on one lock: on a loaded machine the last may wait past the "busy" limit,
    # which is not what this test is about (test_locking is).
    monkeypatch.setattr(locking, "LOCK_TIMEOUT", "60s")
    workshop = WorkshopFactory(region=region, capacity=10)
    officers = [OfficerFactory(agency=agency) for _ in range(40)]
    errors = _race(
        [lambda o=o: services.register(workshop_id=workshop.pk, officer=o) for o in officers]
    )
    assert errors == []
    regs = Registration.objects.filter(workshop=workshop)
    assert regs.count() == 40
    confirmed = regs.filter(state=State.CONFIRMED)
    waitlisted = list(regs.filter(state=State.WAITLISTED).order_by("waitlisted_at", "pk"))
    assert confirmed.count() == 10
    assert len(waitlisted) == 30
    # Everyone confirmed registered before everyone waitlisted (the lock serialises them).
    last_confirmed = max(r.confirmed_at for r in confirmed)
    assert all(r.waitlisted_at >= last_confirmed for r in waitlisted)
    positions = dict(
        regs.filter(state=State.WAITLISTED)
        .with_waitlist_position()
        .values_list("pk", "waitlist_position")
    )
    assert [positions[r.pk] for r in waitlisted] == list(range(1, 31))


def test_double_click_race_creates_one_registration(region, officer):
    workshop = WorkshopFactory(region=region)
    errors = _race(
        [lambda: services.register(workshop_id=workshop.pk, officer=officer) for _ in range(6)]
    )
    assert len(errors) == 5
    assert all("already registered" in str(e) for e in errors)
    assert Registration.objects.filter(workshop=workshop, officer=officer).count() == 1


def test_two_concurrent_cancellations_promote_one_each_never_two_into_one_seat(region, agency):
    workshop = WorkshopFactory(region=region, capacity=2)
    a, b = (
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(2)
    )
    waiting = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    assert waiting.state == State.WAITLISTED
    errors = _race(
        [
            lambda: services.cancel_registration(registration_id=a.pk, officer=a.officer),
            lambda: services.cancel_registration(registration_id=b.pk, officer=b.officer),
        ]
    )
    assert errors == []
    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    assert Registration.objects.filter(workshop=workshop, state=State.CONFIRMED).count() == 1
    assert waiting.events.filter(to_state=State.CONFIRMED).count() == 1


def test_cancel_racing_capacity_raise_never_exceeds_capacity(region, agency):
    workshop = WorkshopFactory(region=region, capacity=2)
    regs = [
        services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
        for _ in range(5)
    ]
    first = regs[0]

    def raise_capacity():
        # What the scheduling service does: change capacity under the lock, then fill.
        from django.db import transaction

        with transaction.atomic():
            Workshop.objects.select_for_update().filter(pk=workshop.pk).update(capacity=3)
        services.fill_free_seats(workshop_id=workshop.pk)

    for _ in range(2):
        errors = _race(
            [
                lambda: services.cancel_registration(
                    registration_id=first.pk, officer=first.officer
                ),
                raise_capacity,
                lambda: services.fill_free_seats(workshop_id=workshop.pk),
            ]
        )
        assert all("not active" in str(e) for e in errors)
    confirmed = Registration.objects.filter(workshop=workshop, state=State.CONFIRMED)
    assert confirmed.count() == 3
    # Promoted strictly in waitlist order.
    assert set(confirmed.values_list("pk", flat=True)) == {regs[1].pk, regs[2].pk, regs[3].pk}


def test_one_officer_cannot_take_two_clashing_seats_at_once(region, officer):
    """Two tabs, two workshops at the same time: the second registration waits for the first
    (the officer's lock) and then sees its seat in the clash check."""
    first = WorkshopFactory(region=region, title="Tracing Monero")
    second = WorkshopFactory(region=region, starts_at=first.starts_at, ends_at=first.ends_at)
    waited, _one, two = second_waits_for_first(
        lambda: services.register(workshop_id=first.pk, officer=officer),
        lambda: services.register(workshop_id=second.pk, officer=officer),
    )
    assert waited  # blocked on the officer's lock while the first is uncommitted
    assert "Tracing Monero" in two.get("error", "")
    confirmed = Registration.objects.filter(officer=officer, state=State.CONFIRMED)
    assert list(confirmed.values_list("workshop_id", flat=True)) == [first.pk]


def test_different_officers_do_not_wait_for_each_other(region, agency):
    first, second = WorkshopFactory(region=region), WorkshopFactory(region=region)
    waited, _one, two = second_waits_for_first(
        lambda: services.register(workshop_id=first.pk, officer=OfficerFactory(agency=agency)),
        # Another officer, another workshop: nothing to wait for.
        lambda: services.register(workshop_id=second.pk, officer=OfficerFactory(agency=agency)),
    )
    assert not waited
    assert two["result"].state == State.CONFIRMED


@pytest.fixture
def clashing_pair(region, agency):
    """Workshop A, full (one seat, taken by `seated`), with `officer` first on its waitlist;
    workshop B at the same time with free seats."""
    from tests.factories import RegistrationFactory

    a = WorkshopFactory(region=region, title="Tracing Monero", capacity=1)
    b = WorkshopFactory(region=region, title="Mixers", starts_at=a.starts_at, ends_at=a.ends_at)
    seated = OfficerFactory(agency=agency)
    officer = OfficerFactory(agency=agency)
    seat = RegistrationFactory(workshop=a, officer=seated)
    services.register(workshop_id=a.pk, officer=officer)
    return a, b, seat, officer


def _confirmed_workshops(officer):
    return set(
        Registration.objects.filter(officer=officer, state=State.CONFIRMED).values_list(
            "workshop_id", flat=True
        )
    )


def test_promotion_waits_for_the_officers_registration_elsewhere_then_skips_them(
    clashing_pair,
):
    """The officer registers for B while a seat frees in A: the promotion waits for that
    registration (the officer's lock), then sees the clash and passes them over."""
    a, b, seat, officer = clashing_pair
    waited, one, two = second_waits_for_first(
        lambda: services.register(workshop_id=b.pk, officer=officer),
        lambda: services.cancel_registration(registration_id=seat.pk, officer=seat.officer),
    )
    assert waited
    assert one["result"].state == State.CONFIRMED and "result" in two
    assert _confirmed_workshops(officer) == {b.pk}
    assert Registration.objects.get(workshop=a, officer=officer).state == State.WAITLISTED


def test_registration_waits_for_a_promotion_of_the_officer_elsewhere_then_is_refused(
    clashing_pair,
):
    a, b, seat, officer = clashing_pair
    waited, one, two = second_waits_for_first(
        lambda: services.cancel_registration(registration_id=seat.pk, officer=seat.officer),
        lambda: services.register(workshop_id=b.pk, officer=officer),
    )
    assert waited
    assert "Tracing Monero" in two.get("error", "")
    assert _confirmed_workshops(officer) == {a.pk}


def test_approval_waits_for_the_officers_registration_elsewhere_then_refuses(
    region, agency, coordinator
):
    a = WorkshopFactory(region=region, title="Tracing Monero", requires_approval=True)
    b = WorkshopFactory(region=region, title="Mixers", starts_at=a.starts_at, ends_at=a.ends_at)
    officer = OfficerFactory(agency=agency)
    pending = services.register(workshop_id=a.pk, officer=officer)
    waited, one, two = second_waits_for_first(
        lambda: services.register(workshop_id=b.pk, officer=officer),
        lambda: services.approve_registration(registration_id=pending.pk, by=coordinator),
    )
    assert waited
    assert "Mixers" in two.get("error", "")
    assert _confirmed_workshops(officer) == {b.pk}


def test_promotions_in_different_workshops_take_turns(region, agency):
    """Promotions may lock several officers, each workshop in its own waitlist order: they take
    turns (the confirmation lock), so two of them never wait for each other's officers."""
    from tests.factories import RegistrationFactory

    first, second = (WorkshopFactory(region=region, capacity=1) for _ in range(2))
    seats = [
        RegistrationFactory(workshop=w, officer=OfficerFactory(agency=agency))
        for w in (first, second)
    ]
    for w in (first, second):
        services.register(workshop_id=w.pk, officer=OfficerFactory(agency=agency))
    waited, one, two = second_waits_for_first(
        lambda: services.cancel_registration(registration_id=seats[0].pk, officer=seats[0].officer),
        lambda: services.cancel_registration(registration_id=seats[1].pk, officer=seats[1].officer),
    )
    # Different officers, different workshops: only the confirmation lock makes it wait.
    assert waited
    assert "result" in one and "result" in two
    for w in (first, second):
        assert Registration.objects.filter(workshop=w, state=State.CONFIRMED).count() == 1


def test_erasing_an_account_while_its_officer_cancels_does_not_deadlock(region, officer):
    """The officer cancels (the workshop locked, an event naming them to commit) while their
    account is erased (the account locked, then the workshop): the erasure waits, and the
    cancellation commits without waiting for the account's lock."""
    from privacy.services import erase_officer

    workshop = WorkshopFactory(region=region)
    reg = services.register(workshop_id=workshop.pk, officer=officer)
    waited, one, two = second_waits_for_first(
        lambda: services.cancel_registration(registration_id=reg.pk, officer=officer),
        lambda: erase_officer(user_id=officer.pk, by=None, reason="request"),
    )
    assert waited
    assert "result" in one and "result" in two
    reg.refresh_from_db()
    assert reg.state == State.CANCELLED
    assert reg.events.filter(to_state=State.CANCELLED).count() == 1


def _erase(officer):
    from privacy.services import erase_officer

    return lambda: erase_officer(user_id=officer.pk, by=None, reason="request")


def test_a_registration_waits_for_the_erasure_of_its_account_then_is_refused(region, officer):
    """The account is erased while the officer's request is in flight (the officer object it
    carries still says verified): the registration waits for the account's lock and then sees
    the erasure."""
    workshop = WorkshopFactory(region=region)
    waited, one, two = second_waits_for_first(
        _erase(officer), lambda: services.register(workshop_id=workshop.pk, officer=officer)
    )
    assert waited
    assert "result" in one
    assert "Only verified agency officers" in two.get("error", "")
    assert not Registration.objects.filter(officer=officer).active().exists()


def test_an_erasure_waits_for_a_registration_in_flight_then_cancels_its_seat(region, officer):
    workshop = WorkshopFactory(region=region)
    waited, one, two = second_waits_for_first(
        lambda: services.register(workshop_id=workshop.pk, officer=officer), _erase(officer)
    )
    assert waited
    assert one["result"].state == State.CONFIRMED and "result" in two
    reg = Registration.objects.get(workshop=workshop, officer=officer)
    assert reg.state == State.CANCELLED
    assert not Registration.objects.filter(officer=officer).active().exists()


def test_a_walk_in_waits_for_the_erasure_of_the_officers_account_then_is_refused(
    region, officer, coordinator
):
    import datetime as dt

    from django.utils import timezone

    from attendance.services import add_walk_in

    now = timezone.now()
    workshop = WorkshopFactory(
        region=region, sessions=[(now - dt.timedelta(minutes=10), now + dt.timedelta(hours=2))]
    )
    waited, one, two = second_waits_for_first(
        _erase(officer),
        lambda: add_walk_in(
            workshop_id=workshop.pk, by=coordinator, email=officer.email, reason="Came"
        ),
    )
    assert waited
    assert "result" in one
    assert "No verified officer" in two.get("error", "")
    assert not Registration.objects.filter(officer=officer).active().exists()


def test_suspending_an_officer_while_the_waitlist_promotes_them_does_not_deadlock(
    region, agency, coordinator, monkeypatch
):
    """The suspension locks the account, then waits for the workshop to withdraw the officer's
    registration; the promotion holding that workshop then seats the officer (its event and
    e-mail point at the account). The account's lock lets that through: the promotion commits,
    then the suspension withdraws the new seat and the next officer gets it."""
    from django.db import transaction

    # The suspension waits for the whole promotion: on a loaded machine that can pass the
    # busy limit, which is not what this test is about (a deadlock is detected within 1 s).
    monkeypatch.setattr(locking, "LOCK_TIMEOUT", "60s")
    workshop = WorkshopFactory(region=region, capacity=1)
    seat = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    officer = OfficerFactory(agency=agency)
    waiting = services.register(workshop_id=workshop.pk, officer=officer)
    after = services.register(workshop_id=workshop.pk, officer=OfficerFactory(agency=agency))
    locked, one, two = threading.Event(), {}, {}

    def promote():
        try:
            with transaction.atomic():
                lock_workshop(workshop.pk)
                locked.set()
                deadline = time.monotonic() + 60
                while not waiting_for_a_lock() and time.monotonic() < deadline:
                    time.sleep(0.01)
                record_outcome(
                    lambda: services.cancel_registration(
                        registration_id=seat.pk, officer=seat.officer
                    ),
                    one,
                )
        finally:
            locked.set()
            connections.close_all()

    def suspend():
        try:
            assert locked.wait(timeout=60)
            record_outcome(
                lambda: suspend_officer(officer_id=officer.pk, by=coordinator, reason="X"),
                two,
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=promote), threading.Thread(target=suspend)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert "result" in one and "result" in two, (one, two)
    waiting.refresh_from_db()
    after.refresh_from_db()
    assert [e.to_state for e in waiting.events.order_by("pk")] == [
        State.WAITLISTED,
        State.CONFIRMED,
        State.CANCELLED,
    ]
    assert after.state == State.CONFIRMED


@pytest.fixture
def rescheduled(region, agency):
    """Workshop A, for which `officer` is confirmed, and B two days later with free seats:
    moving A onto B's day and registering for B race."""
    from tests.workshops.scheduling_helpers import sessions_at

    a = WorkshopFactory(region=region, title="Tracing Monero")
    start = a.starts_at + dt.timedelta(days=2)
    b = WorkshopFactory(
        region=region, title="Mixers", starts_at=start, ends_at=start + (a.ends_at - a.starts_at)
    )
    officer = OfficerFactory(agency=agency)
    services.register(workshop_id=a.pk, officer=officer)
    return a, b, officer, sessions_at(b)


def test_a_reschedule_waits_for_a_registration_elsewhere_then_refuses(rescheduled, coordinator):
    from workshops.services import set_sessions

    a, b, officer, sessions = rescheduled
    waited, one, two = second_waits_for_first(
        lambda: services.register(workshop_id=b.pk, officer=officer),
        lambda: set_sessions(actor=coordinator, workshop=a, sessions=sessions),
    )
    assert waited
    assert one["result"].state == State.CONFIRMED
    assert "1 officer confirmed" in two.get("error", "")
    a.refresh_from_db()
    assert a.starts_at != b.starts_at


def test_a_registration_waits_for_a_reschedule_then_sees_the_new_times(rescheduled, coordinator):
    from workshops.services import set_sessions

    a, b, officer, sessions = rescheduled
    waited, one, two = second_waits_for_first(
        lambda: set_sessions(actor=coordinator, workshop=a, sessions=sessions),
        lambda: services.register(workshop_id=b.pk, officer=officer),
    )
    assert waited
    assert "result" in one
    assert "Tracing Monero" in two.get("error", "")
    assert _confirmed_workshops(officer) == {a.pk}
