import csv
import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import openpyxl
import pytest

from reports.exports import ExportFilter, attendance_dataset
from reports.figures import program_figures
from reports.tabular import iter_csv, write_xlsx

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2030, 12, 31)


def test_report_figures_equal_hand_computed_values_for_a_regional_coordinator(program, coordinator):
    f = program_figures(coordinator, start=START, end=END)
    e = program.expected
    for name in (
        "workshops_scheduled",
        "workshops_held",
        "attendees",
        "completed",
        "officers_trained",
        "agencies_reached",
        "countries_reached",
        "capacity",
        "confirmed",
        "waitlisted",
    ):
        assert getattr(f, name) == e[name], name
    assert f.completion_rate == pytest.approx(7 / 8)
    assert f.utilisation == pytest.approx(10 / 35)
    assert f.hours_by_track == e["hours_by_track"]
    assert f.hours_total == e["hours_total"]
    assert f.top_agencies == e["top_agencies"]
    assert [r.region for r in f.regions] == ["Asia-Pacific"]
    apac = f.regions[0]
    assert (apac.feedback_answers, apac.overall_avg) == (7, pytest.approx(27 / 7))
    assert (apac.workshops_held, apac.attendees, apac.completed) == (2, 8, 7)


def test_per_workshop_feedback_hidden_below_five_answers(program, coordinator):
    f = program_figures(coordinator, start=START, end=END)
    by_title = {w.title: w for w in f.workshops}
    w1, w2 = by_title["Crypto basics Singapore"], by_title["Forensics Jakarta"]
    assert w1.feedback_answers == 2
    assert (w1.overall_avg, w1.trainer_avg) == (None, None)
    assert w2.overall_avg == pytest.approx(4.2)
    assert w2.trainer_avg == pytest.approx(4.0)
    assert "Cancelled one" not in by_title
    assert (
        by_title["Forensics upcoming"].confirmed,
        by_title["Forensics upcoming"].waitlisted,
    ) == (
        2,
        3,
    )


def test_other_region_never_counted_for_a_coordinator_but_counted_for_program_admin(
    program, coordinator, program_admin
):
    mine = program_figures(coordinator, start=START, end=END)
    assert "Crypto basics Lisbon" not in {w.title for w in mine.workshops}
    everything = program_figures(program_admin, start=START, end=END)
    assert everything.workshops_held == 3
    assert everything.attendees == 9
    assert [r.region for r in everything.regions] == ["Asia-Pacific", "Europe"]
    # W3's 160 minutes are 2.7 h for its one completed attendee.
    assert dict(everything.hours_by_track)["Crypto fundamentals"] == Decimal("13.7")


def test_region_filter_narrows_program_admin_figures(program, program_admin, other_region):
    f = program_figures(program_admin, start=START, end=END, region_id=other_region.pk)
    assert (f.workshops_held, f.attendees, f.officers_trained) == (1, 1, 1)


def test_period_filter_uses_workshop_start(program, coordinator):
    f = program_figures(coordinator, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert f.workshops_held == 1
    assert f.attendees == 3


def test_report_query_count_does_not_grow_with_data(
    program, coordinator, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        program_figures(coordinator, start=START, end=END)
    from tests.reports.conftest import _attend, _workshop

    for n in range(5):
        w = _workshop(
            program.w1.region,
            program.crypto,
            title=f"Extra {n}",
            sessions=[
                (
                    dt.datetime(2026, 7, 1 + n, 1, tzinfo=dt.UTC),
                    dt.datetime(2026, 7, 1 + n, 3, tzinfo=dt.UTC),
                )
            ],
        )
        _attend(w, program.bob, ["present"], completed=True)
    with django_assert_max_num_queries(15):
        f = program_figures(coordinator, start=START, end=END)
    assert f.workshops_held == 7


def _held_rows(rows, now):
    return [r for r in rows if r["ends"] <= now]


def test_report_figures_agree_with_the_attendance_exports_read_back(program, coordinator):
    """Read the CSV (csv module) and the XLSX (openpyxl) of the attendance export and compute
    the report's figures from them: they must be the report's figures."""
    from django.utils import timezone

    now = timezone.now()
    f = program_figures(coordinator, start=START, end=END)
    flt = ExportFilter(date_from=START.isoformat(), date_to=END.isoformat())

    dataset = attendance_dataset(coordinator, flt)
    text = "".join(iter_csv(dataset.columns, dataset.rows))
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text[1:]))
    csv_rows = [
        {
            "ends": dt.datetime.strptime(r["Ends (workshop time)"], "%Y-%m-%d %H:%M").replace(
                tzinfo=__import__("zoneinfo").ZoneInfo(r["Time zone"])
            ),
            "officer": r["E-mail"],
            "agency": r["Agency"],
            "country": r["Agency country"],
            "track": r["Track"],
            "hours": Decimal(r["Training hours"]),
            "attended": int(r["Sessions attended"]),
            "completed": r["Completed"] == "yes",
            "region": r["Region"],
        }
        for r in reader
    ]

    buffer = io.BytesIO()
    dataset = attendance_dataset(coordinator, flt)
    write_xlsx(buffer, dataset.columns, dataset.rows)
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    header = [c.value for c in ws[1]]
    xlsx_rows = []
    import zoneinfo

    for values in ws.iter_rows(min_row=2, values_only=True):
        r = dict(zip(header, values, strict=True))
        assert isinstance(r["Ends (workshop time)"], dt.datetime)
        assert isinstance(r["Training hours"], int | float)
        xlsx_rows.append(
            {
                "ends": r["Ends (workshop time)"].replace(tzinfo=zoneinfo.ZoneInfo(r["Time zone"])),
                "officer": r["E-mail"],
                "agency": r["Agency"],
                "country": r["Agency country"],
                "track": r["Track"],
                "hours": Decimal(repr(r["Training hours"])),
                "attended": r["Sessions attended"],
                "completed": r["Completed"] == "yes",
                "region": r["Region"],
            }
        )

    for rows in (csv_rows, xlsx_rows):
        held = _held_rows(rows, now)
        assert len(held) == f.attendees
        assert sum(r["completed"] for r in held) == f.completed
        assert len({r["officer"] for r in held if r["completed"]}) == f.officers_trained
        assert len({r["agency"] for r in held if r["attended"]}) == f.agencies_reached
        assert len({r["country"] for r in held if r["attended"]}) == f.countries_reached
        hours: dict[str, Decimal] = defaultdict(Decimal)
        for r in held:
            if r["hours"]:
                hours[r["track"]] += r["hours"]
        assert dict(f.hours_by_track) == dict(hours)
        assert {r["region"] for r in rows} == {"Asia-Pacific"}
