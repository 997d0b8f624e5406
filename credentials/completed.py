"""Which curriculum modules an officer completed.

Completion rule: an officer completed a module when a workshop that taught it (any revision)
gave them a workshop certificate that is not revoked. An expired certificate still counts: it
says the training took place; expiry is about showing it, not about having learnt it. So
prerequisites (`completed_modules`) count expired certificates.

A track credential asks more (`tracks`): it attests that the completion is current, so it
counts a module only while a certificate completing it is in its validity, and expires when
that completion lapses (`completion_ends`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet

from attendance.models import Certificate
from attendees.models import User
from workshops.models import WorkshopModule


def _certified_workshops(holder: User | int, *, valid_at: dt.datetime | None = None) -> QuerySet:
    certificates = Certificate.objects.of_workshops().active().filter(holder=holder)
    if valid_at is not None:
        certificates = certificates.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=valid_at))
    return certificates.values("registration__workshop_id")


def completed_modules(officer: User | int) -> set[int]:
    """The ids of the modules `officer` completed, expired certificates included (one query)."""
    return set(
        WorkshopModule.objects.filter(workshop_id__in=_certified_workshops(officer))
        .values_list("revision__module_id", flat=True)
        .distinct()
    )


def completed_among(officer_ids: Iterable[int], module_ids: Iterable[int]) -> dict[int, set[int]]:
    """For many officers at once: which of `module_ids` each completed, as `completed_modules`
    counts them (officers who completed none are left out). One query."""
    rows = (
        Certificate.objects.of_workshops()
        .active()
        .filter(
            holder_id__in=list(officer_ids),
            registration__workshop__workshop_modules__revision__module_id__in=list(module_ids),
        )
        .values_list("holder_id", "registration__workshop__workshop_modules__revision__module_id")
        .order_by()
        .distinct()
    )
    completed: dict[int, set[int]] = {}
    for holder_id, module_id in rows:
        completed.setdefault(holder_id, set()).add(module_id)
    return completed


def completion_ends(officer: User | int) -> dict[int, dt.datetime | None]:
    """For each module `officer` completed: until when that completion is current, the latest
    expiry among the certificates (not revoked) that complete it; None when one of them never
    expires. An end in the past: completed, but no longer current. One query."""
    rows = (
        Certificate.objects.of_workshops()
        .active()
        .filter(holder=officer)
        .values_list("registration__workshop__workshop_modules__revision__module_id", "expires_at")
    )
    ends: dict[int, dt.datetime | None] = {}
    for module_id, expires_at in rows:
        if module_id is None:  # a workshop that taught no module
            continue
        if module_id not in ends:
            ends[module_id] = expires_at
        else:
            known = ends[module_id]
            ends[module_id] = (
                None if known is None or expires_at is None else max(known, expires_at)
            )
    return ends


def completing_workshop_modules(
    officer: User | int, module_ids: Iterable[int], *, valid_at: dt.datetime | None = None
) -> dict[int, WorkshopModule]:
    """For each of `module_ids` the officer completed: the workshop module (revision and
    workshop loaded) of the latest workshop that completed it (one query). With `valid_at`,
    only certificates still in their validity then count."""
    rows = (
        WorkshopModule.objects.filter(
            workshop_id__in=_certified_workshops(officer, valid_at=valid_at),
            revision__module_id__in=list(module_ids),
        )
        .select_related("revision", "workshop")
        .order_by(F("workshop__ends_at").desc(nulls_last=True), "-workshop_id")
    )
    latest: dict[int, WorkshopModule] = {}
    for row in rows:
        latest.setdefault(row.revision.module_id, row)
    return latest
