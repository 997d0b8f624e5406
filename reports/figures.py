"""Program report figures: SQL aggregates over the same scoped querysets as the exports.

Definitions (the README's "Program report" section repeats them for readers of the report):
- scheduled workshops: published or completed workshops starting in the period (workshop's
  start date, UTC), in the viewer's regions;
- held: scheduled workshops whose end has passed;
- attendees: attendance-export rows of held workshops (confirmed registrations, or any with a
  mark);
- completion rate: attendees with a completed Completion / attendees;
- officers trained: distinct officers with a completed Completion in a held workshop;
- agencies and countries reached: distinct agencies (and their countries) of attendees who
  attended at least one session (marked present or late);
- hours delivered: officer-hours, i.e. the length of every session an officer was marked present
  or late at, summed, attributed to the workshop's track (the track of its first module);
- seat utilisation: confirmed registrations / capacity of scheduled workshops; waitlist demand:
  waitlisted registrations now;
- feedback: averages only where at least FEEDBACK_MIN_ANSWERS answers exist (anonymity).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.utils import timezone
from django.utils.translation import gettext

from attendance.models import AttendanceMark, Feedback
from attendance.models.marks import ATTENDED_STATUSES
from registrations.models import Registration
from workshops.models import Workshop

from .exports import ExportFilter, attendance_registrations, primary_track_name, scoped_workshops

SCHEDULED_STATUSES = (Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED)


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
        return self.confirmed / self.capacity if self.capacity else None


@dataclass
class RegionLine:
    region: str
    workshops_scheduled: int = 0
    workshops_held: int = 0
    attendees: int = 0
    completed: int = 0
    officers_trained: int = 0
    hours: float = 0.0
    capacity: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    feedback_answers: int = 0
    overall_avg: float | None = None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.attendees if self.attendees else None

    @property
    def utilisation(self) -> float | None:
        return self.confirmed / self.capacity if self.capacity else None


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
    hours_total: float = 0.0
    capacity: int = 0
    confirmed: int = 0
    waitlisted: int = 0
    feedback_min_answers: int = 5
    hours_by_track: list[tuple[str, float]] = field(default_factory=list)
    regions: list[RegionLine] = field(default_factory=list)
    workshops: list[WorkshopLine] = field(default_factory=list)
    top_agencies: list[tuple[str, str, int, int]] = field(default_factory=list)
    # When they were computed (cached figures are shown with it); not a figure.
    as_of: dt.datetime | None = field(default=None, compare=False)

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.attendees if self.attendees else None

    @property
    def utilisation(self) -> float | None:
        return self.confirmed / self.capacity if self.capacity else None

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
                "values": [round(h, 1) for _t, h in self.hours_by_track],
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


def _minutes(value: dt.timedelta | None) -> float:
    return value.total_seconds() / 60 if value else 0.0


def program_figures(
    user, *, start: dt.date, end: dt.date, region_id: int | None = None, top: int = 10
) -> ProgramFigures:
    """All report figures in a fixed number of queries (8), whatever the data size."""
    now = timezone.now()
    flt = ExportFilter(
        region_ids=[region_id] if region_id else [],
        date_from=start.isoformat(),
        date_to=end.isoformat(),
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

    # 4 and 5. Officer-hours by track and by region: summed per workshop in SQL, then by track
    # and region here. Every attended mark of a held workshop in scope belongs to an attendee
    # (a mark makes its registration one), so the marks need no join back to `attendees`: with
    # it, the planner misjudged the attendee count and hashed every mark of every year.
    lengths = (
        AttendanceMark.objects.filter(
            registration__workshop__in=held_ids, status__in=ATTENDED_STATUSES
        )
        .values("registration__workshop_id")
        .annotate(
            total=Sum(
                ExpressionWrapper(
                    F("session__ends_at") - F("session__starts_at"), output_field=DurationField()
                )
            )
        )
        .values_list("registration__workshop_id", "total")
    )
    tracks = dict(
        Workshop.objects.filter(pk__in=held_ids)
        .annotate(track=primary_track_name())
        .values_list("pk", "track")
    )
    region_of = {w.pk: w.region for w in figures.workshops}
    by_track: dict[str, dt.timedelta] = {}
    by_region: dict[str, dt.timedelta] = {}
    for workshop_id, total in lengths:
        track = tracks.get(workshop_id) or "—"
        by_track[track] = by_track.get(track, dt.timedelta()) + total
        region = region_of[workshop_id]
        by_region[region] = by_region.get(region, dt.timedelta()) + total
    figures.hours_by_track = sorted(
        ((track, _minutes(total) / 60) for track, total in by_track.items()),
        key=lambda item: (-item[1], item[0]),
    )
    figures.hours_total = sum(h for _t, h in figures.hours_by_track)
    for region, total in by_region.items():
        regions.setdefault(region, RegionLine(region=region)).hours = _minutes(total) / 60

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
    return figures


# Figures may be this old when shown: the page says when they were computed.
CACHE_SECONDS = 300


def cached_program_figures(
    user, *, start: dt.date, end: dt.date, region_id: int | None = None
) -> ProgramFigures:
    """`program_figures`, shared for up to CACHE_SECONDS by viewers of the same scope (the
    viewer's regions, never the viewer), period and region."""
    if user.is_program_admin:
        scope = "all"
    else:
        scope = ",".join(map(str, sorted(user.coordinated_region_ids)))
    min_answers = settings.FEEDBACK_MIN_ANSWERS
    key = f"report:{scope}:{start}:{end}:{region_id or ''}:{min_answers}"
    figures: ProgramFigures | None = cache.get_or_set(
        key,
        lambda: program_figures(user, start=start, end=end, region_id=region_id),
        CACHE_SECONDS,
    )
    assert figures is not None  # (computed when missing)
    return figures
