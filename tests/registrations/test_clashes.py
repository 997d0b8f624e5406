"""The clash check is plain SQL (it runs under the workshop's lock, inside the registration's
one-round-trip read): it must answer exactly as the rule reads in the ORM."""

import datetime as dt
import random

import pytest
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from registrations.models import Registration
from registrations.services.seats import find_clash
from tests.factories import OfficerFactory, RegistrationFactory, WorkshopFactory
from workshops.models import Workshop, WorkshopSession

pytestmark = pytest.mark.django_db
State = Registration.State


def orm_clash(officer_id: int, workshop: Workshop) -> Workshop | None:
    """The rule in the ORM (the implementation the SQL replaced): the first session, by start,
    of another non-cancelled workshop the officer is confirmed for that overlaps this
    workshop's sessions or, if it has none, its own start and end."""
    others = Registration.objects.filter(officer_id=officer_id, state=State.CONFIRMED).exclude(
        workshop_id=workshop.pk
    )
    own = WorkshopSession.objects.filter(workshop_id=workshop.pk)
    overlap = Exists(
        own.filter(starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at"))
    )
    if workshop.starts_at and workshop.ends_at:
        overlap |= ~Exists(own) & Q(starts_at__lt=workshop.ends_at, ends_at__gt=workshop.starts_at)
    session = (
        WorkshopSession.objects.filter(overlap, workshop_id__in=others.values("workshop_id"))
        .exclude(workshop__status=Workshop.Status.CANCELLED)
        .order_by("starts_at", "pk")
        .select_related("workshop")
        .first()
    )
    return session.workshop if session else None


def _at(day: int, hour: int) -> dt.datetime:
    base = timezone.now().replace(minute=0, second=0, microsecond=0) + dt.timedelta(days=40)
    return base + dt.timedelta(days=day, hours=hour)


def _random_workshop(rng: random.Random, region) -> Workshop:
    shape = rng.choice(["sessions", "sessions", "times only", "no times"])
    if shape == "sessions":
        spans = []
        for _ in range(rng.randint(1, 3)):
            day, hour = rng.randint(0, 1), rng.randint(0, 20)
            spans.append((_at(day, hour), _at(day, hour + rng.randint(1, 4))))
        workshop = WorkshopFactory(region=region, sessions=spans)
    elif shape == "times only":
        day, hour = rng.randint(0, 1), rng.randint(0, 20)
        workshop = WorkshopFactory(
            region=region,
            sessions=[],
            starts_at=_at(day, hour),
            ends_at=_at(day, hour + rng.randint(1, 30)),
        )
    else:
        workshop = WorkshopFactory(region=region, sessions=[], starts_at=None, ends_at=None)
    if rng.random() < 0.15:
        Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.CANCELLED)
    return workshop


@pytest.mark.parametrize("seed", range(6))
def test_sql_clash_equals_the_orm_rule_on_random_programmes(seed, region, agency):
    rng = random.Random(seed)
    workshops = [_random_workshop(rng, region) for _ in range(12)]
    officers = [OfficerFactory(agency=agency) for _ in range(3)]
    for officer in officers:
        for workshop in rng.sample(workshops, 6):
            state = rng.choice([State.CONFIRMED, State.CONFIRMED, State.WAITLISTED])
            RegistrationFactory(workshop=workshop, officer=officer, state=state)
    # One sure clash, so that both answers are compared in every programme.
    workshops.append(WorkshopFactory(region=region, sessions=[(_at(0, 0), _at(2, 0))]))
    RegistrationFactory(
        workshop=WorkshopFactory(region=region, sessions=[(_at(0, 9), _at(0, 10))]),
        officer=officers[0],
    )
    clashes = 0
    for officer in officers:
        for workshop in workshops:
            workshop.refresh_from_db()
            expected = orm_clash(officer.pk, workshop)
            assert find_clash(officer_id=officer.pk, workshop=workshop) == expected
            clashes += expected is not None
    assert clashes


def test_back_to_back_is_no_clash(region, officer):
    first = WorkshopFactory(region=region, sessions=[(_at(1, 9), _at(1, 12))])
    RegistrationFactory(workshop=first, officer=officer)
    after = WorkshopFactory(region=region, sessions=[(_at(1, 12), _at(1, 15))])
    during = WorkshopFactory(region=region, sessions=[], starts_at=_at(1, 11), ends_at=_at(1, 13))
    assert find_clash(officer_id=officer.pk, workshop=after) is None
    assert find_clash(officer_id=officer.pk, workshop=during) == first


def test_first_clash_by_session_start_is_named(region, officer):
    this = WorkshopFactory(region=region, sessions=[(_at(1, 8), _at(1, 18))])
    late = WorkshopFactory(region=region, sessions=[(_at(1, 15), _at(1, 17))])
    early = WorkshopFactory(region=region, sessions=[(_at(1, 9), _at(1, 10))])
    for other in (late, early):
        RegistrationFactory(workshop=other, officer=officer)
    assert find_clash(officer_id=officer.pk, workshop=this) == early
    Workshop.objects.filter(pk=early.pk).update(status=Workshop.Status.CANCELLED)
    assert find_clash(officer_id=officer.pk, workshop=this) == late
