"""Seats held for an agency stay exact under real concurrency: the release job returns them to
the pool while officers of several agencies register, each thread on its own PostgreSQL
connection."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection, connections
from django.utils import timezone

from registrations import services
from registrations.models import Registration, RegistrationEvent, SeatReservation
from registrations.services import locking
from tests.factories import AgencyFactory, OfficerFactory, WorkshopFactory

State = Registration.State

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

CAPACITY, CAP, HELD = 10, 4, 4


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


@pytest.mark.parametrize("round_", range(3))
def test_held_seats_return_to_the_pool_while_officers_register(round_, region, monkeypatch):
    monkeypatch.setattr(locking, "LOCK_TIMEOUT", "60s")
    workshop = WorkshopFactory(region=region, capacity=CAPACITY, agency_seat_cap=CAP)
    holder = AgencyFactory(region=region)
    focal = OfficerFactory(agency=holder, is_focal_point=True)
    reservation = SeatReservation.objects.create(
        workshop=workshop,
        agency=holder,
        seats=HELD,
        until=timezone.now() + dt.timedelta(hours=1),
    )
    # Two of the held seats are filled by the agency's accepted nominations.
    nominees = [OfficerFactory(agency=holder) for _ in range(2)]
    for reg in services.nominate(
        workshop_id=workshop.pk, officer_ids=[o.pk for o in nominees], by=focal
    ).done:
        assert services.accept_nomination(registration_id=reg.pk, officer=reg.officer).state == (
            State.CONFIRMED
        )
    others = [AgencyFactory(region=region) for _ in range(3)]
    officers = [OfficerFactory(agency=a) for a in others for _ in range(6)]
    # The holder's own officers registering themselves never take its held seats.
    officers += [OfficerFactory(agency=holder) for _ in range(2)]
    registrations = [
        lambda o=o: services.register(workshop_id=workshop.pk, officer=o) for o in officers
    ]

    def release_midway():
        # Once most registrations are in, so that many run while the seats are held and the
        # rest race the release.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if Registration.objects.filter(workshop=workshop).count() >= 12:
                break
            time.sleep(0.005)
        services.release_due_reservations(now=reservation.until)

    assert _race([*registrations, release_midway, release_midway]) == []

    reservation.refresh_from_db()
    assert reservation.released_at is not None and reservation.released_by is None
    regs = Registration.objects.filter(workshop=workshop).select_related("officer")
    confirmed = [r for r in regs if r.state == State.CONFIRMED]
    waitlisted = sorted(
        (r for r in regs if r.state == State.WAITLISTED), key=lambda r: (r.waitlisted_at, r.pk)
    )
    assert len(confirmed) == CAPACITY  # the freed seats were all given
    per_agency: dict[int, int] = {}
    for reg in confirmed:
        per_agency[reg.officer.agency_id] = per_agency.get(reg.officer.agency_id, 0) + 1
    assert max(per_agency.values()) <= CAP
    # While held, the two unfilled held seats went to nobody: before the release, at most
    # the capacity less every held seat was taken by anyone not nominated by the holder.
    before = [r for r in confirmed if r.confirmed_at < reservation.released_at]
    assert sum(1 for r in before if r.endorsed_by_id is None) <= CAPACITY - HELD
    # Waitlist order: nobody promoted joined the waitlist after someone still on it whose
    # agency had room under its cap.
    promoted = set(
        RegistrationEvent.objects.filter(
            registration__workshop=workshop,
            from_state=State.WAITLISTED,
            to_state=State.CONFIRMED,
        ).values_list("registration_id", flat=True)
    )
    promoted_regs = [r for r in confirmed if r.pk in promoted]
    # The two unfilled held seats went to the waitlist (it was never empty by then).
    assert len(promoted_regs) == HELD - len(nominees)
    assert all(r.confirmed_at > reservation.released_at for r in promoted_regs)
    for left in waitlisted:
        if per_agency.get(left.officer.agency_id, 0) < CAP:
            assert all(
                (p.waitlisted_at, p.pk) < (left.waitlisted_at, left.pk) for p in promoted_regs
            )
    positions = dict(
        Registration.objects.filter(workshop=workshop, state=State.WAITLISTED)
        .with_waitlist_position()
        .values_list("pk", "waitlist_position")
    )
    assert [positions[r.pk] for r in waitlisted] == list(range(1, len(waitlisted) + 1))
    # Released once, whichever of the two jobs got there first.
    assert SeatReservation.objects.filter(released_at__isnull=False).count() == 1
