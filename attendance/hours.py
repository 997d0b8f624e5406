"""Hours of training: the one definition used by certificates, the training record, the
exports and the program report.

Two figures, kept apart because they answer different questions:

- Training hours (instructional hours): the curriculum a workshop delivers, i.e. the durations
  of its modules (each pinned to the revision taught) added up; a workshop without modules
  counts its scheduled session time instead. An officer is credited with a workshop's training
  hours when they completed it (the rule of services/closing.py), and with none otherwise.
  This is what a certificate attests, so it is what the certificate prints (frozen at issue),
  what the training record and the program report add up, and the exports' "Training hours".
  Wall-clock time would count breaks, lunch and check-in as training, and two 8-hour days with
  8.5 hours of curriculum would read 16 hours on one page and 8.5 on the certificate.
- Session time attended: the wall-clock length of the sessions an officer was marked present
  or late at. It decides completion (the threshold is a share of it) and is exported as
  "Session time attended (h)"; it is never called training hours.

Minutes are what is stored and added within one workshop. Hours are derived once per officer
and workshop by `hours()`: rounded half up to one decimal, the precision a certificate prints.
Totals (a training record, a region, a track, the program) add those rounded hours, so a total
is always the sum of the lines a reader can see: the certificates of an officer, the rows of an
export.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import DurationField, ExpressionWrapper, F, OuterRef, QuerySet, Subquery, Sum
from django.utils.formats import number_format

from workshops.models import Workshop, WorkshopModule, WorkshopSession

if TYPE_CHECKING:  # a development dependency: annotations only
    from django_stubs_ext import WithAnnotations

ONE_DECIMAL = Decimal("0.1")
# Where hours without a track are listed (a workshop without modules).
NO_TRACK = "—"


def hours(minutes: int) -> Decimal:
    """Minutes as hours, rounded half up to one decimal: 510 → 8.5, 20 → 0.3."""
    return (Decimal(minutes) / 60).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def format_hours(value: Decimal) -> str:
    """An hours figure for reading, without a trailing ".0": 8.5 → "8.5", 8.0 → "8"."""
    places = 0 if value == value.to_integral_value() else 1
    return number_format(value, places)


def session_minutes(starts_at: dt.datetime, ends_at: dt.datetime) -> int:
    """A session's length in whole minutes (seconds are never entered, so nothing is lost)."""
    return int((ends_at - starts_at).total_seconds() // 60)


def training_minutes(*, module_minutes: int | None, session_time: dt.timedelta | None) -> int:
    """A workshop's training time: its modules' durations added up (`None` when it has no
    modules), else its scheduled session time."""
    if module_minutes is not None:
        return module_minutes
    return int(session_time.total_seconds() // 60) if session_time else 0


def training_minutes_of(workshop: Workshop) -> int:
    """`training_minutes` of one loaded workshop (prefetched modules and sessions are used)."""
    modules = list(workshop.workshop_modules.all())
    sessions = list(workshop.sessions.all())
    return training_minutes(
        module_minutes=sum(wm.revision.duration_minutes for wm in modules) if modules else None,
        session_time=sum((s.ends_at - s.starts_at for s in sessions), dt.timedelta()),
    )


class TrainingTime(TypedDict):
    module_minutes: int | None
    session_time: dt.timedelta | None


def with_training_time(
    workshops: QuerySet[Workshop],
) -> QuerySet[WithAnnotations[Workshop, TrainingTime]]:
    """Annotate `module_minutes` and `session_time`, the inputs of `training_minutes`
    (correlated subqueries: other joins on the queryset never multiply them)."""
    module_minutes = (
        WorkshopModule.objects.filter(workshop=OuterRef("pk"))
        .values("workshop")
        .annotate(total=Sum("revision__duration_minutes"))
        .values("total")
    )
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    session_time = (
        WorkshopSession.objects.filter(workshop=OuterRef("pk"))
        .values("workshop")
        .annotate(total=Sum(length))
        .values("total")
    )
    return workshops.annotate(
        module_minutes=Subquery(module_minutes),
        session_time=Subquery(session_time, output_field=DurationField()),
    )


def training_minutes_by_workshop(workshop_ids: Iterable[int] | QuerySet) -> dict[int, int]:
    """workshop id → `training_minutes`, in one query."""
    rows = with_training_time(Workshop.objects.filter(pk__in=workshop_ids)).values_list(
        "pk", "module_minutes", "session_time"
    )
    return {pk: training_minutes(module_minutes=m, session_time=s) for pk, m, s in rows}


def credited_hours(*, completed: bool, minutes: int) -> Decimal:
    """An officer's training hours for one workshop: all of it when completed, else none."""
    return hours(minutes if completed else 0)
