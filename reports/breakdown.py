"""The program report by agency and by country: one line per agency, one per country (the sum
of its agencies' lines), for the report's scope (period, region, track; the viewer's regions).

An officer counts for their agency whatever the region of the workshop in scope. Definitions
(the report's scheduled and held workshops, its attendance rows: reports/figures.py):
- officers: the agency's officers with program access now (the sign-in rule of
  attendees/models/access.py), whatever the period;
- registrations: every registration on a scheduled workshop, in any state (the rows of the
  registrations export); confirmed: those confirmed now;
- attended: attendance rows of held workshops whose attendance is closed, with at least one
  session marked present or late; no-shows: confirmed registrations of those workshops with
  none (absent, excused or unmarked at every session);
- completed, certificates (valid, not revoked) and training hours: of the attendance rows of
  held workshops, as the report counts them (hours: attendance/hours.py, credited per
  completed officer and workshop, as on the certificate);
- reserved seats: the seats of the agency's seat reservations on scheduled workshops, held or
  returned. Filled: the agency's endorsed officers confirmed on the workshop
  (`SeatReservation.with_filled()`), at most the seats reserved: an endorsed officer beyond the
  reservation took an open seat. Returned unfilled: the seats of returned (released)
  reservations that are not filled. All three are counted now, so reserved = filled + returned
  unfilled + still held open; an officer confirmed after the return counts as filled (the
  seat went to the agency after all). Fill rate: filled / reserved;
- nominated: registrations the agency put forward (`nominated_by`); accepted: those the
  officer accepted (an accepted nomination is endorsed by its nominator); declined: those the
  officer turned down (left the offered state to declined or cancelled, by their own hand);
  endorsed: every registration the agency endorsed (`endorsed_by`: accepted nominations and
  officers' own requests), the ones that may take reserved seats.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django_countries import countries

from attendance.models import AttendanceMark, Certificate
from attendance.models.marks import ATTENDED_STATUSES
from attendees.models import Agency, User
from attendees.models.access import AccessState, prime_access_states
from registrations.models import Registration, RegistrationEvent, SeatReservation
from workshops.models import Workshop

State = Registration.State
# Where figures of registrations without an agency (program staff) are listed.
NO_AGENCY = "—"


@dataclass(kw_only=True)
class BreakdownFigures:
    officers: int = 0
    registrations: int = 0
    confirmed: int = 0
    attendees: int = 0
    attended: int = 0
    no_shows: int = 0
    completed: int = 0
    certificates: int = 0
    hours: Decimal = Decimal(0)
    seats_reserved: int = 0
    seats_filled: int = 0
    seats_returned: int = 0
    nominated: int = 0
    nominations_accepted: int = 0
    nominations_declined: int = 0
    endorsed: int = 0

    @property
    def fill_rate(self) -> float | None:
        return self.seats_filled / self.seats_reserved if self.seats_reserved else None

    @property
    def seats_held_open(self) -> int:
        """Reserved seats still held for the agency and not yet filled."""
        return self.seats_reserved - self.seats_filled - self.seats_returned

    def add(self, other: BreakdownFigures) -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


FIGURES = tuple(f.name for f in fields(BreakdownFigures))


@dataclass(kw_only=True)
class AgencyLine(BreakdownFigures):
    agency_id: int | None
    name: str
    country: str  # ISO code; "" for the line of registrations without an agency
    # An agency the viewer's scope administers (its record page is theirs to open).
    managed: bool = False

    @property
    def country_name(self) -> str:
        return (countries.name(self.country) or self.country) if self.country else ""


@dataclass(kw_only=True)
class CountryLine(BreakdownFigures):
    country: str
    agencies: int = 0

    @property
    def country_name(self) -> str:
        return (countries.name(self.country) or self.country) if self.country else NO_AGENCY


def _by_agency(rows: Iterable[Any]) -> dict[int | None, dict]:
    return {row.pop("officer__agency_id"): row for row in rows}


def _registration_counts(registrations: QuerySet[Registration]) -> dict[int | None, dict]:
    declined_offer = Exists(
        RegistrationEvent.objects.filter(
            registration=OuterRef("pk"),
            from_state=State.OFFERED,
            to_state__in=(State.DECLINED, State.CANCELLED),
            actor=OuterRef("officer"),
        )
    )
    nominated = Q(nominated_by__isnull=False)
    return _by_agency(
        registrations.annotate(declined_offer=declined_offer)
        .order_by()
        .values("officer__agency_id")
        .annotate(
            registrations=Count("pk"),
            confirmed=Count("pk", filter=Q(state=State.CONFIRMED)),
            nominated=Count("pk", filter=nominated),
            nominations_accepted=Count("pk", filter=nominated & Q(endorsed_by__isnull=False)),
            nominations_declined=Count("pk", filter=nominated & Q(declined_offer=True)),
            endorsed=Count("pk", filter=Q(endorsed_by__isnull=False)),
        )
    )


def _attendance_counts(attendees: QuerySet[Registration]) -> dict[int | None, dict]:
    attended = Exists(
        AttendanceMark.objects.filter(registration=OuterRef("pk"), status__in=ATTENDED_STATUSES)
    )
    certified = Exists(
        Certificate.objects.filter(registration=OuterRef("pk"), revoked_at__isnull=True)
    )
    closed = Q(workshop__attendance_closure__closed_at__isnull=False)
    counts = _by_agency(
        attendees.annotate(has_attended=attended, certified=certified)
        .order_by()
        .values("officer__agency_id")
        .annotate(
            attendees=Count("pk"),
            attended=Count("pk", filter=closed & Q(has_attended=True)),
            no_shows=Count("pk", filter=closed & Q(state=State.CONFIRMED) & Q(has_attended=False)),
            completed=Count("pk", filter=Q(completion__completed=True)),
            # Not "certificates": the name of the registration's relation.
            n_certificates=Count("pk", filter=Q(certified=True)),
        )
    )
    for line in counts.values():
        line["certificates"] = line.pop("n_certificates")
    return counts


def _seat_counts(scheduled: QuerySet[Workshop]) -> dict[int | None, dict]:
    """agency id → reserved, filled and returned unfilled seats. The filled officers of a
    workshop are shared out oldest reservation first, so an agency that had seats reserved
    twice on one workshop (one returned, then new ones) never counts an officer twice."""
    counts: dict[int | None, dict] = defaultdict(
        lambda: {"seats_reserved": 0, "seats_filled": 0, "seats_returned": 0}
    )
    left: dict[tuple[int, int], int] = {}
    for workshop_id, agency_id, seats, filled, released_at in (
        SeatReservation.objects.filter(workshop__in=scheduled.values("pk"))
        .with_filled()
        .order_by("created_at", "pk")
        .values_list("workshop_id", "agency_id", "seats", "filled", "released_at")
    ):
        key = (workshop_id, agency_id)
        available = left.get(key, filled)
        taken = min(seats, available)
        left[key] = available - taken
        line = counts[agency_id]
        line["seats_reserved"] += seats
        line["seats_filled"] += taken
        if released_at is not None:
            line["seats_returned"] += seats - taken
    return counts


def _officers_with_access(agency_ids: Iterable[int]) -> dict[int, int]:
    """agency id → officers with program access now (one rule: `access_state`)."""
    officers = (
        User.objects.officers()
        .verified()
        .filter(is_active=True, agency_id__in=list(agency_ids))
        .only("pk", "email", "status", "is_active", "agency_id", "vetted_at")
    )
    officers = list(officers)
    prime_access_states(officers)
    counts: dict[int, int] = defaultdict(int)
    for officer in officers:
        if officer.access_state == AccessState.OK:
            counts[officer.agency_id] += 1
    return counts


def agency_breakdown(
    *,
    registrations: QuerySet[Registration],
    attendees: QuerySet[Registration],
    scheduled: QuerySet[Workshop],
    listed: QuerySet[Agency],
    managed: QuerySet[Agency],
    hours_by_agency: dict[int | None, Decimal],
) -> tuple[list[AgencyLine], list[CountryLine]]:
    """Lines for the agencies with registrations, attendance or reserved seats in scope, and
    for `listed` (the agencies of the regions in scope, even without any), most registrations
    first; countries likewise. Six queries, however many agencies."""
    by_registrations = _registration_counts(registrations)
    by_attendance = _attendance_counts(attendees)
    by_seats = _seat_counts(scheduled)
    seen = {*by_registrations, *by_attendance, *by_seats, *hours_by_agency} - {None}
    agencies = list(
        Agency.objects.filter(Q(pk__in=seen) | Q(pk__in=listed.values("pk")))
        .annotate(managed=Exists(managed.filter(pk=OuterRef("pk"))))
        .order_by()
        .values_list("pk", "name", "country", "managed")
    )
    officers = _officers_with_access(row[0] for row in agencies)
    lines = [
        AgencyLine(agency_id=pk, name=name, country=country, managed=is_managed)
        for pk, name, country, is_managed in agencies
    ]
    if {*by_registrations, *by_attendance, *hours_by_agency} & {None}:
        lines.append(AgencyLine(agency_id=None, name=NO_AGENCY, country=""))
    for line in lines:
        pk = line.agency_id
        for values in (by_registrations.get(pk), by_attendance.get(pk), by_seats.get(pk)):
            for name, value in (values or {}).items():
                setattr(line, name, value)
        line.hours = hours_by_agency.get(pk, Decimal(0))
        line.officers = officers.get(pk, 0) if pk is not None else 0
    lines.sort(key=lambda a: (a.agency_id is None, -a.registrations, a.name.lower(), a.country))

    by_country: dict[str, CountryLine] = {}
    for line in lines:
        country = by_country.setdefault(line.country, CountryLine(country=line.country))
        country.add(line)
        country.agencies += line.agency_id is not None
    country_lines = sorted(
        by_country.values(), key=lambda c: (not c.country, -c.registrations, c.country_name)
    )
    return lines, country_lines
