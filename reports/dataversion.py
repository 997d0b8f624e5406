"""A version number per topic that changes whenever a write to the topic's tables commits.

Cached figures are keyed by it, so a cache entry can never outlive the data it was computed
from: no write path has to remember to invalidate anything. Triggers (reports migration 0002)
bump a per-backend counter in the writer's own transaction; `current()` sums the committed
counters. Read the version *before* computing what gets cached: a write committing in between
only makes the cached value newer than its key, never older.

Only PostgreSQL has the triggers: elsewhere (the SQLite dev site) `current()` is None and
callers compute without caching.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Sum

# Tables whose writes change a topic, as app_label.Model; the migration installs the triggers.
# Workshop time passing (a workshop ending) writes nothing: callers expire entries themselves.
TOPICS: dict[str, list[str]] = {
    # Everything the program report reads.
    "report": [
        "attendees.Registration",
        "attendees.Agency",
        "attendees.Region",
        "attendees.User",  # an officer's agency (UPDATE OF agency_id only, see the migration)
        "attendance.AttendanceMark",
        "attendance.Completion",
        "attendance.Feedback",
        "workshops.Workshop",
        "workshops.WorkshopSession",
        "workshops.WorkshopModule",
        "workshops.ModuleRevision",
        "workshops.Module",
        "workshops.Track",
    ],
    # The catalog's filter choices.
    "choices": ["attendees.Region", "workshops.Track"],
    # A workshop page's programme: everything but seats and registrations (migration 0003).
    "workshops": [
        "workshops.Workshop",
        "workshops.WorkshopSession",
        "workshops.WorkshopModule",
        "workshops.ModuleRevision",
        "workshops.Module",
        "workshops.Track",
        "workshops.Workshop.trainers",
        "attendees.Region",
        "attendees.Agency",
        "attendees.User",  # full_name only (trainers' names)
    ],
}


def current(topic: str) -> int | None:
    """The topic's version, or None where versions are not kept (not PostgreSQL)."""
    if connection.vendor != "postgresql":
        return None
    from .models import DataVersion

    total = DataVersion.objects.filter(topic=topic).aggregate(n=Sum("bumps"))["n"]
    return total or 0
