"""Page throughput over ten years of program data, as a ratio to a bare view on the same server.

Seeds a `seed_scale` data set (default --scale 0.1; --scale 1.0 is the full ten years) in a
scratch PostgreSQL database, serves the real app with gunicorn (production settings: DEBUG off,
PostgreSQL, Redis cache) on 127.0.0.1, signs an officer and a coordinator in by writing their
sessions directly (the coordinator's with the MFA-enrolled flag), and hammers each listed page
with 16 keep-alive clients; `/healthz` (a constant response through the same middleware, with
the same session cookie: the officer's for the officer's pages, the coordinator's for theirs)
is the baseline measured in the same run.

Gunicorn runs 4 workers x 2 threads (gthread) by default: 2 cores, and a request spends much of
its time waiting on PostgreSQL and Redis round trips, which the second thread overlaps. The
pages are measured in turn, four times (--rounds), so a change in the machine's load during the
run falls on every page alike.

    .venv/bin/python bench/pages.py [--scale 0.1] [--seconds 8] [--reuse] [--workers 4]
        [--threads 2] [--rounds 4]

Targets: catalog >= 0.3 of the bare view with live seat counts, other pages >= 0.1, p95 < 100 ms.
Exits 1 if a page answers anything but 200.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    PG_SERVER,
    REDIS_URL,
    LoadResult,
    django_setup,
    gunicorn,
    hammer,
    manage,
    print_table,
    production_env,
    scratch_database,
)

TARGETS = {"catalog": 0.3}
DEFAULT_TARGET = 0.1
P95_TARGET_MS = 100.0


def database_exists(name: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def prepare(args) -> tuple[dict[str, str], dict]:
    """Seed (unless --reuse finds the DB) and return the server env and the page plan."""
    url = f"{PG_SERVER}/{args.db}"
    fresh = not (args.reuse and database_exists(args.db))
    if fresh:
        url = scratch_database(args.db)
    env = production_env(url, REDIS_URL=REDIS_URL)
    if fresh:
        t = time.perf_counter()
        manage(env, "migrate", "--no-input")
        print(f"migrated {args.db} in {time.perf_counter() - t:.1f}s", flush=True)
    manage(env, "collectstatic", "--no-input")  # production serves hashed (manifest) names
    django_setup(env)
    from bench.seed_scale import seed, summary

    if fresh:
        seeded = seed(args.scale, verbose=False)
        print(f"seeded scale {args.scale} in {seeded.seconds:.1f}s: {seeded.counts}", flush=True)
    else:
        seeded = summary()
        print(f"reusing {args.db}: {seeded.counts}", flush=True)
    return env, plan(seeded)


def session_cookie(user_id: int, *, staff: bool) -> str:
    """A signed-in session written straight to the session store (no password hashing)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.utils.module_loading import import_string

    from attendees.mfa import USED_SESSION_KEY as MFA_KEY

    user = get_user_model().objects.get(pk=user_id)
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if staff:
        store[MFA_KEY] = user.pk
    store.create()
    store.save()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def plan(seeded) -> dict:
    from attendees.models import Region

    officer = session_cookie(seeded.officer_id, staff=False)
    coordinator = session_cookie(seeded.coordinator_id, staff=True)
    region = Region.objects.order_by("pk").first().pk
    catalog_filtered = f"/workshops/?region={region}&format=online&available=on"
    roster = f"/manage/workshops/{seeded.big_workshop_id}/registrations/"
    from django.db import connections

    connections.close_all()
    return {
        "cookies": {"officer": officer, "coordinator": coordinator},
        "pages": [
            ("bare view /healthz", "officer", "/healthz"),
            ("catalog", "officer", "/workshops/"),
            ("catalog filtered", "officer", catalog_filtered),
            ("workshop detail", "officer", f"/workshops/{seeded.detail_workshop_id}/"),
            ("my training", "officer", "/my-training/"),
            ("roster (300)", "coordinator", roster),
            ("program report", "coordinator", f"/reports/program/?year={seeded.report_year}"),
            ("bare view (coord)", "coordinator", "/healthz"),
        ],
    }  # fmt: skip


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", type=float, default=0.1)
    p.add_argument("--db", default=None, help="default ts_bench_pages_<scale>")
    p.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    p.add_argument("--seconds", type=float, default=8.0, help="per page")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    p.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="measure the pages in turn this many times (--seconds split between rounds), so a "
        "change in the machine's load during the run hits every page alike",
    )
    p.add_argument("--port", type=int, default=None)
    args = p.parse_args()
    args.db = args.db or f"ts_bench_pages_{str(args.scale).replace('.', '_')}"
    env, pages = prepare(args)
    rows, failed = [], False
    results = {}
    with gunicorn(env, workers=args.workers, threads=args.threads, port=args.port) as port:
        for round_ in range(args.rounds):
            for name, who, path in pages["pages"]:
                headers = {"Cookie": pages["cookies"][who], "Host": "127.0.0.1"}

                def request(i, path=path, headers=headers):
                    return ("GET", path, headers, None)

                if round_ == 0:
                    hammer(port, request, concurrency=4, total=40)  # warm
                res = hammer(
                    port,
                    request,
                    concurrency=args.concurrency,
                    seconds=args.seconds / args.rounds,
                )
                results.setdefault(name, LoadResult()).add(res)
                if set(res.statuses) != {200}:
                    failed = True
                    print(f"{name}: statuses {res.statuses}", flush=True)
    # Each page against the bare view with the same session: the officer's and the
    # coordinator's requests take different paths through the middleware (an officer's agency
    # is checked on every request).
    bare = {
        "officer": results["bare view /healthz"].rps,
        "coordinator": results["bare view (coord)"].rps,
    }
    for name, who, path in pages["pages"]:
        res = results[name]
        ratio = res.rps / bare[who] if bare[who] else 0.0
        bare_row = name.startswith("bare view")
        target = None if bare_row else TARGETS.get(name.split(" ")[0], DEFAULT_TARGET)
        met = (
            "-" if bare_row else ("yes" if ratio >= target and res.p95_ms < P95_TARGET_MS else "NO")
        )
        rows.append([
            name, path[:48], res.count, f"{res.rps:.0f}", f"{res.p95_ms:.1f}", f"{ratio:.2f}",
            "-" if target is None else f">={target}", met,
        ])  # fmt: skip
    print_table(
        f"pages at scale {args.scale}, {args.concurrency} clients, {args.seconds:.0f}s each, "
        f"gunicorn {args.workers} workers x {args.threads} threads, {args.rounds} rounds, "
        f"load average {os.getloadavg()[0]:.1f} ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)",
        ["page", "path", "requests", "req/s", "p95 ms", "ratio", "target", "met"],
        rows,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
