"""A small agency record: agency A's officers in three workshops (two in its own region, one in
Europe), seats reserved for it, nominations by its focal point; the hand-computed figures are
in `expected`.

- W1 "Crypto basics" (APAC, closed, two 4 h sessions, a 120-minute crypto module): Alice
  present twice (completed, certificate), Bea present once (not completed), Cy confirmed and
  never there (a no-show). Alice was endorsed by the focal point and fills one of the 2 seats
  of a reservation since returned to the pool (1 filled, 1 returned).
- W2 "Forensics Lisbon" (Europe, closed, a 90-minute forensics module): Alice present,
  completed: 1.5 h, outside the APAC coordinator's regions.
- W3 "Tracing Singapore" (APAC, coming): 3 seats held for agency A; Bea nominated by the
  focal point, accepted and confirmed (1 filled); Dan offered and declined himself; Alice
  waitlisted; Bob of agency B confirmed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from attendance.models import AttendanceMark, Certificate, Completion, WorkshopClosure
from registrations.models import Registration, RegistrationEvent, SeatReservation
from tests.factories import (
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
)
from workshops.models import Workshop, WorkshopModule

State = Registration.State


def _days(days: int, hour: int = 1) -> dt.datetime:
    base = timezone.now().replace(hour=hour, minute=0, second=0, microsecond=0)
    return base + dt.timedelta(days=days)


def _workshop(region, track, *, title, sessions, module_minutes, **extra):
    workshop = WorkshopFactory(title=title, region=region, sessions=sessions, **extra)
    revision = ModuleRevisionFactory(module__track=track, duration_minutes=module_minutes)
    WorkshopModule.objects.create(workshop=workshop, revision=revision, position=0)
    return workshop


def _close(workshop, attendance: dict, *, completed: set) -> None:
    """Marks (registration → a status per session), completions and certificates as closing
    leaves them."""
    sessions = list(workshop.sessions.order_by("starts_at"))
    for reg, statuses in attendance.items():
        for session, status in zip(sessions, statuses, strict=True):
            if status:
                AttendanceMark.objects.create(registration=reg, session=session, status=status)
        Completion.objects.create(registration=reg, completed=reg in completed)
        if reg in completed:
            Certificate.objects.create(registration=reg, holder=reg.officer)
    WorkshopClosure.objects.create(workshop=workshop, closed_at=timezone.now())
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.COMPLETED)


def build_record_world(region, other_region, agency, other_agency, focal_point) -> SimpleNamespace:
    crypto = TrackFactory(name="Crypto fundamentals", slug="crypto")
    forensics = TrackFactory(name="Blockchain forensics", slug="forensics")
    alice = OfficerFactory(agency=agency, full_name="Alice Tan")
    bea = OfficerFactory(agency=agency, full_name="Bea Lim")
    cy = OfficerFactory(agency=agency, full_name="Cy Noshow")
    dan = OfficerFactory(agency=agency, full_name="Dan Declines")
    bob = OfficerFactory(agency=other_agency, full_name="Bob Other")

    w1 = _workshop(
        region,
        crypto,
        title="Crypto basics",
        module_minutes=120,
        sessions=[(_days(-20), _days(-20, 5)), (_days(-19), _days(-19, 5))],
    )
    a1 = RegistrationFactory(workshop=w1, officer=alice, endorsed_by=focal_point)
    b1 = RegistrationFactory(workshop=w1, officer=bea)
    c1 = RegistrationFactory(workshop=w1, officer=cy)
    _close(
        w1,
        {a1: ["present", "present"], b1: ["present", "absent"], c1: [None, None]},
        completed={a1},
    )
    SeatReservation.objects.create(
        workshop=w1, agency=agency, seats=2, until=_days(-30), released_at=_days(-30)
    )

    w2 = _workshop(
        other_region,
        forensics,
        title="Forensics Lisbon",
        module_minutes=90,
        time_zone="Europe/Lisbon",
        sessions=[(_days(-10, 9), _days(-10, 12))],
    )
    a2 = RegistrationFactory(workshop=w2, officer=alice)
    _close(w2, {a2: ["present"]}, completed={a2})

    w3 = _workshop(
        region,
        crypto,
        title="Tracing Singapore",
        module_minutes=60,
        sessions=[(_days(20), _days(20, 5))],
    )
    b3 = RegistrationFactory(
        workshop=w3, officer=bea, nominated_by=focal_point, endorsed_by=focal_point
    )
    d3 = RegistrationFactory(
        workshop=w3, officer=dan, nominated_by=focal_point, state=State.CANCELLED
    )
    RegistrationEvent.objects.create(
        registration=d3, from_state=State.OFFERED, to_state=State.CANCELLED, actor=dan
    )
    a3 = RegistrationFactory(
        workshop=w3,
        officer=alice,
        state=State.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
    )
    RegistrationFactory(workshop=w3, officer=bob)
    SeatReservation.objects.create(workshop=w3, agency=agency, seats=3, until=_days(10))
    return SimpleNamespace(
        agency=agency,
        alice=alice,
        bea=bea,
        cy=cy,
        dan=dan,
        bob=bob,
        w1=w1,
        w2=w2,
        w3=w3,
        a1=a1,
        a2=a2,
        a3=a3,
        b1=b1,
        b3=b3,
        crypto=crypto,
        forensics=forensics,
        expected={
            # The focal point: every registration of the agency's officers.
            "focal": {
                "registrations": {
                    ("Crypto basics", "Alice Tan"),
                    ("Crypto basics", "Bea Lim"),
                    ("Crypto basics", "Cy Noshow"),
                    ("Forensics Lisbon", "Alice Tan"),
                    ("Tracing Singapore", "Bea Lim"),
                    ("Tracing Singapore", "Dan Declines"),
                    ("Tracing Singapore", "Alice Tan"),
                },
                "hours": Decimal("3.5"),
                "by_track": [
                    ("Crypto fundamentals", Decimal("2.0")),
                    ("Blockchain forensics", Decimal("1.5")),
                ],
            },
            # The APAC coordinator: the agency's officers on APAC workshops only.
            "coordinator": {"hours": Decimal("2.0")},
        },
    )
