import csv
import datetime as dt
import io

import openpyxl
import pytest

from registrations.models import Registration
from reports.exports import ExportFilter, attendance_dataset, registrations_dataset
from reports.tabular import iter_csv, write_xlsx

pytestmark = pytest.mark.django_db


def _csv(dataset) -> list[list[str]]:
    text = "".join(iter_csv(dataset.columns, dataset.rows))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(dataset):
    buffer = io.BytesIO()
    write_xlsx(buffer, dataset.columns, dataset.rows)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active


def _cert(workshop, officer) -> str:
    return Registration.objects.get(workshop=workshop, officer=officer).certificates.get().number


def test_workshop_attendance_csv_has_exact_rows_with_one_column_per_session(program, coordinator):
    w1 = program.w1
    rows = _csv(attendance_dataset(coordinator, ExportFilter(workshop_id=w1.pk), workshop=w1))
    assert rows[0] == [
        "Workshop",
        "Starts (workshop time)",
        "Ends (workshop time)",
        "Time zone",
        "Region",
        "City",
        "Country",
        "Track",
        "Officer",
        "Rank",
        "Agency",
        "Agency country",
        "E-mail",
        "Session 1 (2026-03-10 09:00 Asia/Singapore)",
        "Session 2 (2026-03-10 13:00 Asia/Singapore)",
        "Session time attended (h)",
        "Completed",
        "Training hours",
        "Certificate number",
    ]
    place = [
        "Crypto basics Singapore",
        "2026-03-10 09:00",
        "2026-03-10 16:00",
        "Asia/Singapore",
        "Asia-Pacific",
        "Singapore",
        "SG",
        "Crypto fundamentals",
    ]
    alice, bob, carla = program.alice, program.bob, program.carla
    assert rows[1:] == [
        place
        + [
            "Alice Tan",
            "Inspector",
            "Agency A",
            "SG",
            alice.email,
            "Present",
            "Present",
            "6.0",
            "yes",
            "5.5",
            _cert(w1, alice),
        ],
        place
        + [
            "Bob Lim",
            "Sergeant",
            "Agency A",
            "SG",
            bob.email,
            "Present",
            "Absent",
            "3.0",
            "no",
            "0.0",
            "",
        ],
        # Carla's certificate was revoked: no number.
        place
        + [
            "Carla Sousa",
            "Agent",
            "Agency B",
            "PT",
            carla.email,
            "Late",
            "Present",
            "6.0",
            "yes",
            "5.5",
            "",
        ],
    ]


def test_program_attendance_csv_has_presence_string_and_counts(program, coordinator):
    rows = _csv(attendance_dataset(coordinator, ExportFilter()))
    header = rows[0]
    assert header[13:16] == ["Sessions attended", "Sessions", "Presence"]
    by_officer = {(r[0], r[8]): r for r in rows[1:]}
    assert by_officer[("Crypto basics Singapore", "Bob Lim")][13:16] == ["1", "2", "P A"]
    assert by_officer[("Crypto basics Singapore", "Carla Sousa")][13:16] == ["2", "2", "L P"]
    # Upcoming workshop: confirmed, nothing marked yet.
    assert by_officer[("Forensics upcoming", "Bob Lim")][13:20] == [
        "0",
        "1",
        ".",
        "0.0",
        "no",
        "0.0",
        "",
    ]
    # Waitlisted and cancelled registrations and the other region never appear.
    names = {r[8] for r in rows[1:]}
    assert "Dan Waitlisted" not in names and "Erin Cancelled" not in names
    assert "Eve Europe" not in names
    assert len(rows) - 1 == 3 + 5 + 2


def test_attendance_xlsx_has_typed_cells_in_the_workshop_zone(program, coordinator):
    w2 = program.w2
    ws = _xlsx(attendance_dataset(coordinator, ExportFilter(workshop_id=w2.pk), workshop=w2))
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width > 30
    first = [c.value for c in ws[2]]
    # 02:00 UTC is 09:00 in Jakarta: the cell holds the workshop's wall-clock time.
    assert first[1] == dt.datetime(2026, 5, 20, 9, 0)
    assert first[2] == dt.datetime(2026, 5, 20, 11, 0)
    assert first[3] == "Asia/Jakarta"
    assert first[13] == "Present"
    assert first[14] == 2 and isinstance(first[14], int | float)
    assert ws.max_row == 1 + 5


def test_registrations_export_has_state_and_history_timestamps(program, coordinator):
    dataset = registrations_dataset(coordinator, ExportFilter(workshop_id=program.w1.pk))
    rows = _csv(dataset)
    assert rows[0][9:] == [
        "State",
        "Registered (workshop time)",
        "Confirmed (workshop time)",
        "Waitlisted (workshop time)",
        "Cancelled (workshop time)",
        "Declined (workshop time)",
        "Removed by coordinator (workshop time)",
    ]
    by_name = {r[4]: r for r in rows[1:]}
    assert set(by_name) == {
        "Alice Tan",
        "Bob Lim",
        "Carla Sousa",
        "Dan Waitlisted",
        "Erin Cancelled",
    }
    erin = by_name["Erin Cancelled"]
    # Events at 09:00 and 10:00 UTC are 17:00 and 18:00 in Singapore.
    assert erin[9] == "Cancelled"
    assert erin[11] == "2026-02-02 17:00"
    assert erin[13] == "2026-02-03 18:00"
    assert by_name["Dan Waitlisted"][12] == "2026-02-02 17:00"
    assert by_name["Dan Waitlisted"][11] == ""

    ws = _xlsx(registrations_dataset(coordinator, ExportFilter(workshop_id=program.w1.pk)))
    header = [c.value for c in ws[1]]
    for values in ws.iter_rows(min_row=2, values_only=True):
        row = dict(zip(header, values, strict=True))
        if row["Officer"] == "Erin Cancelled":
            assert row["Cancelled (workshop time)"] == dt.datetime(2026, 2, 3, 18, 0)


def test_filters_narrow_the_export(program, program_admin, other_agency, region):
    def names(**kw):
        return {r[8] for r in _csv(attendance_dataset(program_admin, ExportFilter(**kw)))[1:]}

    assert names(agency_id=other_agency.pk) == {"Carla Sousa", "Eve Europe"}
    assert names(country="PT") == set()
    assert "Eve Europe" not in names(region_ids=[region.pk])
    assert names(track_id=program.forensics.pk) == {
        "Alice Tan",
        "Fay Ong",
        "Gus Koh",
        "Hana de Vries",
        "Ivo Bakker",
        "Bob Lim",
        "Carla Sousa",
    }
    assert names(date_from="2026-04-01", date_to="2026-04-30") == {"Eve Europe"}
    assert names(status="published") == {"Bob Lim", "Carla Sousa"}


def test_export_queries_do_not_grow_with_rows(
    program, coordinator, settings, django_assert_max_num_queries
):
    settings.REPORTS_EXPORT_CHUNK_SIZE = 100
    # Per chunk: rows, sessions, training time and marks of the chunk's workshops.
    with django_assert_max_num_queries(6):
        list(attendance_dataset(coordinator, ExportFilter()).rows)
    with django_assert_max_num_queries(4):
        list(registrations_dataset(coordinator, ExportFilter()).rows)


def test_python_and_chunk_boundaries_give_same_rows(program, coordinator, settings):
    settings.REPORTS_EXPORT_CHUNK_SIZE = 1000
    whole = list(attendance_dataset(coordinator, ExportFilter()).rows)
    settings.REPORTS_EXPORT_CHUNK_SIZE = 2
    assert list(attendance_dataset(coordinator, ExportFilter()).rows) == whole
