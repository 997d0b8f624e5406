"""Safe tabular output: streamed CSV and constant-memory XLSX from any iterable of rows.

Cells that a spreadsheet would run as a formula are neutralised: in CSV a leading `=`, `+`,
`-`, `@`, tab or carriage return gets a `'` prefix (OWASP's advice); in XLSX every string is
written as a string cell, never a formula.

XLSX cells are typed by their column's kind: numbers are number cells with a number format
(a percent column holds the ratio, 0.027, formatted "0.0%", so Excel shows what the page
shows), dates and times are date cells. A `Cell` gives one value its own kind, for a sheet
whose column mixes kinds (a summary of figures).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CSV_BOM = "\ufeff"

Kind = Literal["text", "int", "number", "hours", "percent", "rating", "date", "datetime", "bool"]
NUMBER_KINDS = frozenset({"int", "number", "hours", "percent", "rating"})
# Excel's display rounding is half away from zero, as the page's (reports/figures.py).
NUMBER_FORMATS = {
    "int": "0",
    "number": "0.0#",
    "hours": "0.0",
    "percent": "0.0%",
    "rating": "0.0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


@dataclass(frozen=True)
class Column:
    title: str
    kind: Kind = "text"
    width: int = 16


@dataclass(frozen=True)
class Cell:
    """A value with its own kind, overriding its column's."""

    value: object
    kind: Kind


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_cell(value) -> str:
    # Most cells are text: test for it first (this function runs once per cell).
    if type(value) is str:
        return "'" + value if value.startswith(FORMULA_PREFIXES) else value
    if value is None:
        return ""
    if isinstance(value, Cell):
        return _csv_cell(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return neutralise(str(value))


class _Line:
    """A file-like object whose write() hands back what it was given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def iter_csv(columns: Sequence[Column], rows: Iterable[Sequence]) -> Iterator[str]:
    """Yield a UTF-8-with-BOM CSV (Excel opens it right) line by line."""
    writer = csv.writer(_Line())
    yield CSV_BOM + writer.writerow([neutralise(c.title) for c in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def write_xlsx(
    target, columns: Sequence[Column], rows: Iterable[Sequence], *, sheet: str = "Export"
) -> int:
    """Write rows to `target` (a path or binary file) in xlsxwriter's constant-memory mode, with
    typed cells, a frozen header and column widths. Returns the number of data rows."""
    return write_xlsx_sheets(target, [(sheet, columns, rows)])[0]


def write_xlsx_sheets(
    target, sheets: Sequence[tuple[str, Sequence[Column], Iterable[Sequence]]]
) -> list[int]:
    """Like write_xlsx, one worksheet per (name, columns, rows); returns the row counts."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    header = workbook.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1})
    formats = {
        kind: workbook.add_format({"num_format": num_format})
        for kind, num_format in NUMBER_FORMATS.items()
    }
    counts = [
        _write_sheet(workbook, name, columns, rows, header, formats)
        for name, columns, rows in sheets
    ]
    workbook.close()
    return counts


def _write_sheet(workbook, name, columns, rows, header, formats) -> int:
    ws = workbook.add_worksheet(name[:31])
    ws.freeze_panes(1, 0)
    for col, column in enumerate(columns):
        ws.set_column(col, col, column.width)
        ws.write_string(0, col, column.title, header)
    count = 0
    for r, row in enumerate(rows, start=1):
        for col, (column, value) in enumerate(zip(columns, row, strict=True)):
            if value is None or value == "":
                continue
            kind = column.kind
            if isinstance(value, Cell):
                kind, value = value.kind, value.value
                if value is None or value == "":
                    continue
            if kind in NUMBER_KINDS:
                ws.write_number(r, col, float(value), formats[kind])
            elif kind == "datetime":
                ws.write_datetime(r, col, value.replace(tzinfo=None), formats["datetime"])
            elif kind == "date":
                ws.write_datetime(r, col, dt.datetime.combine(value, dt.time()), formats["date"])
            elif kind == "bool":
                ws.write_boolean(r, col, bool(value))
            else:
                ws.write_string(r, col, str(value))
        count = r
    ws.autofilter(0, 0, max(count, 1), len(columns) - 1)
    return count
