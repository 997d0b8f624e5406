"""Bodies of PUBLISH calendars: a user's subscription feed and a workshop's download."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registrations.models import Registration
from workshops.models import Workshop, WorkshopModule

from .events import LIVE_STATUSES, session_events
from .ical import publish_calendar
from .models import InviteDelivery

# Feeds stay small: sessions that ended longer ago than this are left out.
FEED_HISTORY = dt.timedelta(days=180)


def _with_event_data(queryset):
    return queryset.select_related("region").prefetch_related(
        "sessions",
        "trainers",
        Prefetch(
            "workshop_modules",
            queryset=WorkshopModule.objects.select_related("revision").order_by("position"),
        ),
    )


def generic_uid(session_id: int) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"ts-session-{session_id}@{host}"


def _items(user, workshops, *, include_joining, since=None):
    """(event, uid, dtstamp, sequence) for each session; the user's invite UID and sequence
    where an invite was sent, so an import updates the invite instead of duplicating it."""
    sent = {
        d.session_ref: d
        for d in InviteDelivery.objects.of_user(user).filter(
            workshop__in=[w.pk for w in workshops], sequence__isnull=False
        )
    }
    items = []
    for workshop in workshops:
        events = session_events(
            workshop,
            language=user.language or settings.LANGUAGE_CODE,
            include_joining=include_joining(workshop),
        )
        for ref, event in events.items():
            if since is not None and event.end < since:
                continue
            delivery = sent.get(ref)
            uid = delivery.uid if delivery else generic_uid(ref)
            sequence = delivery.sequence if delivery else 0
            items.append((event, uid, workshop.updated_at, sequence))
    items.sort(key=lambda item: (item[0].start, item[1]))
    return items


def feed_workshops(user) -> list[Workshop]:
    """Live workshops the user is confirmed for or teaches."""
    confirmed = (
        Registration.objects.of_officer(user)
        .filter(state=Registration.State.CONFIRMED)
        .values("workshop_id")
    )
    scope = Workshop.objects.filter(status__in=LIVE_STATUSES)
    workshops = scope.filter(pk__in=confirmed)
    if user.is_trainer:
        workshops = workshops | scope.taught_by(user)
    return list(_with_event_data(workshops.distinct()).order_by("starts_at", "pk"))


def feed_body(user) -> bytes:
    """All the user's confirmed (or taught) sessions as one PUBLISH calendar. Joining links
    are included: the feed only ever lists workshops the user may join."""
    workshops = feed_workshops(user)
    with translation.override(user.language or settings.LANGUAGE_CODE):
        name = _("%(program)s: my workshops") % {"program": settings.PROGRAM_NAME}
    items = _items(
        user,
        workshops,
        include_joining=lambda w: True,
        since=timezone.now() - FEED_HISTORY,
    )
    return publish_calendar(name=name, events=items).to_ical()


def may_see_joining_details(user, workshop: Workshop) -> bool:
    """Confirmed attendees, the workshop's trainers and its coordinators."""
    if Workshop.objects.editable_by(user).filter(pk=workshop.pk).exists():
        return True
    if any(t.pk == user.pk for t in workshop.trainers.all()):
        return True
    return (
        Registration.objects.of_officer(user)
        .filter(workshop=workshop, state=Registration.State.CONFIRMED)
        .exists()
    )


def workshop_body(user, workshop_id: int) -> bytes:
    """The sessions of a workshop the user can see, as a PUBLISH calendar download."""
    workshop = _with_event_data(Workshop.objects.filter(pk=workshop_id)).get()
    joining = workshop.status in LIVE_STATUSES and may_see_joining_details(user, workshop)
    items = _items(user, [workshop], include_joining=lambda w: joining)
    return publish_calendar(name=workshop.title, events=items).to_ical()
