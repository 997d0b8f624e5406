"""A digest of every saved row, to prove a refused request changed nothing."""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.db import connection

# Sessions change on every request (messages, sign-out); they are not saved data.
IGNORED_TABLES = {"django_session"}


def _tables() -> list[str]:
    return sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.db_table not in IGNORED_TABLES
    )


def _postgresql_sql() -> str:
    """One query for every table: PostgreSQL hashes its rows itself."""
    parts = [
        f"SELECT '{t}' AS t, count(*) AS n, md5(coalesce(string_agg(md5(r::text), '' "
        f"ORDER BY md5(r::text)), '')) AS h FROM {connection.ops.quote_name(t)} r"
        for t in _tables()
    ]
    return " UNION ALL ".join(parts)


def _python_digest(cursor, table: str) -> tuple[int, str]:
    """SQLite has no md5() or row-to-text cast: read the rows and hash them here."""
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
    rows = sorted(hashlib.md5(repr(row).encode()).hexdigest() for row in cursor.fetchall())
    return len(rows), hashlib.md5("".join(rows).encode()).hexdigest()


def table_digests() -> dict[str, tuple[int, str]]:
    """table → (row count, hash of all rows)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_postgresql_sql())
            return {t: (n, h) for t, n, h in cursor.fetchall()}
        return {t: _python_digest(cursor, t) for t in _tables()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before if before[t] != after.get(t))
