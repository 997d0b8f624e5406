"""What the dashboard shows first: an officer's next workshop and what waits on them, and a
staff member's figures for their scope. The inbox counts come from context_processors."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils import timezone

from attendance.models import Certificate, Completion
from attendees.models import User
from invites.models import CalendarFeed, InviteDelivery
from registrations.models import Registration
from trainingsite.roles import has_role
from workshops.models import Workshop, WorkshopSession

from .items import count_each, workshops_awaiting_approval

APPROVALS_SHOWN = 3

State = Registration.State
WAITING_STATES = (State.OFFERED, State.PENDING, State.NOMINATION, State.WAITLISTED)


def _not_ended(prefix: str = "") -> Q:
    return Q(**{f"{prefix}ends_at__isnull": True}) | Q(**{f"{prefix}ends_at__gte": timezone.now()})


def _next_session(workshop) -> WorkshopSession | None:
    return (
        WorkshopSession.objects.filter(workshop=workshop, ends_at__gte=timezone.now())
        .order_by("starts_at", "pk")
        .first()
    )


def officer_overview(user) -> dict:
    """The officer's next confirmed workshop (its next session, whether it is in their
    calendar), registrations still waiting, feedback to give and certificates held."""
    mine = Registration.objects.of_officer(user)
    nxt = (
        mine.filter(_not_ended("workshop__"), state=State.CONFIRMED)
        .select_related("workshop")
        .annotate(
            invited=Exists(
                InviteDelivery.objects.of_user(user).live().filter(workshop=OuterRef("workshop"))
            ),
            subscribed=Exists(
                CalendarFeed.objects.of_user(user).filter(last_fetched_at__isnull=False)
            ),
        )
        .order_by("workshop__starts_at", "pk")
        .first()
    )
    counts = count_each(
        user,
        {
            "upcoming": mine.filter(_not_ended("workshop__"), state=State.CONFIRMED),
            "waiting": mine.filter(_not_ended("workshop__"), state__in=WAITING_STATES),
            "feedback": Completion.objects.of_officer(user)
            .completed()
            .filter(registration__feedback__isnull=True),
            "certificates": Certificate.objects.of_officer(user).active(),
        },
    )
    return {
        "next_registration": nxt,
        "next_session": _next_session(nxt.workshop) if nxt else None,
        "officer_counts": counts,
    }


def trainer_overview(user) -> dict:
    """The next workshop the trainer teaches."""
    workshop = (
        Workshop.objects.taught_by(user)
        .filter(_not_ended(), status=Workshop.Status.PUBLISHED)
        .order_by("starts_at", "pk")
        .first()
    )
    return {
        "next_taught": workshop,
        "next_taught_session": _next_session(workshop) if workshop else None,
    }


def coordinator_figures(user) -> dict:
    """Live figures for the coordinator's regions (upcoming published workshops, their seats,
    verified officers; never cached: seats change by the minute) and the first workshops with
    registrations to approve."""
    upcoming = Workshop.objects.editable_by(user).published().filter(_not_ended())
    seats = upcoming.aggregate(capacity=Sum("capacity"))["capacity"] or 0
    regs = Registration.objects.managed_by(user).filter(workshop__in=upcoming.values("pk"))
    figures: dict[str, int | None] = {}
    figures |= count_each(
        user,
        {
            "workshops": upcoming,
            "confirmed": regs.filter(state=State.CONFIRMED),
            "waitlisted": regs.filter(state=State.WAITLISTED),
            "officers": User.objects.managed_by(user).verified(),
        },
    )
    figures["capacity"] = seats
    confirmed = figures["confirmed"] or 0
    figures["fill"] = round(100 * confirmed / seats) if seats else None
    return {"figures": figures, "approvals": workshops_awaiting_approval(user, APPROVALS_SHOWN)}


def focal_point_figures(user) -> dict:
    """The focal point's agency: verified officers and their seats in upcoming workshops."""
    agency_regs = Registration.objects.filter(officer__agency_id=user.agency_id)
    return {
        "agency_figures": count_each(
            user,
            {
                "officers": User.objects.filter(agency_id=user.agency_id).verified(),
                "confirmed": agency_regs.filter(_not_ended("workshop__"), state=State.CONFIRMED),
            },
        )
    }


def dashboard_context(user) -> dict:
    context: dict = {}
    if has_role(user, "officer"):
        context |= officer_overview(user)
    if has_role(user, "trainer"):
        context |= trainer_overview(user)
    if has_role(user, "coordinator"):
        context |= coordinator_figures(user)
    if has_role(user, "focal_point"):
        context |= focal_point_figures(user)
    return context
