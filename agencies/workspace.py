"""What a focal point sees first: what waits for them, seats held for the agency, the agency's
coming workshops, recent decisions on its registrations, vetting about to lapse and
certificates about to expire."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from attendance.models import Certificate
from attendees.models import Agency, AgencyRequest, User
from attendees.models.user import UserQuerySet
from inbox.items import count_each, nominations_to_endorse, officers_to_vet
from registrations.models import Registration, RegistrationEvent, SeatReservation
from reports.exports import registrations_in_scope
from workshops.models import Workshop

from .record import EXPIRY_NOTICE, certificate_notice_days

State = Registration.State
# Decisions shown: the ones a focal point hears about (a seat, a waitlist place, a refusal).
DECISIONS = (State.CONFIRMED, State.DECLINED, State.WAITLISTED, State.REMOVED)
RECENT = dt.timedelta(days=14)
SHOWN = 10


def vetting_expiring(officers: UserQuerySet, *, within: dt.timedelta, now=None) -> UserQuerySet:
    """Verified officers whose vetting lapses in the next `within` (not already lapsed)."""
    now = now or timezone.now()
    validity = settings.VETTING_VALIDITY
    return officers.verified().filter(
        vetted_at__gt=now - validity, vetted_at__lte=now + within - validity
    )


@dataclass
class Overview:
    officers_to_vet: int
    nominations_to_endorse: int
    profile_requests: int
    reservations: list[SeatReservation]
    workshops: list[Workshop]
    decisions: list[RegistrationEvent]
    expiring: list[User]
    expiring_count: int
    # Certificates and track credentials of the agency's officers (as the record lists them)
    # expiring within `certificate_notice_days`.
    certificates_expiring: int
    certificate_notice_days: int

    @property
    def unfilled_seats(self) -> int:
        return sum(r.seats - r.filled for r in self.reservations)  # type: ignore[attr-defined]


def workspace_overview(user, agency: Agency) -> Overview:
    """The workspace home of a focal point of `agency`: a fixed number of queries."""
    now = timezone.now()
    notice_days = certificate_notice_days()
    waiting = {
        "officers": (officers_to_vet(user) or User.objects.none()).filter(agency_id=agency.pk),
        "nominations": nominations_to_endorse(user) or Registration.objects.none(),
        "requests": AgencyRequest.objects.of_agency_of(user).pending(),
        # Nobody's work, but counted in the same query: the certificates of the agency's
        # officers about to expire, workshop certificates and track credentials alike (as the
        # record lists them, and the focal point's digest).
        "certificates": Certificate.objects.active().filter(
            holder__agency_id=agency.pk,
            expires_at__gt=now,
            expires_at__lte=now + dt.timedelta(days=notice_days),
        ),
    }
    counts = count_each(user, {k: qs for k, qs in waiting.items() if not qs.query.is_empty()})
    # Held reservations of one agency are a handful: all of them, so the total is exact.
    reservations = list(
        SeatReservation.objects.of_agency_of(user)
        .held()
        .with_filled()
        .filter(filled__lt=F("seats"))
        .select_related("workshop")
        .order_by("until", "pk")
    )
    own = registrations_in_scope(user).filter(officer__agency_id=agency.pk)
    of_agency = Q(registrations__officer__agency_id=agency.pk)
    workshops = list(
        Workshop.objects.upcoming(now)
        .filter(pk__in=own.active().values("workshop_id"))
        .annotate(
            agency_confirmed=Count(
                "registrations", filter=of_agency & Q(registrations__state=State.CONFIRMED)
            ),
            agency_waitlisted=Count(
                "registrations", filter=of_agency & Q(registrations__state=State.WAITLISTED)
            ),
            agency_waiting=Count(
                "registrations",
                filter=of_agency
                & Q(registrations__state__in=[State.OFFERED, State.NOMINATION, State.PENDING]),
            ),
        )
        .order_by("starts_at", "pk")[:SHOWN]
    )
    decisions = list(
        RegistrationEvent.objects.filter(
            registration__in=own.values("pk"),
            to_state__in=DECISIONS,
            created_at__gte=now - RECENT,
        )
        .select_related("actor", "registration__officer", "registration__workshop")
        .order_by("-created_at", "-pk")[:SHOWN]
    )
    expiring_qs = vetting_expiring(
        User.objects.filter(agency_id=agency.pk), within=EXPIRY_NOTICE, now=now
    )
    expiring = list(expiring_qs.order_by("vetted_at", "pk")[: SHOWN + 1])
    return Overview(
        officers_to_vet=counts.get("officers", 0),
        nominations_to_endorse=counts.get("nominations", 0),
        profile_requests=counts.get("requests", 0),
        reservations=reservations,
        workshops=workshops,
        decisions=decisions,
        expiring=expiring[:SHOWN],
        # Counted only when there are more than shown: one query on a usual day.
        expiring_count=len(expiring) if len(expiring) <= SHOWN else expiring_qs.count(),
        certificates_expiring=counts.get("certificates", 0),
        certificate_notice_days=notice_days,
    )
