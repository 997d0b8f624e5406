"""What waits for a staff member: the daily digest's content.

Each part is scoped by the rule that lets the user act on it (the same QuerySets as the pages
where they act), and matches who gets the mail for each item as it happens (the services that
queue them): the two must never disagree on who is told."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import reduce

from django.db.models import Exists, OuterRef, Q, QuerySet

from attendees.models import User
from registrations.models import Registration
from workshops.models import Module, ModuleRevision, Workshop

# Rows listed per part; the mail links to the page with the rest.
SHOWN = 10


@dataclass
class Part:
    rows: list = field(default_factory=list)
    count: int = 0


@dataclass
class Waiting:
    registrations: Part  # to approve (coordinators)
    nominations: Part  # to endorse (focal points)
    officers: Part  # to vet (focal points; coordinators for agencies without one)
    reviews: Part  # modules in review (publish rights)
    sent_back: Part  # own modules sent back to draft (authors)
    published: Part  # own modules published in the past day (authors: news, not work)

    @property
    def is_empty(self) -> bool:
        return not any(part.count for part in self.parts())

    def parts(self) -> list[Part]:
        return [
            self.registrations,
            self.nominations,
            self.officers,
            self.reviews,
            self.sent_back,
            self.published,
        ]


def _part(queryset: QuerySet) -> Part:
    rows = list(queryset[: SHOWN + 1])
    count = len(rows) if len(rows) <= SHOWN else queryset.count()
    return Part(rows=rows[:SHOWN], count=count)


def _decidable(registrations, now: datetime):
    """Registrations of workshops that still give seats (published, not started)."""
    return registrations.filter(workshop__status=Workshop.Status.PUBLISHED).exclude(
        workshop__starts_at__lte=now
    )


def officers_to_vet(user: User) -> QuerySet:
    """Newcomers `user` may vet (`vettable_by`) who wait for them: their own agency's as a
    focal point; as a coordinator, those of agencies in their regions with no focal point."""
    pending = User.objects.vettable_by(user).filter(status=User.Status.PENDING)
    waiting_for_them = []
    if user.is_coordinator:
        has_focal_point = User.objects.focal_points().filter(agency_id=OuterRef("agency_id"))
        waiting_for_them.append(Q(~Exists(has_focal_point)))
    if user.is_focal_point and user.agency_id is not None:
        waiting_for_them.append(Q(agency_id=user.agency_id))
    if not waiting_for_them:
        return User.objects.none()
    return pending.filter(reduce(operator.or_, waiting_for_them))


def what_waits(user: User, *, now: datetime) -> Waiting:
    """Everything waiting for `user`, and their modules published since a day ago."""
    if not user.has_program_access:
        return Waiting(*(Part() for _ in range(6)))
    registrations = Registration.objects.select_related("officer__agency", "workshop")
    to_approve = (
        _decidable(registrations.managed_by(user), now).filter(state=Registration.State.PENDING)
        if user.is_coordinator
        else Registration.objects.none()
    )
    to_endorse = _decidable(registrations.nominations_for(user), now).filter(
        state=Registration.State.NOMINATION
    )
    authored = Module.objects.filter(authors=user)
    return Waiting(
        registrations=_part(to_approve.order_by("created_at", "pk")),
        nominations=_part(to_endorse.order_by("created_at", "pk")),
        officers=_part(officers_to_vet(user).select_related("agency").order_by("date_joined")),
        reviews=_part(Module.objects.reviewable_by(user).order_by("submitted_at", "pk")),
        sent_back=_part(
            authored.filter(status=Module.Status.DRAFT).exclude(review_comment="").order_by("pk")
        ),
        published=_part(
            ModuleRevision.objects.filter(
                module__in=authored, published_at__gt=now - timedelta(days=1)
            )
            .exclude(published_by=user)
            .order_by("-published_at")
        ),
    )
