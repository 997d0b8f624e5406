"""When a test is open: the one place the windows are computed.

- Pre-test: from the officer's confirmation until the first session starts.
- Post-test: from the start of the last session until the end (midnight, in the workshop's
  time zone) of the `closes_after_days`-th day after the last session's day. A day is the
  venue's day: an officer in another zone sees the same instant in their own zone.

Nothing is open for a cancelled or draft workshop, or for a registration not confirmed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone

from registrations.models import Registration
from workshops.models import Workshop, WorkshopSession

from .models import WorkshopTest


@dataclass(frozen=True)
class Window:
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None

    def is_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        if self.opens_at is None or self.closes_at is None:
            return False
        return self.opens_at <= at < self.closes_at

    def has_closed(self, at: dt.datetime | None = None) -> bool:
        return self.closes_at is not None and (at or timezone.now()) >= self.closes_at

    def not_yet_open(self, at: dt.datetime | None = None) -> bool:
        return self.opens_at is None or (at or timezone.now()) < self.opens_at


Moment = dt.datetime | None


def session_bounds(workshop: Workshop) -> tuple[Moment, Moment, Moment]:
    """(first session's start, last session's start, last session's end)."""
    bounds = workshop.sessions.aggregate(
        first=Min("starts_at"), last_start=Max("starts_at"), last_end=Max("ends_at")
    )
    return bounds["first"], bounds["last_start"], bounds["last_end"]


def bounds_of(workshop_ids) -> dict[int, tuple[Moment, Moment, Moment]]:
    """`session_bounds` of many workshops in one query."""
    rows = (
        WorkshopSession.objects.filter(workshop_id__in=workshop_ids)
        .order_by()
        .values("workshop_id")
        .annotate(first=Min("starts_at"), last_start=Max("starts_at"), last_end=Max("ends_at"))
    )
    return {r["workshop_id"]: (r["first"], r["last_start"], r["last_end"]) for r in rows}


def attempt_deadline(test: WorkshopTest, window: Window, started_at: dt.datetime) -> Moment:
    """When an attempt started at `started_at` is sent at the latest: its time limit, or the
    test's closing, whichever comes first."""
    ends = [window.closes_at] if window.closes_at is not None else []
    if test.time_limit_minutes:
        ends.append(started_at + dt.timedelta(minutes=test.time_limit_minutes))
    return min(ends) if ends else None


def post_test_closes_at(workshop: Workshop, last_end: dt.datetime, days: int) -> dt.datetime:
    """Midnight in the workshop's zone at the end of the `days`-th day after the last
    session's (local) day."""
    tz = workshop.tzinfo
    local_day = timezone.localtime(last_end, tz).date()
    end_day = local_day + dt.timedelta(days=days + 1)
    return dt.datetime.combine(end_day, dt.time(0, 0), tzinfo=tz).astimezone(dt.UTC)


def test_window(test: WorkshopTest, registration: Registration | None = None) -> Window:
    """The test's window; for a pre-test, `registration`'s own opening (its confirmation)."""
    return window_within(test, registration, session_bounds(test.workshop))


def window_within(
    test: WorkshopTest,
    registration: Registration | None,
    bounds: tuple[Moment, Moment, Moment],
) -> Window:
    """`test_window` from session bounds read already (a list of tests reads them all in one
    query: `bounds_of`)."""
    workshop = test.workshop
    if workshop.status not in (Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED):
        return Window(None, None)
    first, last_start, last_end = bounds
    if first is None or last_start is None or last_end is None:
        return Window(None, None)
    if test.kind == WorkshopTest.Kind.PRE:
        opens = None
        if registration is not None:
            if registration.state != Registration.State.CONFIRMED:
                return Window(None, first)
            opens = registration.confirmed_at or registration.created_at
            if opens >= first:
                # Confirmed once the workshop had begun (a walk-in): no pre-test to offer.
                return Window(None, first)
        else:
            opens = workshop.registration_opens_at
        return Window(opens, first)
    return Window(last_start, post_test_closes_at(workshop, last_end, test.closes_after_days))
