"""The program report as XLSX sheets: one sheet per table of the report page.

Every figure is stored as what it is: counts as integers, rates as the exact ratio in a
percent-formatted cell, ratings as the exact average formatted to one decimal, training hours
as the page's Decimal, dates as dates; Excel then shows what the page shows.
"""

from __future__ import annotations

import zoneinfo

from django.utils.translation import gettext as _

from assessments.gain import GainFigures, GainLine

from .breakdown import BreakdownFigures
from .figures import ProgramFigures
from .tabular import Cell, Column


def _tz(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name or "UTC")


def _breakdown_columns() -> list[Column]:
    return [
        Column(_("Officers with access"), "int", 10),
        Column(_("Registrations"), "int", 10),
        Column(_("Confirmed"), "int", 10),
        Column(_("Attended"), "int", 10),
        Column(_("No-shows"), "int", 10),
        Column(_("Completed"), "int", 10),
        Column(_("Certificates"), "int", 10),
        Column(_("Training hours"), "hours", 10),
        Column(_("Seats reserved"), "int", 10),
        Column(_("Seats filled"), "int", 10),
        Column(_("Fill rate"), "percent", 10),
        Column(_("Returned unfilled"), "int", 10),
        Column(_("Nominated by the agency"), "int", 10),
        Column(_("Nominations accepted"), "int", 10),
        Column(_("Nominations declined"), "int", 10),
        Column(_("Endorsed"), "int", 10),
    ]


def _breakdown_cells(line: BreakdownFigures) -> list:
    return [
        line.officers,
        line.registrations,
        line.confirmed,
        line.attended,
        line.no_shows,
        line.completed,
        line.certificates,
        line.hours,
        line.seats_reserved,
        line.seats_filled,
        line.fill_rate,
        line.seats_returned,
        line.nominated,
        line.nominations_accepted,
        line.nominations_declined,
        line.endorsed,
    ]


def gain_columns() -> list[Column]:
    return [
        Column(_("Grouping"), width=14),
        Column(_("Group"), width=32),
        Column(_("Officers"), "int", 10),
        Column(_("Mean pre-test (%)"), "rating", 12),
        Column(_("Mean post-test (%)"), "rating", 12),
        Column(_("Gain (points)"), "rating", 12),
        Column(_("Normalised gain"), "percent", 12),
    ]


def _gain_cells(grouping: str, line: GainLine) -> list:
    # A hidden group keeps its officers' count and shows no score.
    return [
        grouping,
        line.label,
        line.officers,
        line.pre_mean,
        line.post_mean,
        line.gain,
        line.normalised,
    ]


def gain_rows(gain: GainFigures | None) -> list[list]:
    """The knowledge gain table: the total, then each grouping's lines (the page's order)."""
    if gain is None:
        return []
    rows = [_gain_cells(_("All"), gain.total)]
    for _key, title, lines in gain.groupings():
        rows.extend(_gain_cells(title, line) for line in lines)
    return rows


def report_sheets(f: ProgramFigures) -> list[tuple[str, list[Column], list[list]]]:
    summary: list[list] = [
        [_("Period start"), Cell(f.start, "date")],
        [_("Period end"), Cell(f.end, "date")],
        [_("Workshops scheduled"), Cell(f.workshops_scheduled, "int")],
        [_("Workshops held"), Cell(f.workshops_held, "int")],
        [_("Attendees"), Cell(f.attendees, "int")],
        [_("Officers trained"), Cell(f.officers_trained, "int")],
        [_("Completion rate"), Cell(f.completion_rate, "percent")],
        [_("Agencies reached"), Cell(f.agencies_reached, "int")],
        [_("Countries reached"), Cell(f.countries_reached, "int")],
        [_("Training hours"), Cell(f.hours_total, "hours")],
        [_("Seat use"), Cell(f.utilisation, "percent")],
        [_("Waitlisted"), Cell(f.waitlisted, "int")],
    ]
    return [
        (
            _("Summary"),
            [Column(_("Figure"), width=28), Column(_("Value"), width=14)],
            summary,
        ),
        (
            _("Regions"),
            [
                Column(_("Region"), width=20),
                Column(_("Workshops held"), "int", 10),
                Column(_("Attendees"), "int", 10),
                Column(_("Officers trained"), "int", 10),
                Column(_("Completion rate"), "percent", 12),
                Column(_("Training hours"), "hours", 12),
                Column(_("Confirmed"), "int", 10),
                Column(_("Capacity"), "int", 10),
                Column(_("Seat use"), "percent", 12),
                Column(_("Waitlisted"), "int", 10),
                Column(_("Feedback answers"), "int", 10),
                Column(_("Overall rating"), "rating", 10),
            ],
            [
                [
                    r.region,
                    r.workshops_held,
                    r.attendees,
                    r.officers_trained,
                    r.completion_rate,
                    r.hours,
                    r.confirmed,
                    r.capacity,
                    r.utilisation,
                    r.waitlisted,
                    r.feedback_answers,
                    r.overall_avg,
                ]
                for r in f.regions
            ],
        ),
        (
            _("Hours by track"),
            [Column(_("Track"), width=28), Column(_("Training hours"), "hours", 14)],
            [[t, h] for t, h in f.hours_by_track],
        ),
        (
            _("Workshops"),
            [
                Column(_("Workshop"), width=36),
                Column(_("Region"), width=16),
                Column(_("Starts (workshop time)"), "datetime", 18),
                Column(_("Held"), width=6),
                Column(_("Confirmed"), "int", 10),
                Column(_("Capacity"), "int", 10),
                Column(_("Seat use"), "percent", 12),
                Column(_("Waitlisted"), "int", 10),
                Column(_("Feedback answers"), "int", 10),
                Column(_("Overall rating"), "rating", 10),
                Column(_("Trainer rating"), "rating", 10),
            ],
            [
                [
                    w.title,
                    w.region,
                    w.starts_at.astimezone(_tz(w.time_zone)) if w.starts_at else None,
                    _("yes") if w.held else _("no"),
                    w.confirmed,
                    w.capacity,
                    w.utilisation,
                    w.waitlisted,
                    w.feedback_answers,
                    w.overall_avg,
                    w.trainer_avg,
                ]
                for w in f.workshops
            ],
        ),
        (
            _("Top agencies"),
            [
                Column(_("Agency"), width=32),
                Column(_("Country"), width=8),
                Column(_("Officers trained"), "int", 10),
                Column(_("Attendees"), "int", 10),
            ],
            [list(a) for a in f.top_agencies],
        ),
        (
            _("By agency"),
            [Column(_("Agency"), width=32), Column(_("Country"), width=8), *_breakdown_columns()],
            [[a.name, a.country, *_breakdown_cells(a)] for a in f.agencies],
        ),
        (
            _("By country"),
            [
                Column(_("Country"), width=8),
                Column(_("Country name"), width=24),
                Column(_("Agencies"), "int", 10),
                *_breakdown_columns(),
            ],
            [[c.country, c.country_name, c.agencies, *_breakdown_cells(c)] for c in f.countries],
        ),
        (_("Knowledge gain"), gain_columns(), gain_rows(f.gain)),
    ]
