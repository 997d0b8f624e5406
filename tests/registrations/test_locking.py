"""The registration path's raw SQL (registrations/services/locking.py) does what its ORM twin or its
name says, and a lock held too long refuses the request as busy instead of failing it."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.db import connection, connections, transaction
from django.urls import reverse

from registrations import services
from registrations.models import Registration
from registrations.services import locking
from tests.factories import OfficerFactory, WorkshopFactory
from workshops.models import Workshop

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL locks")


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_lock_timeout_lasts_until_the_transaction_ends():
    before = _setting("lock_timeout")
    with transaction.atomic():
        locking.limit_lock_waits()
        assert _setting("lock_timeout") == locking.LOCK_TIMEOUT
        with transaction.atomic():  # a savepoint keeps it too
            assert _setting("lock_timeout") == locking.LOCK_TIMEOUT
    assert _setting("lock_timeout") == before  # SET LOCAL: the next request starts afresh


@pytest.mark.django_db
def test_advisory_locks_are_held_under_their_class_and_key():
    with transaction.atomic():
        locking.lock_confirmations()
        locking.lock_officer(2**31 + 7)  # folded into an int4
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT classid::int, objid::int FROM pg_locks WHERE locktype = 'advisory' "
                "AND pid = pg_backend_pid() AND granted ORDER BY classid"
            )
            held = cursor.fetchall()
    assert held == [(locking.OFFICER_LOCK_CLASS, 7), (locking.CONFIRMATION_LOCK_CLASS, 0)]


def _holding_the_workshop_lock(workshop_id: int, holding, let_go) -> None:
    try:
        with transaction.atomic():
            Workshop.objects.select_for_update().get(pk=workshop_id)
            holding.set()
            assert let_go.wait(timeout=60)
    finally:
        holding.set()
        connections.close_all()


@pytest.fixture
def held_workshop(region, monkeypatch):
    """A published workshop whose row another transaction holds locked for the test's length,
    and a lock timeout short enough to reach."""
    monkeypatch.setattr(locking, "LOCK_TIMEOUT", "200ms")
    workshop = WorkshopFactory(region=region)
    holding, let_go = threading.Event(), threading.Event()
    holder = threading.Thread(
        target=_holding_the_workshop_lock, args=(workshop.pk, holding, let_go)
    )
    holder.start()
    assert holding.wait(timeout=60)
    yield workshop
    let_go.set()
    holder.join(timeout=60)


@pytest.mark.django_db(transaction=True)
def test_a_registration_stuck_behind_the_workshop_lock_is_refused_as_busy(held_workshop, agency):
    officer = OfficerFactory(agency=agency)
    with pytest.raises(services.RegistrationError, match="busy"):
        services.register(workshop_id=held_workshop.pk, officer=officer)
    assert not Registration.objects.filter(officer=officer).exists()


@pytest.mark.django_db(transaction=True)
def test_other_writes_stuck_behind_the_workshop_lock_are_refused_as_busy(held_workshop):
    with pytest.raises(services.RegistrationError, match="busy"):
        services.fill_free_seats(workshop_id=held_workshop.pk)


@pytest.mark.django_db(transaction=True)
def test_the_register_page_says_busy_instead_of_failing(held_workshop, client_for, officer):
    client = client_for(officer)
    response = client.post(reverse("registration:register", args=[held_workshop.pk]))
    assert response.status_code == 302
    assert any("busy" in str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(4))
def test_the_seat_read_says_what_its_orm_twin_says(seed, region, agency, focal_point):
    """SEATS_SQL against the plain ORM aggregate, on random registrations (some endorsed) and
    reservations (held or released) of three workshops."""
    import datetime as dt
    import random

    from django.db.models import Count, Max, Q
    from django.utils import timezone

    from registrations.models import SeatReservation
    from tests.factories import AgencyFactory, RegistrationFactory

    rng = random.Random(seed)
    workshops = [WorkshopFactory(region=region) for _ in range(3)]
    officers = [OfficerFactory(agency=agency) for _ in range(12)]
    for officer in officers:
        for workshop in workshops:
            if rng.random() < 0.7:
                state = rng.choice(list(Registration.State.values))
                endorsed = focal_point if rng.random() < 0.3 else None
                RegistrationFactory(
                    workshop=workshop, officer=officer, state=state, endorsed_by=endorsed
                )
    until = timezone.now() + dt.timedelta(days=3)
    for workshop in workshops[:2]:
        for holder in (agency, AgencyFactory(region=region)):
            if rng.random() < 0.6:
                SeatReservation.objects.create(
                    workshop=workshop,
                    agency=holder,
                    seats=2,
                    until=until,
                    released_at=timezone.now() if rng.random() < 0.5 else None,
                )
    State = Registration.State
    for workshop in workshops:
        held = SeatReservation.objects.filter(workshop=workshop).held().exists()
        for officer in [*officers, OfficerFactory(agency=agency)]:
            own = Q(officer=officer)
            twin = Registration.objects.filter(workshop=workshop).aggregate(
                confirmed=Count("pk", filter=Q(state=State.CONFIRMED)),
                waitlisted=Count("pk", filter=Q(state=State.WAITLISTED)),
                own_pk=Max("pk", filter=own),
                own_state=Max("state", filter=own),
                own_endorsed_by=Max("endorsed_by", filter=own),
            )
            assert locking.read_seats(workshop_id=workshop.pk, officer_id=officer.pk) == (
                twin["confirmed"],
                twin["waitlisted"],
                twin["own_pk"],
                twin["own_state"],
                twin["own_endorsed_by"],
                held,
            )
