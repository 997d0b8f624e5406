"""Program report figures: SQL aggregates over the same scoped querysets as the exports.

Definitions:
- scheduled workshops: published or completed workshops starting in the period (workshop's
  start date, UTC), in the viewer's regions;
- held: scheduled workshops whose end has passed;
- attendees: attendance-export rows of held workshops (confirmed registrations, or any with a
  mark);
- completion rate: attendees with a completed Completion / attendees;
- officers trained: distinct officers with a completed Completion in a held workshop;
- agencies and countries reached: distinct agencies (and their countries) of attendees who
  attended at least one session (marked present or late);
- training hours: each completed attendee credited with their workshop's training hours, as on
  their certificate (attendance/hours.py: the curriculum's module durations, rounded to 0.1 h
  per officer and workshop), added up and attributed to the workshop's track (the track its
  first module's taught revision was published in);
- seat use: confirmed registrations / capacity of scheduled workshops (`seat_use`); waitlist
  demand: waitlisted registrations now;
- feedback: averages only where at least FEEDBACK_MIN_ANSWERS answers exist (anonymity);
- knowledge gain: attendees' pre- and post-test pairs (best sent attempts), by module, track,
  region, agency and period, groups of fewer than FEEDBACK_MIN_ANSWERS officers hidden
  (assessments/gain.py);
- by agency and by country: reports/breakdown.py.

Display: a rate is kept as the exact ratio and shown by `percent()` (×100, half up to one
decimal), ratings by `rating()` (half up to one decimal). The XLSX report stores the same exact
values with "0.0%" and "0.0" number formats, so Excel shows what the page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from assessments.gain import GainFigures, gain_pairs, knowledge_gain
from attendance.hours import NO_TRACK, hours, training_minutes, with_training_time
from attendance.models import AttendanceMark, Feedback
from attendance.models.marks import ATTENDED_STATUSES
from attendees.models import Agency
from registrations.models import Registration
from workshops.models import Workshop

from .breakdown import AgencyLine, CountryLine, agency_breakdown
from .exports import (
    ExportFilter,
    attendance_registrations,
    primary_track_name,
    scoped_registrations,
    scoped_workshops,
)

SCHEDULED_STATUSES = (Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED)
ONE_DECIMAL = Decimal("0.1")


def seat_use(confirmed: int, capacity: int) -> float | None:
    """Confirmed registrations / capacity; None without capacity."""
    return confirmed / capacity if capacity else None


def share(part: int, whole: int) -> float | None:
    """part / whole (a completion rate); None when there is no whole."""
    return part / whole if whole else None


def percent(ratio: float | None) -> Decimal | None:
    """A ratio as shown: ×100, rounded half up to one decimal (0.02666… → 2.7), as Excel shows
    the ratio in a "0.0%" cell (both round the shortest decimal of the float, half up)."""
    if ratio is None:
        return None
    return (Decimal(repr(ratio)) * 100).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def rating(value: float | None) -> Decimal | None:
    """An average rating as shown: rounded half up to one decimal."""
    if value is None:
        return None
    return Decimal(repr(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


@dataclass
class WorkshopLine:
    pk: int
    title: str
    region: str
    starts_at: dt.datetime | None
    time_zone: str
    held: bool
    capacity: int
    confirmed: int
    waitlisted: int
    feedback_answers: int
    overall_avg: float | None
    trainer_avg: float | None

    @property
    def utilisation(self) -> float | None:
        return seat_use(self.confirmed, self.capacity)


@dataclass
class RegionLine:
    region: str
    workshops_scheduled: int = 0
    workshops_held: int = 0
    attendees: int = 0
    completed: int = 0
    officers_trained: int = 0
    hours: Decimal = Decimal(0)
    capacity: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    feedback_answers: int = 0
    overall_avg: float | None = None

    @property
    def completion_rate(self) -> float | None:
        return share(self.completed, self.attendees)

    @property
    def utilisation(self) -> float | None:
        return seat_use(self.confirmed, self.capacity)


@dataclass
class ProgramFigures:
    start: dt.date
    end: dt.date
    workshops_scheduled: int = 0
    workshops_held: int = 0
    attendees: int = 0
    completed: int = 0
    officers_trained: int = 0
    agencies_reached: int = 0
    countries_reached: int = 0
    hours_total: Decimal = Decimal(0)
    capacity: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    feedback_min_answers: int = 5
    hours_by_track: list[tuple[str, Decimal]] = field(default_factory=list)
    regions: list[RegionLine] = field(default_factory=list)
    workshops: list[WorkshopLine] = field(default_factory=list)
    top_agencies: list[tuple[str, str, int, int]] = field(default_factory=list)
    agencies: list[AgencyLine] = field(default_factory=list)
    countries: list[CountryLine] = field(default_factory=list)
    gain: GainFigures | None = None
    # When they were computed (cached figures are shown with it); not a figure.
    as_of: dt.datetime | None = field(default=None, compare=False)

    @property
    def completion_rate(self) -> float | None:
        return share(self.completed, self.attendees)

    @property
    def utilisation(self) -> float | None:
        return seat_use(self.confirmed, self.capacity)

    def chart_data(self) -> dict:
        """Plain data for the charts (read by static/js/reports-charts.js)."""
        return {
            "labels": {
                "attendees": gettext("Attendees"),
                "completed": gettext("Completed"),
                "waitlisted": gettext("Waitlisted"),
                "empty": gettext("No data for this period."),
            },
            "hoursByTrack": {
                "labels": [t for t, _h in self.hours_by_track],
                "values": [float(h) for _t, h in self.hours_by_track],
            },
            "regions": {
                "labels": [r.region for r in self.regions],
                "attendees": [r.attendees for r in self.regions],
                "completed": [r.completed for r in self.regions],
                "waitlisted": [r.waitlisted for r in self.regions],
                "confirmed": [r.confirmed for r in self.regions],
                "capacity": [r.capacity for r in self.regions],
            },
            "topAgencies": {
                "labels": [a[0] for a in self.top_agencies],
                "trained": [a[2] for a in self.top_agencies],
            },
        }


def listed_agencies(user, region_id: int | None = None):
    """Agencies the breakdown lists even without activity: those of the regions in scope."""
    agencies = Agency.objects.managed_by(user).active()
    return agencies.filter(region_id=region_id) if region_id else agencies


def program_figures(
    user,
    *,
    start: dt.date,
    end: dt.date,
    region_id: int | None = None,
    track_id: int | None = None,
    top: int = 10,
) -> ProgramFigures:
    """All report figures in a fixed number of queries (14), whatever the data size."""
    now = timezone.now()
    flt = ExportFilter(
        region_ids=[region_id] if region_id else [],
        date_from=start.isoformat(),
        date_to=end.isoformat(),
        track_id=track_id,
    )
    scheduled = scoped_workshops(user, flt).filter(status__in=SCHEDULED_STATUSES)
    held_ids = scheduled.filter(ends_at__lte=now).values("pk")
    min_answers = settings.FEEDBACK_MIN_ANSWERS
    figures = ProgramFigures(start=start, end=end, feedback_min_answers=min_answers, as_of=now)

    # 1. Workshops with seat counts and feedback.
    rows = (
        scheduled.annotate(
            n_confirmed=Count(
                "registrations", filter=Q(registrations__state=Registration.State.CONFIRMED)
            ),
            n_waitlisted=Count(
                "registrations", filter=Q(registrations__state=Registration.State.WAITLISTED)
            ),
            n_feedback=Count("registrations__feedback"),
            avg_overall=Avg("registrations__feedback__overall"),
            avg_trainer=Avg("registrations__feedback__trainer_rating"),
        )
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "title",
            "region__name",
            "starts_at",
            "time_zone",
            "ends_at",
            "capacity",
            "n_confirmed",
            "n_waitlisted",
            "n_feedback",
            "avg_overall",
            "avg_trainer",
        )
    )
    regions: dict[str, RegionLine] = {}
    for pk, title, region, starts, tz, ends, capacity, conf_n, wait_n, fb_n, ov, tr in rows:
        shown = fb_n >= min_answers
        held = ends is not None and ends <= now
        figures.workshops.append(
            WorkshopLine(
                pk=pk,
                title=title,
                region=region,
                starts_at=starts,
                time_zone=tz,
                held=held,
                capacity=capacity,
                confirmed=conf_n,
                waitlisted=wait_n,
                feedback_answers=fb_n,
                overall_avg=ov if shown else None,
                trainer_avg=tr if shown else None,
            )
        )
        line = regions.setdefault(region, RegionLine(region=region))
        line.workshops_scheduled += 1
        line.workshops_held += held
        line.capacity += capacity
        line.confirmed += conf_n
        line.waitlisted += wait_n
    figures.workshops_scheduled = len(figures.workshops)
    figures.workshops_held = sum(w.held for w in figures.workshops)
    figures.capacity = sum(w.capacity for w in figures.workshops)
    figures.confirmed = sum(w.confirmed for w in figures.workshops)
    figures.waitlisted = sum(w.waitlisted for w in figures.workshops)

    attendees = attendance_registrations(user, flt).filter(workshop__in=held_ids)
    attended = Exists(
        AttendanceMark.objects.filter(registration=OuterRef("pk"), status__in=ATTENDED_STATUSES)
    )
    done = Q(completion__completed=True)

    # 2. Totals over attendees.
    totals = attendees.annotate(attended=attended).aggregate(
        attendees=Count("pk"),
        completed=Count("pk", filter=done),
        trained=Count("officer", distinct=True, filter=done),
        agencies=Count("officer__agency", distinct=True, filter=Q(attended=True)),
        countries=Count("officer__agency__country", distinct=True, filter=Q(attended=True)),
    )
    figures.attendees = totals["attendees"]
    figures.completed = totals["completed"]
    figures.officers_trained = totals["trained"]
    figures.agencies_reached = totals["agencies"]
    figures.countries_reached = totals["countries"]

    # 3. Attendees per region.
    for region, n, completed, trained in (
        attendees.values("workshop__region__name")
        .annotate(
            n=Count("pk"),
            c=Count("pk", filter=done),
            t=Count("officer", distinct=True, filter=done),
        )
        .values_list("workshop__region__name", "n", "c", "t")
    ):
        line = regions.setdefault(region, RegionLine(region=region))
        line.attendees, line.completed, line.officers_trained = n, completed, trained

    # 4 and 5. Training hours: completed attendees per workshop (and agency), times the
    # workshop's training hours (rounded once per officer, as on each certificate), added up by
    # track, region and agency.
    completed_in: dict[int, dict[int | None, int]] = {}
    for workshop_id, agency_id, n in (
        attendees.filter(done)
        .values("workshop_id", "officer__agency_id")
        .annotate(n=Count("pk"))
        .values_list("workshop_id", "officer__agency_id", "n")
    ):
        completed_in.setdefault(workshop_id, {})[agency_id] = n
    region_of = {w.pk: w.region for w in figures.workshops}
    by_track: dict[str, Decimal] = {}
    by_region: dict[str, Decimal] = {}
    by_agency: dict[int | None, Decimal] = {}
    for workshop_id, track, module_minutes, session_time in (
        with_training_time(Workshop.objects.filter(pk__in=held_ids))
        .annotate(track=primary_track_name())
        .values_list("pk", "track", "module_minutes", "session_time")
    ):
        agencies = completed_in.get(workshop_id)
        if not agencies:
            continue
        each = hours(training_minutes(module_minutes=module_minutes, session_time=session_time))
        credited = sum(agencies.values()) * each
        track = track or NO_TRACK
        by_track[track] = by_track.get(track, Decimal(0)) + credited
        region = region_of[workshop_id]
        by_region[region] = by_region.get(region, Decimal(0)) + credited
        for agency_pk, n in agencies.items():
            by_agency[agency_pk] = by_agency.get(agency_pk, Decimal(0)) + n * each
    figures.hours_by_track = sorted(by_track.items(), key=lambda item: (-item[1], item[0]))
    figures.hours_total = sum((h for _t, h in figures.hours_by_track), Decimal(0))
    for region, total in by_region.items():
        regions.setdefault(region, RegionLine(region=region)).hours = total

    # 6. Feedback per region (held workshops), shown only above the anonymity threshold.
    for region, n, avg in (
        Feedback.objects.filter(registration__in=attendees.values("pk"))
        .values("registration__workshop__region__name")
        .annotate(n=Count("pk"), avg=Avg("overall"))
        .values_list("registration__workshop__region__name", "n", "avg")
    ):
        line = regions.setdefault(region, RegionLine(region=region))
        line.feedback_answers = n
        line.overall_avg = avg if n >= min_answers else None

    # 7. Top agencies by officers trained, then by attendees.
    figures.top_agencies = [
        (name or "—", country or "", trained, n)
        for name, country, trained, n in attendees.values(
            "officer__agency__name", "officer__agency__country"
        )
        .annotate(t=Count("officer", distinct=True, filter=done), n=Count("pk"))
        .order_by("-t", "-n", "officer__agency__name")
        .values_list("officer__agency__name", "officer__agency__country", "t", "n")[:top]
    ]
    figures.regions = sorted(regions.values(), key=lambda r: r.region)

    # 8 to 13. By agency and by country.
    figures.agencies, figures.countries = agency_breakdown(
        registrations=scoped_registrations(user, flt).filter(workshop__in=scheduled.values("pk")),
        attendees=attendees,
        scheduled=scheduled,
        listed=listed_agencies(user, region_id),
        managed=Agency.objects.managed_by(user),
        hours_by_agency=by_agency,
    )

    # 14. Knowledge gain of the attendees.
    figures.gain = knowledge_gain(
        gain_pairs(attendees, track_of=primary_track_name("registration__workshop__")),
        min_officers=min_answers,
    )
    return figures


# Figures may be this old when shown: the page says when they were computed.
CACHE_SECONDS = 300


def cached_program_figures(
    user,
    *,
    start: dt.date,
    end: dt.date,
    region_id: int | None = None,
    track_id: int | None = None,
) -> ProgramFigures:
    """`program_figures`, shared for up to CACHE_SECONDS by viewers of the same scope (the
    viewer's regions, never the viewer), period, region and track."""
    if user.is_program_admin:
        scope = "all"
    else:
        scope = ",".join(map(str, sorted(user.coordinated_region_ids)))
    min_answers = settings.FEEDBACK_MIN_ANSWERS
    key = f"report:v4:{scope}:{start}:{end}:{region_id or ''}:{track_id or ''}:{min_answers}"
    figures: ProgramFigures | None = cache.get_or_set(
        key,
        lambda: program_figures(user, start=start, end=end, region_id=region_id, track_id=track_id),
        CACHE_SECONDS,
    )
    assert figures is not None  # (computed when missing)
    return figures
