"""Which curriculum modules an officer completed.

Completion rule: an officer completed a module when a workshop that taught it (any revision)
gave them a workshop certificate that is not revoked. An expired certificate still counts: it
says the training took place; expiry is about showing it, not about having learnt it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, QuerySet

from attendance.models import Certificate
from attendees.models import User
from workshops.models import WorkshopModule


def _certified_workshops(holder: User | int) -> QuerySet:
    return (
        Certificate.objects.of_workshops()
        .active()
        .filter(holder=holder)
        .values("registration__workshop_id")
    )


def completed_modules(officer: User | int) -> set[int]:
    """The ids of the modules `officer` completed (one query)."""
    return set(
        WorkshopModule.objects.filter(workshop_id__in=_certified_workshops(officer))
        .values_list("revision__module_id", flat=True)
        .distinct()
    )


def completing_workshop_modules(
    officer: User | int, module_ids: Iterable[int]
) -> dict[int, WorkshopModule]:
    """For each of `module_ids` the officer completed: the workshop module (revision and
    workshop loaded) of the latest workshop that completed it (one query)."""
    rows = (
        WorkshopModule.objects.filter(
            workshop_id__in=_certified_workshops(officer), revision__module_id__in=list(module_ids)
        )
        .select_related("revision", "workshop")
        .order_by(F("workshop__ends_at").desc(nulls_last=True), "-workshop_id")
    )
    latest: dict[int, WorkshopModule] = {}
    for row in rows:
        latest.setdefault(row.revision.module_id, row)
    return latest
