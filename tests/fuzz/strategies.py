"""Hypothesis strategies for hostile form and query values."""

from __future__ import annotations

from hypothesis import strategies as st

# Values that have broken Django sites before: parsers' edge cases, out-of-range dates, zones
# that do not exist, numbers past every column's range, markup and control characters.
EDGE_VALUES = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t\x0b\x0c\x1b\x7f",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 400,
    "0x1F",
    "１２３",  # full-width digits: int() accepts them, some parsers do not
    "٣٤",  # Arabic-Indic digits
    "Mars/Phobos",
    "../../etc/passwd",
    "UTC\x00",
    "Etc/GMT+99",
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "9999-12",
    "0001-01",
    "10000-01-01",
    "-2026-01-01",
    "2026-02-30T25:61",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-03-29T02:30",  # skipped by the European clock change
    "25:61",
    "24:00",
    "-01:00",
    "12:00:60.9999999",
    "true",
    "null",
    "None",
    "[]",
    "{}",
    '{"a": 1}',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n%x",
    "{{ 7*7 }}",
    "\u202eevil\u202c",  # right-to-left override
    "שלום עולם",
    "مرحبا",
    "🚓👮‍♀️🏳️‍🌈",
    "e\u0301\u0301\u0301",  # combining marks
    "Z̷̢͉a̶l̵g̸o̴",
    "\ufeff",
    "\uffff",
    "CERT-0000-0000-0000-0000",
    "a@b.c",
    "officer@@example..com",
    "x" * 255,
    "x" * 256,
]

# Unicode without lone surrogates (no browser can send them: they are not UTF-8 encodable).
_unicode = st.characters(exclude_categories=("Cs",))


class Long(str):
    """A 10k+ character string that prints as `unit * n` in failure reports."""

    def __new__(cls, unit: str, n: int):
        obj = super().__new__(cls, unit * n)
        obj.unit, obj.n = unit, n
        return obj

    def __repr__(self) -> str:
        return f"{self.unit!r} * {self.n}"


# 10k+ characters of one kind: plain, accented, emoji, NUL, RTL override, combining mark.
long_strings = st.builds(
    Long,
    st.sampled_from(["a", "é", "🚓", "\x00", "\u202e", "e\u0301", "9", "<b>"]),
    st.integers(min_value=10_000, max_value=20_000),
)

numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
).map(str)

hostile_text = st.one_of(
    st.sampled_from(EDGE_VALUES),
    st.text(_unicode, max_size=40),
    numbers,
    long_strings,
)

# Query keys: some plausible, some not.
random_keys = st.one_of(
    st.sampled_from(["page", "q", "sort", "format", "month", "region", "status", "next", "a"]),
    st.text(_unicode, min_size=1, max_size=12),
)


# Edge values by input type (or by a telling name), so a small budget still tries them.
_DATES = ["2026-02-30", "0001-01-01", "9999-12-31", "10000-01-01", "2026-13-01", "0000-00-00"]
_MONTHS = ["9999-12", "0001-01", "2026-13", "2026-00", "-1-01", "99999-01"]
_DATETIMES = ["9999-12-31T23:59", "0001-01-01T00:00", "2026-02-30T25:61", "2026-03-29T02:30"]
_TIMES = ["25:61", "24:00", "-01:00", "23:59:60", "12:00:60.9999999"]
_NUMBERS = ["-1", "0", "1e309", "NaN", "9" * 400, "2147483648", "-9223372036854775809", "１２３"]
_ZONES = ["Mars/Phobos", "UTC\x00", "../../etc/passwd", "Etc/GMT+99", "", "localtime"]
# Ids no row has; beyond 64 bits, SQLite cannot even bind them.
IDS = ["0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "9" * 20]
_YEARS = ["0", "-1", "9999", "10000", "9" * 20, "１２３"]
KIND_EDGES = {
    "date": _DATES,
    "month": _MONTHS,
    "datetime-local": _DATETIMES,
    "time": _TIMES,
    "number": _NUMBERS,
    "range": _NUMBERS,
    "email": ["a@b", "@", "x@" + "y" * 300 + ".com", "a\x00@b.c", "ünï@exämple.org"],
    # Choices, ticks and hidden inputs usually carry row ids.
    "select": IDS,
    "checkbox": IDS,
    "radio": IDS,
    "hidden": IDS,
}
NAME_EDGES = [
    (("zone", "tz"), _ZONES),
    (("month",), _MONTHS),
    (("date", "from", "to", "day", "start", "end"), _DATES + _DATETIMES),
    (("time",), _TIMES),
    (("page", "pk", "id", "number", "count", "capacity", "minutes", "threshold"), _NUMBERS + IDS),
    (("year",), _YEARS),
]


def edges_for(kind: str, name: str) -> list[str]:
    values = list(KIND_EDGES.get(kind, []))
    lowered = name.lower()
    for words, edges in NAME_EDGES:
        if any(w in lowered for w in words):
            values += edges
    return values


def hostile_for(kind: str, name: str) -> st.SearchStrategy:
    """Hostile values, with the field's type-specific edge cases tried first and often."""
    edges = edges_for(kind, name)
    return st.one_of(st.sampled_from(edges), hostile_text) if edges else hostile_text
