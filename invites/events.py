"""What a calendar event for a workshop session says, in the recipient's language."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from functools import cached_property

from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from workshops.models import Workshop, WorkshopModule

# Workshops whose sessions belong in calendars; any other status cancels them.
LIVE_STATUSES = (Workshop.Status.PUBLISHED, Workshop.Status.COMPLETED)


@dataclass(frozen=True)
class SessionEvent:
    """One session as an iCalendar event; times are aware UTC datetimes."""

    session_ref: int
    summary: str
    start: dt.datetime
    end: dt.datetime
    time_zone: str
    location: str
    description: str
    url: str

    @cached_property
    def fingerprint(self) -> str:
        """Hash of everything the recipient sees: a change of any of it sends an update."""
        return hashlib.sha256(json.dumps(self._json, sort_keys=True).encode()).hexdigest()

    def to_json(self) -> dict:
        return dict(self._json)

    @cached_property
    def _json(self) -> dict:
        # Computed once per event: a fan-out records it for every recipient.
        data = asdict(self)
        data["start"] = self.start.astimezone(dt.UTC).isoformat()
        data["end"] = self.end.astimezone(dt.UTC).isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict) -> SessionEvent:
        return cls(
            session_ref=int(data["session_ref"]),
            summary=data["summary"],
            start=dt.datetime.fromisoformat(data["start"]),
            end=dt.datetime.fromisoformat(data["end"]),
            time_zone=data["time_zone"],
            location=data.get("location", ""),
            description=data.get("description", ""),
            url=data.get("url", ""),
        )


def load_workshop(workshop_id: int) -> Workshop:
    """The workshop with everything an event needs, in four queries."""
    return (
        Workshop.objects.select_related("region")
        .prefetch_related(
            "sessions",
            "trainers",
            Prefetch(
                "workshop_modules",
                queryset=WorkshopModule.objects.select_related("revision").order_by("position"),
            ),
        )
        .get(pk=workshop_id)
    )


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def workshop_page_url(workshop: Workshop) -> str:
    """The workshop's page; the scheduling work owns it, so try its known names."""
    if hasattr(workshop, "get_absolute_url"):
        return absolute_url(workshop.get_absolute_url())
    for name in ("workshops:workshop_detail", "workshops:detail"):
        try:
            return absolute_url(reverse(name, kwargs={"pk": workshop.pk}))
        except NoReverseMatch:
            continue
    return absolute_url(reverse("invites:workshop_calendar", kwargs={"pk": workshop.pk}))


def workshop_location(workshop: Workshop) -> str:
    if workshop.format == Workshop.Format.ONLINE:
        return _("Online")
    parts = [workshop.venue_name, workshop.venue_address, workshop.city]
    if workshop.country:
        parts.append(str(workshop.country.name))
    place = ", ".join(p.strip() for p in parts if p and p.strip())
    if workshop.format == Workshop.Format.HYBRID:
        return _("%(place)s, or online") % {"place": place} if place else _("Online")
    return place


def session_summary(workshop: Workshop, session, number: int, total: int) -> str:
    title = workshop.title
    if session.title:
        title = f"{title}: {session.title}"
    if total > 1:
        return _("%(title)s (session %(number)s of %(total)s)") % {
            "title": title,
            "number": number,
            "total": total,
        }
    return title


def workshop_description(workshop: Workshop, *, include_joining: bool) -> str:
    lines = [workshop.title]
    modules = [wm.revision.title for wm in workshop.workshop_modules.all()]
    if modules:
        lines += ["", _("Modules:")] + [f"- {title}" for title in modules]
    trainers = [t.full_name or t.email for t in workshop.trainers.all()]
    if trainers:
        lines += ["", _("Trainers: %(names)s") % {"names": ", ".join(trainers)}]
    if include_joining and workshop.format != Workshop.Format.IN_PERSON:
        if workshop.online_url:
            lines += ["", _("Joining link: %(url)s") % {"url": workshop.online_url}]
        if workshop.online_details:
            lines += [_("Joining details:"), workshop.online_details.strip()]
    lines += ["", _("Workshop page: %(url)s") % {"url": workshop_page_url(workshop)}]
    lines += [
        _(
            "Your place is managed on the training site: cancelling this event in your "
            "calendar does not cancel your registration."
        )
    ]
    return "\n".join(lines)


def session_events(
    workshop: Workshop, *, language: str, include_joining: bool
) -> dict[int, SessionEvent]:
    """Every session of the workshop as an event, keyed by session id."""
    sessions = sorted(workshop.sessions.all(), key=lambda s: (s.starts_at, s.pk))
    with translation.override(language):
        description = workshop_description(workshop, include_joining=include_joining)
        location = workshop_location(workshop)
        url = workshop_page_url(workshop)
        return {
            session.pk: SessionEvent(
                session_ref=session.pk,
                summary=session_summary(workshop, session, number, len(sessions)),
                start=session.starts_at.astimezone(dt.UTC),
                end=session.ends_at.astimezone(dt.UTC),
                time_zone=workshop.time_zone,
                location=location,
                description=description,
                url=url,
            )
            for number, session in enumerate(sessions, start=1)
        }
