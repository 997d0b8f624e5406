"""Links that open a session in Google Calendar or Outlook.com, with UTC times.

They carry only what the workshop page shows anyone who can see it (title, place, page link):
the joining link never goes into a third-party URL."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote, urlencode

from django import template

from ..events import session_summary, workshop_location, workshop_page_url

register = template.Library()


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(microsecond=0)


def google_calendar_url(*, title: str, start, end, details: str, location: str) -> str:
    dates = f"{_utc(start):%Y%m%dT%H%M%SZ}/{_utc(end):%Y%m%dT%H%M%SZ}"
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": title,
            "dates": dates,
            "details": details,
            "location": location,
        },
        quote_via=quote,
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_calendar_url(*, title: str, start, end, details: str, location: str) -> str:
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": title,
            "startdt": f"{_utc(start):%Y-%m-%dT%H:%M:%SZ}",
            "enddt": f"{_utc(end):%Y-%m-%dT%H:%M:%SZ}",
            "body": details,
            "location": location,
        },
        quote_via=quote,
    )
    return f"https://outlook.live.com/calendar/0/deeplink/compose?{query}"


@register.simple_tag
def session_calendar_links(workshop, sessions) -> list[dict]:
    """Per session: summary, times and the Google / Outlook.com links. No queries: uses the
    sessions passed in."""
    sessions = sorted(sessions, key=lambda s: (s.starts_at, s.pk))
    details = workshop_page_url(workshop)
    location = workshop_location(workshop)
    links = []
    for number, session in enumerate(sessions, start=1):
        title = session_summary(workshop, session, number, len(sessions))
        spec = {
            "title": title,
            "start": session.starts_at,
            "end": session.ends_at,
            "details": details,
            "location": location,
        }
        links.append(
            {
                "session": session,
                "title": title,
                "google": google_calendar_url(**spec),
                "outlook": outlook_calendar_url(**spec),
            }
        )
    return links
