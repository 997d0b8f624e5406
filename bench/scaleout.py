"""Scale-out: two app servers over one PostgreSQL and one Redis behave as one site.

Seeds a small `seed_scale` data set in a scratch database, starts a private redis-server and two
gunicorn servers (A and B, production settings, the same environment) on 127.0.0.1, then:

1. signs an officer in on A through the real login form (password, CSRF, allauth);
2. with that session cookie, registers on B for a workshop, and reads the outcome on B;
3. checks that A and B answer the same pages the same way: My training, the workshop page (seat
   count), the coordinator's registrations page (the officer listed), the catalog; then cancels
   on A and checks both again;
4. measures a page mix (catalog, workshop detail, My training) on A alone, then on A and B at
   once with the same clients per server and the same gunicorn workers per server, and prints
   the combined throughput as a ratio to one server.

    .venv/bin/python bench/scaleout.py [--seconds 8] [--workers 2] [--clients 8]

Exits 1 when the servers disagree or a step fails. On one 2-core machine both servers share the
same CPUs, so the ratio shows the cost of a second server more than its gain; on two machines
the same run shows the gain.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (
    django_setup,
    drop_database,
    gunicorn,
    hammer,
    keep_cookies,
    manage,
    print_table,
    production_env,
    request_headers,
    scratch_database,
)
from bench.soak import Redis

PASSWORD = "scaleout-Password-2026!"


def seed(scale: float) -> dict:
    """seed_scale's data set, plus a password for its officer and a fresh workshop (far enough
    ahead that it clashes with none of the officer's seeded registrations)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.utils import timezone

    from bench.pages import session_cookie
    from bench.seed_scale import seed as seed_scale
    from workshops.models import Workshop, WorkshopSession

    seeded = seed_scale(scale, verbose=False)
    officer = get_user_model().objects.get(pk=seeded.officer_id)
    officer.set_password(PASSWORD)
    officer.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=officer, email=officer.email, defaults={"verified": True, "primary": True}
    )
    coordinator = get_user_model().objects.get(pk=seeded.coordinator_id)
    now = timezone.now()
    start = (now + dt.timedelta(days=900)).replace(hour=9, minute=0, second=0, microsecond=0)
    workshop = Workshop.objects.create(
        title="Scale-out workshop",
        region=coordinator.coordinated_regions.first(),
        status=Workshop.Status.PUBLISHED,
        time_zone="UTC",
        capacity=12,
        registration_opens_at=now - dt.timedelta(days=1),
        registration_closes_at=start - dt.timedelta(days=1),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=8),
    )
    WorkshopSession.objects.create(
        workshop=workshop, starts_at=workshop.starts_at, ends_at=workshop.ends_at
    )
    data = {
        "officer_email": officer.email,
        "officer_name": officer.full_name,
        "coordinator": session_cookie(coordinator.pk, staff=True),
        "workshop_id": workshop.pk,
        "detail_workshop_id": seeded.detail_workshop_id,
        "counts": seeded.counts,
    }
    connections.close_all()
    return data


class Browser:
    """A cookie jar shared across servers, as a browser behind a load balancer would have."""

    def __init__(self, cookies: dict[str, str] | None = None):
        self.cookies = dict(cookies or {})

    def request(self, port: int, method: str, path: str, form: dict | None = None):
        headers, body = request_headers(self.cookies, form)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        keep_cookies(self.cookies, response)
        return response.status, content, response.headers.get("Location", "")


# Parts of a page that differ per response by design: CSRF tokens, CSP nonces.
VOLATILE = re.compile(r'(csrfmiddlewaretoken" value="|nonce=")[^"]*"')


def normalise(page: str) -> str:
    return VOLATILE.sub(r'\1"', page)


def check_agreement(browser, coordinator, ports, data, failures: list[str], when: str) -> dict:
    """The same pages from A and B: identical once tokens are blanked; returns facts read."""
    w = data["workshop_id"]
    pages = [
        ("my training", browser, "/my-training/"),
        ("workshop page", browser, f"/workshops/{w}/"),
        ("catalog", browser, "/workshops/"),
        ("coordinator registrations", coordinator, f"/manage/workshops/{w}/registrations/"),
    ]
    facts = {}
    for name, who, path in pages:
        bodies = []
        for label, port in zip("AB", ports, strict=True):
            status, body, _loc = who.request(port, "GET", path)
            if status != 200:
                failures.append(f"{when}: {name} on {label}: HTTP {status}")
            bodies.append(normalise(body))
        if bodies[0] != bodies[1]:
            failures.append(f"{when}: {name} differs between A and B")
        body = bodies[0]
        if name == "workshop page":
            m = re.search(r"(\d+) seats? left|Waitlist", body)
            facts["seats"] = m.group(0) if m else "?"
        if name == "my training":
            facts["in my training"] = "Scale-out workshop" in body
        if name == "coordinator registrations":
            facts["on roster"] = data["officer_name"] in body
    return facts


def registration_id(data) -> int:
    """The id behind the officer's cancel button for this workshop (they have many)."""
    from django.db import connections

    from registrations.models import Registration

    pk = Registration.objects.get(
        officer__email=data["officer_email"], workshop_id=data["workshop_id"]
    ).pk
    connections.close_all()
    return pk


def correctness(ports, data, failures: list[str]) -> list[list]:
    a, b = ports
    browser = Browser()
    coordinator = Browser({"sessionid": data["coordinator"].split("=", 1)[1]})
    rows = []
    # 1. Sign in on A, for real.
    status, _body, location = browser.request(
        a, "POST", "/accounts/login/", {"login": data["officer_email"], "password": PASSWORD}
    )
    signed_in = status == 302 and "sessionid" in browser.cookies
    rows.append(["sign in on A (password form)", f"HTTP {status} → {location or '-'}", signed_in])
    if not signed_in:
        failures.append(f"sign-in on A failed: HTTP {status}")
        return rows
    status, _body, location = browser.request(b, "GET", "/my-training/")
    rows.append(["same session on B", f"My training HTTP {status}", status == 200])
    if status != 200:
        failures.append(f"B does not know A's session: HTTP {status} → {location}")
    before = check_agreement(browser, coordinator, ports, data, failures, "before")
    rows.append(["pages agree before registering", before, True])
    # 2. Register on B.
    w = data["workshop_id"]
    status, _body, location = browser.request(b, "POST", f"/workshops/{w}/register/", {})
    _s, page, _l = browser.request(b, "GET", urllib.parse.urlsplit(location).path or "/")
    confirmed = status == 302 and "your seat is confirmed" in page
    rows.append(["register on B", f"HTTP {status}, confirmed {confirmed}", confirmed])
    if not confirmed:
        failures.append(f"registration on B not confirmed: HTTP {status}")
    # 3. Every page agrees, and shows the registration.
    after = check_agreement(browser, coordinator, ports, data, failures, "after registering")
    shows = after.get("in my training") and after.get("on roster") and after != before
    rows.append(["pages agree after registering", after, shows])
    if not shows:
        failures.append(f"the registration is not shown everywhere: {after}")
    # 4. Cancel on A; both servers show it.
    _s, page, _l = browser.request(a, "GET", "/my-training/")
    cancel_path = f"/my-training/{registration_id(data)}/cancel/"
    if cancel_path in page:
        status, _b, location = browser.request(a, "POST", cancel_path, {})
        _s, page, _l = browser.request(a, "GET", urllib.parse.urlsplit(location).path or "/")
        cancelled = "Your registration is cancelled." in page
    else:
        status, cancelled = 0, False
    rows.append(["cancel on A", f"HTTP {status}, cancelled {cancelled}", cancelled])
    if not cancelled:
        failures.append("cancellation on A failed")
    final = check_agreement(browser, coordinator, ports, data, failures, "after cancelling")
    back = final.get("seats") == before.get("seats")
    rows.append(["pages agree after cancelling", final, back])
    if not back:
        failures.append(f"seat count after cancelling {final} != before {before}")
    return rows


def throughput(args, ports, cookie: str, data) -> tuple[list[list], float]:
    paths = ["/workshops/", f"/workshops/{data['detail_workshop_id']}/", "/my-training/"]
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}

    def request(i):
        return ("GET", paths[i % len(paths)], headers, None)

    for port in ports:
        hammer(port, request, concurrency=4, total=60)  # warm every worker
    one = hammer(ports[0], request, concurrency=args.clients, seconds=args.seconds)
    both: dict[int, object] = {}

    def run(port):
        both[port] = hammer(port, request, concurrency=args.clients, seconds=args.seconds)

    threads = [threading.Thread(target=run, args=(p,)) for p in ports]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    combined = sum(r.rps for r in both.values())
    statuses = {}
    for r in [one, *both.values()]:
        for k, v in r.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
    rows = [
        ["A alone", args.clients, one.count, f"{one.rps:.1f}", f"{one.p95_ms:.0f}", "1.00"],
        *[
            [f"{'AB'[i]} (with the other)", args.clients, r.count, f"{r.rps:.1f}",
             f"{r.p95_ms:.0f}", "-"]
            for i, r in enumerate(both[p] for p in ports)
        ],
        ["A + B combined", 2 * args.clients, sum(r.count for r in both.values()),
         f"{combined:.1f}", "-", f"{combined / one.rps:.2f}" if one.rps else "-"],
    ]  # fmt: skip
    bad = {k: v for k, v in statuses.items() if k != 200}
    return rows, bad


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--scale", type=float, default=0.01)
    p.add_argument("--seconds", type=float, default=8.0, help="per throughput measurement")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    p.add_argument("--clients", type=int, default=8, help="keep-alive clients per server")
    p.add_argument("--ports", default="8260,8261")
    p.add_argument("--redis-port", type=int, default=6391)
    p.add_argument("--db", default="ts_bench_soak_scaleout")
    p.add_argument("--keep-db", action="store_true")
    args = p.parse_args()
    ports = [int(x) for x in args.ports.split(",")]

    redis = Redis(args.redis_port)
    redis.start()
    try:
        url = scratch_database(args.db)
        env = production_env(url, REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0")
        t = time.perf_counter()
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        django_setup(env)
        data = seed(args.scale)
        print(f"migrated and seeded {args.db} (scale {args.scale}) in "
              f"{time.perf_counter() - t:.1f}s: {data['counts']}", flush=True)  # fmt: skip
        failures: list[str] = []
        with (
            gunicorn(env, workers=args.workers, port=ports[0]) as a,
            gunicorn(env, workers=args.workers, port=ports[1]) as b,
        ):
            rows = correctness((a, b), data, failures)
            officer = Browser()
            officer.request(a, "POST", "/accounts/login/",
                            {"login": data["officer_email"], "password": PASSWORD})  # fmt: skip
            cookie = f"sessionid={officer.cookies.get('sessionid', '')}"
            load_rows, bad = throughput(args, (a, b), cookie, data)
        if bad:
            failures.append(f"non-200 answers under load: {bad}")
    finally:
        redis.kill()
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            drop_database(args.db)

    print_table(
        "scale-out: one officer session across two servers over one PostgreSQL + Redis",
        ["step", "observed", "ok"],
        [[s, str(o)[:90], "yes" if ok else "NO"] for s, o, ok in rows],
    )
    print_table(
        f"page mix (catalog, workshop detail, My training), {args.seconds:.0f}s each, gunicorn "
        f"{args.workers} workers per server ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"load {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs)",
        ["servers", "clients", "requests", "req/s", "p95 ms", "ratio to one"],
        load_rows,
    )
    for f in failures:
        print(f"  FAIL: {f}")
    print("\nall pages agree" if not failures else f"\n{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
