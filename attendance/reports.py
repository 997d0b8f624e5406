"""Reads that aggregate: feedback results and an officer's training record."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Avg, Count

from attendance.hours import NO_TRACK, format_hours, hours, training_minutes_of
from attendance.models import Certificate, Completion, Feedback, FeedbackModuleRating


@dataclass
class FeedbackSummary:
    answers: int
    attendees: int
    min_answers: int
    shown: bool
    overall_avg: float | None = None
    trainer_avg: float | None = None
    overall_distribution: list[tuple[int, int]] = field(default_factory=list)
    modules: list[tuple[str, float, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def feedback_summary(workshop) -> FeedbackSummary:
    """Aggregates only, and nothing at all below the anonymity threshold: with 4 answers an
    average or a comment could be traced back to a person."""
    answers = Feedback.objects.filter(registration__workshop=workshop)
    count = answers.count()
    attendees = Completion.objects.filter(
        registration__workshop=workshop, attended_minutes__gt=0
    ).count()
    min_answers = settings.FEEDBACK_MIN_ANSWERS
    summary = FeedbackSummary(
        answers=count, attendees=attendees, min_answers=min_answers, shown=count >= min_answers
    )
    if not summary.shown:
        return summary
    agg = answers.aggregate(overall=Avg("overall"), trainer=Avg("trainer_rating"))
    summary.overall_avg, summary.trainer_avg = agg["overall"], agg["trainer"]
    dist = Counter(answers.values_list("overall", flat=True))
    summary.overall_distribution = [(value, dist.get(value, 0)) for value in range(5, 0, -1)]
    summary.modules = [
        (row["workshop_module__revision__title"], row["avg"], row["n"])
        for row in FeedbackModuleRating.objects.filter(feedback__in=answers)
        .values("workshop_module__revision__title", "workshop_module__position")
        .annotate(avg=Avg("usefulness"), n=Count("pk"))
        .order_by("workshop_module__position")
    ]
    # Sorted by text, not by submission, so the order reveals nothing about who wrote what.
    summary.comments = sorted(c for c in answers.values_list("comments", flat=True) if c.strip())
    return summary


@dataclass
class TrainingRecord:
    completions: list
    certificates: list
    hours_by_track: list[tuple[str, str]]
    total_hours: str
    modules: list[dict]
    total: Decimal = Decimal(0)


def training_record(user) -> TrainingRecord:
    """The officer's completed workshops, credited with their training hours (one rounding per
    workshop, as on its certificate, so the total is the sum of the certificates' hours)."""
    completions = list(
        Completion.objects.of_officer(user)
        .completed()
        .select_related("registration__workshop", "registration__feedback")
        .prefetch_related(
            "registration__workshop__workshop_modules__revision__track",
            "registration__workshop__sessions",
        )
        .order_by("-registration__workshop__starts_at")
    )
    by_track: dict[str, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    modules = []
    for completion in completions:
        workshop = completion.registration.workshop
        total += hours(training_minutes_of(workshop))
        minutes_by_track: dict[str, int] = defaultdict(int)
        for wm in workshop.workshop_modules.all():
            track = wm.revision.track.name
            minutes_by_track[track] += wm.revision.duration_minutes
            modules.append(
                {
                    "title": wm.revision.title,
                    "track": track,
                    "hours": format_hours(hours(wm.revision.duration_minutes)),
                    "workshop": workshop,
                }
            )
        if not minutes_by_track:
            # No curriculum: its session time is credited, under no track (as in the report).
            minutes_by_track[NO_TRACK] = training_minutes_of(workshop)
        for track, minutes in minutes_by_track.items():
            by_track[track] += hours(minutes)
    certificates = list(
        Certificate.objects.of_officer(user)
        .active()
        .select_related("registration__workshop")
        .order_by("-issued_at")
    )
    return TrainingRecord(
        completions=completions,
        certificates=certificates,
        hours_by_track=sorted((t, format_hours(h)) for t, h in by_track.items()),
        total_hours=format_hours(total),
        modules=modules,
        total=total,
    )
