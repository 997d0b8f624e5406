"""`{% load when %}`: the template side of trainingsite.when, loadable from every app's templates
(registered under TEMPLATES' "libraries": trainingsite is not an installed app).

    {{ value|local_date }}                      8 Dec 2026 (the viewer's day)
    {{ value|local_date:workshop.time_zone }}   the day at the venue
    {{ value|local_datetime }}                  8 Dec 2026, 09:00 (Singapore Time, GMT+08:00)
    {% date_range w.starts_at w.ends_at w.time_zone %}     29–30 Dec 2026, venue-local days
    {% session_time s.starts_at s.ends_at w.time_zone user.time_zone %}
    {% period w.starts_at w.ends_at w.time_zone officer.time_zone %}   one line of text
"""

from __future__ import annotations

import datetime as dt

from django import template

from trainingsite import when

register = template.Library()


@register.filter
def local_date(value: dt.date | dt.datetime | None, tz: str | None = None) -> str:
    return when.date(value, tz or None)


@register.filter
def long_date(value: dt.date | dt.datetime | None, tz: str | None = None) -> str:
    return when.date(value, tz or None, long=True)


@register.filter
def local_datetime(value: dt.datetime | None, tz: str | None = None) -> str:
    return when.datetime(value, tz or None)


@register.filter
def timestamp(value: dt.datetime | None, tz: str | None = None) -> str:
    """Tables and logs: "8 Dec 2026, 09:00 CET"."""
    return when.datetime(value, tz or None, compact=True)


@register.filter
def time_with_zone(value: dt.datetime | None, tz: str | None = None) -> str:
    return when.time_with_zone(value, tz or None)


@register.filter
def clock(value: dt.datetime | None, tz: str | None = None) -> str:
    """Date and time without the zone: only inside a sentence that names the zone itself."""
    if value is None:
        return ""
    z = when.zone(tz or None)
    return when.join(when.date(value, z), when.time(value, z), when.locale())


@register.filter
def day_month(value, tz: str | None = None) -> str:
    return when.pattern(value, "MMMd", tz or None)


@register.filter
def weekday_day_month(value, tz: str | None = None) -> str:
    return when.pattern(value, "MMMEd", tz or None)


@register.filter
def month_year(value, tz: str | None = None) -> str:
    return when.pattern(value, "yMMMM", tz or None)


@register.simple_tag
def date_range(start, end, tz: str | None = None) -> str:
    return when.date_range(start, end, tz or None)


@register.simple_tag
def datetime_range(start, end, tz: str | None = None) -> str:
    return when.datetime_range(start, end, tz or None)


@register.simple_tag
def zone_label(tz: str | None = None, at: dt.datetime | None = None) -> str:
    return when.zone_label(tz or None, at)


@register.simple_tag
def period(start, end, home: str | None, viewer: str | None = None) -> str:
    return when.period(start, end, home, viewer or None)


@register.inclusion_tag("when/_span.html")
def session_time(start, end, home: str | None, viewer: str | None = None, online: bool = False):
    """A session in its workshop's zone (the venue's, or the host's for online workshops) and,
    where it reads differently, in the viewer's zone."""
    local, mine = when.spans(start, end, home, viewer or None)
    return {"local": local, "mine": mine, "online": online}


@register.filter
def time_abbr(value: dt.datetime | None, tz: str | None = None) -> str:
    """Tight spaces (a calendar cell): "09:00 CET"."""
    if value is None:
        return ""
    z = when.zone(tz or None)
    return f"{when.time(value, z)} {when.zone_abbreviation(z, value)}"
