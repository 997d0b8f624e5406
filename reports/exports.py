"""Export datasets: scoped querysets, their columns and row generators (CSV and XLSX share them).

Rows are fetched with `.iterator(chunk_size=…)`; for each chunk one more query loads the
attendance marks (or registration history) of that chunk's registrations, so the number of
queries grows with rows / chunk size, never with rows.

Definitions shared with the program report (reports/figures.py), so both agree:
- attendance rows: registrations that are confirmed, or that have at least one mark (someone
  removed after attending still appears);
- training hours: a workshop's training hours credited to an officer who completed it, and
  session time attended: the length of every session marked present or late (both defined in
  attendance/hours.py);
- a workshop's track: the track of its first module (lowest position).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from attendance.hours import credited_hours, hours, session_minutes, training_minutes_by_workshop
from attendance.models import AttendanceMark, Certificate
from attendance.models.marks import ATTENDED_STATUSES, AttendanceStatus
from attendees.models import User
from registrations.models import Registration, RegistrationEvent, RegistrationQuerySet
from workshops.models import Workshop, WorkshopModule, WorkshopSession

from .tabular import Column

STATUS_LETTERS: dict[str | None, str] = {
    AttendanceStatus.PRESENT: "P",
    AttendanceStatus.LATE: "L",
    AttendanceStatus.ABSENT: "A",
    AttendanceStatus.EXCUSED: "E",
}
# A dash would be neutralised as a formula prefix in CSV, so "not marked" is a dot.
UNMARKED = "."
HISTORY_STATES = (
    Registration.State.CONFIRMED,
    Registration.State.WAITLISTED,
    Registration.State.CANCELLED,
    Registration.State.DECLINED,
    Registration.State.REMOVED,
)


@dataclass
class ExportFilter:
    """Plain, JSON-able filter values (what a Celery task receives)."""

    region_ids: list[int] = field(default_factory=list)
    date_from: str | None = None  # ISO dates, on the workshop's start (UTC date)
    date_to: str | None = None
    agency_id: int | None = None
    country: str | None = None
    track_id: int | None = None
    status: str | None = None
    workshop_id: int | None = None
    officer_search: str | None = None  # a name or e-mail fragment (attendees' User.search)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, [], "")}

    @classmethod
    def from_dict(cls, data: dict) -> ExportFilter:
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def primary_track_id():
    return Subquery(
        WorkshopModule.objects.filter(workshop=OuterRef("pk"))
        .order_by("position", "pk")
        .values("revision__track_id")[:1]
    )


def primary_track_name(prefix: str = ""):
    return Subquery(
        WorkshopModule.objects.filter(workshop=OuterRef(f"{prefix}pk"))
        .order_by("position", "pk")
        .values("revision__track__name")[:1]
    )


def period_bounds(flt: ExportFilter) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The filter's period as whole UTC days: from the start of `date_from` (inclusive) to the
    start of the day after `date_to` (exclusive); None where the filter leaves it open.

    A datetime range, so an index on the date filtered serves it (a __date lookup casts every
    row and cannot use the index)."""
    start = end = None
    if flt.date_from:
        start = dt.datetime.combine(
            dt.date.fromisoformat(flt.date_from), dt.time.min, tzinfo=dt.UTC
        )
    if flt.date_to:
        end = dt.datetime.combine(
            dt.date.fromisoformat(flt.date_to) + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC
        )
    return start, end


def filter_workshops(qs: QuerySet[Workshop], flt: ExportFilter) -> QuerySet[Workshop]:
    """`qs` narrowed by the filter's workshop fields (not its scope: the caller's queryset is)."""
    if flt.workshop_id:
        qs = qs.filter(pk=flt.workshop_id)
    if flt.region_ids:
        qs = qs.filter(region_id__in=flt.region_ids)
    start, end = period_bounds(flt)
    if start is not None:
        qs = qs.filter(starts_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    if flt.country:
        qs = qs.filter(country=flt.country)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.track_id:
        qs = qs.annotate(_track_id=primary_track_id()).filter(_track_id=flt.track_id)
    return qs


def scoped_workshops(user, flt: ExportFilter) -> QuerySet[Workshop]:
    """Workshops the user may export (their regions; all for program admins), filtered."""
    return filter_workshops(Workshop.objects.editable_by(user), flt)


def registrations_in_scope(user) -> RegistrationQuerySet:
    """Registrations a user may export: a coordinator's regions' workshops' (`managed_by`, all
    for program admins), and a focal point's own agency's officers', whatever the workshop's
    region (the agency's training record)."""
    if not user.is_authenticated or not user.has_program_access:
        return Registration.objects.none()
    scope = Registration.objects.managed_by(user)
    if user.is_focal_point and user.agency_id is not None:
        scope = scope | Registration.objects.filter(officer__agency_id=user.agency_id)
    return scope


def scoped_registrations(user, flt: ExportFilter) -> QuerySet[Registration]:
    qs = registrations_in_scope(user).filter(
        workshop__in=filter_workshops(Workshop.objects.all(), flt).values("pk")
    )
    if flt.agency_id:
        qs = qs.filter(officer__agency_id=flt.agency_id)
    if flt.officer_search:
        qs = qs.filter(officer__in=User.objects.search(flt.officer_search).values("pk"))
    return qs


def attendance_registrations(user, flt: ExportFilter) -> QuerySet[Registration]:
    has_mark = Exists(AttendanceMark.objects.filter(registration=OuterRef("pk")))
    return scoped_registrations(user, flt).filter(
        Q(state=Registration.State.CONFIRMED) | Q(has_mark)
    )


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _local(value: dt.datetime | None, tz: zoneinfo.ZoneInfo) -> dt.datetime | None:
    return value.astimezone(tz) if value is not None else None


_zones: dict[str, zoneinfo.ZoneInfo] = {}


def _zone(name: str) -> zoneinfo.ZoneInfo:
    if name not in _zones:
        _zones[name] = zoneinfo.ZoneInfo(name or "UTC")
    return _zones[name]


@dataclass
class Dataset:
    columns: list[Column]
    rows: Iterable[list]
    count: int
    name: str


# --- Attendance -------------------------------------------------------------------------------

_ATTENDANCE_FIELDS = (
    "pk",
    "workshop_id",
    "workshop__title",
    "workshop__time_zone",
    "workshop__starts_at",
    "workshop__ends_at",
    "workshop__region__name",
    "workshop__city",
    "workshop__country",
    "track_name",
    "officer__full_name",
    "officer__rank",
    "officer__agency__name",
    "officer__agency__country",
    "officer__email",
    "completion__completed",
    "certificate_number",
)


def _attendance_base_columns() -> list[Column]:
    return [
        Column(_("Workshop"), width=36),
        Column(_("Starts (workshop time)"), "datetime", 18),
        Column(_("Ends (workshop time)"), "datetime", 18),
        Column(_("Time zone"), width=18),
        Column(_("Region"), width=16),
        Column(_("City"), width=16),
        Column(_("Country"), width=8),
        Column(_("Track"), width=22),
        Column(_("Officer"), width=26),
        Column(_("Rank"), width=16),
        Column(_("Agency"), width=30),
        Column(_("Agency country"), width=8),
        Column(_("E-mail"), width=30),
    ]


def _attendance_tail_columns() -> list[Column]:
    return [
        Column(_("Session time attended (h)"), "hours", 12),
        Column(_("Completed"), width=10),
        Column(_("Training hours"), "hours", 10),
        Column(_("Certificate number"), width=26),
    ]


def _session_columns(sessions: list[WorkshopSession], tz: zoneinfo.ZoneInfo) -> list[Column]:
    return [
        Column(
            _("Session %(n)s (%(when)s %(zone)s)")
            % {
                "n": n,
                "when": s.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                "zone": tz.key,
            },
            width=12,
        )
        for n, s in enumerate(sessions, start=1)
    ]


def attendance_dataset(user, flt: ExportFilter, *, workshop: Workshop | None = None) -> Dataset:
    """One row per officer per workshop. For a single workshop, one column per session;
    program-wide, "attended / total" and a presence string such as "P P L A"."""
    registrations = attendance_registrations(user, flt)
    count = registrations.count()
    certificate = Certificate.objects.filter(
        registration=OuterRef("pk"), revoked_at__isnull=True
    ).values("number")[:1]
    values = (
        registrations.annotate(
            track_name=primary_track_name("workshop__"), certificate_number=Subquery(certificate)
        )
        .order_by("workshop__starts_at", "workshop_id", "officer__full_name", "pk")
        .values_list(*_ATTENDANCE_FIELDS)
    )
    columns = _attendance_base_columns()
    sessions_of_one: list[WorkshopSession] = []
    if workshop is not None:
        sessions_of_one = list(workshop.sessions.order_by("starts_at", "pk"))
        columns += _session_columns(sessions_of_one, workshop.tzinfo)
    else:
        columns += [
            Column(_("Sessions attended"), "int", 10),
            Column(_("Sessions"), "int", 9),
            Column(_("Presence"), width=16),
        ]
    columns += _attendance_tail_columns()
    rows = _attendance_rows(values, per_session=workshop is not None)
    return Dataset(columns=columns, rows=rows, count=count, name="attendance")


def _attendance_rows(values: QuerySet, *, per_session: bool) -> Iterator[list]:
    chunk_size = settings.REPORTS_EXPORT_CHUNK_SIZE
    sessions: dict[int, list[tuple[int, int]]] = {}  # workshop id → [(session id, minutes)]
    training: dict[int, int] = {}  # workshop id → training minutes
    attended_statuses = set(ATTENDED_STATUSES)
    for chunk in _chunks(values.iterator(chunk_size=chunk_size), chunk_size):
        missing = {row[1] for row in chunk} - sessions.keys()
        if missing:
            for wid in missing:
                sessions[wid] = []
            training.update(training_minutes_by_workshop(missing))
            for sid, wid, start, end in (
                WorkshopSession.objects.filter(workshop_id__in=missing)
                .order_by("starts_at", "pk")
                .values_list("pk", "workshop_id", "starts_at", "ends_at")
            ):
                sessions[wid].append((sid, session_minutes(start, end)))
        marks: dict[int, dict[int, str]] = {}
        for rid, sid, status in AttendanceMark.objects.filter(
            registration_id__in=[row[0] for row in chunk]
        ).values_list("registration_id", "session_id", "status"):
            marks.setdefault(rid, {})[sid] = status
        for row in chunk:
            (rid, wid, title, tz_name, starts, ends, region, city, country, track) = row[:10]
            (name, rank, agency, agency_country, email, completed, cert) = row[10:]
            tz = _zone(tz_name)
            own = marks.get(rid, {})
            statuses = [own.get(sid) for sid, _m in sessions[wid]]
            minutes = sum(m for (sid, m) in sessions[wid] if own.get(sid) in attended_statuses)
            out = [
                title,
                _local(starts, tz),
                _local(ends, tz),
                tz_name,
                region,
                city,
                country,
                track or "",
                name,
                rank,
                agency or "",
                agency_country or "",
                email,
            ]
            if per_session:
                out += [AttendanceStatus(s).label if s else "" for s in statuses]
            else:
                out += [
                    sum(1 for s in statuses if s in attended_statuses),
                    len(statuses),
                    " ".join(STATUS_LETTERS.get(s, UNMARKED) for s in statuses),
                ]
            out += [
                hours(minutes),
                _("yes") if completed else _("no"),
                credited_hours(completed=bool(completed), minutes=training.get(wid, 0)),
                cert or "",
            ]
            yield out


# --- Registrations ----------------------------------------------------------------------------

_REGISTRATION_FIELDS = (
    "pk",
    "workshop__title",
    "workshop__time_zone",
    "workshop__starts_at",
    "workshop__region__name",
    "officer__full_name",
    "officer__rank",
    "officer__agency__name",
    "officer__agency__country",
    "officer__email",
    "state",
    "created_at",
)


def registrations_dataset(user, flt: ExportFilter) -> Dataset:
    """One row per registration with its state and the last time it entered each state."""
    registrations = scoped_registrations(user, flt)
    count = registrations.count()
    values = registrations.order_by("workshop__starts_at", "workshop_id", "created_at", "pk")
    columns = [
        Column(_("Workshop"), width=36),
        Column(_("Starts (workshop time)"), "datetime", 18),
        Column(_("Time zone"), width=18),
        Column(_("Region"), width=16),
        Column(_("Officer"), width=26),
        Column(_("Rank"), width=16),
        Column(_("Agency"), width=30),
        Column(_("Agency country"), width=8),
        Column(_("E-mail"), width=30),
        Column(_("State"), width=14),
        Column(_("Registered (workshop time)"), "datetime", 18),
        *[
            Column(
                _("%(state)s (workshop time)")
                % {"state": Registration.State(state).label.capitalize()},
                "datetime",
                18,
            )
            for state in HISTORY_STATES
        ],
    ]
    rows = _registration_rows(values.values_list(*_REGISTRATION_FIELDS))
    return Dataset(columns=columns, rows=rows, count=count, name="registrations")


def _registration_rows(values: QuerySet) -> Iterator[list]:
    chunk_size = settings.REPORTS_EXPORT_CHUNK_SIZE
    for chunk in _chunks(values.iterator(chunk_size=chunk_size), chunk_size):
        history: dict[int, dict[str, dt.datetime]] = {}
        # Events come oldest first, so the last write per state is the latest time it was entered.
        for rid, state, at in (
            RegistrationEvent.objects.filter(
                registration_id__in=[row[0] for row in chunk], to_state__in=HISTORY_STATES
            )
            .order_by("created_at", "pk")
            .values_list("registration_id", "to_state", "created_at")
        ):
            history.setdefault(rid, {})[state] = at
        for row in chunk:
            rid, title, tz_name, starts, region, name, rank, agency, agency_country = row[:9]
            email, state, created = row[9:]
            tz = _zone(tz_name)
            own = history.get(rid, {})
            yield [
                title,
                _local(starts, tz),
                tz_name,
                region,
                name,
                rank,
                agency or "",
                agency_country or "",
                email,
                Registration.State(state).label,
                _local(created, tz),
                *[_local(own.get(s), tz) for s in HISTORY_STATES],
            ]
