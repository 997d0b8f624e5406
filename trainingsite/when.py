"""Every date and time the site shows, in one place: formats from the locale (CLDR, through
Babel), workshops in their venue's zone, and no time without the zone it is in.

Pages, e-mails and certificates all come here (the template library is `trainingsite.when_tags`,
loaded as `{% load when %}`). Machine formats (ISO 8601 in exports and feeds) do not."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass
from importlib import resources

from babel import Locale
from babel import dates as babel_dates
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

UTC = zoneinfo.ZoneInfo("UTC")

# Django language code -> CLDR locale. English is the international one: day before month and a
# 24-hour clock (CLDR's plain "en" is the United States' month-first, a.m./p.m. English).
LOCALES = {"en": "en_GB", "es": "es", "pt-br": "pt_BR", "fr": "fr", "zh-hans": "zh_Hans"}


@functools.cache
def _locale(code: str) -> Locale:
    return Locale.parse(LOCALES.get(code.lower(), code.replace("-", "_")))


def locale(language: str | None = None) -> Locale:
    """The CLDR locale of `language`, or of the active language."""
    return _locale(language or translation.get_language() or settings.LANGUAGE_CODE)


def zone(value: str | dt.tzinfo | None) -> dt.tzinfo:
    """A zone from its name (unknown or empty: UTC), or the active zone for None."""
    if value is None:
        return timezone.get_current_timezone()
    if isinstance(value, dt.tzinfo):
        return value
    try:
        return zoneinfo.ZoneInfo(value or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC


def _local(value: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    if timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value.astimezone(tz)


def _zone_key(tz: dt.tzinfo) -> str:
    return getattr(tz, "key", "") or str(tz)


def _is_utc(tz: dt.tzinfo) -> bool:
    return _zone_key(tz) in {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Zulu", "Etc/Zulu"}


def _abbreviation(at: dt.datetime, loc: Locale) -> str:
    """CLDR's short name where the locale has one people know (CET, BST, EDT), else the offset
    written the locale's way (GMT+08:00, UTC+08:00): never a guess such as tzdata's "+08"."""
    short = babel_dates.get_timezone_name(at, "short", locale=loc)
    if short and short[0].isalpha() and not short.startswith(("GMT", "UTC")):
        return short
    return babel_dates.get_timezone_gmt(at, "long", locale=loc)


def city(tz: dt.tzinfo, language: str | None = None) -> str:
    """The zone's exemplar city in the locale ("Warsaw", "Varsovia", "华沙")."""
    if _is_utc(tz):
        return "UTC"
    return babel_dates.get_timezone_location(tz, locale=locale(language), return_city=True)


def zone_label(
    tz: str | dt.tzinfo | None, at: dt.datetime | None = None, language: str | None = None
) -> str:
    """ "Warsaw Time, CET", "hora de Varsovia, CET", "华沙时间, GMT+01:00"; "UTC" for UTC. The
    abbreviation is the one in force at `at` (CET in winter, CEST in summer)."""
    tz = zone(tz)
    if _is_utc(tz):
        return "UTC"
    loc = locale(language)
    moment = _local(at or timezone.now(), tz)
    region = loc.zone_formats["region"] % city(tz, language)
    return f"{region}{_comma(loc)}{_abbreviation(moment, loc)}"


def _comma(loc: Locale) -> str:
    return "，" if loc.language == "zh" else ", "


def in_parentheses(text: str, language: str | None = None) -> str:
    return f"（{text}）" if locale(language).language == "zh" else f" ({text})"


def offset(tz: str | dt.tzinfo, at: dt.datetime | None = None) -> str:
    """The zone's offset from UTC at `at` (now by default): "UTC+05:30", "UTC−03:00"."""
    delta = _local(at or timezone.now(), zone(tz)).utcoffset() or dt.timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _as_date(value: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.date:
    return _local(value, tz).date() if isinstance(value, dt.datetime) else value


def date(
    value: dt.date | dt.datetime | None,
    tz: str | dt.tzinfo | None = None,
    *,
    weekday: bool = False,
    long: bool = False,
    language: str | None = None,
) -> str:
    """A day, in the zone given (the active zone by default): "8 Dec 2026", "8 dic 2026",
    "2026年12月8日"; `long` spells the month out, `weekday` names the day."""
    if value is None:
        return ""
    day = _as_date(value, zone(tz))
    skeleton = "yMMMMd" if long else "yMMMEd" if weekday else "yMMMd"
    return babel_dates.format_skeleton(skeleton, day, locale=locale(language))


def pattern(
    value: dt.date | dt.datetime | None,
    skeleton: str,
    tz: str | dt.tzinfo | None = None,
    language: str | None = None,
) -> str:
    """A CLDR skeleton in the locale's own order and words: "MMMd" is "29 Dec" or "12月29日",
    "yMMMM" is "December 2026" or "2026年12月", "MMMEd" is "Tue, 29 Dec". No time skeletons
    here (a time needs its zone: `datetime`, `time_with_zone`)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value, zone(tz))
    return babel_dates.format_skeleton(skeleton, value, locale=locale(language))


def date_range(
    start: dt.date | dt.datetime | None,
    end: dt.date | dt.datetime | None,
    tz: str | dt.tzinfo | None = None,
    *,
    long: bool = False,
    language: str | None = None,
) -> str:
    """The days from `start` to `end` as seen in `tz` (a workshop's own zone: a two-day Warsaw
    course is the same two days wherever it is read): "29–30 Dec 2026", "2026年12月29日至30日"."""
    if start is None:
        return ""
    z = zone(tz)
    first = _as_date(start, z)
    last = _as_date(end, z) if end is not None else first
    if first == last:
        return date(first, z, weekday=not long, long=long, language=language)
    if long:
        # CLDR has no interval format with the month spelled out: both days in full.
        ends = date(last, z, long=True, language=language)
        return f"{date(first, z, long=True, language=language)} – {ends}"
    return babel_dates.format_interval(first, last, "yMMMd", locale=locale(language))


def time(value: dt.datetime, tz: str | dt.tzinfo | None = None, language: str | None = None) -> str:
    """The clock time alone ("09:00"); say the zone beside it."""
    return babel_dates.format_skeleton("Hm", _local(value, zone(tz)), locale=locale(language))


def time_with_zone(
    value: dt.datetime | None, tz: str | dt.tzinfo | None = None, language: str | None = None
) -> str:
    """ "09:00 (Warsaw Time, CET)"."""
    if value is None:
        return ""
    z = zone(tz)
    return time(value, z, language) + in_parentheses(zone_label(z, value, language), language)


def join(day: str, clock: str, loc: Locale) -> str:
    """The locale's way of putting a date and a time together ("{1}, {0}", "{1} {0}")."""
    pattern = str(loc.datetime_formats["medium"])
    return pattern.replace("{1}", day).replace("{0}", clock)


def datetime(
    value: dt.datetime | None,
    tz: str | dt.tzinfo | None = None,
    language: str | None = None,
    *,
    compact: bool = False,
) -> str:
    """A moment with the zone named: "8 Dec 2026, 09:00 (Warsaw Time, CET)". The active zone
    (the viewer's) by default. `compact` (tables, logs) names the zone by its abbreviation or
    offset only: "8 Dec 2026, 09:00 CET"."""
    if value is None:
        return ""
    z = zone(tz)
    local = _local(value, z)
    loc = locale(language)
    text = join(date(local, z, language=language), time(local, z, language), loc)
    if compact:
        return f"{text} {zone_abbreviation(z, local, language)}"
    return text + in_parentheses(zone_label(z, local, language), language)


def zone_abbreviation(
    tz: str | dt.tzinfo | None, at: dt.datetime | None = None, language: str | None = None
) -> str:
    """ "CET", "GMT+08:00", "UTC": the short half of `zone_label`."""
    z = zone(tz)
    if _is_utc(z):
        return "UTC"
    return _abbreviation(_local(at or timezone.now(), z), locale(language))


def datetime_range(
    start: dt.datetime | None,
    end: dt.datetime | None,
    tz: str | dt.tzinfo | None = None,
    language: str | None = None,
) -> str:
    """From one moment to another, the zone named once: "1 Dec 2026, 09:00 – 8 Dec 2026, 23:59
    (Singapore Time, GMT+08:00)"."""
    if start is None or end is None:
        return datetime(start or end, tz, language)
    z = zone(tz)
    loc = locale(language)
    s, e = _local(start, z), _local(end, z)
    first = join(date(s, z, language=language), time(s, z, language), loc)
    last = join(date(e, z, language=language), time(e, z, language), loc)
    return f"{first} – {last}" + in_parentheses(zone_label(z, s, language), language)


@dataclass(frozen=True)
class Span:
    """A session's times in one zone: `text` is "Tue, 29 Dec 2026, 09:00–17:00"."""

    text: str
    zone: str
    offsets: tuple[dt.timedelta | None, dt.timedelta | None]

    def __str__(self) -> str:
        return self.text + in_parentheses(self.zone)


def span(
    start: dt.datetime, end: dt.datetime, tz: str | dt.tzinfo | None, language: str | None = None
) -> Span:
    z = zone(tz)
    s, e = _local(start, z), _local(end, z)
    loc = locale(language)
    day = date(s, z, weekday=True, language=language)
    if s.date() == e.date():
        clock = babel_dates.format_interval(s.time(), e.time(), "Hm", locale=loc)
        text = join(day, clock, loc)
    else:
        end_text = join(date(e, z, weekday=True, language=language), time(e, z, language), loc)
        text = f"{join(day, time(s, z, language), loc)} – {end_text}"
    return Span(text=text, zone=zone_label(z, s, language), offsets=(s.utcoffset(), e.utcoffset()))


def spans(
    start: dt.datetime,
    end: dt.datetime,
    home: str | dt.tzinfo | None,
    viewer: str | dt.tzinfo | None = None,
    language: str | None = None,
) -> tuple[Span, Span | None]:
    """A session in its workshop's zone, and in the viewer's zone where that reads differently
    (another offset); None for the second when it would repeat the first."""
    local = span(start, end, home, language)
    if viewer is None:
        return local, None
    mine = span(start, end, viewer, language)
    return local, (None if mine.offsets == local.offsets else mine)


def period(
    start: dt.datetime | None,
    end: dt.datetime | None,
    home: str | dt.tzinfo | None,
    viewer: str | dt.tzinfo | None = None,
    language: str | None = None,
) -> str:
    """A whole workshop as one line of text (e-mails): its first start to its last end in its
    own zone, then the reader's where that differs."""
    if start is None:
        return ""
    local, mine = spans(start, end or start, home, viewer, language)
    if mine is None:
        return str(local)
    with translation.override(language or translation.get_language()):
        return gettext("%(home)s; your time: %(mine)s") % {
            "home": local,
            "mine": mine,
        }


# Time zones people pick from: the canonical Area/City zones of tzdata's zone.tab (no legacy
# aliases such as US/Pacific, no Factory or localtime), plus UTC.
AREAS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
_AREA_CITY = re.compile(r"^(" + "|".join(AREAS) + r")/[A-Za-z0-9_+\-/]+$")


@functools.cache
def canonical_zones() -> frozenset[str]:
    available = zoneinfo.available_timezones()
    tab = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text("utf-8")
    names = {
        line.split("\t")[2]
        for line in tab.splitlines()
        if line and not line.startswith("#") and len(line.split("\t")) > 2
    }
    return frozenset(n for n in names if n in available and _AREA_CITY.match(n)) | {"UTC"}


@functools.cache
def _links() -> dict[str, str]:
    zi = resources.files("tzdata").joinpath("zoneinfo", "tzdata.zi").read_text("utf-8")
    return {
        parts[2]: parts[1]
        for parts in (line.split() for line in zi.splitlines())
        if len(parts) == 3 and parts[0] == "L"
    }


def canonical_zone(name: str | None, default: str = "UTC") -> str:
    """The pickable zone a name stands for: itself, the zone a legacy alias links to
    (US/Pacific -> America/Los_Angeles, Asia/Calcutta -> Asia/Kolkata), else `default`."""
    zones = canonical_zones()
    name = (name or "").strip()
    for _ in range(3):
        if name in zones:
            return name
        if name not in _links():
            break
        name = _links()[name]
    return default


def area_name(area: str) -> str:
    names = {
        "Africa": gettext("Africa"),
        "America": gettext("Americas"),
        "Antarctica": gettext("Antarctica"),
        "Arctic": gettext("Arctic"),
        "Asia": gettext("Asia"),
        "Atlantic": gettext("Atlantic"),
        "Australia": gettext("Australia"),
        "Europe": gettext("Europe"),
        "Indian": gettext("Indian Ocean"),
        "Pacific": gettext("Pacific"),
    }
    return names.get(area, area)


def zone_choices(
    now: dt.datetime | None = None, language: str | None = None
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a <select>: (area, [(name, "Warsaw · UTC+01:00 · Europe/Warsaw")]),
    UTC first, each area sorted by its cities' names in the locale; offsets as of `now`."""
    now = now or timezone.now()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    # Built once an hour per language: offsets shown are those of the hour's start.
    return _zone_choices(now.replace(minute=0, second=0, microsecond=0), language)


@functools.lru_cache(maxsize=16)
def _zone_choices(now: dt.datetime, language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in canonical_zones():
        if name == "UTC":
            continue
        tz = zoneinfo.ZoneInfo(name)
        # City and offset first: what a narrow <select> still shows.
        label = f"{city(tz, language)} · {offset(tz, now)} · {name.replace('_', ' ')}"
        groups.setdefault(name.split("/", 1)[0], []).append((name, label))
    choices: list[tuple[str, list[tuple[str, str]]]] = [
        ("UTC", [("UTC", f"UTC · {offset(UTC, now)}")])
    ]
    with translation.override(language):
        for area in AREAS:
            if area in groups:
                ordered = sorted(groups[area], key=lambda c: c[1].casefold())
                choices.append((area_name(area), ordered))
    return choices
