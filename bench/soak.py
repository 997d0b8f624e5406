"""Soak: the real app under mixed traffic while the Celery worker and Redis are killed midway.

Runs gunicorn (production settings), a Celery worker and one beat, PostgreSQL, a private
redis-server (its own port, so killing it harms nobody) and an aiosmtpd sink, all on 127.0.0.1.
Client threads browse (catalog, workshop detail, My training), register, cancel, sign in with a
password, and a coordinator exports CSV and reads rosters, for --seconds. The worker is killed
with SIGKILL at 30% of the run and restarted at 45%; Redis is killed at 50% and restarted
(empty: no persistence) at 65%. The outbox sweep runs every few seconds (OUTBOX_SWEEP_SECONDS,
OUTBOX_GRACE_MINUTES) so it re-enqueues what Redis lost. After the traffic, it waits (bounded)
for the outbox to drain, then checks:

- errors: no 5xx, no connection error, no unexpected status (this traffic expects no 4xx);
- registrations: every confirmed / waitlisted / cancelled response is one event in the database
  and nothing else is; each officer's final registrations are what their responses said;
  no workshop holds more confirmed officers than seats;
- registration e-mails (the outbox covers them): one per registration event, per recipient, no
  duplicates, none missing;
- calendar invites: each confirmed registration's sessions end as a REQUEST the sink received,
  no Message-ID twice. Enforced only when the outbox sweeps invites (it does not yet: reported).

    .venv/bin/python bench/soak.py [--seconds 60] [--clients 4]

Exits 1 when an invariant fails.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import email
import http.client
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import (  # noqa: E402
    PYTHON,
    ROOT,
    django_setup,
    drop_database,
    gunicorn,
    keep_cookies,
    manage,
    print_table,
    production_env,
    request_headers,
    scratch_database,
    seed_agency,
    seed_officers,
)

PASSWORD = "soak-Password-2026!"  # noqa: S105 - a throwaway account in a scratch database
DOMAIN = "soak.example.org"
# An e-mail claimed this long after its event waited for the worker to return or for the sweep.
LATE_SECONDS = 5


# --- processes -----------------------------------------------------------------------------------


class Redis:
    """A private, non-persistent redis-server; kill() is a crash, start() comes back empty."""

    def __init__(self, port: int):
        self.port = port
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if (
                subprocess.run(
                    ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True
                ).stdout.strip()
                == "PONG"
            ):
                return
            time.sleep(0.1)
        raise RuntimeError(f"redis-server on {self.port} did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Celery:
    """A Celery worker or beat in its own process group (SIGKILL takes the pool with it)."""

    def __init__(self, env: dict, args: list[str], log: Path):
        self.env, self.args, self.log = env, args, log
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.log, "a") as out:
            self.proc = subprocess.Popen(
                [PYTHON, "-m", "celery", "-A", "trainingsite", *self.args],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)


class Sink:
    """An aiosmtpd server that keeps every message it accepts."""

    def __init__(self, port: int, delay: float = 0.0):
        from aiosmtpd.controller import Controller

        self.delay = delay
        self.messages: list[tuple[str, email.message.Message]] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        # --smtp-delay: a slow mail server, so that killing the worker lands mid-send.
        if self.delay:
            await asyncio.sleep(self.delay)
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append((rcpt.lower(), message))
        return "250 OK"

    def snapshot(self) -> list[tuple[str, email.message.Message]]:
        with self.lock:
            return list(self.messages)


def is_invite(message: email.message.Message) -> bool:
    return any(part.get_content_type() == "text/calendar" for part in message.walk())


# --- data ----------------------------------------------------------------------------------------


def seed(args) -> dict:
    """A region, an auto-vetted agency, officers, a coordinator and four published workshops
    (one with few seats, so cancellations promote from the waitlist). Sessions are written to
    the session table directly; the password officers sign in through the login form."""
    from allauth.account.models import EmailAddress
    from django.db import connections
    from django.utils import timezone

    from attendees.models import User
    from bench.pages import session_cookie
    from workshops.models import Workshop, WorkshopSession

    now = timezone.now()
    region, agency = seed_agency("Soak", DOMAIN)
    officers = seed_officers(agency, DOMAIN, args.clients * args.officers_per_client)
    signers = []
    for i in range(2):
        user = User.objects.create(
            email=f"signin{i}@{DOMAIN}",
            full_name=f"Sign-in {i}",
            agency=agency,
            country="SG",
            status=User.Status.VERIFIED,
            vetted_at=now,
        )
        user.set_password(PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        signers.append(user.email)
    coordinator = User.objects.create(
        email="coord@soak.example.org",
        full_name="Coordinator",
        status=User.Status.VERIFIED,
        vetted_at=now,
    )
    coordinator.coordinated_regions.set([region])
    workshops = []
    for k, capacity in enumerate([200, 200, 200, args.small_seats]):
        start = (now + dt.timedelta(days=30 + 10 * k)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        w = Workshop.objects.create(
            title=f"Soak workshop {k}",
            region=region,
            status=Workshop.Status.PUBLISHED,
            time_zone="UTC",
            capacity=capacity,
            registration_opens_at=now - dt.timedelta(days=1),
            registration_closes_at=now + dt.timedelta(days=20),
            starts_at=start,
            ends_at=start + dt.timedelta(days=1, hours=8),
        )
        for day in range(2):
            s = start + dt.timedelta(days=day)
            WorkshopSession.objects.create(
                workshop=w, starts_at=s, ends_at=s + dt.timedelta(hours=8)
            )
        workshops.append({"id": w.pk, "capacity": capacity})
    data = {
        "officers": [(u.pk, u.email, session_cookie(u.pk, staff=False)) for u in officers],
        "signers": signers,
        "coordinator": session_cookie(coordinator.pk, staff=True),
        "workshops": workshops,
    }
    connections.close_all()
    return data


# --- clients -------------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = Counter()  # action -> requests
        self.statuses = Counter()
        self.errors: list[str] = []
        self.outcomes = Counter()  # confirmed / waitlisted / cancelled responses
        self.expected: dict[tuple[int, int], str] = {}  # (officer, workshop) -> active/cancelled
        self.latencies: list[float] = []

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class Client:
    """One keep-alive connection with a cookie jar; follows nothing by itself."""

    def __init__(self, port: int, cookies: dict[str, str], stats: Stats, phase):
        self.port, self.cookies, self.stats, self.phase = port, dict(cookies), stats, phase
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, action: str, method: str, path: str, form: dict | None = None):
        headers, body = request_headers(self.cookies, form)
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self._count(action, 0, started)
            self.stats.error(f"{self.phase()}: {method} {path}: {type(exc).__name__}: {exc}")
            return None, b"", {}
        self._count(action, response.status, started)
        keep_cookies(self.cookies, response)
        return response.status, content, response.headers

    def _count(self, action: str, status: int, started: float) -> None:
        with self.stats.lock:
            self.stats.requests[action] += 1
            self.stats.statuses[status] += 1
            self.stats.latencies.append(time.perf_counter() - started)

    def expect(self, status, allowed: tuple[int, ...], what: str) -> bool:
        if status is None:
            return False  # a connection error, already recorded
        if status not in allowed:
            self.stats.error(f"{self.phase()}: {what}: HTTP {status}")
            return False
        return True

    def post_and_follow(self, action: str, path: str, form: dict) -> str | None:
        """POST, expect a redirect, GET the target (where the flash message shows)."""
        status, _body, headers = self.request(action, "POST", path, form)
        if not self.expect(status, (302,), f"POST {path}"):
            return None
        target = urllib.parse.urlsplit(headers["Location"])
        status, body, _h = self.request(
            action, "GET", target.path + (f"?{target.query}" if target.query else "")
        )
        if not self.expect(status, (200,), f"GET {target.path} after POST {path}"):
            return None
        return body.decode("utf-8", "replace")


OUTCOMES = [
    ("your seat is confirmed", "confirmed"),
    ("you are on the waitlist", "waitlisted"),
    ("Your registration is cancelled.", "cancelled"),
]


def outcome_of(page: str) -> str | None:
    for text, outcome in OUTCOMES:
        if text in page:
            return outcome
    return None


def officer_loop(args, port, officers, workshops, stats, deadline, phase, registration_ids):
    rng = random.Random()
    clients = {
        pk: Client(port, {"sessionid": cookie.split("=", 1)[1]}, stats, phase)
        for pk, _email, cookie in officers
    }
    active: set[tuple[int, int]] = set()
    while time.monotonic() < deadline:
        pk = rng.choice(list(clients))
        client = clients[pk]
        workshop = rng.choice(workshops)["id"]
        roll = rng.random()
        if roll < 0.45:
            path = rng.choice(["/workshops/", f"/workshops/{workshop}/", "/my-training/"])
            status, _b, _h = client.request("browse", "GET", path)
            client.expect(status, (200,), f"GET {path}")
        elif (pk, workshop) not in active:
            page = client.post_and_follow("register", f"/workshops/{workshop}/register/", {})
            outcome = page and outcome_of(page)
            if page is not None and outcome not in ("confirmed", "waitlisted"):
                stats.error(f"{phase()}: register {pk}/{workshop}: no confirmation on the page")
            if outcome in ("confirmed", "waitlisted"):
                active.add((pk, workshop))
                with stats.lock:
                    stats.outcomes[outcome] += 1
                    stats.expected[(pk, workshop)] = "active"
        else:
            reg_id = registration_ids(pk, workshop)
            page = client.post_and_follow("cancel", f"/my-training/{reg_id}/cancel/", {})
            outcome = page and outcome_of(page)
            if page is not None and outcome != "cancelled":
                stats.error(f"{phase()}: cancel {pk}/{workshop}: no confirmation on the page")
            if outcome == "cancelled":
                active.discard((pk, workshop))
                with stats.lock:
                    stats.outcomes["cancelled"] += 1
                    stats.expected[(pk, workshop)] = "cancelled"
        time.sleep(rng.uniform(0, args.think))


def coordinator_loop(args, port, cookie, workshops, stats, deadline, phase):
    rng = random.Random()
    client = Client(port, {"sessionid": cookie.split("=", 1)[1]}, stats, phase)
    next_async = time.monotonic() + args.async_export_every
    while time.monotonic() < deadline:
        workshop = rng.choice(workshops)["id"]
        path = rng.choice(
            [
                f"/reports/exports/workshop/{workshop}/registrations.csv",
                f"/reports/exports/workshop/{workshop}/attendance.csv",
                f"/manage/workshops/{workshop}/registrations/",
            ]
        )
        action = "export" if path.endswith(".csv") else "browse"
        status, _b, _h = client.request(action, "GET", path)
        client.expect(status, (200,), f"GET {path}")
        if time.monotonic() >= next_async:
            # Program-wide: above REPORTS_ASYNC_EXPORT_ROWS it is queued, built by the worker
            # into the default storage and e-mailed as a link.
            next_async = time.monotonic() + args.async_export_every
            form = {"kind": "registrations", "format": "csv"}
            status, _b, headers = client.request("export (program)", "POST", "/reports/exports/",
                                                 form)  # fmt: skip
            if client.expect(status, (200, 302), "POST /reports/exports/") and status == 302:
                status, page, _h = client.request("export (program)", "GET", "/reports/exports/")
                if client.expect(status, (200,), "GET /reports/exports/") and (
                    b"it is being prepared" in page
                ):
                    with stats.lock:
                        stats.outcomes["export queued"] += 1
            elif status == 200 and not headers.get("Content-Type", "").startswith("text/csv"):
                stats.error(f"{phase()}: POST /reports/exports/: form refused")
        time.sleep(rng.uniform(0, args.think * 2))


def signin_loop(args, port, emails, stats, deadline, phase):
    """Real password sign-ins (allauth counts failed ones in the cache, i.e. in Redis)."""
    rng = random.Random()
    while time.monotonic() < deadline:
        client = Client(port, {}, stats, phase)
        page = client.post_and_follow(
            "sign-in", "/accounts/login/", {"login": rng.choice(emails), "password": PASSWORD}
        )
        if page is not None and "sessionid" not in client.cookies:
            stats.error(f"{phase()}: sign-in: no session")
        client.conn.close()
        time.sleep(args.signin_every)


# --- checks --------------------------------------------------------------------------------------


def database_counts(officer_ids: set[int]) -> dict:
    from django.db.models import F

    from attendees.models import Registration, RegistrationEvent
    from workshops.models import Workshop

    events = RegistrationEvent.objects.filter(registration__officer_id__in=officer_ids)
    by_actor = Counter(events.filter(actor_id__in=officer_ids).values_list("to_state", flat=True))
    states = {
        (r.officer_id, r.workshop_id): r.state
        for r in Registration.objects.filter(officer_id__in=officer_ids)
    }
    over = [
        w.pk
        for w in Workshop.objects.all()
        if Registration.objects.filter(workshop=w, state="confirmed").count() > w.capacity
    ]
    late = events.filter(notified_at__gt=F("created_at") + dt.timedelta(seconds=LATE_SECONDS))
    return {
        "events": events.count(),
        "late": late.count(),
        "by_officer": by_actor,
        "promoted": events.filter(actor=None, to_state="confirmed").count(),
        "unsent": events.filter(notified_at=None).count(),
        "states": states,
        "over_capacity": over,
        "events_per_email": Counter(events.values_list("registration__officer__email", flat=True)),
    }


def missing_detail(rcpt: str, started_wall: float) -> list[str]:
    """The recipient's events, with creation and claim times in seconds from the start."""
    from attendees.models import RegistrationEvent

    def t(when) -> str:
        return f"{when.timestamp() - started_wall:.1f}s" if when else "-"

    rows = RegistrationEvent.objects.filter(registration__officer__email=rcpt).order_by("pk")
    return [
        f"#{e.pk} {e.from_state or '-'}→{e.to_state} created {t(e.created_at)} "
        f"claimed {t(e.notified_at)}"
        for e in rows
    ]


def invites_covered() -> bool:
    """Whether the outbox sweep re-sends calendar invites (the invites work may add it)."""
    from outbox.services import SOURCES

    return any("invite" in str(kind).lower() for kind in SOURCES)


def invite_figures(officer_ids: set[int], sink_messages) -> dict:
    """Calendars in line with the database: every session of a confirmed registration ends as a
    REQUEST the sink received, every other registration's sessions not as a REQUEST."""
    from attendees.models import Registration
    from invites.models import InviteDelivery
    from workshops.models import WorkshopSession

    received = Counter(
        (rcpt, (m.get("Message-ID") or "").strip("<>")) for rcpt, m in sink_messages if is_invite(m)
    )
    deliveries = {
        (d.user_id, d.session_ref): d
        for d in InviteDelivery.objects.filter(user_id__in=officer_ids).select_related("user")
    }
    sessions = defaultdict(list)
    for s in WorkshopSession.objects.all():
        sessions[s.workshop_id].append(s.pk)
    wrong, missing_in_sink, expected_live = [], 0, 0
    for reg in Registration.objects.filter(officer_id__in=officer_ids).select_related("officer"):
        for session_id in sessions[reg.workshop_id]:
            d = deliveries.get((reg.officer_id, session_id))
            live = d is not None and d.method == "REQUEST"
            if reg.state == "confirmed":
                expected_live += 1
            if live != (reg.state == "confirmed"):
                wrong.append((reg.officer_id, session_id, reg.state, d and d.method))
            elif d is not None and d.message_id:
                key = (reg.officer.email.lower(), d.message_id.strip("<>"))
                if key not in received:
                    missing_in_sink += 1
    return {
        "received": sum(received.values()),
        "duplicates": sum(n - 1 for n in received.values() if n > 1),
        "expected_live": expected_live,
        "wrong": wrong,
        "missing_in_sink": missing_in_sink,
    }


def registration_mail_figures(counts: dict, sink_messages) -> dict:
    received = Counter(
        rcpt for rcpt, m in sink_messages if not is_invite(m) and rcpt.startswith("officer")
    )
    expected = counts["events_per_email"]
    recipients = set(received) | set(expected)
    return {
        "expected": sum(expected.values()),
        "received": sum(received[r] for r in recipients if r in expected),
        "duplicates": sum(max(0, received[r] - expected[r]) for r in recipients),
        "missing": sum(max(0, expected[r] - received[r]) for r in recipients),
        "short": sorted(r for r in recipients if received[r] < expected[r]),
    }


def exports_owed() -> int:
    """Queued exports not yet built or whose link is not yet e-mailed (the sweep owes them)."""
    from reports.models import ExportJob

    return ExportJob.objects.exclude(status="failed").filter(emailed_at=None).count()


def export_figures(port: int, cookie: str, sink_messages) -> dict:
    """Queued exports: built, e-mailed once, and downloadable from the link (through storage)."""
    from reports.models import ExportJob

    jobs = Counter(ExportJob.objects.values_list("status", flat=True))
    links = [m for rcpt, m in sink_messages if rcpt.startswith("coord@") and not is_invite(m)]
    downloaded, failed = 0, []
    for message in links:
        text = next(
            (p.get_payload(decode=True).decode() for p in message.walk()
             if p.get_content_type() == "text/plain"),
            "",
        )  # fmt: skip
        match = re.search(r"/reports/exports/download/[^/\s]+/", text)
        if not match:
            failed.append("no link in the e-mail")
            continue
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", match.group(0), headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        conn.close()
        if response.status == 200 and body.count(b"\n") > 1:
            downloaded += 1
        else:
            failed.append(f"HTTP {response.status}")
    emailed = ExportJob.objects.exclude(emailed_at=None).count()
    return {
        "jobs": sum(jobs.values()),
        "done": jobs.get("done", 0),
        "stuck": sum(n for st, n in jobs.items() if st in ("queued", "running")),
        "failed_jobs": jobs.get("failed", 0),
        "emailed": emailed,
        "mails": len(links),
        "downloaded": downloaded,
        "download_failures": failed,
    }


# --- main ----------------------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=60.0)
    p.add_argument("--clients", type=int, default=4, help="officer client threads")
    p.add_argument("--officers-per-client", type=int, default=8)
    p.add_argument("--small-seats", type=int, default=3, help="seats of the waitlist workshop")
    p.add_argument("--think", type=float, default=0.05, help="max pause between requests, s")
    p.add_argument("--signin-every", type=float, default=2.0, help="seconds between sign-ins")
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    p.add_argument("--port", type=int, default=8250)
    p.add_argument("--smtp-port", type=int, default=8251)
    p.add_argument("--redis-port", type=int, default=6390)
    p.add_argument("--db", default="ts_bench_soak_main")
    p.add_argument("--drain", type=float, default=120.0, help="max seconds to wait for mail")
    p.add_argument("--keep-db", action="store_true")
    p.add_argument(
        "--async-export-every", type=float, default=5.0, help="seconds between queued exports"
    )
    p.add_argument(
        "--smtp-delay", type=float, default=0.0, help="seconds the sink waits at EHLO (slow SMTP)"
    )
    args = p.parse_args()

    redis = Redis(args.redis_port)
    redis.start()
    url = scratch_database(args.db)
    env = production_env(
        url,
        REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0",
        EMAIL_URL=f"smtp://127.0.0.1:{args.smtp_port}",
        EMAIL_TIMEOUT="10",
        OUTBOX_GRACE_MINUTES="0.1",  # 6 s: overdue work is swept soon after it was lost
        OUTBOX_SWEEP_SECONDS="5",
        # Program-wide exports are queued to the worker; one workshop's never are.
        REPORTS_ASYNC_EXPORT_ROWS=str(args.clients * args.officers_per_client + 1),
        REPORTS_EXPORT_STALE_MINUTES="0.5",  # builds take < 1 s here; a killed one is re-run
        SITE_URL=f"http://127.0.0.1:{args.port}",
    )
    sink = Sink(args.smtp_port, args.smtp_delay)
    sink.controller.start()
    logs = Path(tempfile.mkdtemp(prefix="soak-"))
    worker = Celery(
        env,
        [
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "soak@%h",
        ],
        logs / "worker.log",
    )
    beat = Celery(
        env, ["beat", "--loglevel", "WARNING", "-s", str(logs / "beat-schedule")], logs / "beat.log"
    )
    try:
        t = time.perf_counter()
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        django_setup(env)
        data = seed(args)
        print(
            f"migrated and seeded {args.db} in {time.perf_counter() - t:.1f}s; logs in {logs}",
            flush=True,
        )
        return run(args, env, data, redis, worker, beat, sink, logs)
    finally:
        worker.kill()
        beat.kill()
        redis.kill()
        sink.controller.stop()
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            drop_database(args.db)


def run(args, env, data, redis, worker, beat, sink, logs) -> int:
    import psycopg

    officer_ids = {pk for pk, _e, _c in data["officers"]}
    db_url = env["DATABASE_URL"]
    lookup = threading.local()

    def registration_ids(officer_id: int, workshop_id: int) -> int:
        if not hasattr(lookup, "conn"):
            lookup.conn = psycopg.connect(db_url, autocommit=True)
        row = lookup.conn.execute(
            "SELECT id FROM attendees_registration WHERE officer_id = %s AND workshop_id = %s",
            [officer_id, workshop_id],
        ).fetchone()
        return row[0] if row else 0

    stats = Stats()
    state = {"phase": "all up"}
    timeline = []

    def phase() -> str:
        return state["phase"]

    def set_phase(text: str) -> None:
        state["phase"] = text
        timeline.append((round(time.monotonic() - started, 1), text))
        print(f"  t={timeline[-1][0]:>5}s {text}", flush=True)

    worker.start()
    beat.start()
    with gunicorn(env, workers=args.workers, port=args.port, log=logs / "gunicorn.log") as port:
        started = time.monotonic()
        state["started_wall"] = time.time()
        deadline = started + args.seconds
        per = args.officers_per_client
        threads = [
            threading.Thread(
                target=officer_loop,
                args=(
                    args,
                    port,
                    data["officers"][i * per : (i + 1) * per],
                    data["workshops"],
                    stats,
                    deadline,
                    phase,
                    registration_ids,
                ),
            )
            for i in range(args.clients)
        ]
        threads.append(
            threading.Thread(
                target=coordinator_loop,
                args=(args, port, data["coordinator"], data["workshops"], stats, deadline, phase),
            )
        )
        threads.append(
            threading.Thread(
                target=signin_loop, args=(args, port, data["signers"], stats, deadline, phase)
            )
        )
        set_phase("all up")
        for th in threads:
            th.start()
        plan = [
            (0.30, "worker killed (SIGKILL)", worker.kill),
            (0.45, "worker restarted", worker.start),
            (0.50, "Redis killed (SIGKILL)", redis.kill),
            (0.65, "Redis restarted (empty)", redis.start),
        ]
        for at, text, action in plan:
            time.sleep(max(0.0, started + at * args.seconds - time.monotonic()))
            action()
            set_phase(text)
        for th in threads:
            th.join()
        elapsed = time.monotonic() - started
        set_phase("traffic stopped")

        # Drain: wait until every registration e-mail is claimed and the sink has been quiet.
        drain_started = time.monotonic()
        last, quiet_since = -1, time.monotonic()
        from django.db import connections

        covered = invites_covered()
        while time.monotonic() - drain_started < args.drain:
            unsent = database_counts(officer_ids)["unsent"]
            snapshot = sink.snapshot()
            if covered:  # the sweep owes the invites too: wait for calendars to be in line
                unsent += len(invite_figures(officer_ids, snapshot)["wrong"])
            unsent += exports_owed()
            connections.close_all()
            if len(snapshot) != last:
                last, quiet_since = len(snapshot), time.monotonic()
            if unsent == 0 and time.monotonic() - quiet_since > 8:
                break
            time.sleep(1)
        drained = time.monotonic() - drain_started

        counts = database_counts(officer_ids)
        messages = sink.snapshot()
        mails = registration_mail_figures(counts, messages)
        invites = invite_figures(officer_ids, messages)
        coordinator_cookie = f"sessionid={data['coordinator'].split('=', 1)[1]}"
        exports = export_figures(port, coordinator_cookie, messages)
        connections.close_all()
    server_log = (logs / "gunicorn.log").read_text(errors="replace")
    worker_alive = worker.proc.poll() is None
    beat_alive = beat.proc.poll() is None

    # Responses vs database.
    db_by = counts["by_officer"]
    mismatched_states = []
    for key, expect in stats.expected.items():
        state_now = counts["states"].get(key)
        active = state_now in ("confirmed", "waitlisted")
        if (expect == "active") != active:
            mismatched_states.append((key, expect, state_now))
    unexplained = [
        key
        for key, st in counts["states"].items()
        if key not in stats.expected and st != "cancelled"
    ]

    errors = stats.errors
    statuses = dict(sorted(stats.statuses.items()))
    checks = [
        ("errors (5xx, connection, unexpected status)", len(errors), 0),
        ("'Internal Server Error' in the server log", server_log.count("Internal Server Error"), 0),
        (
            "confirmed responses vs officer 'confirmed' events",
            stats.outcomes["confirmed"],
            db_by.get("confirmed", 0),
        ),
        (
            "waitlisted responses vs officer 'waitlisted' events",
            stats.outcomes["waitlisted"],
            db_by.get("waitlisted", 0),
        ),
        (
            "cancelled responses vs officer 'cancelled' events",
            stats.outcomes["cancelled"],
            db_by.get("cancelled", 0),
        ),
        ("registrations whose final state contradicts the responses", len(mismatched_states), 0),
        ("registrations no response accounts for", len(unexplained), 0),
        ("workshops over capacity", len(counts["over_capacity"]), 0),
        (
            "registration e-mails delivered vs expected (events)",
            mails["received"],
            mails["expected"],
        ),
        ("registration e-mails sent twice", mails["duplicates"], 0),
        ("registration e-mails missing", mails["missing"], 0),
        ("registration events never claimed", counts["unsent"], 0),
    ]
    invite_checks = [
        ("invites: calendars out of line with registrations", len(invites["wrong"]), 0),
        ("invites: last invite missing at the sink", invites["missing_in_sink"], 0),
        ("invites: same Message-ID received twice", invites["duplicates"], 0),
    ]
    export_checks = [
        ("queued exports: jobs never built (queue lost)", exports["stuck"], 0),
        ("queued exports: jobs failed", exports["failed_jobs"], 0),
        ("queued exports: link e-mails received vs built", exports["mails"], exports["done"]),
        ("queued exports: links that download the file", exports["downloaded"], exports["mails"]),
    ]
    rows = [[name, got, want, "ok" if got == want else "FAIL"] for name, got, want in checks]
    for name, got, want in export_checks:
        # A build lost with Redis's queue is not swept (not an outbox kind): reported only.
        verdict = "ok" if got == want else ("not covered" if "never built" in name else "FAIL")
        rows.append([name, got, want, verdict])
        if "never built" not in name:
            checks.append((name, got, want))
    for name, got, want in invite_checks:
        verdict = "ok" if got == want else ("FAIL" if covered else "not covered")
        rows.append([name, got, want, verdict])
    if covered:
        checks += invite_checks

    print()
    print_table(
        f"soak: {elapsed:.0f}s of traffic, {args.clients} officer clients + coordinator + sign-in, "
        f"gunicorn {args.workers} workers ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, "
        f"load {os.getloadavg()[0]:.1f})",
        ["action", "requests", "req/s"],
        [[a, n, f"{n / elapsed:.1f}"] for a, n in sorted(stats.requests.items())]
        + [
            ["total", sum(stats.requests.values()), f"{sum(stats.requests.values()) / elapsed:.1f}"]
        ],
    )
    print(f"\nHTTP statuses {statuses}")
    print(f"timeline {timeline}")
    print(
        f"responses: {dict(stats.outcomes)}; promotions from the waitlist {counts['promoted']}; "
        f"registration events {counts['events']}, of which e-mailed more than {LATE_SECONDS}s "
        f"late (after the worker came back, or swept) {counts['late']}"
    )
    print(
        f"invites received {invites['received']} (sessions confirmed now "
        f"{invites['expected_live']}); outbox sweeps invites: {'yes' if covered else 'no'}"
    )
    print(
        f"queued exports: {exports['jobs']} jobs ({stats.outcomes['export queued']} queued "
        f"responses), {exports['done']} built, {exports['mails']} link e-mails, "
        f"{exports['downloaded']} downloaded through the link"
    )
    for failure in exports["download_failures"][:5]:
        print(f"  export download failed: {failure}")
    print(f"drained in {drained:.1f}s; worker alive {worker_alive}, beat alive {beat_alive}")
    worker_log = (logs / "worker.log").read_text(errors="replace")
    print(
        f"worker log {logs / 'worker.log'}: {worker_log.count('raised unexpected')} task failures"
    )
    refused = server_log.count("Could not run")
    degraded = server_log.count("Cache unavailable")
    print(
        f"server log {logs / 'gunicorn.log'}: {refused} enqueues refused while Redis was down "
        f"(left to the sweep), {degraded} cache calls degraded to a miss"
    )
    print_table("invariants", ["check", "got", "expected", "verdict"], rows)
    for err in errors[:15]:
        print(f"  error: {err}")
    if len(errors) > 15:
        print(f"  … {len(errors) - 15} more errors")
    for rcpt in mails["short"][:10]:
        print(
            f"  registration e-mail missing for {rcpt}: claimed (notified_at set), never received"
        )
        for event in missing_detail(rcpt, state["started_wall"]):
            print(f"    event {event}")
    for item in mismatched_states[:10]:
        print(f"  state mismatch (officer, workshop), response, database: {item}")
    for item in invites["wrong"][:10]:
        print(f"  invite mismatch (officer, session, state, last method): {item}")
    failed = [name for name, got, want in checks if got != want]
    if not worker_alive or not beat_alive:
        failed.append("a Celery process died")
    print(f"\n{'FAILED: ' + '; '.join(failed) if failed else 'all invariants hold'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
