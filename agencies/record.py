"""The agency's training record: its officers, their registrations, attendance, training hours,
certificates and track credentials, and the agency's figures (reserved seats, nominations,
no-shows).

Registrations come from the exports' scoped querysets (reports.exports), so the page and its
exports list the same rows and credit the same hours: a completed workshop's training hours
(attendance/hours.py), rounded once per officer and workshop, under the workshop's track (the
track of its first module, as in the exports and the program report).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from assessments.models import Attempt, WorkshopTest
from attendance.hours import NO_TRACK, credited_hours, training_minutes_by_workshop
from attendance.models import AttendanceMark, Certificate
from attendance.models.certificates import CertificateQuerySet
from attendance.models.marks import ATTENDED_STATUSES
from attendees.models import Agency, User, prime_access_states
from credentials.reminders import reminder_days
from registrations.models import Registration, RegistrationEvent, SeatReservation
from reports.exports import (
    ExportFilter,
    attendance_registrations,
    filter_workshops,
    period_bounds,
    primary_track_name,
    scoped_registrations,
)
from workshops.models import Workshop, WorkshopSession

State = Registration.State
# How long before it lapses an officer's vetting is flagged (as on the workspace home).
EXPIRY_NOTICE = dt.timedelta(days=60)


def certificate_notice_days() -> int:
    """How far ahead a certificate's expiry is flagged: its furthest reminder, by when the
    holder and the focal points have been told."""
    return max(reminder_days(), default=60)


# --- hours ------------------------------------------------------------------------------------


@dataclass
class Hours:
    by_track: list[tuple[str, Decimal]] = field(default_factory=list)
    by_officer: dict[int, Decimal] = field(default_factory=dict)
    total: Decimal = Decimal(0)


def credited_hours_of(user, flt: ExportFilter) -> Hours:
    """Training hours credited to the filtered attendance rows (the attendance export's
    "Training hours" column, added up), by track and by officer. Two queries."""
    rows = list(
        attendance_registrations(user, flt)
        .filter(completion__completed=True)
        .annotate(track_name=primary_track_name("workshop__"))
        .values_list("officer_id", "workshop_id", "track_name")
    )
    minutes = training_minutes_by_workshop({wid for _o, wid, _t in rows}) if rows else {}
    by_track: dict[str, Decimal] = defaultdict(Decimal)
    by_officer: dict[int, Decimal] = defaultdict(Decimal)
    for officer_id, workshop_id, track in rows:
        credited = credited_hours(completed=True, minutes=minutes.get(workshop_id, 0))
        by_track[track or NO_TRACK] += credited
        by_officer[officer_id] += credited
    return Hours(
        by_track=sorted(by_track.items(), key=lambda item: (-item[1], item[0])),
        by_officer=dict(by_officer),
        total=sum(by_track.values(), Decimal(0)),
    )


# --- officers ---------------------------------------------------------------------------------


@dataclass
class OfficerLine:
    officer: User
    registrations: int
    hours: Decimal

    @property
    def vetting(self) -> str:
        """ "lapsed", "lapsing" (within the workspace's notice) or "" (valid, or never vetted)."""
        expires = self.officer.vetting_expires_at
        if expires is None:
            return ""
        now = timezone.now()
        if expires <= now:
            return "lapsed"
        return "lapsing" if expires <= now + EXPIRY_NOTICE else ""


def record_officers(agency: Agency, flt: ExportFilter) -> QuerySet[User]:
    """The agency's officers (any status: the record shows who is waiting and who lapsed)."""
    officers = User.objects.filter(agency_id=agency.pk)
    if flt.officer_search:
        officers = officers.search(flt.officer_search)
    return officers.order_by("full_name", "email", "pk")


def officer_lines(user, officers: list[User], flt: ExportFilter, hours: Hours) -> list[OfficerLine]:
    """One page of officers with their access state, registrations in the filter and hours
    (two queries, whatever the page's length)."""
    prime_access_states(officers)
    counts = dict(
        scoped_registrations(user, flt)
        .filter(officer__in=[o.pk for o in officers])
        .values("officer_id")
        .annotate(n=Count("pk"))
        .values_list("officer_id", "n")
    )
    return [
        OfficerLine(o, counts.get(o.pk, 0), hours.by_officer.get(o.pk, Decimal(0)))
        for o in officers
    ]


# --- registrations ----------------------------------------------------------------------------


def record_registrations(
    user, flt: ExportFilter, *, with_scores: bool = False
) -> QuerySet[Registration]:
    """The registrations section: the registrations export's rows, newest workshop first;
    `with_scores`: each with `post_score`, the best sent post-test attempt's percent."""
    active = Certificate.objects.active().filter(registration=OuterRef("pk"))
    sessions = (
        WorkshopSession.objects.filter(workshop=OuterRef("workshop"))
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    registrations = scoped_registrations(user, flt)
    if with_scores:
        best_post = (
            Attempt.objects.submitted()
            .filter(registration=OuterRef("pk"), test__kind=WorkshopTest.Kind.POST)
            .order_by("-percent", "number")
            .values("percent")[:1]
        )
        registrations = registrations.annotate(post_score=Subquery(best_post))
    return (
        registrations.select_related("workshop", "officer", "nominated_by", "endorsed_by")
        .annotate(
            completed=F("completion__completed"),
            session_count=Subquery(sessions),
            certificate_number=Subquery(active.values("number")[:1]),
            certificate_issued_at=Subquery(active.values("issued_at")[:1]),
            closed_at=F("workshop__attendance_closure__closed_at"),
        )
        .order_by("-workshop__starts_at", "-workshop_id", "officer__full_name", "pk")
    )


@dataclass
class RegistrationLine:
    registration: Registration
    # None where the registration has no attendance row (never confirmed, never marked).
    attended: int | None
    hours: Decimal | None
    # The workshop has not started: nothing to attend yet.
    upcoming: bool = False


def registration_lines(registrations: list[Registration]) -> list[RegistrationLine]:
    """Attendance and credited hours for one page of `record_registrations` (two queries)."""
    marks: dict[int, list[str]] = defaultdict(list)
    for rid, status in AttendanceMark.objects.filter(
        registration_id__in=[r.pk for r in registrations]
    ).values_list("registration_id", "status"):
        marks[rid].append(status)
    minutes = (
        training_minutes_by_workshop({r.workshop_id for r in registrations})
        if registrations
        else {}
    )
    now = timezone.now()
    lines = []
    for reg in registrations:
        own = marks.get(reg.pk, [])
        # The attendance export's rows: confirmed, or marked at least once.
        if reg.state != State.CONFIRMED and not own:
            lines.append(RegistrationLine(reg, None, None))
            continue
        attended = sum(1 for s in own if s in ATTENDED_STATUSES)
        completed = bool(reg.completed)  # type: ignore[attr-defined]
        hours = credited_hours(completed=completed, minutes=minutes.get(reg.workshop_id, 0))
        upcoming = reg.workshop.starts_at is not None and reg.workshop.starts_at > now
        lines.append(RegistrationLine(reg, attended, hours, upcoming=upcoming and not own))
    return lines


def track_credentials_in_scope(user, flt: ExportFilter) -> CertificateQuerySet:
    """Track credentials (any state) of the officers of the agencies whose record `user` may
    see (`Agency.workspace_for`), narrowed by the filter.

    A track credential belongs to no registration: its modules were completed across
    workshops, maybe in other regions, so it is scoped by its holder (an officer of the
    filter's agency), not by a workshop. The filter reads on it as follows:
    - period: the date of issue, the one date the credential has (when its last module was
      completed and closed), in whole UTC days as the workshops' start is;
    - track: the credential's own track;
    - officer: its holder;
    - a workshop, a region, a country or a workshop status describe a workshop, which a track
      credential has not: any of them leaves track credentials out.
    """
    if flt.workshop_id or flt.region_ids or flt.country or flt.status:
        return Certificate.objects.none()
    holders = User.objects.filter(agency__in=Agency.objects.workspace_for(user))
    if flt.agency_id:
        holders = holders.filter(agency_id=flt.agency_id)
    if flt.officer_search:
        holders = holders.search(flt.officer_search)
    credentials = Certificate.objects.of_tracks().filter(holder__in=holders.values("pk"))
    start, end = period_bounds(flt)
    if start is not None:
        credentials = credentials.filter(issued_at__gte=start)
    if end is not None:
        credentials = credentials.filter(issued_at__lt=end)
    if flt.track_id:
        credentials = credentials.filter(track_id=flt.track_id)
    return credentials


def record_certificates(user, flt: ExportFilter, now=None) -> CertificateQuerySet:
    """Certificates not revoked: of the filtered registrations (workshop certificates, as the
    registrations section lists them) and the agency's officers' track credentials
    (`track_credentials_in_scope`), newest first, each with `expiry_state`: "expired",
    "expiring" (within `certificate_notice_days`) or "" (valid, or never expires). One query
    per page, whatever the mix."""
    now = now or timezone.now()
    notice = dt.timedelta(days=certificate_notice_days())
    of_workshops = Certificate.objects.filter(
        registration__in=scoped_registrations(user, flt).values("pk")
    )
    return (
        (of_workshops | track_credentials_in_scope(user, flt))
        .active()
        .select_related("holder", "registration__workshop", "track")
        .annotate(
            expiry_state=Case(
                When(expires_at__lte=now, then=Value("expired")),
                When(expires_at__lte=now + notice, then=Value("expiring")),
                default=Value(""),
                output_field=CharField(),
            )
        )
        .order_by("-issued_at", "-pk")
    )


# --- the agency's figures ---------------------------------------------------------------------


@dataclass
class AgencySummary:
    reserved: int = 0
    filled: int = 0
    returned: int = 0
    offered: int = 0
    accepted: int = 0
    declined_by_officer: int = 0
    endorsed: int = 0
    approved: int = 0
    no_shows: int = 0

    @property
    def fill_rate(self) -> float | None:
        """Filled reserved seats / reserved seats; None when none were reserved."""
        return self.filled / self.reserved if self.reserved else None


def agency_summary(user, agency: Agency, flt: ExportFilter) -> AgencySummary:
    """Seats reserved for the agency (and how many its officers filled or went back to the
    open pool), its nominations and its no-shows, on the workshops of the filter's period and
    track in the viewer's scope. Two queries.

    - filled: the agency's endorsed officers confirmed on the workshop (`with_filled`), at
      most the seats reserved; returned: the unfilled seats of reservations released;
    - offered: put forward by the agency; accepted: offers the officer took (accepting makes
      them endorsed); declined by the officer: offers the officer turned down;
    - endorsed: nominations the agency endorsed (accepted offers included); approved: endorsed
      and then given a seat or a waitlist place by a coordinator;
    - no-shows: confirmed on a workshop whose attendance is closed, with no session attended.
    """
    summary = AgencySummary()
    workshops = filter_workshops(Workshop.objects.all(), flt).values("pk")
    reservations = (
        (SeatReservation.objects.managed_by(user) | SeatReservation.objects.of_agency_of(user))
        .filter(agency_id=agency.pk, workshop__in=workshops)
        .with_filled()
        .values_list("seats", "filled", "released_at")
    )
    for seats, filled, released_at in reservations:
        used = min(filled, seats)
        summary.reserved += seats
        summary.filled += used
        if released_at is not None:
            summary.returned += seats - used
    seated = (State.CONFIRMED, State.WAITLISTED)
    events = RegistrationEvent.objects.filter(registration=OuterRef("pk"))
    figures = (
        scoped_registrations(user, dataclasses.replace(flt, officer_search=None))
        .annotate(
            turned_down=Exists(
                events.filter(
                    from_state=State.OFFERED,
                    to_state__in=[State.CANCELLED, State.DECLINED],
                    actor=OuterRef("officer"),
                )
            ),
            ever_seated=Exists(events.filter(to_state__in=seated)),
            attended=Exists(
                AttendanceMark.objects.filter(
                    registration=OuterRef("pk"), status__in=ATTENDED_STATUSES
                )
            ),
        )
        .aggregate(
            offered=Count("pk", filter=Q(nominated_by__isnull=False)),
            accepted=Count("pk", filter=Q(nominated_by__isnull=False, endorsed_by__isnull=False)),
            declined=Count("pk", filter=Q(nominated_by__isnull=False, turned_down=True)),
            endorsed=Count("pk", filter=Q(endorsed_by__isnull=False)),
            approved=Count(
                "pk",
                filter=Q(endorsed_by__isnull=False) & (Q(state__in=seated) | Q(ever_seated=True)),
            ),
            no_shows=Count(
                "pk",
                filter=Q(
                    state=State.CONFIRMED,
                    workshop__attendance_closure__closed_at__isnull=False,
                    attended=False,
                ),
            ),
        )
    )
    summary.offered = figures["offered"]
    summary.accepted = figures["accepted"]
    summary.declined_by_officer = figures["declined"]
    summary.endorsed = figures["endorsed"]
    summary.approved = figures["approved"]
    summary.no_shows = figures["no_shows"]
    return summary
