"""Reads of the assessments app: an officer's tests, and who sees which tests and attempts.

- Officers: their own attempts only, and their results once the test has closed.
- Trainers: the tests and attempts of workshops they teach.
- Coordinators: those of their regions' workshops; program administrators: all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from registrations.models import Registration
from workshops.models import Workshop

from .models import Attempt, WorkshopTest
from .windows import Window, bounds_of, window_within


def workshop_tests_visible_to(user) -> QuerySet[WorkshopTest]:
    """Staff: the tests of workshops they run (teach, or coordinate the region of)."""
    return WorkshopTest.objects.filter(workshop__in=Workshop.objects.run_by(user))


def attempts_visible_to(user) -> QuerySet[Attempt]:
    """An officer's own attempts; staff, those of the workshops they run."""
    if not user.is_authenticated or not user.has_program_access:
        return Attempt.objects.none()
    scope = Q(registration__officer=user)
    if user.is_trainer or user.is_coordinator:
        scope |= Q(test__workshop__in=Workshop.objects.run_by(user))
    return Attempt.objects.filter(scope)


@dataclass
class OfficerTest:
    """One test as an officer sees it, with their attempts and its window."""

    test: WorkshopTest
    registration: Registration
    window: Window
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def in_progress(self) -> Attempt | None:
        return next((a for a in self.attempts if a.submitted_at is None), None)

    @property
    def sent(self) -> list[Attempt]:
        return [a for a in self.attempts if a.submitted_at is not None]

    @property
    def best(self) -> Attempt | None:
        sent = self.sent
        if not sent:
            return None
        return max(sent, key=lambda a: (a.percent or 0, -a.number))

    @property
    def attempts_left(self) -> int:
        return max(self.test.max_attempts - len(self.attempts), 0)

    @property
    def can_start(self) -> bool:
        return self.window.is_open() and (self.in_progress is not None or self.attempts_left > 0)

    @property
    def results_shown(self) -> bool:
        return self.window.has_closed()

    @property
    def to_take(self) -> bool:
        """Open, with an attempt running or one left and none sent yet."""
        return self.can_start and (self.in_progress is not None or not self.sent)


def officer_tests(user, *, test_ids=None) -> list[OfficerTest]:
    """The tests of the workshops the officer is confirmed for, with their attempts, in a
    fixed number of queries however many there are."""
    if not user.is_authenticated:
        return []
    registrations = {
        r.workshop_id: r
        for r in Registration.objects.of_officer(user).filter(state=Registration.State.CONFIRMED)
    }
    if not registrations:
        return []
    found = WorkshopTest.objects.filter(workshop_id__in=list(registrations)).select_related(
        "workshop"
    )
    if test_ids is not None:
        found = found.filter(pk__in=test_ids)
    tests = list(found)
    if not tests:
        return []
    bounds = bounds_of({t.workshop_id for t in tests})
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(
        test__in=tests, registration__in=[registrations[t.workshop_id] for t in tests]
    ).order_by("number"):
        attempts.setdefault(attempt.test_id, []).append(attempt)
    rows = [
        OfficerTest(
            test=t,
            registration=registrations[t.workshop_id],
            window=window_within(
                t, registrations[t.workshop_id], bounds.get(t.workshop_id, (None, None, None))
            ),
            attempts=attempts.get(t.pk, []),
        )
        for t in tests
    ]
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    rows.sort(key=lambda r: (r.window.closes_at or far, r.test.kind != WorkshopTest.Kind.PRE))
    return rows


def officer_tests_sections(user) -> dict[str, list[OfficerTest]]:
    """ "My training": tests to take now, tests sent (with results once closed), and post-tests
    that open later. Tests closed without an attempt are not listed."""
    now = timezone.now()
    sections: dict[str, list[OfficerTest]] = {"to_take": [], "sent": [], "later": []}
    for row in officer_tests(user):
        if row.to_take:
            sections["to_take"].append(row)
        elif row.sent:
            sections["sent"].append(row)
        elif row.window.not_yet_open(now) and row.window.opens_at is not None:
            sections["later"].append(row)
    return sections


@dataclass
class TestStatus:
    """A test's figures on the staff page."""

    confirmed: int
    started: int
    in_progress: int
    sent: int


def status_of(test: WorkshopTest) -> TestStatus:
    confirmed = Registration.objects.filter(
        workshop_id=test.workshop_id, state=Registration.State.CONFIRMED
    ).count()
    figures = Attempt.objects.filter(test=test).aggregate(
        started=Count("registration", distinct=True),
        in_progress=Count("pk", filter=Q(submitted_at=None)),
        sent=Count("registration", filter=Q(submitted_at__isnull=False), distinct=True),
    )
    return TestStatus(confirmed=confirmed, **figures)
