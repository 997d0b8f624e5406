"""What changed for a focal point's agency between two digests, and what comes up next.

Only for focal points, and only about their own agency: each list starts from the scoped
QuerySet of the app that owns it (`nominations_for`, `vettable_by`, `of_agency_of`), so nothing
about another agency can appear. Other staff get an empty report (their inbox says it all).

    changes_for(user, since=, until=)    -> [Block], decisions made in that window
    coming_up_for(user, now=, days=)     -> [Block], seats about to return, vetting expiring,
                                            certificates expiring
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from attendance.models import Certificate
from attendees.models import Agency, AgencyRequest, User, VettingDecision
from registrations.models import Registration, RegistrationEvent, SeatReservation
from trainingsite.roles import has_role

State = Registration.State

# The most rows a block lists; the rest are on the page it links to.
SHOWN = 20
# Officers whose vetting ends within this many days are listed under "Coming up".
VETTING_NOTICE_DAYS = 30
# Certificates of the agency's officers that expire within this many days, likewise.
CERTIFICATE_NOTICE_DAYS = 14

# Vetting decisions someone else made about an officer; an officer's own steps (sign-up,
# re-confirming their e-mail) and automatic verification are not decisions.
DECIDED = [
    VettingDecision.Action.APPROVED,
    VettingDecision.Action.REJECTED,
    VettingDecision.Action.SUSPENDED,
    VettingDecision.Action.REINSTATED,
    VettingDecision.Action.FOCAL_NAMED,
    VettingDecision.Action.FOCAL_REMOVED,
    VettingDecision.Action.NAME_APPROVED,
    VettingDecision.Action.NAME_DECLINED,
]


@dataclass
class Block:
    key: str
    title: Promise
    url: str  # the page where the agency's focal point follows it up
    rows: list = field(default_factory=list)
    more: bool = False  # more rows than SHOWN


def _is_focal_point(user) -> bool:
    return has_role(user, "focal_point")


def _first(rows: list) -> tuple[list, bool]:
    return rows[:SHOWN], len(rows) > SHOWN


def decision_label(event: RegistrationEvent) -> Promise | None:
    """What an event on an officer's registration means to their focal point, or None when it
    is no news to them (the officer asking for a seat or giving it up is in their inbox or
    their officer's own record)."""
    officer_id = event.registration.officer_id
    frm, to = event.from_state, event.to_state
    if frm == State.OFFERED and event.actor_id == officer_id:
        if to in Registration.ACTIVE_STATES:
            return _("Accepted the nomination")
        return _("Declined the nomination")
    if event.actor_id is not None and event.actor_id == officer_id:
        return None
    if to == State.CONFIRMED:
        if frm == State.PENDING:
            return _("Approved, seat confirmed")
        if frm == State.WAITLISTED:
            return _("Given a seat from the waitlist")
        return _("Seat confirmed")
    if to == State.WAITLISTED:
        if frm == State.PENDING:
            return _("Approved, on the waitlist")
        return _("Waitlisted")
    if to == State.DECLINED:
        if frm == State.NOMINATION:
            return _("Nomination not endorsed")
        return _("Declined")
    if to == State.REMOVED:
        return _("Removed from the workshop")
    if to == State.CANCELLED:
        return _("Registration cancelled")
    if to == State.PENDING and frm == State.NOMINATION:
        return _("Nomination endorsed")
    if to == State.OFFERED:
        return _("Nominated")
    return None


def registration_decisions(user, *, since: datetime, until: datetime) -> tuple[list, bool]:
    """Decisions on the registrations of the focal point's agency's officers made in the
    window by someone else, oldest first, each with `label`."""
    if not _is_focal_point(user):
        return [], False
    events = (
        RegistrationEvent.objects.filter(
            registration__in=Registration.objects.nominations_for(user),
            created_at__gt=since,
            created_at__lte=until,
        )
        .exclude(actor=user)
        # The officer's own steps, but for their answer to a nomination.
        .exclude(Q(actor=F("registration__officer")) & ~Q(from_state=State.OFFERED))
        .select_related("registration__officer", "registration__workshop", "actor")
        .order_by("created_at", "pk")
    )
    rows: list[Any] = []
    event: Any
    for event in events.iterator(chunk_size=SHOWN * 2):
        label = decision_label(event)
        if label is not None:
            event.label = label
            rows.append(event)
            if len(rows) > SHOWN:
                break
    return _first(rows)


def vetting_decisions(user, *, since: datetime, until: datetime) -> tuple[list, bool]:
    """Vetting decisions others (coordinators, a fellow focal point) made in the window about
    the focal point's agency's officers, oldest first."""
    if not _is_focal_point(user):
        return [], False
    officers = User.objects.vettable_by(user).filter(agency_id=user.agency_id)
    rows = list(
        VettingDecision.objects.filter(
            officer__in=officers,
            action__in=DECIDED,
            decided_by__isnull=False,
            created_at__gt=since,
            created_at__lte=until,
        )
        .exclude(decided_by=user)
        .exclude(decided_by=F("officer"))
        .select_related("officer", "decided_by")
        .order_by("created_at", "pk")[: SHOWN + 1]
    )
    return _first(rows)


def requests_decided(user, *, since: datetime, until: datetime) -> tuple[list, bool]:
    """The agency's profile requests a coordinator decided in the window, oldest first, each
    with `asked` (the domain, vetting mode or officer asked for)."""
    if not _is_focal_point(user):
        return [], False
    rows = list(
        AgencyRequest.objects.of_agency_of(user)
        .filter(
            status__in=[AgencyRequest.Status.APPROVED, AgencyRequest.Status.DECLINED],
            decided_at__gt=since,
            decided_at__lte=until,
        )
        .select_related("officer", "decided_by")
        .order_by("decided_at", "pk")[: SHOWN + 1]
    )
    modes = dict(Agency.VettingMode.choices)
    for request in rows:
        if request.kind == AgencyRequest.Kind.ADD_FOCAL_POINT and request.officer is not None:
            request.asked = request.officer.full_name or request.officer.email
        elif request.kind == AgencyRequest.Kind.VETTING_MODE:
            request.asked = modes.get(request.value, request.value)
        else:
            request.asked = request.value
    return _first(rows)


def seats_returning(user, *, now: datetime, days: int) -> tuple[list, bool]:
    """The agency's held reservations with unfilled seats that return to the open pool within
    `days`, soonest first, each with `unfilled`."""
    if not _is_focal_point(user):
        return [], False
    rows = list(
        SeatReservation.objects.of_agency_of(user)
        .held()
        .with_filled()
        .filter(until__gt=now, until__lte=now + timedelta(days=days), filled__lt=F("seats"))
        .select_related("workshop")
        .order_by("until", "pk")[: SHOWN + 1]
    )
    for reservation in rows:
        reservation.unfilled = reservation.seats - reservation.filled
    return _first(rows)


def vetting_expiring(user, *, now: datetime, days: int = VETTING_NOTICE_DAYS) -> tuple[list, bool]:
    """Verified officers of the focal point's agency whose vetting ends within `days`, soonest
    first (they keep access by re-confirming their agency e-mail)."""
    if not _is_focal_point(user):
        return [], False
    validity = settings.VETTING_VALIDITY
    rows = list(
        User.objects.vettable_by(user)
        .filter(
            agency_id=user.agency_id,
            status=User.Status.VERIFIED,
            is_active=True,
            vetted_at__gt=now - validity,
            vetted_at__lte=now + timedelta(days=days) - validity,
        )
        .order_by("vetted_at", "pk")[: SHOWN + 1]
    )
    return _first(rows)


def certificates_expiring(
    user, *, now: datetime, days: int = CERTIFICATE_NOTICE_DAYS
) -> tuple[list, bool]:
    """Certificates in force of the focal point's agency's officers that expire within `days`,
    soonest first (workshop certificates and track credentials alike)."""
    if not _is_focal_point(user):
        return [], False
    rows = list(
        Certificate.objects.active()
        .filter(
            holder__in=User.objects.filter(agency_id=user.agency_id),
            expires_at__gt=now,
            expires_at__lte=now + timedelta(days=days),
        )
        .select_related("holder", "registration__workshop", "track")
        .order_by("expires_at", "pk")[: SHOWN + 1]
    )
    return _first(rows)


def changes_for(user, *, since: datetime, until: datetime) -> list[Block]:
    """What changed for the focal point's agency in (since, until]: the blocks with rows."""
    nominations = reverse("registration:nominations")
    agency = reverse("my_agency")
    blocks = [
        Block(
            "registrations",
            _("Decisions on your officers' registrations"),
            nominations,
            *registration_decisions(user, since=since, until=until),
        ),
        Block(
            "vetting",
            _("Vetting decisions by others"),
            agency,
            *vetting_decisions(user, since=since, until=until),
        ),
        Block(
            "requests",
            _("Your agency's requests decided"),
            agency,
            *requests_decided(user, since=since, until=until),
        ),
    ]
    return [block for block in blocks if block.rows]


def _certificates_url(user) -> str:
    if user.agency_id is None:
        return ""
    return f"{reverse('agencies:record', args=[user.agency_id])}?section=certificates"


def coming_up_for(user, *, now: datetime, days: int) -> list[Block]:
    """Seats about to return to the pool (within `days`), vetting and certificates about to
    expire."""
    blocks = [
        Block(
            "seats",
            _("Reserved seats about to return to the open pool"),
            reverse("registration:nominations"),
            *seats_returning(user, now=now, days=days),
        ),
        Block(
            "expiring",
            _("Vetting about to expire"),
            reverse("my_agency"),
            *vetting_expiring(user, now=now),
        ),
        Block(
            "certificates",
            _("Your officers' certificates about to expire"),
            _certificates_url(user),
            *certificates_expiring(user, now=now),
        ),
    ]
    return [block for block in blocks if block.rows]
