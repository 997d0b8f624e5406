"""EXPLAIN (ANALYZE) of the heaviest queries each benchmarked page runs, over seeded data.

Requests every page of `bench/pages.py` in-process (production settings, the scratch database
bench/pages.py seeded), records the SQL each one sends, re-runs each under
`EXPLAIN (ANALYZE, BUFFERS)` and prints a one-line summary per query (execution time, the plan's
top nodes, the indexes it used) and, with --plans, the full plans.

    .venv/bin/python bench/explain.py [--scale 0.1] [--top 2] [--plans]

Seeds the database first when it does not exist yet (as bench/pages.py does).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import print_table


class Recorder:
    """A connection execute wrapper keeping (seconds, sql, params) of every query."""

    def __init__(self):
        self.queries: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                self.queries.append((time.perf_counter() - started, sql, params))


def explain(sql: str, params) -> tuple[float, list[str]]:
    """Execution time (ms) and plan lines of one query, run for real inside a rolled-back
    transaction (the pages only read, but a plan is never worth a write)."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    took = next(
        (
            float(m.group(1))
            for line in lines
            if (m := re.search(r"Execution Time: ([\d.]+)", line))
        ),
        0.0,
    )
    return took, lines


def summarize(lines: list[str]) -> str:
    """The plan's node types in order (depth-first, first six) and every index it touched."""
    nodes = []
    for line in lines:
        m = re.match(r"\s*(?:->\s+)?([A-Z][A-Za-z ]+?)(?: on | using |  \(|\s\()", line)
        if m and not line.strip().startswith(("Planning", "Execution", "Buffers", "Sort Key")):
            nodes.append(m.group(1).strip())
    found = (re.finditer(r"(?:using|Index Scan on) (\w+)", line) for line in lines)
    indexes = sorted({m.group(1) for matches in found for m in matches})
    shown = " > ".join(nodes[:6]) + (" ..." if len(nodes) > 6 else "")
    return shown + (f" [{', '.join(indexes)}]" if indexes else " [no index]")


def run(pages: dict, *, top: int, plans: bool, cold: bool) -> list[list]:
    from django.core.cache import cache
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client

    request_started.disconnect(reset_queries)
    rows = []
    for name, who, path in pages["pages"]:
        if name.startswith("bare view"):
            continue
        client = Client(HTTP_HOST="127.0.0.1")
        key, value = pages["cookies"][who].split("=", 1)
        client.cookies[key] = value
        client.get(path)  # warm the session flags and caches, as the load does
        if cold:
            cache.clear()  # the bench's own Redis database: explain the cache-miss path
        recorder = Recorder()
        with connection.execute_wrapper(recorder):
            status = client.get(path).status_code
        total = sum(q[0] for q in recorder.queries) * 1000
        # Every query is explained; the slowest by execution time are shown.
        explained = [(*explain(sql, params), sql) for _took, sql, params in recorder.queries]
        explained.sort(key=lambda e: -e[0])
        for rank, (ms, lines, sql) in enumerate(explained[:top], 1):
            label = (
                f"{name} ({status}, {len(recorder.queries)} q, {total:.1f} ms)" if rank == 1 else ""
            )
            table = re.search(r'FROM "(\w+)"', sql)
            rows.append([label, table.group(1) if table else "?", f"{ms:.2f}", summarize(lines)])
            if plans:
                print(f"\n--- {name} #{rank}: {sql[:200]}...")
                print("\n".join(lines))
    return rows


def main() -> int:
    from bench.pages import prepare

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--db", default=None, help="default ts_bench_pages_<scale>")
    p.add_argument("--top", type=int, default=2, help="queries explained per page")
    p.add_argument("--plans", action="store_true", help="print the full plans too")
    p.add_argument(
        "--cold", action="store_true", help="empty the cache first: explain what a miss runs"
    )
    args = p.parse_args()
    args.db = args.db or f"ts_bench_pages_{str(args.scale).replace('.', '_')}"
    args.reuse = True
    _env, pages = prepare(args)
    rows = run(pages, top=args.top, plans=args.plans, cold=args.cold)
    print_table(
        f"EXPLAIN ANALYZE, heaviest {args.top} queries per page, scale {args.scale}, "
        + ("cold cache (every cached part recomputed)" if args.cold else "warm cache"),
        ["page (status, queries, total)", "from", "exec ms", "plan (indexes)"],
        rows,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
