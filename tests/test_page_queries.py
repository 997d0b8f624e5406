"""The pages the performance issue lists run a small, constant number of queries: the same count
with a handful of rows and with many (a 300-officer roster, more workshops than fit a page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attendance.models import AttendanceMark, Completion, WorkshopClosure
from attendees.models import User
from registrations.models import Registration
from tests.factories import AgencyDomainFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopSession

pytestmark = pytest.mark.django_db

MAX_QUERIES = 12


def _officers(agency, n: int, start: int) -> list[User]:
    domain = agency.domains.first() or AgencyDomainFactory(agency=agency)
    now = timezone.now()
    return User.objects.bulk_create(
        User(
            email=f"bulk{start + i}@{domain.domain}",
            full_name=f"Bulk Officer {start + i:04d}",
            agency=agency,
            status=User.Status.VERIFIED,
            vetted_at=now,
            password="!",
        )
        for i in range(n)
    )


def _workshops(region, n: int, *, past: bool = False) -> list[Workshop]:
    """n published (or completed, past) workshops with one session each, via bulk_create."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    shift = -400 if past else 20
    rows = []
    for i in range(n):
        start = now + dt.timedelta(days=shift + i)
        rows.append(
            Workshop(
                title=f"Bulk workshop {i}",
                region=region,
                status=Workshop.Status.COMPLETED if past else Workshop.Status.PUBLISHED,
                time_zone="UTC",
                city="Lisbon",
                country="PT",
                capacity=400,
                registration_opens_at=start - dt.timedelta(days=60),
                registration_closes_at=start - dt.timedelta(days=1),
                starts_at=start,
                ends_at=start + dt.timedelta(hours=8),
            )
        )
    workshops = Workshop.objects.bulk_create(rows)
    WorkshopSession.objects.bulk_create(
        WorkshopSession(workshop=w, starts_at=w.starts_at, ends_at=w.ends_at) for w in workshops
    )
    return workshops


def _register(workshop, officers, state=Registration.State.CONFIRMED) -> list[Registration]:
    now = timezone.now()
    return Registration.objects.bulk_create(
        Registration(workshop=workshop, officer=o, state=state, confirmed_at=now) for o in officers
    )


def _complete(workshop, registrations) -> None:
    session = workshop.sessions.first()
    WorkshopClosure.objects.get_or_create(workshop=workshop, defaults={"closed_at": timezone.now()})
    AttendanceMark.objects.bulk_create(
        AttendanceMark(registration=r, session=session, status="present") for r in registrations
    )
    Completion.objects.bulk_create(
        Completion(registration=r, completed=True, attended_minutes=480, total_minutes=480)
        for r in registrations
    )


def _count(client, url: str) -> int:
    client.get(url)  # warm: per-session flags (MFA enrolment) are remembered after the first
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.fixture
def pages(officer, coordinator, region, agency):
    """The listed pages as (name, client user, url), over a world that `grow()` enlarges."""
    big = WorkshopFactory(region=region, capacity=400, title="Roster workshop")
    past = _workshops(region, 1, past=True)[0]
    officers = _officers(agency, 3, 0)
    _register(big, [officer, *officers])
    _complete(past, _register(past, [officer, *officers]))
    year = past.starts_at.year

    def grow():
        more = _officers(agency, 300, 1000)
        _register(big, more[:296])
        for w in _workshops(region, 25):
            _register(w, more[:40])
        for w in _workshops(region, 5, past=True):
            _complete(w, _register(w, [officer, *more[:60]]))
            _register(w, more[60:70], Registration.State.CANCELLED)
        assert big.registrations.filter(state="confirmed").count() == 300

    catalog = reverse("workshops:catalog")
    return grow, [
        ("catalog", officer, catalog),
        (
            "catalog filtered",
            officer,
            catalog + f"?region={region.pk}&format=in_person&available=on",
        ),
        ("workshop detail", officer, reverse("workshops:workshop_detail", args=[big.pk])),
        ("my training", officer, reverse("registration:my_training")),
        ("roster page", coordinator, reverse("registration:workshop_registrations", args=[big.pk])),
        ("program report", coordinator, reverse("reports:program") + f"?year={year}"),
    ]


def test_listed_pages_run_few_queries_independent_of_data_size(pages, client_for):
    grow, listed = pages
    small = {name: _count(client_for(user), url) for name, user, url in listed}
    grow()
    large = {name: _count(client_for(user), url) for name, user, url in listed}
    for name, _user, _url in listed:
        assert small[name] <= MAX_QUERIES, (name, small[name])
        assert large[name] == small[name], (name, small[name], large[name])
