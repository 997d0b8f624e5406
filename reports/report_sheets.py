"""The program report as XLSX sheets: one sheet per table of the report page."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .figures import ProgramFigures
from .tabular import Column


def _rate(value: float | None) -> float | None:
    return round(100 * value, 1) if value is not None else None


def _avg(value: float | None) -> float | None:
    return round(value, 2) if value is not None else None


def report_sheets(f: ProgramFigures) -> list[tuple[str, list[Column], list[list]]]:
    summary: list[list] = [
        [_("Period start"), f.start.isoformat()],
        [_("Period end"), f.end.isoformat()],
        [_("Workshops scheduled"), f.workshops_scheduled],
        [_("Workshops held"), f.workshops_held],
        [_("Attendees"), f.attendees],
        [_("Officers trained"), f.officers_trained],
        [_("Completion rate (%)"), _rate(f.completion_rate)],
        [_("Agencies reached"), f.agencies_reached],
        [_("Countries reached"), f.countries_reached],
        [_("Officer-hours delivered"), round(f.hours_total, 2)],
        [_("Seat utilisation (%)"), _rate(f.utilisation)],
        [_("Waitlisted"), f.waitlisted],
    ]
    return [
        (
            _("Summary"),
            [Column(_("Figure"), width=28), Column(_("Value"), width=14)],
            [[k, "" if v is None else str(v)] for k, v in summary],
        ),
        (
            _("Regions"),
            [
                Column(_("Region"), width=20),
                Column(_("Workshops held"), "int", 10),
                Column(_("Attendees"), "int", 10),
                Column(_("Officers trained"), "int", 10),
                Column(_("Completion rate (%)"), "number", 12),
                Column(_("Officer-hours"), "number", 12),
                Column(_("Confirmed"), "int", 10),
                Column(_("Capacity"), "int", 10),
                Column(_("Seat utilisation (%)"), "number", 12),
                Column(_("Waitlisted"), "int", 10),
                Column(_("Feedback answers"), "int", 10),
                Column(_("Overall rating"), "number", 10),
            ],
            [
                [
                    r.region,
                    r.workshops_held,
                    r.attendees,
                    r.officers_trained,
                    _rate(r.completion_rate),
                    round(r.hours, 2),
                    r.confirmed,
                    r.capacity,
                    _rate(r.utilisation),
                    r.waitlisted,
                    r.feedback_answers,
                    _avg(r.overall_avg),
                ]
                for r in f.regions
            ],
        ),
        (
            _("Hours by track"),
            [Column(_("Track"), width=28), Column(_("Officer-hours"), "number", 14)],
            [[t, round(h, 2)] for t, h in f.hours_by_track],
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
                Column(_("Seat utilisation (%)"), "number", 12),
                Column(_("Waitlisted"), "int", 10),
                Column(_("Feedback answers"), "int", 10),
                Column(_("Overall rating"), "number", 10),
                Column(_("Trainer rating"), "number", 10),
            ],
            [
                [
                    w.title,
                    w.region,
                    w.starts_at.astimezone(_tz(w.time_zone)) if w.starts_at else None,
                    _("yes") if w.held else _("no"),
                    w.confirmed,
                    w.capacity,
                    _rate(w.utilisation),
                    w.waitlisted,
                    w.feedback_answers,
                    _avg(w.overall_avg),
                    _avg(w.trainer_avg),
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
    ]


def _tz(name: str):
    import zoneinfo

    return zoneinfo.ZoneInfo(name or "UTC")
