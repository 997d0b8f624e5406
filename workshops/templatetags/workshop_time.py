"""Show workshop times in the workshop's zone and, where it differs, the viewer's zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import template
from django.utils import formats

register = template.Library()


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@register.filter
def in_zone(value: dt.datetime | None, tz_name: str) -> dt.datetime | None:
    """`{{ session.starts_at|in_zone:workshop.time_zone|date:"H:i" }}`"""
    if value is None:
        return None
    # Naive on purpose: Django's `date` filter would move an aware value back to the active zone.
    return value.astimezone(_zone(tz_name)).replace(tzinfo=None)


def _span(start: dt.datetime, end: dt.datetime, tz: zoneinfo.ZoneInfo) -> dict:
    s, e = start.astimezone(tz), end.astimezone(tz)
    offsets = (s.utcoffset(), e.utcoffset())
    abbr = s.strftime("%Z")
    s, e = s.replace(tzinfo=None), e.replace(tzinfo=None)
    return {
        "day": formats.date_format(s, "D j M Y"),
        "start": formats.time_format(s, "H:i"),
        "end": formats.time_format(e, "H:i"),
        "end_day": formats.date_format(e, "D j M") if e.date() != s.date() else "",
        "zone": tz.key,
        "abbr": abbr,
        "offset": offsets,
    }


@register.inclusion_tag("workshops/_time_span.html")
def time_span(start, end, workshop_tz: str, viewer_tz: str | None = None):
    """A session's times in the workshop's zone, then in the viewer's own zone if it differs."""
    local = _span(start, end, _zone(workshop_tz))
    mine = None
    if viewer_tz and viewer_tz != workshop_tz:
        candidate = _span(start, end, _zone(viewer_tz))
        if candidate["offset"] != local["offset"]:
            mine = candidate
    return {"local": local, "mine": mine}


@register.simple_tag
def date_range(start: dt.datetime | None, end: dt.datetime | None, tz_name: str) -> str:
    """ "Mon 30 Mar 2026" or "30 Mar – 2 Apr 2026", in the given zone."""
    if start is None:
        return ""
    tz = _zone(tz_name)
    s = start.astimezone(tz).replace(tzinfo=None)
    e = (end or start).astimezone(tz).replace(tzinfo=None)
    if s.date() == e.date():
        return formats.date_format(s, "D j M Y")
    if s.year != e.year:
        return f"{formats.date_format(s, 'j M Y')} – {formats.date_format(e, 'j M Y')}"
    return f"{formats.date_format(s, 'j M')} – {formats.date_format(e, 'j M Y')}"
