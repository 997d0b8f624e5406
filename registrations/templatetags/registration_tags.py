"""Template helpers for the registration panel and dashboard; pure computations on the
objects passed in, plus one aggregate query for the dashboard counts."""

from __future__ import annotations

from django import template
from django.db.models import Count, Q
from django.utils import timezone

from registrations.models import Registration

register = template.Library()
State = Registration.State


@register.simple_tag
def registration_panel_state(workshop, my_registration=None) -> dict:
    """What the registration panel may offer: register, cancel, or why neither."""
    now = timezone.now()
    started = workshop.starts_at is not None and workshop.starts_at <= now
    active = my_registration is not None and my_registration.state in Registration.ACTIVE_STATES
    is_open = (
        workshop.status == "published"
        and not started
        and workshop.registration_opens_at <= now <= workshop.registration_closes_at
    )
    deadline = workshop.cancellation_deadline or workshop.starts_at
    can_reregister = my_registration is None or my_registration.state == State.CANCELLED
    state = my_registration.state if my_registration is not None else None
    # A confirmed seat is given up by the cancellation deadline; a request or a waitlist place
    # holds no seat and may be given up until the start (`services.withdraw_request`).
    before_deadline = deadline is None or now <= deadline
    return {
        "is_open": is_open,
        "not_yet_open": workshop.status == "published" and now < workshop.registration_opens_at,
        "closed": not is_open and not (now < workshop.registration_opens_at),
        "can_register": is_open and can_reregister,
        "can_cancel": state == State.CONFIRMED and before_deadline,
        "can_withdraw": state in (State.PENDING, State.NOMINATION) and not started,
        "can_leave_waitlist": state == State.WAITLISTED and not started,
        "can_answer": state == State.OFFERED and not started,
        "cancel_deadline": deadline,
        "active": active,
    }


@register.simple_tag
def nominations_open(workshop) -> bool:
    """Whether a focal point may nominate officers for `workshop` now: published, from the
    opening of registration to the start (`services.nominate`)."""
    now = timezone.now()
    return (
        workshop.status == "published"
        and workshop.registration_opens_at <= now
        and (workshop.starts_at is None or now < workshop.starts_at)
    )


@register.simple_tag
def registration_counts(user) -> dict:
    """The officer's upcoming confirmed and still-waiting registrations, in one query."""
    if not user.is_authenticated or user.agency_id is None:
        return {}
    return (
        Registration.objects.of_officer(user)
        .filter(Q(workshop__ends_at__isnull=True) | Q(workshop__ends_at__gte=timezone.now()))
        .aggregate(
            upcoming=Count("pk", filter=Q(state=State.CONFIRMED)),
            waiting=Count(
                "pk", filter=Q(state__in=[State.WAITLISTED, State.PENDING, State.NOMINATION])
            ),
        )
    )


@register.simple_tag
def offered_nomination_count(user) -> int:
    """Nominations by the officer's agency waiting for their answer (workshops not started)."""
    if not user.is_authenticated or user.agency_id is None:
        return 0
    return (
        Registration.objects.of_officer(user)
        .filter(state=State.OFFERED, workshop__starts_at__gt=timezone.now())
        .count()
    )


@register.simple_tag
def pending_nomination_count(user) -> int:
    return Registration.objects.nominations_for(user).filter(state=State.NOMINATION).count()


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
