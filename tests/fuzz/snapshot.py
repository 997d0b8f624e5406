"""A digest of every saved row, in one query, to prove a refused request changed nothing."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

# Sessions change on every request (messages, sign-out); they are not saved data.
IGNORED_TABLES = {"django_session"}


def _sql() -> str:
    tables = sorted(
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.managed and not m._meta.proxy and m._meta.db_table not in IGNORED_TABLES
    )
    parts = [
        f"SELECT '{t}' AS t, count(*) AS n, md5(coalesce(string_agg(md5(r::text), '' "
        f"ORDER BY md5(r::text)), '')) AS h FROM {connection.ops.quote_name(t)} r"
        for t in tables
    ]
    return " UNION ALL ".join(parts)


def table_digests() -> dict[str, tuple[int, str]]:
    """table → (row count, hash of all rows)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql())
        return {t: (n, h) for t, n, h in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before if before[t] != after.get(t))
