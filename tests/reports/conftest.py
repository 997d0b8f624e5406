"""A known program: two regions, workshops with sessions, registrations in every state, marks,
completions, certificates and feedback. The hand-computed figures are in `expected` below."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from attendance.models import AttendanceMark, Certificate, Completion, Feedback
from registrations.models import Registration, RegistrationEvent
from tests.factories import (
    AgencyFactory,
    ModuleRevisionFactory,
    OfficerFactory,
    RegistrationFactory,
    TrackFactory,
    WorkshopFactory,
)
from workshops.models import Workshop, WorkshopModule

UTC = dt.UTC


def at(day: int, hour: int, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=UTC)


def _workshop(
    region, track, *, title, sessions, tz="Asia/Singapore", capacity=10, module_minutes=60, **extra
):
    workshop = WorkshopFactory(
        title=title,
        region=region,
        time_zone=tz,
        capacity=capacity,
        sessions=sessions,
        status=extra.pop("status", Workshop.Status.COMPLETED),
        registration_opens_at=at(1, 0, month=1),
        registration_closes_at=at(1, 0, month=1),
        **extra,
    )
    revision = ModuleRevisionFactory(module__track=track, duration_minutes=module_minutes)
    WorkshopModule.objects.create(workshop=workshop, revision=revision, position=0)
    return workshop


def _attend(workshop, officer, statuses, *, completed, certificate=True, revoked=False):
    reg = RegistrationFactory(workshop=workshop, officer=officer)
    RegistrationEvent.objects.create(
        registration=reg,
        from_state="",
        to_state=Registration.State.CONFIRMED,
        created_at=at(1, 8, month=2),
    )
    sessions = list(workshop.sessions.order_by("starts_at"))
    minutes = 0
    for session, status in zip(sessions, statuses, strict=True):
        if status:
            AttendanceMark.objects.create(registration=reg, session=session, status=status)
            if status in ("present", "late"):
                minutes += int((session.ends_at - session.starts_at).total_seconds() // 60)
    total = sum(int((s.ends_at - s.starts_at).total_seconds() // 60) for s in sessions)
    Completion.objects.create(
        registration=reg, completed=completed, attended_minutes=minutes, total_minutes=total
    )
    if completed and certificate:
        Certificate.objects.create(
            registration=reg,
            holder=reg.officer,
            number=f"CERT-{reg.pk:04d}-AAAA-BBBB-CCCC",
            revoked_at=timezone.now() if revoked else None,
        )
    return reg


@pytest.fixture
def program(region, other_region, agency, other_agency):
    crypto = TrackFactory(name="Crypto fundamentals", slug="crypto")
    forensics = TrackFactory(name="Blockchain forensics", slug="forensics")
    third_agency = AgencyFactory(name="Agency C", country="NL", region=other_region)

    alice = OfficerFactory(agency=agency, full_name="Alice Tan", rank="Inspector")
    bob = OfficerFactory(agency=agency, full_name="Bob Lim", rank="Sergeant")
    carla = OfficerFactory(agency=other_agency, full_name="Carla Sousa", rank="Agent")
    dan = OfficerFactory(agency=agency, full_name="Dan Waitlisted")
    erin = OfficerFactory(agency=agency, full_name="Erin Cancelled")

    # W1: APAC, two sessions of 3 h (Singapore time 09:00-12:00 and 13:00-16:00) teaching a
    # 5 h 30 module: 5.5 training hours, 6 h of session time.
    w1 = _workshop(
        region,
        crypto,
        title="Crypto basics Singapore",
        capacity=10,
        module_minutes=330,
        sessions=[(at(10, 1), at(10, 4)), (at(10, 5), at(10, 8))],
    )
    a1 = _attend(w1, alice, ["present", "present"], completed=True)
    _attend(w1, bob, ["present", "absent"], completed=False)
    _attend(w1, carla, ["late", "present"], completed=True, revoked=True)
    w1_wait = RegistrationFactory(
        workshop=w1, officer=dan, state=Registration.State.WAITLISTED, confirmed_at=None
    )
    RegistrationEvent.objects.create(
        registration=w1_wait, to_state=Registration.State.WAITLISTED, created_at=at(2, 9, month=2)
    )
    w1_cancel = RegistrationFactory(workshop=w1, officer=erin, state=Registration.State.CANCELLED)
    RegistrationEvent.objects.create(
        registration=w1_cancel, to_state=Registration.State.CONFIRMED, created_at=at(2, 9, month=2)
    )
    RegistrationEvent.objects.create(
        registration=w1_cancel,
        from_state=Registration.State.CONFIRMED,
        to_state=Registration.State.CANCELLED,
        created_at=at(3, 10, month=2),
    )
    Feedback.objects.create(registration=a1, overall=5, trainer_rating=5)
    Feedback.objects.create(
        registration=Registration.objects.get(workshop=w1, officer=carla),
        overall=1,
        trainer_rating=2,
    )

    # W2: APAC, one 2 h session of a 90-minute module, five attendees (Alice again), all
    # present, five answers.
    w2 = _workshop(
        region,
        forensics,
        title="Forensics Jakarta",
        capacity=5,
        module_minutes=90,
        tz="Asia/Jakarta",
        sessions=[(at(20, 2, month=5), at(20, 4, month=5))],
    )
    newcomers = [
        OfficerFactory(agency=agency, full_name="Fay Ong"),
        OfficerFactory(agency=agency, full_name="Gus Koh"),
        OfficerFactory(agency=third_agency, full_name="Hana de Vries"),
        OfficerFactory(agency=third_agency, full_name="Ivo Bakker"),
    ]
    for officer, rating in zip([alice, *newcomers], [4, 5, 4, 5, 3], strict=True):
        reg = _attend(w2, officer, ["present"], completed=True)
        Feedback.objects.create(registration=reg, overall=rating, trainer_rating=4)
    RegistrationFactory(workshop=w2, officer=dan, state=Registration.State.WAITLISTED)

    # W3: Europe, never visible to the APAC coordinator; 160 minutes of curriculum is 2.7 h.
    eve = OfficerFactory(agency=other_agency, full_name="Eve Europe")
    w3 = _workshop(
        other_region,
        crypto,
        title="Crypto basics Lisbon",
        module_minutes=160,
        tz="Europe/Lisbon",
        sessions=[(at(12, 9, month=4), at(12, 12, month=4))],
    )
    _attend(w3, eve, ["present"], completed=True)

    # W4: APAC upcoming (next year would leave the period: keep it in 2026 but in the future).
    future = timezone.now() + dt.timedelta(days=3)
    w4 = _workshop(
        region,
        forensics,
        title="Forensics upcoming",
        capacity=20,
        status=Workshop.Status.PUBLISHED,
        sessions=[(future, future + dt.timedelta(hours=2))],
    )
    for officer in (bob, carla):
        RegistrationFactory(workshop=w4, officer=officer)
    for officer in (dan, erin, newcomers[0]):
        RegistrationFactory(
            workshop=w4, officer=officer, state=Registration.State.WAITLISTED, confirmed_at=None
        )

    # W5: APAC cancelled, not counted anywhere.
    _workshop(
        region,
        crypto,
        title="Cancelled one",
        status=Workshop.Status.CANCELLED,
        sessions=[(at(1, 1, month=6), at(1, 2, month=6))],
    )

    expected_apac = {
        "workshops_scheduled": 3,
        "workshops_held": 2,
        "attendees": 8,
        "completed": 7,
        "officers_trained": 6,
        "agencies_reached": 3,
        "countries_reached": 3,
        # Completed attendees × training hours: W1 2 × 5.5, W2 5 × 1.5.
        "hours_by_track": [
            ("Crypto fundamentals", Decimal("11.0")),
            ("Blockchain forensics", Decimal("7.5")),
        ],
        "hours_total": Decimal("18.5"),
        "capacity": 35,
        "confirmed": 10,
        "waitlisted": 5,
        "top_agencies": [
            ("Agency A", "SG", 3, 5),
            ("Agency C", "NL", 2, 2),
            ("Agency B", "PT", 1, 1),
        ],
        "region_feedback": (7, 27 / 7),
        "w2_overall": 4.2,
    }
    return SimpleNamespace(
        w1=w1,
        w2=w2,
        w3=w3,
        w4=w4,
        alice=alice,
        bob=bob,
        carla=carla,
        eve=eve,
        crypto=crypto,
        forensics=forensics,
        expected=expected_apac,
    )
