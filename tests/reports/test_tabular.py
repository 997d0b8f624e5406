import csv
import datetime as dt
import io
import zoneinfo

import openpyxl
import pytest

from reports.tabular import Column, iter_csv, write_xlsx

COLUMNS = [
    Column("Name"),
    Column("Sessions attended", "int"),
    Column("Hours", "number"),
    Column("Starts", "datetime"),
    Column("Day", "date"),
    Column("Completed", "bool"),
]
DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


def _csv_rows(columns, rows):
    text = "".join(iter_csv(columns, rows))
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize("payload", DANGEROUS)
def test_csv_neutralises_each_formula_prefix(payload):
    rows = _csv_rows([Column("Name")], [[payload]])
    assert rows[1] == ["'" + payload]


def test_csv_keeps_numbers_and_formats_dates():
    local = dt.datetime(2026, 3, 29, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Lisbon"))
    rows = _csv_rows(COLUMNS, [['Ana, "Costa"', 3, 7.5, local, local.date(), True]])
    assert rows[0] == [c.title for c in COLUMNS]
    assert rows[1] == ['Ana, "Costa"', "3", "7.5", "2026-03-29 09:00", "2026-03-29", "yes"]


@pytest.mark.parametrize("payload", DANGEROUS)
def test_xlsx_writes_formula_prefixes_as_text(tmp_path, payload):
    path = tmp_path / "x.xlsx"
    write_xlsx(path, [Column("Name")], [[payload]])
    ws = openpyxl.load_workbook(path).active
    cell = ws.cell(2, 1)
    assert cell.data_type == "s"
    # OOXML stores a carriage return as the escape _x000D_, which openpyxl does not decode.
    assert cell.value.replace("_x000D_", "\r") == payload


def test_xlsx_cells_are_typed_and_header_frozen(tmp_path):
    path = tmp_path / "x.xlsx"
    local = dt.datetime(2026, 10, 25, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Lisbon"))
    count = write_xlsx(path, COLUMNS, [["Ana", 3, 7.5, local, local.date(), False]])
    assert count == 1
    ws = openpyxl.load_workbook(path).active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == [c.title for c in COLUMNS]
    name, sessions, hours, starts, day, completed = (c.value for c in ws[2])
    assert (name, sessions, hours, completed) == ("Ana", 3, 7.5, False)
    # Local wall-clock time of the workshop's zone, as Excel has no time zones.
    assert starts == dt.datetime(2026, 10, 25, 9, 0)
    assert day == dt.datetime(2026, 10, 25, 0, 0)
    assert ws.column_dimensions["A"].width > 10
